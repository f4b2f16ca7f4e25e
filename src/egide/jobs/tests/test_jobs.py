"""Jobs in one process: the training export as a job, its page, its result, who may fetch it,
expiry, the schedule, stale-job detection."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.core.models import Region
from egide.jobs import schedule
from egide.jobs.models import Job, ScheduleRun
from egide.jobs.services import (
    JobError,
    Output,
    job_run,
    job_start,
    jobs_cleanup,
    jobs_detect_stale,
    register,
)
from egide.training import services as training

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(persona: Callable[[str], User]) -> User:
    return persona(roles.TRAINER)


def _session_with(trainer: User, name: str) -> int:
    session = training.session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier jobs (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
        region=Region.objects.get(code="GN-L"),
    )
    training.participant_register(
        actor=trainer,
        session=session,
        full_name=name,
        sex="female",
        age_band="25_59",
        actor_type="cso",
        organisation_name="ASL (fictive)",
        phone="+224 620 00 00 01",
        email="fictive@example.invalid",
        is_fictitious=True,
    )
    return session.pk


def test_session_export_runs_as_a_job_and_only_its_starter_downloads_it(
    trainer: User, persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    pk = _session_with(trainer, "Hawa Kourouma")
    client = client_as(trainer)
    response = client.post(reverse("training:export_job", args=[pk, "participants.xlsx"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED and job.started_by == trainer
    queued = DBTaskResult.objects.get(pk=job.task_id)
    assert queued.status == TaskResultStatus.READY and queued.args_kwargs["args"] == [job.pk]
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    # No page reloads by itself (WCAG 2.2.1): a "Refresh" button follows the progress.
    assert 'http-equiv="refresh"' not in page and "<progress" in page and "Actualiser" in page

    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    assert job_run(job_id=job.pk) == "skipped"  # a second worker never runs it again
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Actualiser" not in page and f"/jobs/{job.pk}/result" in page
    listing = client.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/result" in listing

    # Stored encrypted: no name in the database row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT result_file FROM jobs_job WHERE id = %s", [job.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA") and "Hawa" not in raw

    download = client.get(f"/jobs/{job.pk}/result")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Hawa Kourouma"
    assert AuditEvent.objects.filter(action="job.result_downloaded", actor=trainer).count() == 1
    assert AuditEvent.objects.filter(action="training.exported", actor=trainer).count() == 1

    other = client_as(persona(roles.COORDINATOR))
    assert other.get(f"/jobs/{job.pk}/result").status_code == 404
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert f"/jobs/{job.pk}/" not in other.get("/jobs/").content.decode()


def test_export_job_refuses_an_unknown_export_and_a_get(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    pk = _session_with(trainer, "Fanta Camara")
    client = client_as(trainer)
    assert client.post(reverse("training:export_job", args=[pk, "secret.xlsx"])).status_code == 404
    assert (
        client.get(reverse("training:export_job", args=[pk, "participants.xlsx"])).status_code
        == 404
    )
    assert not Job.objects.exists()


@register("tests.fails", "Always fails (test)")
def _fails(job: Job, progress: object) -> Output:
    raise JobError("Le fichier demandé n'existe plus.")


@register("tests.crashes", "Crashes (test)")
def _crashes(job: Job, progress: object) -> Output:
    raise RuntimeError("boom with a secret detail")


def test_a_failed_job_shows_a_clear_error_and_no_traceback(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    failing = job_start(actor=trainer, kind="tests.fails", label="Échec", params={})
    crashing = job_start(actor=trainer, kind="tests.crashes", label="Plantage", params={})
    assert job_run(job_id=failing.pk) == Job.Status.FAILED
    assert job_run(job_id=crashing.pk) == Job.Status.FAILED
    client = client_as(trainer)
    assert (
        "Le fichier demandé n&#x27;existe plus."
        in client.get(f"/jobs/{failing.pk}/").content.decode()
    )
    page = client.get(f"/jobs/{crashing.pk}/").content.decode()
    assert "boom" not in page and str(crashing.pk) in page
    assert client.get(f"/jobs/{failing.pk}/result").status_code == 404


def test_expired_results_are_erased(trainer: User) -> None:
    pk = _session_with(trainer, "Mariama Soumah")
    job = job_start(
        actor=trainer,
        kind="training.session_export",
        label="x",
        params={"session": pk, "what": "attendance.xlsx"},
    )
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.has_file and job.expires_at is not None
    assert jobs_cleanup(now=job.expires_at - timedelta(minutes=1))["expired"] == 0
    assert jobs_cleanup(now=job.expires_at + timedelta(minutes=1))["expired"] == 1
    job.refresh_from_db()
    assert not job.has_file and job.result_file == ""


def test_scheduled_job_records_are_forgotten_after_the_result_delay(trainer: User) -> None:
    now = timezone.now()
    old = now - timedelta(days=30)
    seal = Job.objects.create(
        kind="audit.seal", label="seal", status=Job.Status.SUCCEEDED, finished_at=old
    )
    recent = Job.objects.create(
        kind="audit.seal", label="seal", status=Job.Status.SUCCEEDED, finished_at=now
    )
    running = Job.objects.create(kind="audit.seal", label="seal", status=Job.Status.RUNNING)
    mine = Job.objects.create(
        kind="jobs.check",
        label="x",
        status=Job.Status.SUCCEEDED,
        finished_at=old,
        started_by=trainer,
    )
    assert jobs_cleanup(now=now)["forgotten"] == 1
    left = set(Job.objects.values_list("pk", flat=True))
    assert seal.pk not in left and {recent.pk, running.pk, mine.pk} <= left


def test_a_running_job_without_sign_of_life_is_declared_failed(trainer: User) -> None:
    job = job_start(actor=trainer, kind="jobs.check", label="x", params={})
    old = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=old, worker="elsewhere:1"
    )
    DBTaskResult.objects.filter(pk=job.task_id).update(status=TaskResultStatus.RUNNING)
    assert jobs_detect_stale() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "arrêté" in job.error
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED
    # A live job is left alone.
    live = job_start(actor=trainer, kind="jobs.check", label="y", params={})
    Job.objects.filter(pk=live.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now(), worker="elsewhere:1"
    )
    assert jobs_detect_stale() == 0


def test_schedule_enqueues_each_entry_once_per_slot() -> None:
    now = timezone.now()
    first = schedule.schedule_tick(now=now)
    assert set(first) == {e.kind for e in schedule.SCHEDULE}
    assert "cases.reminders" in first and "cases.retention_purge" in first
    assert "audit.seal" in first  # the one sealer of the audit trail runs as a scheduled job
    assert schedule.schedule_tick(now=now) == []  # a second scheduler enqueues nothing
    later = schedule.schedule_tick(now=now + timedelta(minutes=5))
    assert "jobs.detect_stale" in later and "cases.reminders" not in later
    assert ScheduleRun.objects.count() == len(first) + len(later)
    for job in Job.objects.all():
        assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED, job.error


def test_job_list_costs_few_queries(
    trainer: User, client_as: Callable[[User], Client], django_assert_max_num_queries: object
) -> None:
    for n in range(15):
        job_start(actor=trainer, kind="jobs.check", label=f"check {n}", params={})
    client = client_as(trainer)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/jobs/").status_code == 200


def test_a_result_is_refused_once_its_starter_lost_access_or_it_expired(
    trainer: User, client_as: Callable[[User], Client]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from egide.accounts.models import RoleAssignment

    pk = _session_with(trainer, "Fanta Keïta")
    client = client_as(trainer)
    client.post(reverse("training:export_job", args=[pk, "participants.xlsx"]))
    job = Job.objects.get()
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    assert client.get(f"/jobs/{job.pk}/result").status_code == 200
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/jobs/{job.pk}/result").status_code == 404  # expired, not yet erased
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() + timedelta(days=1))
    RoleAssignment.objects.filter(user=trainer).delete()  # no longer a trainer
    assert client_as(trainer).get(f"/jobs/{job.pk}/result").status_code == 404
