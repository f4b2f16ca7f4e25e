"""The chunk path of the importer (new alert submissions applied together, in one transaction)
against the one-by-one path: same alerts, routing, triage deadlines, records, audit events and
report; a chunk that fails is applied one by one; a submission that fails on its own is recorded
and does not stop the others; re-pulls change nothing; edits update in place."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.db import connection as db
from django.utils import timezone

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.cases import services as case_services
from egide.cases.models import Alert
from egide.fielddata import services
from egide.fielddata.models import FieldAccount, ImportRun, SubmissionRecord, Watermark
from egide.fielddata.records import RecordError, Submission, from_odata
from egide.fielddata.tests.conftest import alert_answers
from egide.fielddata.tests.fakes import central_row
from tests.personas import make_user

pytestmark = pytest.mark.django_db
FORM = "egide_alerte"
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def uid(n: int) -> str:
    return f"uuid:00000000-0000-4000-8000-{n:012d}"


def row(n: int, *, submitter: str = "5", device: str | None = None, **answers: Any) -> Any:
    return central_row(
        logical_id=uid(n),
        data=alert_answers(**{"person_description": f"personne {n} (fictive)", **answers}),
        submitted=f"2026-11-24T01:{n // 60:02d}:{n % 60:02d}.000Z",
        submitter=submitter,
        device=device,
    )


@pytest.fixture
def kankan_user(connection: Any, other_org: Any) -> Any:
    """A field user of another organisation, known by its device only."""
    user = make_user("field_kankan", roles.MIGRANT_AMBASSADOR, other_org, ["GN-K"])
    FieldAccount.objects.create(
        connection=connection, kind=FieldAccount.Kind.DEVICE, remote_id="collect:kk", user=user
    )
    return user


def mixed() -> list[Submission | RecordError]:
    """Every kind of new alert submission a chunk can hold."""
    rows = [
        row(1, urgency="immediate", child_concerned="yes"),
        row(2, urgency="urgent", child_concerned="no"),
        row(3, urgency="normal", child_concerned="unknown", border_point="Poste de Koundara"),
        row(4, submitter="99", device="collect:kk", region="GN-K", prefecture="", urgency="urgent"),
        row(5, submitter="77"),  # nobody in Égide: held
        row(6, region="GN-ZZ"),  # rejected: no such region
        row(7, seen_on=TOMORROW),  # rejected: in the future
        row(8, egide_version="e9-c1.0-r1.0"),  # rejected: version unknown
        {**row(9), "__system": {**row(9)["__system"], "reviewState": "rejected"}},  # skipped
        row(10, prefecture="GN-KA"),  # rejected: prefecture not in the region
    ]
    items: list[Submission | RecordError] = [from_odata(FORM, r) for r in rows]
    items.insert(4, RecordError("ODK Central row: an OData row without __id"))
    return items


def by_path(
    connection: Any, server: str, items: list[Submission | RecordError], *, bulk: bool
) -> tuple[ImportRun, Counter[str]]:
    source = services.Source(server, "1", connection)
    run = services.run_start(actor=None, source=ImportRun.Source.PULL, connection=connection)
    counts: Counter[str] = Counter()
    if bulk:
        services.apply_all(run=run, source=source, submissions=items, counts=counts)
    else:
        for item in items:
            if isinstance(item, RecordError):
                counts["rejected"] += 1
                services._outcome(run, None, str(item), "", "rejected", str(item))
                continue
            counts[services.submission_apply(run=run, source=source, submission=item)] += 1
    return run, counts


def facts(server: str) -> dict[str, Any]:
    """What the submissions of *server* became: records, alerts and their audit events."""
    out: dict[str, Any] = {}
    for record in SubmissionRecord.objects.filter(server=server):
        alert_facts = None
        if record.target_id is not None:
            alert = Alert.objects.get(pk=record.target_id)
            events = AuditEvent.objects.filter(object_type="cases.alert", object_id=str(alert.pk))
            alert_facts = (
                alert.created_by_id,
                alert.organisation_id,
                alert.region.code,
                alert.prefecture.code if alert.prefecture else None,
                alert.locality,
                alert.border_point,
                alert.seen_on,
                alert.urgency,
                alert.child_concerned,
                alert.person_description,
                alert.what_was_seen,
                alert.status,
                alert.due_at - alert.created_at,
                sorted(
                    (e.action, e.actor_id, e.actor_username, e.organisation_id, str(e.details))
                    for e in events
                ),
            )
        out[record.logical_id] = (
            record.status,
            record.reason,
            record.target_type,
            record.user_id,
            record.organisation_id,
            record.instance_id,
            record.form_version,
            record.submitter_id,
            record.device_id,
            record.submitted_at,
            record.payload,
            alert_facts,
        )
    return out


def report(run: ImportRun) -> list[tuple[str, str, str]]:
    return list(run.outcomes.values_list("reference", "outcome", "reason"))


def test_chunk_path_does_exactly_what_the_one_by_one_path_does(
    connection: Any, ambassador: Any, kankan_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = mixed()
    real = services.submission_apply

    def not_one_by_one(**kwargs: Any) -> str:
        raise AssertionError("the chunk path applied a new alert one by one")

    monkeypatch.setattr(services, "submission_apply", not_one_by_one)
    bulk_run, bulk_counts = by_path(connection, "http://bulk", items, bulk=True)
    monkeypatch.setattr(services, "submission_apply", real)
    single_run, single_counts = by_path(connection, "http://single", items, bulk=False)

    assert bulk_counts == single_counts
    assert bulk_counts == {"created": 4, "held": 1, "rejected": 5, "skipped": 1}
    bulk, single = facts("http://bulk"), facts("http://single")
    assert bulk == single and len(bulk) == 9  # the skipped one and the unreadable row: none
    assert report(bulk_run) == report(single_run)
    assert [r[0] for r in report(bulk_run)][:5] == [
        uid(1),
        uid(2),
        uid(3),
        uid(4),
        report(bulk_run)[4][0],
    ]  # the report keeps the order of the submissions
    # Routed to the sender's organisation, due within the urgency's deadline, audited once.
    hours = settings.EGIDE_ALERT_DEADLINE_HOURS
    alerts = {
        r.logical_id: Alert.objects.get(pk=r.target_id)
        for r in SubmissionRecord.objects.filter(server="http://bulk", target_id__isnull=False)
    }
    assert sorted(alerts) == [uid(1), uid(2), uid(3), uid(4)]
    assert alerts[uid(4)].created_by == kankan_user
    assert alerts[uid(4)].organisation_id == kankan_user.organisation_id
    assert alerts[uid(1)].organisation_id == ambassador.organisation_id
    for alert in alerts.values():
        assert alert.due_at - alert.created_at == timedelta(hours=hours[alert.urgency])
        raised = AuditEvent.objects.filter(
            action="alert.raised", object_type="cases.alert", object_id=str(alert.pk)
        )
        assert raised.count() == 1 and raised.get().actor_id == alert.created_by_id
    assert AuditEvent.objects.filter(action="alert.raised").count() == 8
    # The answers and the alerts' texts are stored encrypted.
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT person_description FROM cases_alert WHERE id = %s", [alerts[uid(1)].pk]
        )
        assert "personne 1" not in cursor.fetchone()[0]
        cursor.execute(
            "SELECT payload_json FROM fielddata_submissionrecord WHERE logical_id = %s", [uid(1)]
        )
        assert "personne 1" not in cursor.fetchone()[0]
    held = SubmissionRecord.objects.get(server="http://bulk", logical_id=uid(5))
    assert held.status == "held" and held.organisation_id == connection.organisation_id


def test_a_second_pass_changes_nothing_with_one_lookup_per_chunk(
    connection: Any, ambassador: Any, django_assert_max_num_queries: Any
) -> None:
    items: list[Submission | RecordError] = [from_odata(FORM, row(n)) for n in range(1, 41)]
    by_path(connection, "http://bulk", items, bulk=True)
    alerts, events = Alert.objects.count(), AuditEvent.objects.count()
    before = facts("http://bulk")
    source = services.Source("http://bulk", "1", connection)
    counts: Counter[str] = Counter()
    with django_assert_max_num_queries(4):  # the records of the chunk, then the report rows
        services.apply_all(run=None, source=source, submissions=items, counts=counts)
    assert counts == {"unchanged": 40}
    assert Alert.objects.count() == alerts == 40 and AuditEvent.objects.count() == events
    assert facts("http://bulk") == before


def test_an_edit_in_a_chunk_of_new_submissions_updates_in_place(
    central: Any, connection: Any, ambassador: Any
) -> None:
    fake, _url = central
    fake.rows[FORM] = [row(1), row(2)]
    services.pull(connection=connection, actor=None)
    first = SubmissionRecord.objects.get(logical_id=uid(2)).target_id
    edited = central_row(
        logical_id=uid(2),
        instance_id="uuid:edit-2",
        data=alert_answers(person_description="personne 2 (fictive)", what_was_seen="corrigé"),
        submitted="2026-11-24T01:00:02.000Z",
        updated="2026-11-24T05:00:00.000Z",
        review="edited",
    )
    fake.rows[FORM] = [row(1), edited, row(3), row(4)]
    Watermark.objects.all().delete()
    run = services.pull(connection=connection, actor=None)
    assert run.counts["updated"] == 1 and run.counts["created"] == 2
    assert run.counts["unchanged"] == 1
    record = SubmissionRecord.objects.get(logical_id=uid(2))
    assert record.target_id == first and record.instance_id == "uuid:edit-2"
    assert Alert.objects.get(pk=first).what_was_seen == "corrigé"
    assert Alert.objects.count() == 4


def test_the_same_submission_twice_in_a_chunk_is_created_once_then_updated(
    connection: Any, ambassador: Any
) -> None:
    first = from_odata(FORM, row(1))
    again = from_odata(
        FORM,
        central_row(
            logical_id=uid(1),
            instance_id="uuid:edit-1",
            data=alert_answers(person_description="personne 1 (fictive)", urgency="immediate"),
            updated="2026-11-24T06:00:00.000Z",
        ),
    )
    _run, counts = by_path(
        connection, "http://bulk", [first, from_odata(FORM, row(2)), again], bulk=True
    )
    assert counts == {"created": 2, "updated": 1}
    assert Alert.objects.count() == 2
    record = SubmissionRecord.objects.get(logical_id=uid(1))
    assert record.instance_id == "uuid:edit-1"
    assert Alert.objects.get(pk=record.target_id).urgency == "immediate"


def test_a_chunk_whose_transaction_fails_is_applied_one_by_one_with_nothing_half_applied(
    central: Any, connection: Any, ambassador: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.alerts_raise_many
    calls: list[int] = []

    def fails_after_writing(*, reports: Any) -> Any:
        real(reports=reports)  # the alerts and their audit events are written...
        calls.append(len(reports))
        raise IntegrityError("forced failure of the chunk")  # ...then the chunk fails

    monkeypatch.setattr(services, "alerts_raise_many", fails_after_writing)
    fake, _url = central
    fake.rows[FORM] = [row(n) for n in range(1, 6)]
    run = services.pull(connection=connection, actor=None)
    assert calls == [5]  # the chunk was tried in one transaction
    assert run.counts["created"] == 5 and sum(run.counts.values()) == 5
    assert Alert.objects.count() == 5  # the chunk's own writes were rolled back
    assert AuditEvent.objects.filter(action="alert.raised").count() == 5
    assert SubmissionRecord.objects.filter(status="created").count() == 5
    assert run.outcomes.count() == 5
    mark = Watermark.objects.get(connection=connection, form_id=FORM)
    assert mark.changed_after == "2026-11-24T01:00:05.000Z"


def _failing_for(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The alert of a submission whose description holds *marker* cannot be written, whichever
    path applies it (a database error surfacing at apply time)."""
    real = case_services._alert_of

    def alert_of(report: Any, now: Any) -> Any:
        if marker in report.person_description:
            raise IntegrityError("forced failure of one submission")
        return real(report, now)

    monkeypatch.setattr(case_services, "_alert_of", alert_of)


