"""The summary (``egide.monitoring.facts``) gives exactly what the live queries give — every
indicator, disaggregation, region and period type, before suppression and after — and stays
fresh: a record saved now is counted by the next dashboard, with no job run in between.

The reference is the live path (``queries`` run on the records). The records are the hand-counted
set of records.py, then randomly changed (dates moved across months and years, people's sex,
age and region changed, answers and deliveries given or taken back, deadlines put in the future,
records copied and deleted) through ordinary saves: the summary must follow each change.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from egide.monitoring import facts
from egide.monitoring.computation import dashboard, spans_of
from egide.monitoring.models import DirtyMonth, Fact, FactState
from egide.monitoring.periods import parse
from egide.monitoring.queries import QUERIES, Span, days_to_service, using_source
from egide.monitoring.tests.records import at, build

pytestmark = pytest.mark.django_db

# Trends of each period type (4 periods each), and years up to now (pending deadlines).
PERIODS = ["2024", "2026", "2024Q1", "2024Q3", "2025Q1", "202402", "202406", "202501"]
REGIONS = [None, "GN-L", "GN-K", "GN-C"]


def _raw(spans: list[Span]) -> dict[str, Any]:
    """Every query's cubes (by region, national, overlapping) and the medians, per span."""
    out: dict[str, Any] = {}
    for name, q in QUERIES.items():
        out[name] = (
            q.by_region(spans),
            q.national(spans) if q.national else None,
            {d: fn(spans) for d, fn in q.overlapping.items()},
        )
    out["_medians"] = days_to_service(spans)
    return out


def _live(spans: list[Span]) -> dict[str, Any]:
    with using_source(None):
        return _raw(spans)


def _summary(spans: list[Span]) -> dict[str, Any]:
    source = facts.source_for(spans)
    assert source is not None, "the summary should be used for whole periods once built"
    with using_source(source):
        return _raw(spans)


def _drop_zeros(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_zeros(v) for k, v in value.items() if v != 0}
    if isinstance(value, tuple):
        return tuple(_drop_zeros(v) for v in value)
    return value


@contextmanager
def _frozen() -> Iterator[None]:
    """One "now" for both sides: an item pending for two more seconds is otherwise pending
    on one side and late on the other."""
    now = timezone.now()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: now)
        yield


def _assert_same_raw() -> None:
    with _frozen():
        _compare_raw()


def _compare_raw() -> None:
    for period in PERIODS:
        spans = spans_of(parse(period))
        live, summary = _live(spans), _summary(spans)
        for name in live:
            assert _drop_zeros(summary[name]) == _drop_zeros(live[name]), (period, name)


def _figures(**kw: Any) -> list[Any]:
    return dashboard(**kw).figures()


def _assert_same_figures() -> None:
    with _frozen():
        _compare_figures()


def _compare_figures() -> None:
    """The dashboard's figures (what pages, reports, the API and DHIS2 show), suppressed as for
    an analyst (years) and exact as for a case worker (every period type), every scope."""
    combos = [(p, r, False) for p in PERIODS for r in REGIONS]
    combos += [(p, r, True) for p in ("2024", "2026") for r in REGIONS]
    summary = {c: _figures(period=c[0], region=c[1], suppressed=c[2]) for c in combos}
    state = FactState.objects.get(pk=1)
    built = state.built_at
    FactState.objects.filter(pk=1).update(built_at=None)  # the live path
    try:
        for c in combos:
            assert summary[c] == _figures(period=c[0], region=c[1], suppressed=c[2]), c
    finally:
        FactState.objects.filter(pk=1).update(built_at=built)


@pytest.fixture
def built(persona: Any) -> dict[str, Any]:
    made = build(persona)
    done = facts.refresh(full=True)
    assert done.rows > 0 and facts.is_built()
    assert not DirtyMonth.objects.exists()
    return made


def test_summary_gives_the_live_figures_of_the_hand_counted_records(built: Any) -> None:
    _assert_same_raw()
    _assert_same_figures()
    # A quarter of people counted once is not the sum of its months: stored per period.
    assert Fact.objects.filter(part__startswith="attendance:all:national", period="2024").exists()
    assert Fact.objects.filter(part__startswith="attendance:all:national", period="2024Q1").exists()


