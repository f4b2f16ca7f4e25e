"""The need types of the national referral mechanism: a case's needs and a provider's services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NEED_TYPES = [
    ("immediate_safety", _("Immediate safety")),
    ("shelter", _("Shelter")),
    ("medical", _("Medical care")),
    ("psychosocial", _("Psychosocial support")),
    ("legal_aid", _("Legal aid")),
    ("documents", _("Identity and travel documents")),
    ("family_tracing", _("Family tracing and reunification")),
    ("return", _("Return or relocation")),
    ("reintegration", _("Reintegration and livelihood")),
    ("education", _("Education")),
    ("investigation", _("Investigation (law enforcement)")),
]
NEED_CODES = [code for code, _label in NEED_TYPES]
