"""What other apps read from monitoring: the programme's figures for a period and a region.

CONTRACT (the DHIS2 export builds on it; keep the signature stable):

    figures(*, period, region=None, suppressed=True) -> list[Figure]

One Figure per indicator total and per disaggregation cell, for the national scope
(``region=None``) or one region (its ISO 3166-2 code, e.g. ``"GN-L"``). Disaggregations are
``(dimension, category)`` pairs with the codes of the framework file (``sex``: female, male,
other, unknown; ``age_band``: u18, 18_24, 25_59, 60p, unknown; ``actor_type``, ``audience``,
``reason``, ``outcome``...); ``()`` is the indicator's total. The national scope adds one figure
per region under ``(("region", code),)``. With ``suppressed=True`` (everyone who cannot read
cases) counts 1 to 4 are ``None`` / ``"<5"`` and complementary cells ``None`` / ``"x"``, through
``egide.core.suppression``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    indicator: str  # indicator code from the framework file
    period: str  # DHIS2 period syntax, as given
    region: str | None  # region code (reference list) or None = national
    disaggregation: tuple[tuple[str, str], ...]  # e.g. (("sex", "female"),); () = total
    value: int | float | None  # None when suppression hides it
    shown: str  # as displayed: "12", "<5", or the hidden marker


def figures(*, period: str, region: str | None = None, suppressed: bool = True) -> list[Figure]:
    """Every indicator's figures for *period* (``2024``, ``2024Q3``, ``202403``) and *region*.

    Raises ``egide.monitoring.periods.PeriodError`` for a bad period (its subclass
    ``YearsOnlyError`` for a quarter or a month with ``suppressed=True``: suppressed figures are
    given for whole years only, else a quarter set against its year gives a small count back) and
    ``egide.monitoring.computation.UnknownRegion`` for an unknown region code."""
    from egide.monitoring.computation import dashboard

    return dashboard(period=period, region=region, suppressed=suppressed).figures()
