"""Real worker processes on PostgreSQL: a killed worker leaves no job "running" forever, and two
workers never take the same job."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egide.accounts import roles
from egide.accounts.models import User
from egide.jobs.models import Job
from egide.jobs.services import job_start
from egide.jobs.tests.helpers import egide, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share (PostgreSQL in the suite)")


def _wait(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_killed_worker_leaves_its_job_failed_not_running(
    persona: Callable[[str], User],
) -> None:
    user = persona(roles.TRAINER)
    job = job_start(
        actor=user, kind="jobs.check", label="check", params={"steps": 200, "pause": 0.1}
    )
    worker = subprocess.Popen(egide("worker", "--interval", "0.2"), env=subprocess_env())  # noqa: S603
    try:
        _wait(lambda: Job.objects.get(pk=job.pk).progress_done >= 2)
    finally:
        worker.kill()  # SIGKILL: no chance to clean up
        worker.wait()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.report
    # Starting a worker again declares the job failed (its process is gone).
    subprocess.run(egide("worker", "--batch"), env=subprocess_env(), check=True, timeout=120)  # noqa: S603
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "arrêté" in job.error
    assert job.report == "" and job.result_file == ""
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED


def test_two_workers_never_take_the_same_job(persona: Callable[[str], User]) -> None:
    user = persona(roles.TRAINER)
    jobs = [
        job_start(actor=user, kind="jobs.check", label=f"c{n}", params={"steps": 2, "pause": 0.05})
        for n in range(16)
    ]
    workers = [
        subprocess.Popen(egide("worker", "--batch", "--interval", "0.05"), env=subprocess_env())  # noqa: S603
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=180) == 0
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error
        entry = DBTaskResult.objects.get(pk=job.task_id)
        assert entry.status == TaskResultStatus.SUCCESSFUL
        assert len(entry.worker_ids) == 1  # claimed once, by one worker
        assert entry.return_value == "succeeded"