def test_one_submission_failing_at_apply_time_does_not_stop_the_others(
    central: Any,
    connection: Any,
    ambassador: Any,
    persona: Callable[[str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake, _url = central
    fake.rows[FORM] = [row(1), row(2, person_description="PANNE (fictive)"), row(3)]
    _failing_for("PANNE", monkeypatch)
    run = services.pull(connection=connection, actor=None)
    assert run.counts["created"] == 2 and run.counts["rejected"] == 1
    assert Alert.objects.count() == 2
    failed = SubmissionRecord.objects.get(logical_id=uid(2))
    assert failed.status == "rejected" and "IntegrityError" in failed.reason
    assert failed.target_id is None and "PANNE" in failed.payload["data"]["person_description"]
    assert run.outcomes.get(reference=uid(2)).outcome == "rejected"
    # Recorded, so handled: the watermark moves past it; once fixed, it is applied again.
    mark = Watermark.objects.get(connection=connection, form_id=FORM)
    assert mark.changed_after == "2026-11-24T01:00:03.000Z"
    monkeypatch.undo()
    outcome = services.record_reapply(actor=persona(roles.COORDINATOR), record=failed)
    assert outcome == "created" and Alert.objects.count() == 3
    Watermark.objects.all().delete()
    again = services.pull(connection=connection, actor=None)
    assert again.counts["unchanged"] == 3 and Alert.objects.count() == 3


def test_the_watermark_stays_when_a_failure_cannot_even_be_recorded(
    central: Any, connection: Any, ambassador: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _url = central
    fake.rows[FORM] = [row(1), row(2, person_description="PANNE (fictive)"), row(3)]
    _failing_for("PANNE", monkeypatch)
    real_find = services._find

    def find(source: Any, submission: Any) -> Any:
        if submission.logical_id == uid(2):
            raise OperationalError("forced: the database is gone for this one")
        return real_find(source, submission)

    monkeypatch.setattr(services, "_find", find)
    run = services.pull(connection=connection, actor=None)
    assert run.counts["created"] == 2 and run.counts["rejected"] == 1
    assert not SubmissionRecord.objects.filter(logical_id=uid(2)).exists()
    assert Watermark.objects.get(connection=connection, form_id=FORM).changed_after == ""
    monkeypatch.undo()
    again = services.pull(connection=connection, actor=None)
    assert again.counts == {**again.counts, "created": 1, "unchanged": 2}
    assert Alert.objects.count() == 3
    assert Watermark.objects.get(connection=connection, form_id=FORM).changed_after == (
        "2026-11-24T01:00:03.000Z"
    )


def test_a_submission_whose_check_breaks_is_recorded_and_the_chunk_goes_on(
    connection: Any, ambassador: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from egide.fielddata import mapping

    real = mapping.alert_report

    def breaks(user: Any, data: dict[str, Any]) -> Any:
        if "PANNE" in str(data.get("person_description")):
            raise TypeError("a bug met by odd answers")
        return real(user, data)

    monkeypatch.setattr(mapping, "alert_report", breaks)
    items: list[Submission | RecordError] = [
        from_odata(FORM, row(1)),
        from_odata(FORM, row(2, person_description="PANNE (fictive)")),
        from_odata(FORM, row(3)),
    ]
    run, counts = by_path(connection, "http://bulk", items, bulk=True)
    assert counts == {"created": 2, "rejected": 1}
    failed = SubmissionRecord.objects.get(logical_id=uid(2))
    assert failed.status == "rejected" and "TypeError" in failed.reason
    assert [r[1] for r in report(run)] == ["created", "rejected", "created"]
    assert Alert.objects.count() == 2


def test_read_ahead_keeps_at_most_one_chunk_waiting_and_raises_after_the_chunks_before() -> None:
    from egide.fielddata.servers import ServerError

    pulled: list[int] = []

    def rows() -> Iterator[int]:
        for i in range(20):
            pulled.append(i)
            yield i
            if i == 10:
                raise ServerError("HTTP 503")

    chunks = services._read_ahead(rows(), 3)
    assert next(chunks) == [0, 1, 2]
    time.sleep(0.5)
    # The chunk being applied, one waiting, one read and held back: memory stays bounded.
    assert len(pulled) == 9
    assert next(chunks) == [3, 4, 5] and next(chunks) == [6, 7, 8]
    # The rows read after the last whole chunk are not given: the failure is.
    with pytest.raises(ServerError, match="HTTP 503"):
        next(chunks)


def test_read_ahead_stops_reading_when_the_caller_stops() -> None:
    pulled: list[int] = []

    def endless() -> Iterator[int]:
        i = 0
        while True:
            pulled.append(i)
            yield i
            i += 1

    chunks = services._read_ahead(endless(), 2)
    assert next(chunks) == [0, 1]
    chunks.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name == "egide-field-read-ahead" and t.is_alive() for t in threading.enumerate()
    ):
        time.sleep(0.05)
    read = len(pulled)
    time.sleep(0.3)
    assert len(pulled) == read <= 6
