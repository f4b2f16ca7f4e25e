"""Pulling from a fake ODK Central that serves the recorded responses: paging by nextLink,
idempotency, edits, review states, deletions, re-login, failures and the watermark."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from egide.cases.models import Alert
from egide.fielddata import services
from egide.fielddata.models import (
    FieldAttachment,
    ImportRun,
    SubmissionRecord,
    Watermark,
)
from egide.fielddata.servers import OdkCentral, ServerConfig
from egide.fielddata.tests.conftest import alert_answers
from egide.fielddata.tests.fakes import central_row, fixture

pytestmark = pytest.mark.django_db
FORM = "egide_alerte"
ID1 = "uuid:c874dad2-d1f1-4b55-bbe6-d3d692304519"  # recorded ids
ID2 = "uuid:e86ca2a7-6b01-4997-99cc-97deaf275fe4"
EDIT2 = "uuid:3bff25e7-4393-4b7c-a5b3-1af33759348f"


def test_recorded_pages_are_followed_by_path_and_query(central: Any) -> None:
    """The recorded page 1 carries a nextLink on Central's own domain (localhost:8989): the
    client follows its path and query on the server it talks to and gets the recorded page 2."""
    fake, url = central
    fake.recorded["alerte"] = [fixture("odk_odata_page1.json"), fixture("odk_odata_page2.json")]
    server = OdkCentral(
        ServerConfig(base_url=url, project="1", username="a@b.org", secret="secret-de-test")
    )
    subs = list(server.submissions("alerte", ""))
    assert [s.logical_id for s in subs] == [ID1, ID2]
    # The edited submission: the logical id stays, the version is the edit's.
    assert subs[1].instance_id == EDIT2 and subs[1].review_state == "edited"
    assert subs[1].submitter_id == "5" and subs[1].device_id == "collect:abc123"
    assert subs[0].data["signalant/tel"] == "+224620000000"
    gets = [p for m, p in fake.requests if "Submissions" in p]
    assert len(gets) == 2 and "%24skiptoken=01eyJ" in gets[1]


def test_recorded_rows_of_a_form_that_is_not_egides_are_rejected_with_the_reason(
    central: Any, connection: Any
) -> None:
    fake, _url = central
    source = services.source_of(connection)
    run = services.run_start(actor=None, source=ImportRun.Source.PULL, connection=connection)
    from egide.fielddata.records import from_odata

    for row in fixture("odk_odata_submissions_expand.json")["value"]:
        services.submission_apply(run=run, source=source, submission=from_odata("alerte", row))
    reasons = set(run.outcomes.values_list("reason", flat=True))
    assert len(reasons) == 1 and "alerte" in reasons.pop()
    assert not Alert.objects.exists()


def _two(fake: Any) -> None:
    fake.rows[FORM] = [
        central_row(logical_id=ID1, data=alert_answers()),
        central_row(
            logical_id=ID2,
            data=alert_answers(urgency="normal", child_concerned="no"),
            submitted="2026-11-24T01:10:36.675Z",
            device="collect:abc123",
        ),
    ]


def test_first_pull_creates_second_changes_nothing(central: Any, connection: Any) -> None:
    fake, _url = central
    _two(fake)
    run = services.pull(connection=connection, actor=None, page_size=1)
    assert run.counts["created"] == 2 and run.status == ImportRun.Status.DONE
    assert Alert.objects.count() == 2
    alert = Alert.objects.get(urgency="urgent")
    # Routed and due for triage like any other alert: the region's supervisors see it.
    assert alert.status == Alert.Status.NEW and alert.region.code == "GN-L"
    assert alert.prefecture.code == "GN-LA" and alert.created_by == connection_user(connection)
    mark = Watermark.objects.get(connection=connection, form_id=FORM)
    assert mark.changed_after == "2026-11-24T01:10:36.708Z"
    second = services.pull(connection=connection, actor=None)
    assert sum(second.counts.values()) == 0
    # Even from scratch (watermark reset), the same submissions change nothing.
    Watermark.objects.all().delete()
    third = services.pull(connection=connection, actor=None)
    assert third.counts["unchanged"] == 2 and Alert.objects.count() == 2
    from egide.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="fielddata.pulled").count() == 3


def connection_user(connection: Any) -> Any:
    from egide.fielddata.models import FieldAccount

    return FieldAccount.objects.get(connection=connection).user


def test_an_edit_updates_in_place(central: Any, connection: Any) -> None:
    fake, _url = central
    _two(fake)
    services.pull(connection=connection, actor=None)
    fake.rows[FORM][1] = central_row(
        logical_id=ID2,
        instance_id=EDIT2,
        data=alert_answers(urgency="normal", what_was_seen="corrigé : deux enfants (fictif)"),
        submitted="2026-11-24T01:10:36.675Z",
        updated="2026-11-24T01:10:36.745Z",
        review="edited",
    )
    run = services.pull(connection=connection, actor=None)
    assert run.counts["updated"] == 1 and run.counts["unchanged"] == 0
    assert Alert.objects.count() == 2
    record = SubmissionRecord.objects.get(logical_id=ID2)
    assert record.instance_id == EDIT2
    assert Alert.objects.get(pk=record.target_id).what_was_seen.startswith("corrigé")


def test_rejected_on_the_server_is_not_imported(central: Any, connection: Any) -> None:
    fake, _url = central
    fake.rows[FORM] = [central_row(logical_id=ID1, data=alert_answers(), review="rejected")]
    run = services.pull(connection=connection, actor=None)
    assert run.counts["skipped"] == 1 and not Alert.objects.exists()


def test_a_deletion_is_reported(central: Any, connection: Any) -> None:
    fake, _url = central
    _two(fake)
    services.pull(connection=connection, actor=None)
    fake.rows[FORM][0]["__system"]["deletedAt"] = "2026-11-24T02:00:00.000Z"
    run = services.pull(connection=connection, actor=None)
    assert run.counts["deleted"] == 1
    assert SubmissionRecord.objects.get(logical_id=ID1).deleted_on_server
    assert Alert.objects.count() == 2  # what Égide made of it is kept
    again = services.pull(connection=connection, actor=None)
    assert again.counts["deleted"] == 0


def test_a_401_triggers_one_relogin(central: Any, connection: Any) -> None:
    fake, _url = central
    _two(fake)
    server = services.server_of(connection)
    list(server.submissions(FORM, ""))
    assert fake.logins == 1
    fake.expire_sessions()
    assert len(list(server.submissions(FORM, ""))) == 2
    assert fake.logins == 2 and server.logins == 2  # type: ignore[attr-defined]


def test_bad_credentials_fail_with_a_clear_message(central: Any, connection: Any) -> None:
    connection.secret = "wrong"
    connection.save()
    with pytest.raises(services.ImportFailed, match="refused the account"):
        services.pull(connection=connection, actor=None)


@pytest.mark.parametrize("failure", ["5xx", "timeout"])
def test_failure_fails_the_run_and_keeps_the_watermark(
    central: Any, connection: Any, failure: str
) -> None:
    fake, _url = central
    _two(fake)
    services.pull(connection=connection, actor=None)
    before = Watermark.objects.get(connection=connection, form_id=FORM).changed_after
    fake.rows[FORM].append(
        central_row(
            logical_id="uuid:00000000-0000-4000-8000-000000000003",
            data=alert_answers(),
            submitted="2026-11-24T03:00:00.000Z",
        )
    )
    fake.rows[FORM].append(
        central_row(
            logical_id="uuid:00000000-0000-4000-8000-000000000004",
            data=alert_answers(),
            submitted="2026-11-24T04:00:00.000Z",
        )
    )
    if failure == "5xx":
        fake.fail_status, fake.fail_after = 503, fake._submission_requests + 1
        message = "HTTP 503"
    else:
        connection.timeout_seconds = 1
        connection.save()
        fake.hang = 1.5
        message = "did not answer within"
    with pytest.raises(services.ImportFailed, match=message):
        services.pull(connection=connection, actor=None, page_size=1)
    assert Watermark.objects.get(connection=connection, form_id=FORM).changed_after == before
    run = ImportRun.objects.first()
    assert run is not None and run.status == ImportRun.Status.FAILED and message in run.error
    # Once the server is back, the pull completes and nothing is duplicated.
    fake.fail_status, fake.hang = 0, 0
    services.pull(connection=connection, actor=None)
    assert Alert.objects.count() == 4


def test_pull_job_reports_failure_to_its_starter(
    central: Any, connection: Any, persona: Any
) -> None:
    from egide.accounts import roles
    from egide.fielddata.jobs import PULL
    from egide.jobs.models import Job
    from egide.jobs.services import job_run, job_start

    fake, _url = central
    _two(fake)
    coordinator = persona(roles.COORDINATOR)
    job = job_start(
        actor=coordinator, kind=PULL, label="pull", params={"connection": connection.pk}
    )
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    assert "created 2" in Job.objects.get(pk=job.pk).report
    fake.fail_status = 502
    failed = job_start(
        actor=coordinator, kind=PULL, label="pull", params={"connection": connection.pk}
    )
    assert job_run(job_id=failed.pk) == Job.Status.FAILED
    assert "HTTP 502" in Job.objects.get(pk=failed.pk).error


def test_schedule_has_the_pull_entry() -> None:
    from egide.fielddata.jobs import PULL_ALL
    from egide.jobs.schedule import SCHEDULE

    assert [e.kind for e in SCHEDULE].count(PULL_ALL) == 1


def test_attachment_is_downloaded_and_stored_encrypted(central: Any, connection: Any) -> None:
    fake, _url = central
    fake.rows[FORM] = [
        central_row(logical_id=ID1, data=alert_answers(photo="p1.jpg"), attachments=1)
    ]
    services.pull(connection=connection, actor=None)
    attachment = FieldAttachment.objects.get()
    assert attachment.name == "p1.jpg"
    assert base64.b64decode(attachment.content_b64) == fake.attachment
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT content_b64 FROM fielddata_fieldattachment")
        stored = cursor.fetchone()[0]
    assert base64.b64encode(fake.attachment).decode() not in stored


def test_unknown_submitter_is_held_then_applied(
    central: Any, connection: Any, persona: Any
) -> None:
    from egide.accounts import roles
    from egide.fielddata.models import FieldAccount

    fake, _url = central
    fake.rows[FORM] = [central_row(logical_id=ID1, data=alert_answers(), submitter="77")]
    run = services.pull(connection=connection, actor=None)
    assert run.counts["held"] == 1 and not Alert.objects.exists()
    record = SubmissionRecord.objects.get()
    assert "77" in record.reason
    FieldAccount.objects.create(
        connection=connection, remote_id="77", user=persona(roles.CASE_WORKER)
    )
    assert services.record_reapply(actor=persona(roles.COORDINATOR), record=record) == "created"
    assert Alert.objects.get().created_by == persona(roles.CASE_WORKER)


def test_publish_creates_then_leaves_unchanged(central: Any, connection: Any) -> None:
    done = services.publish(connection=connection, actor=None)
    assert set(done.values()) == {"created"}
    again = services.publish(connection=connection, actor=None)
    assert set(again.values()) == {"unchanged"}
    # A form whose version changed is uploaded as a draft and published as a new version.
    fake, _url = central
    fake.forms["egide_alerte"]["version"] = "e0-c1.0-r1.0"
    third = services.publish(connection=connection, actor=None)
    assert third["egide_alerte"] == "updated" and third["egide_dialogue"] == "unchanged"
    assert fake.forms["egide_alerte"]["version"] == "e1-c1.0-r1.0"
