"""A saved screening in a few words, for the alert raised from it (age, sex, reasons; no name)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egide.screening.contract import parse_input
from egide.screening.models import Assessment
from egide.screening.rules import evaluate


def assessment_summary(assessment: Assessment) -> dict[str, Any]:
    """Age and sex in words and the result's reasons, in the reader's language (no name)."""
    from egide.screening.forms import SEXES

    person = assessment.input_document.get("person", {})
    parts = []
    if person.get("age") is not None:
        parts.append(str(_("%(age)s years")) % {"age": person["age"]})
    elif person.get("may_be_child"):
        parts.append(str(_("may be under 18")))
    parts.append(str(dict(SEXES).get(person.get("sex", "unknown"), "")).lower())
    result = evaluate(
        parse_input(assessment.input_document),
        "fr" if (get_language() or "fr").startswith("fr") else "en",
    )
    reasons = [
        str(r)
        for part in ("safety", "trafficking", "smuggling", "gbv")
        for r in result.get(part, {}).get("reasons", [])
    ]
    return {"person": ", ".join(p for p in parts if p), "reasons": reasons}
