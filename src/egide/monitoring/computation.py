"""The dashboard's figures: every indicator of the framework for a period and a scope (the
country or one region), with its target, trend and disaggregations, suppressed for those who
cannot read cases through ``egide.core.suppression`` (the one rule).

How suppression is applied to one indicator in one period: its total, the categories of each
disaggregation, the sex × age-band cells and (nationally) the regions form one table whose
lines are "categories add up to the total" — passed together to ``suppression.suppress`` so
no total gives a hidden cell back. A breakdown where a person may fall in several categories
(II.6 by purpose of exploitation) is suppressed in the same table, but is a line only when its
categories happen to add up to the total. A region's page hides its figures wholesale when the
national table hides that region's cell (otherwise the region page would give back what the
national page hides). Percentages are shown only when their numerator and denominator are;
a median only when it rests on 5 cases or more.

The counts come from the summary of ``egide.monitoring.facts`` (whole periods, once built; its
months changed since the last refresh are recomputed before reading) or from the records (one
grouped query per indicator); both give the same numbers. Raw counts are then cached for
``MONITORING_CACHE_SECONDS`` (30 s by default): a figure entered a minute ago always shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egide.core import suppression
from egide.core.suppression import State
from egide.monitoring import framework, periods
from egide.monitoring.framework import Indicator
from egide.monitoring.labels import (
    category_label,
    category_order,
    dimension_label,
    regions_once,
)
from egide.monitoring.queries import (
    QUERIES,
    Cube,
    Median,
    Span,
    days_to_service,
    region_ids_once,
    using_source,
)
from egide.monitoring.selectors import Figure

TREND_LENGTH = 4
HIDDEN_TEXT = "x"
NO_DATA = "—"
UNKNOWN_REGION = _(
    "Unknown region {code}: use an ISO 3166-2 code of the reference list, e.g. GN-L."
)
BAD_FILTER = _("Unknown {dimension}: {value}.")
YEARS_ONLY = _(
    "Only whole years (e.g. 2024) are given to roles that do not read cases: a quarter or a "
    "month, set against its year, would let small hidden counts be worked out."
)


class UnknownRegion(ValueError):
    """A region code that is not in the reference list."""


@dataclass(frozen=True)
class Value:
    """A figure as it may be shown: ``value`` is None when hidden or not applicable."""

    value: int | float | None
    text: str
    state: State = State.SHOWN


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int | float | None
    text: str


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class TargetValue:
    value: float
    source: str
    label: str


@dataclass
class Result:
    """One indicator on the dashboard."""

    indicator: Indicator
    value: Value
    applicable: bool
    target: TargetValue | None
    percent_of_target: float | None
    trend: list[Row]
    breakdowns: list[Breakdown]
    cross: list[tuple[str, str, Value]] = field(default_factory=list)
    breakdowns_withheld: bool = False  # region page, suppressed reader: see REGION_WITHHELD

    @property
    def name(self) -> str:
        return self.indicator.name.get(get_language())

    @property
    def definition(self) -> str:
        return self.indicator.definition.get(get_language())

    @property
    def counting_rule(self) -> str:
        return self.indicator.counting_rule.get(get_language())


@dataclass
class Dashboard:
    period: periods.Period
    period_text: str
    region: Any | None  # core.Region
    suppressed: bool
    sex: str
    age_band: str
    results: list[Result]

    def result(self, code: str) -> Result:
        return next(r for r in self.results if r.indicator.code == code)

    def of_objective(self, code: str) -> list[Result]:
        return [r for r in self.results if r.indicator.objective == code]

    def figures(self) -> list[Figure]:
        """The contract of ``selectors.figures``: totals, then each disaggregation's cells."""
        region = self.region.code if self.region is not None else None
        out: list[Figure] = []
        for r in self.results:
            if not r.applicable:
                continue

            def add(
                dis: tuple[tuple[str, str], ...], v: Value | Row, code: str = r.indicator.code
            ) -> None:
                text = v.text
                out.append(Figure(code, self.period_text, region, dis, v.value, text))

            add((), r.value)
            for b in r.breakdowns:
                for row in b.rows:
                    add(((b.dimension, row.key),), row)
            for sex, age, v in r.cross:
                add((("sex", sex), ("age_band", age)), v)
        return out


# --- raw counts, cached briefly ----------------------------------------------------------------


def _cache_seconds() -> int:
    return int(getattr(settings, "MONITORING_CACHE_SECONDS", 30))


