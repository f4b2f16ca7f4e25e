"""Reads of the DHIS2 link: the mapping as plain tables, the connection, the figures of a
period (from monitoring), recent pushes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from egide.core.models import Prefecture, Region
from egide.dhis2.models import Connection, ElementMapping, OrgUnitMapping, PeriodMapping, Push
from egide.dhis2.rules import MappingTables, PeriodType, Target


class FiguresUnavailable(Exception):
    """The indicator computation (egide.monitoring) cannot give figures."""


def connection() -> Connection | None:
    """The configured DHIS2 server, if any."""
    return Connection.objects.order_by("pk").first()


def mapping_tables() -> MappingTables:
    """The administrator's mapping, read in three queries."""
    elements = {
        (m.indicator, m.disaggregation): Target(m.data_element, m.category_option_combo)
        for m in ElementMapping.objects.all()
    }
    org_units = dict(OrgUnitMapping.objects.values_list("area", "org_unit"))
    formats = {
        PeriodType(kind): fmt
        for kind, fmt in PeriodMapping.objects.values_list("period_type", "dhis2_format")
    }
    return MappingTables(elements=elements, org_units=org_units, period_formats=formats)


def period_figures(*, period: str) -> list[Any]:
    """The national figures of *period* as an analyst sees them (small counts suppressed):
    regional totals come as the ``region`` breakdown of the same table, so that no hidden cell
    can be recomputed across two tables."""
    try:
        from egide.monitoring.selectors import figures
    except ImportError as exc:  # pragma: no cover - monitoring ships with Égide
        raise FiguresUnavailable(str(exc)) from exc
    try:
        return list(figures(period=period, region=None, suppressed=True))
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("egide.monitoring"):
            raise FiguresUnavailable(str(exc)) from exc
        raise


def area_choices() -> list[tuple[str, str]]:
    """Every area an org unit can be mapped to, in words: the country, the regions, the
    prefectures (two queries)."""
    choices = [("", _("Guinea (whole country)"))]
    choices += [
        (code, _("Region: %(name)s") % {"name": name})
        for code, name in Region.objects.order_by("name").values_list("code", "name")
    ]
    choices += [
        (code, _("Prefecture: %(name)s") % {"name": name})
        for code, name in Prefecture.objects.order_by("name").values_list("code", "name")
    ]
    return choices


def area_labels() -> dict[str, str]:
    """Area code → words, for pages that name many areas (two queries in all)."""
    return dict(area_choices())


def pushes_recent(limit: int = 20) -> QuerySet[Push]:
    """The latest pushes, newest first."""
    return Push.objects.select_related("started_by")[:limit]


def last_sent(period: str) -> Push | None:
    """The last push of *period* that DHIS2 took whole."""
    return Push.objects.filter(period=period, status=Push.Status.SENT).first()
