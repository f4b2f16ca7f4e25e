"""Labels of the disaggregations and their categories (codes never reach a page)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DIMENSION_LABELS = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "actor_type": _("Actor type"),
    "audience": _("Audience"),
    "need": _("Service type"),
    "purpose": _("Consent purpose"),
    "exploitation_purpose": _("Purpose of exploitation"),
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
    if dim == "exploitation_purpose":
        return _exploitation_purposes()
    if dim == "reason":
        from egide.cases.models import Case

        return list(Case.ClosureReason.choices)
    if dim == "outcome":
        return OUTCOME_LABELS
    if dim == "region":
        return regions()
    return []


def _exploitation_purposes() -> list[tuple[str, Any]]:
    """The purposes of the screening catalogue in its order and wording (French or English),
    then the people for whom no purpose was recorded."""
    from egide.monitoring.queries import NO_PURPOSE
    from egide.screening.catalogue import load_catalogue

    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    purposes = load_catalogue().group("purpose").indicators
    return [(i.code, i.label(lang)) for i in purposes] + [(NO_PURPOSE, _("No purpose recorded"))]


_REGIONS: ContextVar[list[tuple[str, str]] | None] = ContextVar("regions", default=None)


def regions() -> list[tuple[str, str]]:
    """(code, name) of every region, by name; read once per dashboard (``regions_once``)."""
    from egide.core.models import Region

    found = _REGIONS.get()
    if found is None:
        found = list(Region.objects.order_by("name").values_list("code", "name"))
    return found


@contextmanager
def regions_once() -> Iterator[None]:
    token = _REGIONS.set(None)
    _REGIONS.set(regions())
    try:
        yield
    finally:
        _REGIONS.reset(token)


def category_order(dim: str) -> list[str]:
    return [code for code, _label in _choices(dim)]


def category_label(dim: str, code: str) -> str:
    if dim == "region" and not code:
        return str(_("No region"))
    return str(dict(_choices(dim)).get(code, code))


def dimension_label(dim: str) -> Any:
    return DIMENSION_LABELS.get(dim, dim)