_PREFETCHED: ContextVar[dict[str, Any] | None] = ContextVar("prefetched", default=None)


def _spans_key(spans: Sequence[Span]) -> str:
    return ",".join(f"{s.id}={s.start}:{s.end}" for s in spans)


def _raw_key(computation: str, spans: Sequence[Span]) -> str:
    return f"monitoring:raw2:{computation}:{_spans_key(spans)}"


def _median_key(spans: Sequence[Span]) -> str:
    return f"monitoring:median:{_spans_key(spans)}"


def _cached(key: str, compute: Any) -> Any:
    prefetched = _PREFETCHED.get()
    if prefetched is not None and key in prefetched:
        return prefetched[key]
    seconds = _cache_seconds()
    if seconds:
        hit = cache.get(key)
        if hit is not None:
            return hit
    value = compute()
    if seconds:
        cache.set(key, value, seconds)
    return value


Raw = tuple[dict[str, Cube], dict[str, Cube] | None, dict[str, dict[str, Cube]]]


def _raw(computation: str, spans: Sequence[Span]) -> Raw:
    """By region, national (or None) and each overlapping breakdown's cubes, per span."""
    query = QUERIES[computation]

    def compute() -> Raw:
        return (
            query.by_region(spans),
            query.national(spans) if query.national else None,
            {dim: fn(spans) for dim, fn in query.overlapping.items()},
        )

    return _cached(_raw_key(computation, spans), compute)  # type: ignore[no-any-return]


def _raw_median(spans: Sequence[Span]) -> dict[str, dict[str, Median]]:
    return _cached(_median_key(spans), lambda: days_to_service(spans))  # type: ignore[no-any-return]


def _in_thread(fn: Any) -> Any:
    """Run *fn* on this worker thread's own database connection, then close it."""
    from django.db import connection

    try:
        return fn()
    finally:
        connection.close()


@contextmanager
def _prefetch(indicators: Sequence[Indicator], spans: Sequence[Span]) -> Iterator[None]:
    """On PostgreSQL, outside a transaction, run the indicators' queries at the same time on
    ``MONITORING_QUERY_THREADS`` connections (3 by default); the pages then read them here.
    Inside a transaction (tests) other connections would not see its rows: run one by one."""
    from django.db import connection

    threads = int(getattr(settings, "MONITORING_QUERY_THREADS", 3))
    if connection.vendor != "postgresql" or connection.in_atomic_block or threads < 2:
        yield
        return
    seconds = _cache_seconds()
    tasks: dict[str, Any] = {}
    for ind in indicators:
        if ind.unit == "days":
            key = _median_key(spans)
            if not (seconds and cache.get(key) is not None):
                tasks[key] = lambda: days_to_service(spans)
            continue
        key = _raw_key(ind.computation, spans)
        if key in tasks or (seconds and cache.get(key) is not None):
            continue
        query = QUERIES[ind.computation]
        tasks[key + "|r"] = lambda q=query: q.by_region(spans)
        if query.national is not None:
            tasks[key + "|n"] = lambda q=query: q.national(spans)
        for dim, fn in query.overlapping.items():
            tasks[f"{key}|o|{dim}"] = lambda f=fn: f(spans)
    if not tasks:
        yield
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {k: pool.submit(copy_context().run, _in_thread, fn) for k, fn in tasks.items()}
        done = {k: f.result() for k, f in futures.items()}
    prefetched: dict[str, Any] = {}
    for k, v in done.items():
        if k.endswith("|r"):
            base = k[:-2]
            over = {o.split("|o|", 1)[1]: c for o, c in done.items() if o.startswith(base + "|o|")}
            prefetched[base] = (v, done.get(base + "|n"), over)
        elif not k.endswith("|n") and "|o|" not in k:
            prefetched[k] = v
    if seconds:
        cache.set_many(prefetched, seconds)
    token = _PREFETCHED.set(prefetched)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


# --- one indicator, one period, one scope ------------------------------------------------------


@dataclass
class Table:
    """An indicator's counts in one period and scope, suppressed together."""

    total: Value
    margins: dict[str, dict[str, Value]]
    cross: dict[tuple[str, str], Value]
    regions: dict[str, Value]
    withheld: bool = False  # breakdowns not given (a region page for a suppressed reader)


def _value(n: int, state: State) -> Value:
    cell = suppression.Cell(n, state)
    return Value(cell.public_value, cell.text(HIDDEN_TEXT), state)


def _categories(dim: str, present: Any) -> list[str]:
    known = category_order(dim)
    return known + sorted(k for k in present if k not in known)


