"""Labels of the codes the policy module shows (translated; no raw code reaches a page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIMENSION_LABELS = {
    "economic": _("Economic"),
    "food": _("Food"),
    "health": _("Health"),
    "environmental": _("Environmental"),
    "personal": _("Personal"),
    "community": _("Community"),
    "political": _("Political"),
}

TOPIC_LABELS = {
    "definition": _("definition"),
    "scope": _("scope"),
    "criminalisation": _("criminalisation"),
    "assistance": _("assistance"),
    "status": _("status in the receiving State"),
    "repatriation": _("repatriation"),
    "prevention": _("prevention"),
    "cooperation": _("cooperation"),
    "borders": _("borders"),
    "witness_protection": _("witness protection"),
    "non_punishment": _("non-punishment"),
    "child": _("children"),
    "forced_labour": _("forced labour"),
    "action_plan": _("action plan"),
    "identification": _("identification"),
    "rights": _("human rights"),
    "data": _("data"),
    "penalties": _("penalties"),
    "coordination": _("coordination"),
}

KIND_LABELS = {
    "committee": _("national committee"),
    "police": _("police"),
    "ministry": _("ministry"),
    "justice": _("justice"),
    "legislature": _("legislature"),
    "court": _("court"),
    "ngo": _("NGOs"),
}

NEED_AND_PURPOSE_NOTE = _("Counts from 1 to 4 are shown as “<5” so that nobody can be singled out.")
