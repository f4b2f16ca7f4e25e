"""The indicator queries: one aggregate query per indicator (two for people trained, whose
national count is not the sum of the regions'), grouped in the database by period, region and
the indicator's disaggregations. Never a loop over records in Python, except the median of
II.5 on SQLite, which has no percentile function (PostgreSQL computes it with
``percentile_cont``).

Each query returns, per span (a period), a Counter keyed by ``(region code, *categories)``;
``NATIONAL`` queries (people counted once across regions) key by the categories alone.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

Cube = Counter[tuple[str, ...]]


@dataclass(frozen=True)
class Span:
    """A period to count in: ``id`` as written, first and last day (None: open-ended)."""

    id: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Query:
    """How one indicator is counted: the categories of its cube, in order, and its functions."""

    dims: tuple[str, ...]
    by_region: Callable[[Sequence[Span]], dict[str, Cube]]
    # For people counted once across regions: the national cube (categories only).
    national: Callable[[Sequence[Span]], dict[str, Cube]] | None = None
    # Breakdowns where one person may fall in several categories (or none), so they are not
    # part of the cube and do not add up to the total: dimension → cubes keyed
    # ``(region code, category)``.
    overlapping: dict[str, Callable[[Sequence[Span]], dict[str, Cube]]] = field(
        default_factory=dict
    )


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _in_span(field: str, span: Span, is_datetime: bool) -> Q:
    q = Q()
    if span.start is not None:
        q &= Q(**{f"{field}__gte": _aware(span.start) if is_datetime else span.start})
    if span.end is not None:
        if is_datetime:
            q &= Q(**{f"{field}__lt": _aware(span.end + timedelta(days=1))})
        else:
            q &= Q(**{f"{field}__lte": span.end})
    return q


def _window(field: str, spans: Sequence[Span], is_datetime: bool) -> Q:
    starts = [s.start for s in spans]
    ends = [s.end for s in spans]
    whole = Span(
        "window",
        None if None in starts else min(s for s in starts if s is not None),
        None if None in ends else max(e for e in ends if e is not None),
    )
    return _in_span(field, whole, is_datetime)


def _bucket(field: str, spans: Sequence[Span], is_datetime: bool) -> Any:
    if len(spans) == 1:
        return None
    return Case(
        *[When(_in_span(field, s, is_datetime), then=Value(s.id)) for s in spans],
        default=Value(""),
        output_field=CharField(),
    )


_REGION_IDS: ContextVar[dict[int | None, str] | None] = ContextVar("region_ids", default=None)


def _region_codes() -> dict[int | None, str]:
    """Region id → code, read once per dashboard (see ``region_ids_once``)."""
    from egide.core.models import Region

    codes = _REGION_IDS.get()
    if codes is None:
        codes = dict(Region.objects.values_list("pk", "code"))
        codes[None] = ""
    return codes


@contextmanager
def region_ids_once() -> Iterator[None]:
    """Within the block, every query reuses one reading of the region ids."""
    token = _REGION_IDS.set(None)
    _REGION_IDS.set(_region_codes())
    try:
        yield
    finally:
        _REGION_IDS.reset(token)


class Source:
    """Where ``grouped`` takes its counts when not from the records (``egide.monitoring.facts``:
    the summary table, or the refresh that writes it). Set with ``using_source``."""

    def read(self, part: Part, spans: Sequence[Span]) -> dict[str, Cube] | None:
        """The cubes of *part* per span, or None to count them from the records."""
        return None

    def write(
        self, part: Part, rows: QuerySet[Any], members: QuerySet[Any] | None, spans: Sequence[Span]
    ) -> bool:
        """Store the grouped *rows* of *part* — or, for people counted once, its *members*
        (the same rows before counting, one per person, ``_who``); True when done (nothing to
        return then)."""
        return False

    def medians(self, spans: Sequence[Span]) -> dict[str, dict[str, Median]] | None:
        return None


@dataclass(frozen=True)
class Part:
    """One grouped count: its name (stable, it keys the summary table), whether it has a
    region column, its categories and its measures (``_n`` or the names of summed columns),
    and the column holding the deadline of a still-pending item (see ``_on_time``)."""

    name: str
    by_region: bool
    dims: tuple[str, ...]
    measures: tuple[str, ...]
    additive: bool  # a sum over months gives the quarter's and year's count
    pending_due: str | None = None


_SOURCE: ContextVar[Source | None] = ContextVar("monitoring_source", default=None)


@contextmanager
def using_source(source: Source | None) -> Iterator[None]:
    token = _SOURCE.set(source)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def grouped(
    queryset: QuerySet[Any],
    *,
    part_name: str,
    date_field: str,
    is_datetime: bool,
    spans: Sequence[Span],
    region_field: str | None,
    dims: dict[str, Any],
    measure: Any,
    pending: tuple[str, Q] | None = None,
) -> dict[str, Cube]:
    """``queryset`` counted per span, region (if *region_field*) and *dims*, in one query.
    *measure* is an aggregate (Count, Sum) or a dict of Sum aggregates whose names become the
    last category (for counts held in columns, such as a dialogue's reach by sex and age).
    *part_name* keys the count in the summary table (``egide.monitoring.facts``); *pending*
    (deadline column, condition) marks an ``outcome`` that may still turn from pending to late:
    the summary keeps the deadline of those items, to count them late once it has passed."""
    measures = measure if isinstance(measure, dict) else {"_n": measure}
    part = Part(
        name=part_name,
        by_region=bool(region_field),
        dims=tuple(dims),
        measures=tuple(measures),
        additive=not any(getattr(m, "distinct", False) for m in measures.values()),
        pending_due=pending[0] if pending else None,
    )
    source = _SOURCE.get()
    if source is not None:
        found = source.read(part, spans)
        if found is not None:
            return found
    queryset = queryset.filter(_window(date_field, spans, is_datetime))
    annotations: dict[str, Any] = {f"_d_{name}": expr for name, expr in dims.items()}
    bucket = _bucket(date_field, spans, is_datetime)
    if bucket is not None:
        annotations["_p"] = bucket
    if region_field:
        annotations["_r"] = F(region_field)
    if source is not None and pending is not None:
        annotations["_u"] = Case(When(pending[1], then=F(pending[0])), default=None)
    keys = list(annotations)
    rows = queryset.annotate(**annotations).values(*keys).annotate(**measures).order_by()
    if source is not None:
        members = None
        if not part.additive:
            (counted,) = measures.values()  # COUNT(DISTINCT who)
            who = counted.get_source_expressions()[0]
            members = (
                queryset.annotate(**annotations)
                .annotate(_who=who)
                .values(*keys, "_who")
                .distinct()
                .order_by()
            )
        if source.write(part, rows, members, spans):
            return {s.id: Counter() for s in spans}
    codes = _region_codes() if region_field else {}
    out: dict[str, Cube] = {s.id: Counter() for s in spans}
    for row in rows:
        span_id = row["_p"] if bucket is not None else spans[0].id
        if span_id not in out:
            continue
        head = (codes.get(row["_r"], ""),) if region_field else ()
        cats = tuple("" if row[f"_d_{n}"] is None else str(row[f"_d_{n}"]) for n in dims)
        for name in measures:
            n = int(row[name] or 0)
            if not n:
                continue
            key = head + cats + (() if name == "_n" else (name,))
            out[span_id][key] += n
    return out


# --- the indicators --------------------------------------------------------------------------


def _case_age_band(prefix: str, date_field: str) -> Any:
    """Age band of a case's person at the event: under 18 for a child's case, else from the
    estimated year of birth; unknown without one."""
    age = ExtractYear(date_field) - F(f"{prefix}birth_year")
    return Case(
        When(**{f"{prefix}child": True}, then=Value("u18")),
        When(**{f"{prefix}birth_year__isnull": True}, then=Value("unknown")),
        When(Q(_age__lt=18), then=Value("u18")),
        When(Q(_age__lt=25), then=Value("18_24")),
        When(Q(_age__lt=60), then=Value("25_59")),
        default=Value("60p"),
        output_field=CharField(),
    ), age


def _with_age(queryset: QuerySet[Any], prefix: str, date_field: str) -> tuple[QuerySet[Any], Any]:
    band, age = _case_age_band(prefix, date_field)
    return queryset.annotate(_age=age), band


def _attendance(
    spans: Sequence[Span], *, webinar: bool, region: bool, dims: Sequence[str]
) -> dict[str, Cube]:
    from egide.training.models import Attendance

    qs = Attendance.objects.filter(present=True)
    if webinar:
        qs = qs.filter(enrollment__session__kind="webinar")
    fields = {
        "sex": F("enrollment__participant__sex"),
        "age_band": F("enrollment__participant__age_band"),
        "actor_type": F("enrollment__participant__actor_type"),
    }
    scope = "region" if region else "national"
    return grouped(
        qs,
        part_name=f"attendance:{'webinar' if webinar else 'all'}:{scope}:{','.join(dims)}",
        date_field="day",
        is_datetime=False,
        spans=spans,
        region_field="enrollment__session__region_id" if region else None,
        dims={d: fields[d] for d in dims},
        measure=Count("enrollment__participant_id", distinct=True),
    )


TRAINED_DIMS = ("sex", "age_band", "actor_type")
WEBINAR_DIMS = ("sex", "actor_type")


def actors_trained(spans: Sequence[Span]) -> dict[str, Cube]:
    return _attendance(spans, webinar=False, region=True, dims=TRAINED_DIMS)


def actors_trained_national(spans: Sequence[Span]) -> dict[str, Cube]:
    return _attendance(spans, webinar=False, region=False, dims=TRAINED_DIMS)


def webinar_participants(spans: Sequence[Span]) -> dict[str, Cube]:
    return _attendance(spans, webinar=True, region=True, dims=WEBINAR_DIMS)


def webinar_participants_national(spans: Sequence[Span]) -> dict[str, Cube]:
    return _attendance(spans, webinar=True, region=False, dims=WEBINAR_DIMS)


def _served_cases(spans: Sequence[Span], region: bool) -> dict[str, Cube]:
    from egide.referrals.models import Referral

    qs, band = _with_age(
        Referral.objects.filter(delivered_at__isnull=False), "case__", "delivered_at"
    )
    return grouped(
        qs,
        part_name=f"served_cases:{'region' if region else 'national'}",
        date_field="delivered_at",
        is_datetime=True,
        spans=spans,
        region_field="case__region_id" if region else None,
        dims={"sex": F("case__sex"), "age_band": band},
        measure=Count("case_id", distinct=True),
    )


def _add(*parts: dict[str, Cube]) -> dict[str, Cube]:
    out: dict[str, Cube] = {}
    for part in parts:
        for span_id, cube in part.items():
            out.setdefault(span_id, Counter()).update(cube)
    return out


def direct_beneficiaries(spans: Sequence[Span]) -> dict[str, Cube]:
    return _add(
        _attendance(spans, webinar=False, region=True, dims=("sex", "age_band")),
        _served_cases(spans, region=True),
    )


def direct_beneficiaries_national(spans: Sequence[Span]) -> dict[str, Cube]:
    return _add(
        _attendance(spans, webinar=False, region=False, dims=("sex", "age_band")),
        _served_cases(spans, region=False),
    )


def workshop_stakeholders(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.policy.models import WorkshopSeat

    return grouped(
        WorkshopSeat.objects.all(),
        part_name="workshop_seats",
        date_field="workshop__held_on",
        is_datetime=False,
        spans=spans,
        region_field="workshop__session__region_id",
        dims={
            "sex": F("enrollment__participant__sex"),
            "actor_type": F("enrollment__participant__actor_type"),
        },
        measure=Count("id"),
    )


def _on_time(answered: str, due: str) -> tuple[Any, tuple[str, Q]]:
    """The outcome (on time, pending, late) and what makes an item pending (for ``grouped``):
    pending turns to late when the deadline passes, with no change to the record."""
    now = timezone.now()
    pending = Q(**{f"{answered}__isnull": True, f"{due}__gt": now})
    outcome = Case(
        When(
            Q(**{f"{answered}__isnull": False, f"{answered}__lte": F(due)}), then=Value("on_time")
        ),
        When(pending, then=Value("pending")),
        default=Value("late"),
        output_field=CharField(),
    )
    return outcome, (due, pending)


def alerts_on_time(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.cases.models import Alert

    outcome, pending = _on_time("triaged_at", "due_at")
    return grouped(
        Alert.objects.all(),
        part_name="alerts_on_time",
        date_field="created_at",
        is_datetime=True,
        spans=spans,
        region_field="region_id",
        dims={"outcome": outcome},
        measure=Count("id"),
        pending=pending,
    )


def referrals_on_time(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.referrals.models import Referral

    outcome, pending = _on_time("answered_at", "due_at")
    return grouped(
        Referral.objects.exclude(status="cancelled"),
        part_name="referrals_on_time",
        date_field="created_at",
        is_datetime=True,
        spans=spans,
        region_field="case__region_id",
        dims={"outcome": outcome},
        measure=Count("id"),
        pending=pending,
    )


def services_delivered(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.referrals.models import Referral

    return grouped(
        Referral.objects.filter(delivered_at__isnull=False),
        part_name="services_delivered",
        date_field="delivered_at",
        is_datetime=True,
        spans=spans,
        region_field="case__region_id",
        dims={"need": F("need__need_type")},
        measure=Count("id"),
    )


def _presumed(prefix: str = "") -> Q:
    """A screening concluding presumed victim: the worker's determination, else the result."""
    return Q(**{f"{prefix}worker_level": "presumed"}) | Q(
        **{f"{prefix}worker_level": "", f"{prefix}trafficking_level": "presumed"}
    )


NO_PURPOSE = "none_recorded"


def presumed_victims(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.cases.models import Case as CaseModel
    from egide.screening.models import Assessment

    presumed = Assessment.objects.filter(case=OuterRef("pk")).filter(_presumed())
    qs, band = _with_age(CaseModel.objects.filter(Exists(presumed)), "", "opened_at")
    return grouped(
        qs,
        part_name="presumed_victims",
        date_field="opened_at",
        is_datetime=True,
        spans=spans,
        region_field="region_id",
        dims={"sex": F("sex"), "age_band": band},
        measure=Count("id"),
    )


def presumed_victims_by_purpose(spans: Sequence[Span]) -> dict[str, Cube]:
    """The people of ``presumed_victims`` once per purpose of exploitation found by a screening
    concluding presumed victim (a person may have several), and once under ``NO_PURPOSE`` when
    none of those screenings found a purpose."""
    from egide.cases.models import Case as CaseModel
    from egide.screening.models import Assessment, AssessmentPurpose

    found = grouped(
        AssessmentPurpose.objects.filter(assessment__case__isnull=False).filter(
            _presumed("assessment__")
        ),
        part_name="presumed_purposes_found",
        date_field="assessment__case__opened_at",
        is_datetime=True,
        spans=spans,
        region_field="assessment__case__region_id",
        dims={"exploitation_purpose": F("purpose")},
        measure=Count("assessment__case_id", distinct=True),
    )
    presumed = Assessment.objects.filter(case=OuterRef("pk")).filter(_presumed())
    with_purpose = presumed.filter(purposes__isnull=False)
    none = grouped(
        CaseModel.objects.filter(Exists(presumed)).exclude(Exists(with_purpose)),
        part_name="presumed_purposes_none",
        date_field="opened_at",
        is_datetime=True,
        spans=spans,
        region_field="region_id",
        dims={"exploitation_purpose": Value(NO_PURPOSE)},
        measure=Count("id"),
    )
    return _add(found, none)


def children_referred(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.referrals.models import Referral

    return grouped(
        Referral.objects.filter(case__child=True),
        part_name="children_referred",
        date_field="created_at",
        is_datetime=True,
        spans=spans,
        region_field="case__region_id",
        dims={"sex": F("case__sex")},
        measure=Count("case_id", distinct=True),
    )


def consent_withdrawals(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.cases.models import Consent

    return grouped(
        Consent.objects.filter(withdrawn_at__isnull=False),
        part_name="consent_withdrawals",
        date_field="withdrawn_at",
        is_datetime=True,
        spans=spans,
        region_field="case__region_id",
        dims={"purpose": F("purpose")},
        measure=Count("id"),
    )


def cases_closed(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.cases.models import Case as CaseModel

    return grouped(
        CaseModel.objects.filter(status="closed", closed_at__isnull=False),
        part_name="cases_closed",
        date_field="closed_at",
        is_datetime=True,
        spans=spans,
        region_field="region_id",
        dims={"reason": Coalesce(F("closure_reason"), Value("other"))},
        measure=Count("id"),
    )


def leaders_reached(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.outreach.models import Dialogue

    return grouped(
        Dialogue.objects.all(),
        part_name="dialogue_leaders",
        date_field="held_on",
        is_datetime=False,
        spans=spans,
        region_field="region_id",
        dims={},
        measure={f: Sum(f) for f in ("community_leaders", "religious_leaders")},
    )


def people_reached(spans: Sequence[Span]) -> dict[str, Cube]:
    from egide.outreach.models import REACH_FIELDS, Dialogue

    raw = grouped(
        Dialogue.objects.all(),
        part_name="dialogue_reach",
        date_field="held_on",
        is_datetime=False,
        spans=spans,
        region_field="region_id",
        dims={},
        measure={f: Sum(f) for f, _s, _a in REACH_FIELDS},
    )
    split = {f: (sex, age) for f, sex, age in REACH_FIELDS}
    return {
        span_id: Counter({(key[0], *split[key[1]]): n for key, n in cube.items()})
        for span_id, cube in raw.items()
    }


def ambassadors(spans: Sequence[Span]) -> dict[str, Cube]:
    """Active ambassadors appointed by each span's last day: a headcount, not a sum."""
    from egide.outreach.models import Ambassador

    measures = {
        f"_s{i}": Count("id", filter=Q(appointed_on__lte=s.end) if s.end else Q())
        for i, s in enumerate(spans)
    }
    rows = (
        Ambassador.objects.filter(is_active=True)
        .values("prefecture__region_id")
        .annotate(**measures)
        .order_by()
    )
    codes = _region_codes()
    out: dict[str, Cube] = {s.id: Counter() for s in spans}
    for row in rows:
        for i, s in enumerate(spans):
            if row[f"_s{i}"]:
                out[s.id][(codes.get(row["prefecture__region_id"], ""),)] += row[f"_s{i}"]
    return out


@dataclass(frozen=True)
class Median:
    """A median over *n* cases (None when n is 0)."""

    n: int
    value: float | None


def served_cases_sql(spans: Sequence[Span]) -> tuple[str, str, list[Any]]:
    """II.5's cases: a query of each case first served within the spans' window (``case_id``,
    ``region_id``, ``first_service``, ``first_alert``), the CASE expression of its span
    (``bucket``, from ``first_service``) and the parameters of both, in order."""
    window_start = min((s.start for s in spans if s.start), default=date(1900, 1, 1))
    window_end = max((s.end for s in spans if s.end), default=date(2999, 12, 31))
    params: list[Any] = []
    buckets = []
    for s in spans:
        start = _aware(s.start or date(1900, 1, 1))
        end = _aware((s.end or date(2999, 12, 31)) + timedelta(days=1))
        buckets.append("WHEN first_service >= %s AND first_service < %s THEN %s")
        params += [start, end, s.id]
    inner = (
        "SELECT r.case_id AS case_id, c.region_id AS region_id, "
        "MIN(r.delivered_at) AS first_service, "
        "(SELECT MIN(a.created_at) FROM cases_alert a WHERE a.case_id = r.case_id) AS first_alert "
        "FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id "
        "WHERE r.delivered_at IS NOT NULL AND r.case_id IN (SELECT w.case_id FROM "
        "referrals_referral w WHERE w.delivered_at >= %s AND w.delivered_at < %s) "
        "GROUP BY r.case_id, c.region_id "
        "HAVING MIN(r.delivered_at) >= %s AND MIN(r.delivered_at) < %s"
    )
    # (A case first served in the window was served in it: the IN only spares the grouping
    # of every other case.)
    window = [_aware(window_start), _aware(window_end + timedelta(days=1))] * 2
    return inner, "CASE " + " ".join(buckets) + " END", [*params, *window]


# The days of II.5 as PostgreSQL computes them (the summary stores them alike).
DAYS_SQL = "EXTRACT(EPOCH FROM first_service - first_alert) / 86400.0"


def days_to_service(spans: Sequence[Span]) -> dict[str, dict[str, Median]]:
    """Per span and region code ("" = national): the median days from a case's first alert to
    its first service, over the cases whose first service falls in the span."""
    source = _SOURCE.get()
    found = source.medians(spans) if source is not None else None
    if found is not None:
        return found
    tz = timezone.get_current_timezone()
    inner, bucket_sql, params = served_cases_sql(spans)
    codes = _region_codes()
    out: dict[str, dict[str, Median]] = {s.id: {} for s in spans}
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT bucket, region_id, COUNT(*), percentile_cont(0.5) WITHIN GROUP "  # noqa: S608 - constant SQL, values are parameters
            f"(ORDER BY days) FROM (SELECT {bucket_sql} AS bucket, region_id, "
            f"{DAYS_SQL} AS days "
            f"FROM ({inner}) s WHERE first_alert IS NOT NULL) t "
            "WHERE bucket IS NOT NULL GROUP BY GROUPING SETS ((bucket, region_id), (bucket))"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for bucket, region_id, n, median in cursor.fetchall():
                key = "" if region_id is None else codes.get(region_id, "?")
                out[bucket][key] = Median(int(n), None if median is None else float(median))
        return out
    # SQLite has no percentile function: the per-case durations are fetched and the median
    # taken here (one row per case served in the window).
    sql = f"SELECT {bucket_sql} AS bucket, region_id, first_service, first_alert FROM ({inner}) s "  # noqa: S608 - constant SQL
    sql += "WHERE first_alert IS NOT NULL"
    days: dict[tuple[str, str], list[float]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, region_id, first_service, first_alert in cursor.fetchall():
            if bucket is None:
                continue
            served, alerted = _dt(first_service, tz), _dt(first_alert, tz)
            d = (served - alerted).total_seconds() / 86400
            days.setdefault((bucket, codes.get(region_id, "?")), []).append(d)
            days.setdefault((bucket, ""), []).append(d)
    for (bucket, region), values in days.items():
        out[bucket][region] = Median(len(values), statistics.median(values))
    return out


def _dt(value: Any, tz: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value  # type: ignore[no-any-return]


QUERIES: dict[str, Query] = {
    "direct_beneficiaries": Query(
        ("sex", "age_band"), direct_beneficiaries, direct_beneficiaries_national
    ),
    "workshop_stakeholders": Query(("sex", "actor_type"), workshop_stakeholders),
    "actors_trained": Query(TRAINED_DIMS, actors_trained, actors_trained_national),
    "alerts_on_time": Query(("outcome",), alerts_on_time),
    "referrals_on_time": Query(("outcome",), referrals_on_time),
    "services_delivered": Query(("need",), services_delivered),
    "presumed_victims": Query(
        ("sex", "age_band"),
        presumed_victims,
        overlapping={"exploitation_purpose": presumed_victims_by_purpose},
    ),
    "children_referred": Query(("sex",), children_referred),
    "consent_withdrawals": Query(("purpose",), consent_withdrawals),
    "cases_closed": Query(("reason",), cases_closed),
    "leaders_reached": Query(("audience",), leaders_reached),
    "people_reached": Query(("sex", "age_band"), people_reached),
    "ambassadors": Query((), ambassadors),
    "webinar_participants": Query(
        WEBINAR_DIMS, webinar_participants, webinar_participants_national
    ),
}

__all__ = ["QUERIES", "Median", "Span", "days_to_service"]
