"""The summary the dashboards read: every grouped indicator query (``queries.grouped``) and the
median of II.5, computed in advance for every whole month, quarter and year that has records,
and kept fresh.

Why it is exact. A row of ``Fact`` holds what the live query gives for one period: the refresh
runs *the same queries* (``queries.QUERIES``), with the period as their span, and stores their
grouped rows with ``INSERT … SELECT`` instead of reading them. People counted once (trained
participants, cases served…) are counted with COUNT(DISTINCT) for each month, quarter and year
separately, so a quarter is never a sum of months. The one figure that changes with no change to
a record — an alert or referral pending until its deadline, then late — keeps its deadline in
``pending_until`` and is counted late on reading once the deadline has passed.

Why it is fresh. Saving or deleting a record that an indicator counts marks its month (and the
months of the records whose counts depend on it) in ``DirtyMonth``, in the same transaction
(``egide.monitoring.freshness``). The job ``monitoring.refresh_figures`` recomputes the marked
months (with their quarters and years) every minute; and a dashboard asked for a period with a
marked month recomputes those months first, so a figure entered a moment ago shows at once.
``monitoring.rebuild_figures`` rebuilds everything each night, for changes made around the
signals (bulk SQL, restores).

Until the first build (``FactState.built_at``) and for spans that are not whole periods (the
reach page's month ranges), the dashboards count from the records, as before. The ambassadors'
headcount (III.3) is always counted live: it is not a count of events in a period.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from egide.monitoring import periods
from egide.monitoring.models import DirtyMonth, Fact, FactState
from egide.monitoring.queries import (
    QUERIES,
    Cube,
    Median,
    Part,
    Source,
    Span,
    _region_codes,
    days_to_service,
    using_source,
)

MEDIAN_PART = "days_to_service"
# Indicators not kept in the summary (counted live each time).
LIVE_ONLY = {"ambassadors"}
_TYPES = (periods.PeriodType.MONTHLY, periods.PeriodType.QUARTERLY, periods.PeriodType.YEARLY)


def _span(period: periods.Period) -> Span:
    return Span(period.id, period.start, period.end)


def whole_periods(spans: Sequence[Span]) -> list[periods.Period] | None:
    """The periods *spans* are, if each is exactly one month, quarter or year; else None."""
    out = []
    for s in spans:
        if not periods.is_valid(s.id):
            return None
        p = periods.parse(s.id)
        if (p.start, p.end) != (s.start, s.end):
            return None
        out.append(p)
    return out


def month_of(value: date | datetime | None) -> date | None:
    """First day of the month of *value* (a datetime in the current time zone)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _periods_of(months: Iterable[date]) -> list[periods.Period]:
    """The months, with their quarters and years."""
    out: set[periods.Period] = set()
    for m in months:
        for t in _TYPES:
            out.add(periods.containing(m, t))
    return sorted(out, key=lambda p: (p.start, p.end))


# --- writing ---------------------------------------------------------------------------------


class _Writer(Source):
    """Turns each grouped query into an ``INSERT INTO monitoring_fact … SELECT`` of its rows."""

    def __init__(self) -> None:
        self.done: set[str] = set()
        self.seconds: dict[str, float] = {}
        self.additive: set[str] = set()  # parts whose quarters and years are sums of months
        self.write_additive = True  # False: skip them (quarters and years: summed instead)

    def write(self, part: Part, rows: QuerySet[Any], spans: Sequence[Span]) -> bool:
        if part.name in self.done:
            return True  # a part two indicators share (direct beneficiaries' served cases)
        self.done.add(part.name)
        if part.additive:
            self.additive.add(part.name)
            if not self.write_additive:
                return True
        started = time.perf_counter()
        _insert(part, rows, spans)
        _add_time(self.seconds, part.name, started)
        return True


def _add_time(seconds: dict[str, float], key: str, started: float) -> None:
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started


