"""The summary the dashboards read: every grouped indicator query (``queries.grouped``) and the
median of II.5, computed in advance for every whole month, quarter and year that has records,
and kept fresh.

Why it is exact. A row of ``Fact`` holds what the live query gives for one period: the refresh
runs *the same queries* (``queries.QUERIES``), with the months as their spans, and stores their
grouped rows (or, for people counted once, the rows before counting) with ``INSERT … SELECT``
instead of reading them. People counted once (trained participants, cases served…) are counted
with COUNT(DISTINCT) for each month, quarter and year, never summed from months. The one
figure that changes with no change to a record — an alert or referral pending until its
deadline, then late — keeps its deadline in ``pending_until`` and is counted late on reading
once the deadline has passed.

Why it is fresh. Saving or deleting a record that an indicator counts marks its month (and the
months of the records whose counts depend on it) in ``DirtyMonth``, in the same transaction
(``egide.monitoring.freshness``). The job ``monitoring.refresh_figures`` recomputes the marked
months (with their quarters and years) every minute; and a dashboard asked for a period with a
marked month recomputes those months first, so a figure entered a moment ago shows at once (if
another refresh holds the lock longer than READ_WAIT — the nightly rebuild — that dashboard is
counted from the records instead). ``monitoring.rebuild_figures`` rebuilds everything each
night, for changes made around the signals (bulk SQL).

People counted once are kept, per month, as ``Member`` rows (one per person and category), and
each period's count is a COUNT(DISTINCT) over its months' members; II.5 keeps each case first
served in the month with its days, and each period's median is taken over its months' cases
(PostgreSQL; SQLite, with no percentile function, stores the live computation of each period).
Additive counts of quarters and years are sums of their months. So a changed month costs one
pass over that month's records, whatever the period.

Until the first build (``FactState.built_at``) and for spans that are not whole periods (the
reach page's month ranges), the dashboards count from the records, as before. The ambassadors'
headcount (III.3) is always counted live: it is not a count of events in a period.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from egide.monitoring import periods
from egide.monitoring.models import DirtyMonth, Fact, FactState, Member
from egide.monitoring.queries import (
    DAYS_SQL,
    QUERIES,
    Cube,
    Median,
    Part,
    Source,
    Span,
    _region_codes,
    days_to_service,
    served_cases_sql,
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


def month_of(value: date | datetime | str | None) -> date | None:
    """First day of the month of *value* (a datetime in the current time zone; text as a
    model field may hold it before it is read back)."""
    if isinstance(value, str):
        value = parse_datetime(value) or parse_date(value)
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
    """Turns each grouped query of one month pass into an ``INSERT … SELECT`` of its rows: the
    counts themselves (additive parts, into ``Fact``) or the people counted (``Member``)."""

    def __init__(self) -> None:
        self.done: set[str] = set()
        self.seconds: dict[str, float] = {}
        self.additive: set[str] = set()  # parts whose quarters and years are sums of months
        self.distinct: set[str] = set()  # parts counted with COUNT(DISTINCT who) per period

    def write(
        self, part: Part, rows: QuerySet[Any], members: QuerySet[Any] | None, spans: Sequence[Span]
    ) -> bool:
        if part.name in self.done:
            return True  # a part two indicators share (direct beneficiaries' served cases)
        self.done.add(part.name)
        started = time.perf_counter()
        if members is None:
            self.additive.add(part.name)
            _insert(part, rows, spans)
        else:
            self.distinct.add(part.name)
            _insert_members(part, members, spans)
        _add_time(self.seconds, part.name, started)
        return True


def _add_time(seconds: dict[str, float], key: str, started: float) -> None:
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started


def _null(model: Any, field: str) -> str:
    """A typed NULL (UNION ALL would make an untyped one text on PostgreSQL)."""
    db_type = model._meta.get_field(field).db_type(connection)
    return f"CAST(NULL AS {db_type})"


def _head(part: Part, spans: Sequence[Span], model: Any) -> list[tuple[str, list[Any]]]:
    """The part, period and region columns of an insert from the grouped query ``q``."""
    qn = connection.ops.quote_name
    cols: list[tuple[str, list[Any]]] = [("%s", [part.name])]
    cols.append((f"q.{qn('_p')}", []) if len(spans) > 1 else ("%s", [spans[0].id]))
    cols.append((f"q.{qn('_r')}" if part.by_region else _null(model, "region_id"), []))
    return cols


def _categories(part: Part, extra: list[tuple[str, list[Any]]]) -> list[tuple[str, list[Any]]]:
    qn = connection.ops.quote_name
    cats = [(f"COALESCE(q.{qn('_d_' + d)}, '')", []) for d in part.dims] + extra
    if len(cats) > 3:
        raise ValueError(f"{part.name}: more than three categories")
    return cats + [("''", [])] * (3 - len(cats))


def _run(sql: str, params: list[Any], table: str, columns: str, selects: list[Any]) -> None:
    parts = [c for c, _p in selects]
    values = [v for _c, p in selects for v in p]
    statement = (
        f"WITH q AS ({sql}) INSERT INTO {connection.ops.quote_name(table)} ({columns}) "  # noqa: S608 - identifiers quoted, values are parameters
        + " UNION ALL ".join(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *values])


def _select(cols: list[tuple[str, list[Any]]], where: str) -> tuple[str, list[Any]]:
    sql = f"SELECT {', '.join(c for c, _p in cols)} FROM q"  # noqa: S608 - as above
    if where:
        sql += f" WHERE {where}"
    return sql, [v for _c, p in cols for v in p]


def _insert(part: Part, rows: QuerySet[Any], spans: Sequence[Span]) -> None:
    """``INSERT INTO monitoring_fact … SELECT`` the grouped *rows* (one SELECT per measure)."""
    qn = connection.ops.quote_name
    sql, params = rows.query.sql_with_params()
    selects = []
    for measure in part.measures:
        extra: list[tuple[str, list[Any]]] = [] if measure == "_n" else [("%s", [measure])]
        cols = _head(part, spans, Fact) + _categories(part, extra)
        cols.append((f"q.{qn(measure)}", []))
        until = f"q.{qn('_u')}" if part.pending_due else _null(Fact, "pending_until")
        cols.append((until, []))
        where = f"q.{qn(measure)} > 0"
        if len(spans) > 1:
            where += f" AND q.{qn('_p')} <> ''"
        selects.append(_select(cols, where))
    _run(
        sql,
        list(params),
        Fact._meta.db_table,
        "part, period, region_id, c1, c2, c3, n, pending_until",
        selects,
    )


def _insert_members(part: Part, members: QuerySet[Any], spans: Sequence[Span]) -> None:
    """``INSERT INTO monitoring_member … SELECT`` the people of a month (one row each)."""
    qn = connection.ops.quote_name
    sql, params = members.query.sql_with_params()
    cols = _head(part, spans, Member) + _categories(part, [])
    cols.append((f"q.{qn('_who')}", []))
    where = f"q.{qn('_p')} <> ''" if len(spans) > 1 else ""
    _run(
        sql,
        list(params),
        Member._meta.db_table,
        "part, month, region_id, c1, c2, c3, who",
        [_select(cols, where)],
    )


def _months_in(period: periods.Period) -> list[str]:
    if period.type is periods.PeriodType.MONTHLY:
        return [period.id]
    return [m for child in period.children() for m in _months_in(child)]


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _derive(targets: Sequence[periods.Period], writer: _Writer) -> None:
    """Each period's count of people counted once, COUNT(DISTINCT who) over its months'
    members; and the quarters' and years' additive counts, summed from their months' rows (a
    record falls in exactly one month)."""
    started = time.perf_counter()
    fact, member = (connection.ops.quote_name(m._meta.db_table) for m in (Fact, Member))
    distinct, additive = sorted(writer.distinct), sorted(writer.additive)
    with connection.cursor() as cursor:
        for target in targets:
            months = _months_in(target)
            if distinct:
                cursor.execute(
                    f"INSERT INTO {fact} (part, period, region_id, c1, c2, c3, n) "  # noqa: S608 - table names quoted, values are parameters
                    "SELECT part, %s, region_id, c1, c2, c3, COUNT(DISTINCT who) "
                    f"FROM {member} WHERE month IN ({_in(months)}) AND part IN ({_in(distinct)}) "
                    "GROUP BY part, region_id, c1, c2, c3 HAVING COUNT(DISTINCT who) > 0",
                    [target.id, *months, *distinct],
                )
            if additive and target.type is not periods.PeriodType.MONTHLY:
                cursor.execute(
                    f"INSERT INTO {fact} (part, period, region_id, c1, c2, c3, n, "  # noqa: S608 - as above
                    "pending_until) SELECT part, %s, region_id, c1, c2, c3, SUM(n), "
                    f"pending_until FROM {fact} WHERE period IN ({_in(months)}) "
                    f"AND part IN ({_in(additive)}) "
                    "GROUP BY part, region_id, c1, c2, c3, pending_until",
                    [target.id, *months, *additive],
                )
    _add_time(writer.seconds, "(periods from months)", started)


def _medians(plan: Sequence[periods.Period], writer: _Writer) -> None:
    """II.5 for each period of *plan*. PostgreSQL: each case first served in a changed month
    becomes a member with its days (the live query's expression), and each period's median is
    ``percentile_cont`` over its months' members. SQLite (no percentile function): the live
    computation, one query per period type, its few results stored."""
    started = time.perf_counter()
    months = [_span(p) for p in plan if p.type is periods.PeriodType.MONTHLY]
    if connection.vendor != "postgresql":
        for t in _TYPES:
            spans = [_span(p) for p in plan if p.type is t]
            if spans:
                found = days_to_service(spans)
                Fact.objects.bulk_create(
                    Fact(part=MEDIAN_PART, period=span_id, c1=code, n=m.n, value=m.value)
                    for span_id, by_region in found.items()
                    for code, m in by_region.items()
                )
        _add_time(writer.seconds, MEDIAN_PART, started)
        return
    fact, member = (connection.ops.quote_name(m._meta.db_table) for m in (Fact, Member))
    with connection.cursor() as cursor:
        if months:
            inner, bucket, params = served_cases_sql(months)
            cursor.execute(
                f"INSERT INTO {member} (part, month, region_id, c1, c2, c3, who, days) "  # noqa: S608 - table names quoted, values are parameters
                "SELECT %s, bucket, region_id, '', '', '', case_id, days FROM "
                f"(SELECT {bucket} AS bucket, region_id, case_id, {DAYS_SQL} AS days "
                f"FROM ({inner}) s WHERE first_alert IS NOT NULL) t WHERE bucket IS NOT NULL",
                [MEDIAN_PART, *params],
            )
        for target in plan:
            in_months = _months_in(target)
            cursor.execute(
                f"INSERT INTO {fact} (part, period, c1, c2, c3, n, value) "  # noqa: S608 - as above
                "SELECT %s, %s, COALESCE(g.code, ''), '', '', COUNT(*), "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY m.days) "
                f"FROM {member} m LEFT JOIN core_region g ON g.id = m.region_id "
                f"WHERE m.part = %s AND m.month IN ({_in(in_months)}) "
                "GROUP BY GROUPING SETS ((g.code), ()) HAVING COUNT(*) > 0",
                [MEDIAN_PART, target.id, MEDIAN_PART, *in_months],
            )
    _add_time(writer.seconds, MEDIAN_PART, started)


def _compute(spans: Sequence[Span], writer: _Writer) -> None:
    """Every summarised indicator's queries over *spans* (months), written."""
    with using_source(writer):
        for computation, query in QUERIES.items():
            if computation in LIVE_ONLY:
                continue
            query.by_region(spans)
            if query.national is not None:
                query.national(spans)
            for fn in query.overlapping.values():
                fn(spans)


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


# How long a dashboard waits for a refresh already running (the job's, a few months: about a
# second at 1,000,000 cases) before counting from the records instead (the nightly rebuild).
READ_WAIT = "3s"
#: A dashboard read recomputes at most this many changed months itself (about 1.3 s each at a
#: million cases); with more (the minute's job stopped, a large import), it counts from the
#: records and leaves them to the job, so that no page waits for an unbounded refresh.
READ_REFRESH_MONTHS = 2

logger = logging.getLogger(__name__)


def _state(wait: bool) -> FactState:
    """The one FactState row, locked until the end of the transaction. Without *wait*, gives up
    after READ_WAIT (PostgreSQL raises OperationalError; SQLite writers never run together)."""
    FactState.objects.get_or_create(pk=1)
    if not wait and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{READ_WAIT}'")
    return FactState.objects.select_for_update().get(pk=1)


def refresh(months: Iterable[date] | None = None, *, full: bool = False) -> Refreshed:
    """Recompute the marked months (all of them, or only those of *months*), with their
    quarters and years; with *full*, every period that has records (and the summary counts as
    built). Waits for a refresh already running."""
    return _refresh(months, full=full, wait=True)


def try_refresh(months: Iterable[date]) -> Refreshed | None:
    """``refresh(months)``; None when another refresh holds the lock beyond READ_WAIT, or when
    the refresh fails (rolled back whole, logged): the page then counts from the records."""
    try:
        return _refresh(months, full=False, wait=False)
    except Exception:  # lock_timeout (a rebuild is running), or a failure: never the page's 500
        logger.warning("monitoring summary: refresh on read failed", exc_info=True)
        return None


def _refresh(months: Iterable[date] | None, *, full: bool, wait: bool) -> Refreshed:
    started = time.perf_counter()
    writer = _Writer()
    with transaction.atomic():
        state = _state(wait)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A year's members are sorted for COUNT(DISTINCT): in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                if not full:
                    # A few months' records: index lookups beat scanning the tables, which
                    # the default cost of a random page (4, for spinning disks) hides.
                    cursor.execute("SET LOCAL random_page_cost = 1.1")
        marks = DirtyMonth.objects.all()
        if months is not None and not full:
            wanted = sorted({m.replace(day=1) for m in months})
            marks = marks.filter(month__in=wanted)
        read = list(marks.values_list("pk", "month"))
        if full:
            todo = _data_months()
            Fact.objects.all().delete()
            Member.objects.all().delete()
        else:
            todo = sorted({m for _pk, m in read})
        plan = _periods_of(todo)
        if not full and plan:
            Fact.objects.filter(period__in=[p.id for p in plan]).delete()
            Member.objects.filter(month__in=[m.strftime("%Y%m") for m in todo]).delete()
        month_spans = [_span(p) for p in plan if p.type is periods.PeriodType.MONTHLY]
        if month_spans:
            # One pass over the changed months' records; quarters and years from their months.
            _compute(month_spans, writer)
            if full and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Member._meta.db_table)}")
            _medians(plan, writer)
            _derive(plan, writer)
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
    if len(months) > READ_REFRESH_MONTHS:
        return None  # too much to recompute in a page: the records, until the job catches up
    if months and try_refresh(months) is None:
        # Another refresh (the nightly rebuild, say) runs on: count from the records rather
        # than wait longer or show figures older than a change.
        return None
    return _Reader(spans)
