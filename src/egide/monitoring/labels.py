"""Labels of the disaggregations and their categories (codes never reach a page)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

DIMENSION_LABELS = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "actor_type": _("Actor type"),
    "audience": _("Audience"),
    "need": _("Service type"),
    "purpose": _("Consent purpose"),
    "reason": _("Closure reason"),
    "region": _("Region"),
    "outcome": _("Outcome"),
}

AGE_BAND_LABELS = [
    ("u18", _("Under 18")),
    ("18_24", _("18–24")),
    ("25_59", _("25–59")),
    ("60p", _("60 and over")),
    ("unknown", _("Age unknown")),
]
OUTCOME_LABELS = [
    ("on_time", _("Within the deadline")),
    ("late", _("Late")),
    ("pending", _("Deadline not reached yet")),
]
AUDIENCE_LABELS = [
    ("community_leaders", _("Community leaders")),
    ("religious_leaders", _("Religious leaders")),
]


def _choices(dim: str) -> list[tuple[str, Any]]:
    if dim == "sex":
        from egide.cases.models import SEX_CHOICES

        return list(SEX_CHOICES)
    if dim == "age_band":
        return AGE_BAND_LABELS
    if dim == "actor_type":
        from egide.training.models import ACTOR_TYPES

        return list(ACTOR_TYPES)
    if dim == "audience":
        return AUDIENCE_LABELS
    if dim == "need":
        from egide.directory.needs import NEED_TYPES

        return list(NEED_TYPES)
    if dim == "purpose":
        from egide.cases.models import Consent

        return list(Consent.Purpose.choices)
    if dim == "reason":
        from egide.cases.models import Case

        return list(Case.ClosureReason.choices)
    if dim == "outcome":
        return OUTCOME_LABELS
    if dim == "region":
        from egide.core.models import Region

        return [(code, name) for code, name in Region.objects.order_by("name").values_list("code", "name")]
    return []


def category_order(dim: str) -> list[str]:
    return [code for code, _label in _choices(dim)]


def category_label(dim: str, code: str) -> str:
    if dim == "region" and not code:
        return str(_("No region"))
    return str(dict(_choices(dim)).get(code, code))


def dimension_label(dim: str) -> Any:
    return DIMENSION_LABELS.get(dim, dim)