def _insert(part: Part, rows: QuerySet[Any], spans: Sequence[Span]) -> None:
    sql, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name

    def null(field: str) -> str:  # typed, or UNION ALL makes it text on PostgreSQL
        db_type = Fact._meta.get_field(field).db_type(connection)  # type: ignore[union-attr]
        return f"CAST(NULL AS {db_type})"

    selects: list[str] = []
    select_params: list[Any] = []
    for measure in part.measures:
        cols: list[tuple[str, list[Any]]] = [("%s", [part.name])]
        if len(spans) > 1:
            cols.append((f"q.{qn('_p')}", []))
        else:
            cols.append(("%s", [spans[0].id]))
        cols.append((f"q.{qn('_r')}" if part.by_region else null("region_id"), []))
        cats: list[tuple[str, list[Any]]] = [
            (f"COALESCE(q.{qn('_d_' + d)}, '')", []) for d in part.dims
        ]
        if measure != "_n":
            cats.append(("%s", [measure]))
        if len(cats) > 3:
            raise ValueError(f"{part.name}: more than three categories")
        cats += [("''", [])] * (3 - len(cats))
        cols += cats
        cols.append((f"q.{qn(measure)}", []))
        cols.append((f"q.{qn('_u')}" if part.pending_due else null("pending_until"), []))
        where = f"q.{qn(measure)} > 0"
        if len(spans) > 1:
            where += f" AND q.{qn('_p')} <> ''"
        selects.append(f"SELECT {', '.join(c for c, _p in cols)} FROM q WHERE {where}")  # noqa: S608 - identifiers quoted, values are parameters
        for _c, p in cols:
            select_params += p
    statement = (
        f"WITH q AS ({sql}) INSERT INTO {qn(Fact._meta.db_table)} "  # noqa: S608 - as above
        "(part, period, region_id, c1, c2, c3, n, pending_until) " + " UNION ALL ".join(selects)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *select_params])


def _derive(targets: Sequence[periods.Period], writer: _Writer) -> None:
    """The additive parts of quarters and years, summed from their months' rows (a record
    falls in exactly one month; people counted once are not additive and are counted)."""
    if not writer.additive or not targets:
        return
    started = time.perf_counter()
    table = connection.ops.quote_name(Fact._meta.db_table)
    parts = sorted(writer.additive)
    with connection.cursor() as cursor:
        for target in targets:
            months = [p.id for p in _months_in(target)]
            cursor.execute(
                f"INSERT INTO {table} (part, period, region_id, c1, c2, c3, n, value, "  # noqa: S608 - table name quoted, values are parameters
                "pending_until) SELECT part, %s, region_id, c1, c2, c3, SUM(n), NULL, "
                f"pending_until FROM {table} WHERE period IN ({', '.join(['%s'] * len(months))}) "
                f"AND part IN ({', '.join(['%s'] * len(parts))}) "
                "GROUP BY part, region_id, c1, c2, c3, pending_until",
                [target.id, *months, *parts],
            )
    _add_time(writer.seconds, "(quarters and years summed)", started)


def _months_in(period: periods.Period) -> list[periods.Period]:
    if period.type is periods.PeriodType.MONTHLY:
        return [period]
    return [m for child in period.children() for m in _months_in(child)]


def _compute(spans: Sequence[Span], writer: _Writer) -> None:
    """Every summarised indicator's queries over *spans* (periods of one type), written."""
    writer.done = set()  # a part is written once per set of spans
    with using_source(writer):
        for computation, query in QUERIES.items():
            if computation in LIVE_ONLY:
                continue
            query.by_region(spans)
            if query.national is not None:
                query.national(spans)
            for fn in query.overlapping.values():
                fn(spans)
    started = time.perf_counter()
    medians = days_to_service(spans)  # a handful of rows per period: written as they come
    Fact.objects.bulk_create(
        Fact(part=MEDIAN_PART, period=span_id, c1=code, n=m.n, value=m.value)
        for span_id, by_region in medians.items()
        for code, m in by_region.items()
    )
    _add_time(writer.seconds, MEDIAN_PART, started)


def _data_months() -> list[date]:
    """Every month from the earliest to the latest dated record an indicator counts (within
    the years a period may name)."""
    from egide.cases.models import Alert, Case, Consent
    from egide.outreach.models import Dialogue
    from egide.policy.models import Workshop
    from egide.referrals.models import Referral
    from egide.training.models import Attendance

    low: date | None = None
    high: date | None = None
    for model, fields in (
        (Attendance, ("day",)),
        (Referral, ("created_at", "delivered_at")),
        (Alert, ("created_at",)),
        (Case, ("opened_at", "closed_at")),
        (Consent, ("withdrawn_at",)),
        (Dialogue, ("held_on",)),
        (Workshop, ("held_on",)),
    ):
        agg = model.objects.aggregate(
            **{f"lo_{f}": Min(f) for f in fields}, **{f"hi_{f}": Max(f) for f in fields}
        )
        for key, value in agg.items():
            m = month_of(value)
            if m is None:
                continue
            if key.startswith("lo_"):
                low = m if low is None or m < low else low
            else:
                high = m if high is None or m > high else high
    if low is None or high is None:
        return []
    low = max(low, date(periods.MIN_YEAR, 1, 1))
    high = min(high, date(periods.MAX_YEAR, 12, 1))
    months = []
    m = low
    while m <= high:
        months.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return months