def _mutate(rng: random.Random, worker: Any) -> list[str]:
    """A handful of random changes through ordinary saves and deletes; returns what was done."""
    from egide.cases.models import Alert, Case, Consent, Need
    from egide.core.models import Region
    from egide.outreach.models import Dialogue
    from egide.policy.models import Workshop, WorkshopSeat
    from egide.referrals.models import Referral
    from egide.screening.models import Assessment
    from egide.screening.services import assessment_purposes_store
    from egide.training.models import Attendance, Participant, TrainingSession

    regions = list(Region.objects.filter(code__in=["GN-L", "GN-K", "GN-C"]))
    now = timezone.now()

    def moment() -> datetime:
        return at(rng.choice([2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))

    def pick(model: Any) -> Any:
        ids = list(model.objects.values_list("pk", flat=True))
        return model.objects.get(pk=rng.choice(ids)) if ids else None

    done = []
    for _ in range(6):
        kind = rng.randrange(15)
        if kind == 0 and (c := pick(Case)):
            c.opened_at = moment()
            c.sex = rng.choice(["female", "male", "unknown"])
            c.child = rng.random() < 0.4
            c.birth_year = rng.choice([None, 1960, 1990, 2004, 2010])
            c.region = rng.choice(regions)
            c.save()
        elif kind == 1 and (c := pick(Case)):
            if c.status == "closed":
                c.status, c.closed_at, c.closure_reason = "open", None, ""
            else:
                c.status, c.closed_at = "closed", moment()
                c.closure_reason = rng.choice(["goals_met", "withdrew", "transferred"])
            c.save()
        elif kind == 2 and (a := pick(Alert)):
            a.created_at = moment()
            a.triaged_at = rng.choice([None, a.created_at + timedelta(hours=rng.randint(1, 60))])
            a.due_at = a.created_at + timedelta(days=1)
            if rng.random() < 0.3:  # still within its deadline: pending, late later
                a.created_at, a.triaged_at = now - timedelta(hours=1), None
                a.due_at = now + timedelta(seconds=rng.choice([2, 3600 * 24]))
            a.case = rng.choice([None, pick(Case)])
            a.save()
        elif kind == 3 and (r := pick(Referral)):
            r.created_at = moment()
            r.delivered_at = rng.choice([None, r.created_at + timedelta(days=rng.randint(0, 90))])
            r.answered_at = rng.choice([None, r.created_at + timedelta(hours=rng.randint(1, 48))])
            r.status = rng.choice(["sent", "accepted", "delivered", "cancelled"])
            if rng.random() < 0.3:
                r.created_at, r.answered_at = now - timedelta(hours=2), None
                r.due_at = now + timedelta(days=2)
            r.save()
        elif kind == 4 and (r := pick(Referral)):
            copy = Referral.objects.get(pk=r.pk)
            copy.pk = None
            copy.case = pick(Case)
            copy.delivered_at = moment()
            copy.save()
        elif kind == 5 and (a := pick(Assessment)):
            a.worker_level = rng.choice(["", "presumed", "possible"])
            a.case = pick(Case)
            a.save()
        elif kind == 6 and (k := pick(Consent)):
            k.withdrawn_at = rng.choice([None, moment()])
            k.save()
        elif kind == 7 and (x := pick(Attendance)):
            x.day = moment().date()
            x.present = rng.random() < 0.7
            x.save()
        elif kind == 8 and (p := pick(Participant)):
            p.sex = rng.choice(["female", "male"])
            p.age_band = rng.choice(["18_24", "25_59", "60p"])
            p.actor_type = rng.choice(["cso", "police"])
            p.save()
        elif kind == 9 and (s := pick(TrainingSession)):
            s.region = rng.choice(regions)
            s.kind = rng.choice(["workshop", "webinar"])
            s.save()
        elif kind == 10 and (d := pick(Dialogue)):
            if rng.random() < 0.3:
                d.delete()
            else:
                d.held_on = moment().date()
                d.female_u18 = rng.randint(0, 9)
                d.region = rng.choice(regions)
                d.save()
        elif kind == 11:
            if rng.random() < 0.5 and (w := pick(Workshop)):
                w.held_on = moment().date()
                w.save()
            elif r := pick(Referral):
                r.delete()
        elif kind == 12 and (n := pick(Need)):
            n.need_type = rng.choice(["shelter", "medical", "legal_aid"])
            n.save()
        elif kind == 13 and (a := pick(Assessment)):
            # Through the service, which stores purposes in bulk (no signal of their own).
            codes = rng.sample(["forced_labour", "forced_begging", "sexual_exploitation"], 2)
            found = {"trafficking": {"elements": {"purpose": [f"purpose.{c}" for c in codes]}}}
            assessment_purposes_store(assessment=a, result=found)
        elif kind == 14 and (seat := pick(WorkshopSeat)):
            seat.delete()
        else:
            continue
        done.append(str(kind))
    return done


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_summary_follows_random_changes(
    built: Any, persona: Any, seed: int, monkeypatch: Any
) -> None:
    from egide.accounts import roles

    monkeypatch.setattr(facts, "READ_REFRESH_MONTHS", 10_000)  # every read refreshes itself
    rng = random.Random(seed)
    worker = persona(roles.CASE_WORKER)
    for _round in range(4):
        changes = _mutate(rng, worker)
        assert DirtyMonth.objects.exists() or not changes
        _assert_same_raw()  # each read recomputes the changed months it covers first
    _assert_same_figures()


def test_a_record_saved_now_is_counted_by_the_next_dashboard(built: Any, persona: Any) -> None:
    from egide.accounts import roles
    from egide.core.models import Region
    from egide.outreach.models import Dialogue

    worker = persona(roles.CASE_WORKER)
    before = dashboard(period="2024", suppressed=False).result("III.2").value.value
    Dialogue.objects.create(
        held_on=date(2024, 11, 3),
        region=Region.objects.get(code="GN-K"),
        format="dialogue",
        topics="Risques (fictif)",
        language="pular",
        organisation=worker.organisation,
        recorded_by=worker,
        female_18_24=12,
    )
    assert list(DirtyMonth.objects.values_list("month", flat=True)) == [date(2024, 11, 1)]
    board = dashboard(period="2024", suppressed=False)  # no job has run
    assert board.result("III.2").value.value == before + 12
    assert not DirtyMonth.objects.exists()  # recomputed on reading
    quarter = dashboard(period="2024Q4", region="GN-K", suppressed=False)
    assert quarter.result("III.2").value.value == 12


def test_alerts_raised_in_bulk_are_counted_by_the_next_refresh(built: Any, persona: Any) -> None:
    """Alerts are created with bulk_create (one or many: field imports, SMS, the form), which
    sends no post_save: the service's bulk_created signal marks their month all the same."""
    from egide.accounts import roles
    from egide.cases.services import alert_raise
    from egide.core.models import Region

    worker = persona(roles.CASE_WORKER)
    now = timezone.now()
    alert_raise(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        seen_on=now.date(),
        person_description="personne (fictif)",
        what_was_seen="fait (fictif)",
        urgency="urgent",
    )
    assert date(now.year, now.month, 1) in set(DirtyMonth.objects.values_list("month", flat=True))
    facts.refresh()
    spans = spans_of(parse(now.strftime("%Y%m")))
    assert _summary(spans)["alerts_on_time"][0][spans[-1].id][("GN-L", "pending")] == 1
    assert _drop_zeros(_summary(spans)["alerts_on_time"]) == _drop_zeros(
        _live(spans)["alerts_on_time"]
    )


def test_a_pending_alert_turns_late_with_no_refresh(
    built: Any, persona: Any, monkeypatch: Any
) -> None:
    from egide.accounts import roles
    from egide.cases.models import Alert
    from egide.core.models import Region

    worker = persona(roles.CASE_WORKER)
    now = timezone.now()
    Alert.objects.create(
        created_by=worker,
        organisation=worker.organisation,
        region=Region.objects.get(code="GN-L"),
        seen_on=now.date(),
        person_description="personne (fictif)",
        what_was_seen="fait (fictif)",
        urgency="urgent",
        created_at=now,
        due_at=now + timedelta(hours=1),
    )
    facts.refresh()
    spans = spans_of(parse(now.strftime("%Y%m")))
    assert _summary(spans)["alerts_on_time"][0][spans[-1].id][("GN-L", "pending")] == 1
    # Two hours later, untouched, the alert is late: the summary says so with no refresh.
    later = now + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not DirtyMonth.objects.exists()
    summary, live = _summary(spans), _live(spans)
    assert summary["alerts_on_time"][0][spans[-1].id][("GN-L", "late")] == 1
    assert ("GN-L", "pending") not in _drop_zeros(summary["alerts_on_time"][0][spans[-1].id])
    assert _drop_zeros(summary["alerts_on_time"]) == _drop_zeros(live["alerts_on_time"])


def test_until_built_and_for_date_ranges_the_records_are_counted(persona: Any) -> None:
    build(persona)
    assert facts.source_for(spans_of(parse("2024"))) is None  # never built
    facts.refresh(full=True)
    assert facts.source_for([Span("range", date(2024, 1, 1), date(2024, 6, 30))]) is None
    assert facts.source_for(spans_of(parse("2024"))) is not None


def test_the_refresh_runs_every_minute_and_builds_at_first(persona: Any) -> None:
    from egide.jobs.models import Job
    from egide.jobs.schedule import SCHEDULE
    from egide.jobs.services import job_run, job_start

    every = {e.kind: e.every for e in SCHEDULE}
    assert every["monitoring.refresh_figures"] == timedelta(minutes=1)
    assert every["monitoring.rebuild_figures"] == timedelta(days=1)
    build(persona)
    job = job_start(actor=None, kind="monitoring.refresh_figures", label="refresh", params={})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.report
    assert facts.is_built()
    assert Fact.objects.filter(period="2024").exists()


@pytest.mark.django_db(transaction=True)
def test_a_read_waits_briefly_for_a_running_refresh_then_counts_the_records(
    persona: Any,
) -> None:
    import threading
    import time

    from django.db import connection, transaction

    from egide.monitoring.freshness import mark_months

    if connection.vendor != "postgresql":
        pytest.skip("another connection holding the lock needs PostgreSQL")
    build(persona)
    facts.refresh(full=True)
    mark_months([date(2024, 3, 1)])
    held, release = threading.Event(), threading.Event()

    def rebuild_running() -> None:  # holds the refresh lock, as the nightly rebuild does
        try:
            with transaction.atomic():
                FactState.objects.select_for_update().get(pk=1)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    other = threading.Thread(target=rebuild_running)
    other.start()
    assert held.wait(10)
    started = time.monotonic()
    try:
        source = facts.source_for(spans_of(parse("2024")))
        waited = time.monotonic() - started
    finally:
        release.set()
        other.join()
    assert source is None  # counted from the records: exact, not older than the change
    assert 2.5 < waited < 10
    assert DirtyMonth.objects.exists()  # left for the next refresh
    assert facts.source_for(spans_of(parse("2024"))) is not None  # lock free: refreshed
    assert not DirtyMonth.objects.exists()


def test_a_read_recomputes_a_few_months_at_most_then_counts_the_records(built: Any) -> None:
    """With more changed months than a page should recompute (the minute's job stopped, a large
    import), the read counts from the records — exact — and leaves the months to the job."""
    from egide.monitoring.freshness import mark_months

    months = [date(2024, m, 1) for m in range(1, facts.READ_REFRESH_MONTHS + 2)]
    mark_months(months)
    spans = spans_of(parse("2024"))
    assert facts.source_for(spans) is None
    assert DirtyMonth.objects.count() == len(months)  # nothing recomputed by the page
    _assert_same_figures()  # what the page shows (from the records) is exact
    facts.refresh()  # the minute's job
    assert facts.source_for(spans) is not None and not DirtyMonth.objects.exists()


def test_a_refresh_that_fails_on_read_gives_the_records_figures(
    built: Any, monkeypatch: Any
) -> None:
    """A refresh that breaks (a database error, a bug) is rolled back whole and the page counts
    from the records: never a 500, never a half-written summary."""
    from django.db import DataError

    from egide.monitoring.freshness import mark_months

    mark_months([date(2024, 3, 1)])
    before = Fact.objects.count()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DataError("fictitious failure")

    monkeypatch.setattr(facts, "_compute", broken)
    assert facts.source_for(spans_of(parse("2024"))) is None
    assert Fact.objects.count() == before and DirtyMonth.objects.exists()
    board = dashboard(period="2024", suppressed=False)
    assert board.result("III.2").value.value is not None