def count_table(
    dims: Sequence[str],
    cube: Cube,
    *,
    total: int | None = None,
    regions: dict[str, int] | None = None,
    overlapping: dict[str, Cube] | None = None,
    suppressed: bool,
    hide_all: State | None = None,
) -> Table:
    """Suppress an indicator's cube (keyed by its *dims*' categories) with its margins, the
    sex × age cells and the regions. *total* is given when the cube's sum is not the total
    (people counted once across regions); *overlapping* adds breakdowns keyed ``(category,)``
    whose categories may overlap (a line only if they add up to the total); *hide_all* forces
    the state of the whole table."""
    grand = sum(cube.values()) if total is None else total
    values: list[int] = [grand]
    lines: list[list[int]] = []
    margin_idx: dict[str, dict[str, int]] = {}
    for pos, dim in enumerate(dims):
        sums: Counter[str] = Counter()
        for key, n in cube.items():
            sums[key[pos]] += n
        cats = _categories(dim, sums)
        margin_idx[dim] = {}
        for cat in cats:
            margin_idx[dim][cat] = len(values)
            values.append(sums[cat])
        if sum(sums.values()) == grand:
            lines.append([*margin_idx[dim].values(), 0])
    for dim, counts in (overlapping or {}).items():
        sums = Counter({key[0]: n for key, n in counts.items()})
        margin_idx[dim] = {}
        for cat in _categories(dim, sums):
            margin_idx[dim][cat] = len(values)
            values.append(sums[cat])
        # People with several purposes make these categories add up to more than the total:
        # that is no equation, and claiming one would hide cells for nothing (or wrongly).
        if sum(sums.values()) == grand:
            lines.append([*margin_idx[dim].values(), 0])
    cross_idx: dict[tuple[str, str], int] = {}
    if "sex" in dims and "age_band" in dims:
        si, ai = dims.index("sex"), dims.index("age_band")
        pairs: Counter[tuple[str, str]] = Counter()
        for key, n in cube.items():
            pairs[(key[si], key[ai])] += n
        for s in margin_idx["sex"]:
            for a in margin_idx["age_band"]:
                cross_idx[(s, a)] = len(values)
                values.append(pairs[(s, a)])
        for s, s_idx in margin_idx["sex"].items():
            lines.append([*(cross_idx[(s, a)] for a in margin_idx["age_band"]), s_idx])
        for a, a_idx in margin_idx["age_band"].items():
            lines.append([*(cross_idx[(s, a)] for s in margin_idx["sex"]), a_idx])
    region_idx: dict[str, int] = {}
    if regions is not None:
        for code in _categories("region", regions):
            region_idx[code] = len(values)
            values.append(regions.get(code, 0))
        if sum(regions.values()) == grand:
            lines.append([*region_idx.values(), 0])
    if not suppressed:
        states = [State.SHOWN] * len(values)
    else:
        states = suppression.suppress(values, lines)
        if hide_all is not None:
            states[0] = hide_all
        if states[0] is not State.SHOWN:
            # A hidden total makes the whole table one "<5": within a total of at most 4,
            # "<5" and zero cells say little but their pattern; the breakdown is not shown.
            masked: list[State] = [State.HIDDEN] * (len(states) - 1)
            states = [states[0], *masked]

    def v(i: int) -> Value:
        return _value(values[i], states[i])

    return Table(
        total=v(0),
        margins={d: {c: v(i) for c, i in idx.items()} for d, idx in margin_idx.items()},
        cross={k: v(i) for k, i in cross_idx.items()},
        regions={c: v(i) for c, i in region_idx.items()},
    )


def _scope_cube(by_region: Cube, region: str | None) -> Cube:
    out: Cube = Counter()
    for key, n in by_region.items():
        if region is None or key[0] == region:
            out[key[1:]] += n
    return out


def _region_sums(by_region: Cube) -> dict[str, int]:
    sums: Counter[str] = Counter()
    for key, n in by_region.items():
        sums[key[0]] += n
    return dict(sums)