@dataclass
class Refreshed:
    months: int
    periods: int
    rows: int
    seconds: float
    by_part: dict[str, float]


def _state() -> FactState:
    """The one FactState row, locked until the end of the transaction."""
    state = FactState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        FactState.objects.get_or_create(pk=1)
        state = FactState.objects.select_for_update().get(pk=1)
    return state


def refresh(months: Iterable[date] | None = None, *, full: bool = False) -> Refreshed:
    """Recompute the marked months (all of them, or only *months*), with their quarters and
    years; with *full*, every period that has records (and the summary counts as built)."""
    started = time.perf_counter()
    writer = _Writer()
    with transaction.atomic():
        state = _state()
        marks = DirtyMonth.objects.all()
        if months is not None and not full:
            wanted = sorted({m.replace(day=1) for m in months})
            marks = marks.filter(month__in=wanted)
        read = list(marks.values_list("pk", "month"))
        if full:
            todo = _data_months()
            Fact.objects.all().delete()
        else:
            todo = sorted({m for _pk, m in read})
        plan = _periods_of(todo)
        if not full and plan:
            Fact.objects.filter(period__in=[p.id for p in plan]).delete()
        for t in _TYPES:  # months first: quarters and years sum their additive parts
            writer.write_additive = t is periods.PeriodType.MONTHLY
            spans = [_span(p) for p in plan if p.type is t]
            if spans:
                _compute(spans, writer)
                if not writer.write_additive:
                    _derive([p for p in plan if p.type is t], writer)
        DirtyMonth.objects.filter(pk__in=[pk for pk, _m in read]).delete()
        now = timezone.now()
        state.refreshed_at = now
        if full:
            state.built_at = now
        state.save()
        rows = Fact.objects.filter(period__in=[p.id for p in plan]).count() if plan else 0
    return Refreshed(
        months=len(todo),
        periods=len(plan),
        rows=rows,
        seconds=time.perf_counter() - started,
        by_part=dict(writer.seconds),
    )


def is_built() -> bool:
    return FactState.objects.filter(pk=1, built_at__isnull=False).exists()


# --- reading ---------------------------------------------------------------------------------


class _Reader(Source):
    """Gives ``grouped`` and ``days_to_service`` their cubes from the summary."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.ids = [s.id for s in spans]
        self._rows: dict[str, list[tuple[Any, ...]]] | None = None
        self.now = timezone.now()

    @property
    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """The summary's rows for the spans, read once, when first needed (not at all when
        every figure comes from the short-lived cache)."""
        if self._rows is None:
            self._rows = {}
            for row in Fact.objects.filter(period__in=self.ids).values_list(
                "part", "period", "region_id", "c1", "c2", "c3", "n", "value", "pending_until"
            ):
                self._rows.setdefault(row[0], []).append(row[1:])
        return self._rows

    def read(self, part: Part, spans: Sequence[Span]) -> dict[str, Cube] | None:
        codes = _region_codes() if part.by_region else {}
        width = len(part.dims) + (0 if part.measures == ("_n",) else 1)
        outcome = part.dims.index("outcome") if part.pending_due else -1
        out: dict[str, Cube] = {s.id: Counter() for s in spans}
        for period, region_id, c1, c2, c3, n, _value, until in self.rows.get(part.name, ()):
            if period not in out:
                continue
            cats = (c1, c2, c3)[:width]
            if until is not None and until <= self.now and outcome >= 0:
                # Pending when summarised, its deadline has passed since: late now.
                cats = tuple("late" if i == outcome else c for i, c in enumerate(cats))
            head = (codes.get(region_id, ""),) if part.by_region else ()
            out[period][head + cats] += n
        return out

    def medians(self, spans: Sequence[Span]) -> dict[str, dict[str, Median]] | None:
        out: dict[str, dict[str, Median]] = {s.id: {} for s in spans}
        for period, _r, code, _c2, _c3, n, value, _u in self.rows.get(MEDIAN_PART, ()):
            if period in out:
                out[period][code] = Median(int(n), value)
        return out


def source_for(spans: Sequence[Span]) -> Source | None:
    """The summary as the dashboards' source for *spans*, once the months they cover that
    changed since the last refresh are recomputed (bounded: those months, their quarters and
    years); None to count from the records (summary not built, or spans not whole periods)."""
    plan = whole_periods(spans)
    if plan is None or not is_built():
        return None
    first = min(p.start for p in plan)
    last = max(p.end for p in plan)
    dirty = DirtyMonth.objects.filter(month__gte=first, month__lte=last)
    months = sorted(set(dirty.values_list("month", flat=True)))
    if months:
        refresh(months)
    return _Reader(spans)
