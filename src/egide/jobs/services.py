"""Starting, running and following background jobs. The queue is django-tasks-db's; a Job row is
what people see. Writes go through these services; the result is stored all-or-nothing."""

from __future__ import annotations

import base64
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.audit.services import audit_record
from egide.jobs.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the person who started the job (translated)."""


class JobCancelled(Exception):
    """The job was declared failed elsewhere (stale-job detection): stop, write nothing."""


@dataclass(frozen=True)
class Output:
    """What a job produced: a file to download and/or a short report without personal data."""

    report: str = ""
    filename: str = ""
    content_type: str = ""
    content: bytes = b""


class Progress:
    """Handed to a job's function: ``progress(done, total, message)`` records how far it is and
    proves the worker alive. Call it outside transactions so that the page sees it."""

    def __init__(self, job_id: int, worker: str) -> None:
        self.job_id = job_id
        self.worker = worker

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        fields: dict[str, Any] = {
            "progress_done": max(0, done),
            "heartbeat_at": timezone.now(),
            "message": message[:500],
        }
        if total is not None:
            fields["progress_total"] = max(0, total)
        alive = Job.objects.filter(
            pk=self.job_id, status=Job.Status.RUNNING, worker=self.worker
        ).update(**fields)
        if not alive:
            raise JobCancelled(self.job_id)


JobFunction = Callable[[Job, Progress], Output]


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    function: JobFunction
    # May *user* still read a finished job's result? Access is checked again at download:
    # somebody who lost access since the job ran gets nothing.
    may_read: Callable[[Any, Job], bool] | None = None


KINDS: dict[str, Kind] = {}


def register(
    code: str, label: Any, *, may_read: Callable[[Any, Job], bool] | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Declare a kind of job: ``@register("training.session_export", _("…"))``."""

    def decorator(function: JobFunction) -> JobFunction:
        KINDS[code] = Kind(code, label, function, may_read)
        return function

    return decorator


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_start(*, actor: Any | None, kind: str, label: str, params: dict[str, Any]) -> Job:
    """Record a job and put it on the queue, in one transaction (both or neither)."""
    from egide.jobs.tasks import run_job

    if kind not in KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label[:200],
            params=params,
            started_by=actor if actor is not None and actor.is_authenticated else None,
        )
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        audit_record(
            actor=actor,
            action="job.started",
            obj=job,
            details={"kind": kind},
            actor_username="" if actor is not None else "schedule",
        )
    return job


def job_run(*, job_id: int, worker: str | None = None) -> str:
    """Run one job (called by the worker's task). Returns the job's final status."""
    worker = worker or worker_name()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker, message=""
    )
    if not claimed:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    kind = KINDS.get(job.kind)
    progress = Progress(job_id, worker)
    try:
        if kind is None:
            raise JobError(_("This kind of job is not known to this version of Égide."))
        output = kind.function(job, progress)
    except JobCancelled:
        return "cancelled"
    except JobError as exc:
        _fail(job_id, worker, str(exc))
        return Job.Status.FAILED
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _fail(
            job_id,
            worker,
            _(
                "An unexpected error stopped this job (job %(id)s); the administrators "
                "find it in the worker's log."
            )
            % {"id": job_id},
        )
        return Job.Status.FAILED
    finished = timezone.now()
    with transaction.atomic():
        saved = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, worker=worker).update(
            status=Job.Status.SUCCEEDED,
            finished_at=finished,
            heartbeat_at=finished,
            progress_done=max(job.progress_total, 1),
            progress_total=max(job.progress_total, 1),
            message="",
            report=output.report,
            result_filename=output.filename[:200],
            result_content_type=output.content_type[:100],
            result_file=base64.b64encode(output.content).decode("ascii") if output.content else "",
            expires_at=(
                finished + timedelta(days=settings.EGIDE_JOB_RESULT_DAYS)
                if output.content
                else None
            ),
        )
    return Job.Status.SUCCEEDED if saved else "cancelled"


def _fail(job_id: int, worker: str, error: str) -> None:
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, worker=worker).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_gone(worker: str) -> bool:
    host, _sep, pid = worker.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def jobs_detect_stale(*, now: datetime | None = None) -> int:
    """Declare failed the running jobs whose worker died: no sign of life for
    EGIDE_JOB_STALE_MINUTES, or a worker process of this host that no longer exists. Their queue
    entry is marked failed too. Returns the number of jobs declared failed."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    threshold = now - timedelta(minutes=settings.EGIDE_JOB_STALE_MINUTES)
    count = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).only(
        "pk", "worker", "heartbeat_at", "task_id"
    ):
        silent = job.heartbeat_at is None or job.heartbeat_at < threshold
        if not (silent or _worker_gone(job.worker)):
            continue
        with transaction.atomic():
            failed = Job.objects.filter(
                pk=job.pk, status=Job.Status.RUNNING, worker=job.worker
            ).update(
                status=Job.Status.FAILED,
                finished_at=now,
                error=_(
                    "The worker running this job stopped before it finished; nothing of its "
                    "result was kept. Start the job again."
                ),
            )
            if failed and job.task_id:
                DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path="egide.jobs.services.WorkerLost",
                    traceback="The worker stopped while running this task (stale-job detection).",
                )
            if failed:
                audit_record(actor=None, action="job.stale", obj=job, actor_username="schedule")
        count += failed
    # A queued job whose queue entry is gone or finished will never run.
    for job in Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=threshold).only(
        "pk", "task_id"
    ):
        entry = DBTaskResult.objects.filter(pk=job.task_id).values_list("status", flat=True)
        if entry.first() in (None, TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            count += Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                status=Job.Status.FAILED,
                finished_at=now,
                error=_(
                    "This job was lost from the queue before a worker took it. Start it again."
                ),
            )
    return count


def jobs_cleanup(*, now: datetime | None = None) -> dict[str, int]:
    """Erase expired results, then forget finished queue entries older than the result delay."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    expired = (
        Job.objects.filter(expires_at__lt=now)
        .exclude(result_filename="")
        .update(
            result_file="",
            result_filename="",
            result_content_type="",
            report=_("The result has expired and was erased."),
        )
    )
    old = now - timedelta(days=settings.EGIDE_JOB_RESULT_DAYS)
    pruned, _detail = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=old
    ).delete()
    # Scheduled work (the audit seal every minute, reminders…) started by nobody and holding no
    # file: its records are forgotten after the same delay, so they do not pile up (1,440 seals
    # a day). What it did stays in the audit trail and in its own tables.
    forgotten, _detail = (
        Job.objects.filter(
            started_by__isnull=True,
            finished_at__lt=old,
            status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED],
        )
        .filter(result_filename="")
        .delete()
    )
    return {"expired": expired, "pruned": pruned, "forgotten": forgotten}


def job_result_read(*, actor: Any, job: Job) -> bytes:
    """The result file of *job* for its starter (the view checks who asks); audited."""
    audit_record(actor=actor, action="job.result_downloaded", obj=job, details={"kind": job.kind})
    return base64.b64decode(job.result_file or "")


def job_result_readable(*, user: Any, job: Job) -> bool:
    """The result exists, has not expired, and its kind still lets *user* read it."""
    if not job.has_file:
        return False
    if job.expires_at is not None and job.expires_at <= timezone.now():
        return False
    kind = KINDS.get(job.kind)
    return kind is not None and (kind.may_read is None or kind.may_read(user, job))