def _count_table(
    ind: Indicator,
    dims: Sequence[str],
    by_region: Cube,
    national: Cube | None,
    region: str | None,
    suppressed: bool,
    overlapping: dict[str, Cube] | None = None,
) -> Table:
    over = {d: c for d, c in (overlapping or {}).items() if d in ind.disaggregations}
    if region is None:
        cube = national if national is not None else _scope_cube(by_region, None)
        return count_table(
            dims,
            cube,
            regions=_region_sums(by_region) if "region" in ind.disaggregations else None,
            overlapping={d: _scope_cube(c, None) for d, c in over.items()},
            suppressed=suppressed,
        )
    if suppressed:
        # A region's own breakdowns, suppressed on their own, give back the national small
        # cells by subtraction (national female minus the other regions' female): a suppressed
        # reader sees only the region's cell of the national table, and no breakdown.
        whole = national if national is not None else _scope_cube(by_region, None)
        national_table = count_table(
            dims,
            whole,
            regions=_region_sums(by_region),
            overlapping={d: _scope_cube(c, None) for d, c in over.items()},
            suppressed=True,
        )
        return Table(
            total=national_table.regions.get(region, _value(0, State.SHOWN)),
            margins={},
            cross={},
            regions={},
            withheld=True,
        )
    return count_table(
        dims,
        _scope_cube(by_region, region),
        overlapping={d: _scope_cube(c, region) for d, c in over.items()},
        suppressed=False,
    )


def _percent(cube: Cube, suppressed: bool) -> Value:
    on_time, late = cube.get(("on_time",), 0), cube.get(("late",), 0)
    base = on_time + late
    if base == 0:
        return Value(None, NO_DATA)
    states = (
        suppression.suppress([base, on_time, late], [[1, 2, 0]])
        if suppressed
        else [State.SHOWN] * 3
    )
    if states[0] is not State.SHOWN or states[1] is not State.SHOWN:
        return Value(None, HIDDEN_TEXT, State.HIDDEN)
    pct = round(100 * on_time / base, 1)
    return Value(pct, _number(pct))


def _median(m: Median | None, suppressed: bool) -> Value:
    if m is None or m.n == 0 or m.value is None:
        return Value(None, NO_DATA)
    if suppressed and suppression.is_small(m.n):
        return Value(None, HIDDEN_TEXT, State.HIDDEN)
    days = round(m.value, 1)
    return Value(days, _number(days))


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


# --- the dashboard -----------------------------------------------------------------------------


def resolve_region(code: str | None) -> Any | None:
    """The core.Region of *code* (None for the country); raises UnknownRegion."""
    if not code:
        return None
    from egide.core.models import Region

    region = Region.objects.filter(code=code.strip().upper()).first()
    if region is None:
        raise UnknownRegion(str(UNKNOWN_REGION).format(code=code))
    return region


def spans_of(period: periods.Period) -> list[Span]:
    return [Span(p.id, p.start, p.end) for p in period.trend(TREND_LENGTH)]


def dashboard(
    *,
    period: str,
    region: str | None = None,
    suppressed: bool = True,
    sex: str = "",
    age_band: str = "",
    codes: Sequence[str] | None = None,
) -> Dashboard:
    """Every indicator (or those of *codes*) for *period* and *region*; raises
    periods.PeriodError or UnknownRegion (messages for people)."""
    parsed = periods.parse(period)
    if suppressed and parsed.type is not periods.PeriodType.YEARLY:
        # Each period is suppressed on its own: year minus the other quarters gives a hidden
        # quarter back. Suppressed readers get years only (their trend is years too).
        raise periods.YearsOnlyError(str(YEARS_ONLY))
    region_obj = resolve_region(region)
    for dim, value in (("sex", sex), ("age_band", age_band)):
        if value and value not in category_order(dim):
            raise ValueError(str(BAD_FILTER).format(dimension=dimension_label(dim), value=value))
    spans = spans_of(parsed)
    fw = framework.load()
    indicators = [i for i in fw.indicators if codes is None or i.code in codes]
    scope = region_obj.code if region_obj is not None else None
    from egide.monitoring.targets import set_targets, target_for

    in_admin = set_targets(parsed, region_obj)
    from egide.monitoring.facts import source_for

    source = source_for(spans)  # the summary, its changed months recomputed first
    prefetch = _prefetch(indicators, spans) if source is None else nullcontext()
    with region_ids_once(), regions_once(), using_source(source), prefetch:
        results = [
            _result(
                ind,
                spans,
                parsed,
                scope,
                suppressed,
                sex,
                age_band,
                target_for(ind, parsed, region_obj, in_admin),
            )
            for ind in indicators
        ]
    return Dashboard(
        period=parsed,
        period_text=period.strip(),
        region=region_obj,
        suppressed=suppressed,
        sex=sex,
        age_band=age_band,
        results=results,
    )


def _result(
    ind: Indicator,
    spans: list[Span],
    period: periods.Period | None,
    scope: str | None,
    suppressed: bool,
    sex: str,
    age_band: str,
    target: TargetValue | None,
) -> Result:
    current = spans[-1].id
    filters = {d: v for d, v in (("sex", sex), ("age_band", age_band)) if v}
    applicable = all(d in ind.disaggregations for d in filters)
    breakdowns: list[Breakdown] = []
    cross: list[tuple[str, str, Value]] = []
    withheld = False
    trend: list[Row] = []
    if ind.unit == "days":
        medians = _raw_median(spans)
        key = scope or ""
        value = _median(medians[current].get(key), suppressed)
        trend = [_row(s.id, s.id, _median(medians[s.id].get(key), suppressed)) for s in spans]
        if scope is None:
            rows = [
                _row(
                    code,
                    category_label("region", code),
                    _median(medians[current].get(code), suppressed),
                )
                for code in category_order("region")
            ]
            breakdowns.append(Breakdown("region", str(dimension_label("region")), rows))
    elif ind.unit == "percent":
        by_region, _n, _o = _raw(ind.computation, spans)
        value = _percent(_scope_cube(by_region[current], scope), suppressed)
        trend = [
            _row(s.id, s.id, _percent(_scope_cube(by_region[s.id], scope), suppressed))
            for s in spans
        ]
        if scope is None:
            rows = [
                _row(
                    code,
                    category_label("region", code),
                    _percent(_scope_cube(by_region[current], code), suppressed),
                )
                for code in category_order("region")
            ]
            breakdowns.append(Breakdown("region", str(dimension_label("region")), rows))
    else:
        dims = QUERIES[ind.computation].dims
        if ind.computation == "leaders_reached":
            dims = ("audience",)
        by_region, national, overlapping = _raw(ind.computation, spans)
        tables = {
            s.id: _count_table(
                ind,
                dims,
                by_region[s.id],
                national[s.id] if national else None,
                scope,
                suppressed,
                {d: cubes[s.id] for d, cubes in overlapping.items()},
            )
            for s in spans
        }
        value = _select(tables[current], filters) if applicable else Value(None, NO_DATA)
        trend = [
            _row(s.id, s.id, _select(tables[s.id], filters) if applicable else Value(None, NO_DATA))
            for s in spans
        ]
        table = tables[current]
        for dim in (*dims, *overlapping):
            if dim not in ind.disaggregations:
                continue
            if table.withheld:
                withheld = True
                continue
            rows = [_row(c, category_label(dim, c), v) for c, v in table.margins[dim].items()]
            breakdowns.append(Breakdown(dim, str(dimension_label(dim)), rows))
        if table.regions:
            rows = [_row(c, category_label("region", c), v) for c, v in table.regions.items() if c]
            breakdowns.append(Breakdown("region", str(dimension_label("region")), rows))
        cross = [(s, a, v) for (s, a), v in table.cross.items()]
    percent = None
    if (
        target
        and target.value > 0
        and isinstance(value.value, int | float)
        and applicable
        and not filters
    ):
        percent = round(100 * value.value / target.value, 1)
    return Result(
        indicator=ind,
        value=value,
        applicable=applicable,
        target=target if not filters else None,
        percent_of_target=percent,
        trend=trend,
        breakdowns=breakdowns,
        cross=cross,
        breakdowns_withheld=withheld,
    )


def _select(table: Table, filters: dict[str, str]) -> Value:
    if not filters:
        return table.total
    if table.withheld:
        return Value(None, HIDDEN_TEXT, State.HIDDEN)
    if len(filters) == 2:
        return table.cross.get((filters["sex"], filters["age_band"]), _value(0, State.SHOWN))
    ((dim, cat),) = filters.items()
    return table.margins.get(dim, {}).get(cat, _value(0, State.SHOWN))


def _row(key: str, label: Any, v: Value) -> Row:
    return Row(key, str(label), v.value, v.text)


def span_values(
    *,
    codes: Sequence[str],
    start: Any | None,
    end: Any | None,
    region: str | None,
    suppressed: bool,
) -> dict[str, Value]:
    """Totals of the indicators *codes* between two days (either open), for pages that filter
    by dates rather than by period (the outreach reach page); same queries, same suppression."""
    region_obj = resolve_region(region)
    spans = [Span("range", start, end)]
    fw = framework.load()
    scope = region_obj.code if region_obj is not None else None
    return {
        code: _result(fw.indicator(code), spans, None, scope, suppressed, "", "", None).value
        for code in codes
    }
