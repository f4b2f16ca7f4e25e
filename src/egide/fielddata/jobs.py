"""Pulls as background jobs: one connection on demand, every active one on schedule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.jobs.models import Job
from egide.jobs.services import JobError, Output, Progress, register

PULL = "fielddata.pull"
PULL_ALL = "fielddata.pull_all"


def _report(runs: list[Any]) -> str:
    parts = []
    for run in runs:
        counts = ", ".join(f"{k} {v}" for k, v in run.counts.items() if v)
        parts.append(f"{run.connection or run.filename}: {counts or _('nothing new')}")
    return "; ".join(parts)


def _may_read(user: Any, job: Job) -> bool:
    from egide.fielddata.permissions import can_manage_imports

    return can_manage_imports(user)


@register(PULL, gettext_lazy("Pull from a field server"), may_read=_may_read)
def pull_one(job: Job, progress: Progress) -> Output:
    from egide.fielddata.models import Connection
    from egide.fielddata.selectors import connections_for
    from egide.fielddata.services import ImportFailed, pull

    connection = Connection.objects.filter(pk=job.params.get("connection")).first()
    if connection is None:
        raise JobError(_("The field server connection no longer exists."))
    if job.started_by is not None and not connections_for(job.started_by).filter(pk=connection.pk):
        raise JobError(_("You may no longer pull from this field server."))
    progress(0, None, _("Pulling from %(name)s") % {"name": connection.name})
    try:
        run = pull(
            connection=connection,
            actor=job.started_by,
            progress=lambda done, total, message: progress(done, total, message),
        )
    except ImportFailed as exc:
        raise JobError(str(exc)) from exc
    return Output(report=_report([run]))


@register(PULL_ALL, gettext_lazy("Scheduled pull from the field servers"))
def pull_all(job: Job, progress: Progress) -> Output:
    from egide.fielddata.models import Connection
    from egide.fielddata.services import ImportFailed, pull

    runs, failures = [], []
    for connection in Connection.objects.filter(is_active=True):
        progress(len(runs), None, _("Pulling from %(name)s") % {"name": connection.name})
        try:
            runs.append(pull(connection=connection, actor=None))
        except ImportFailed as exc:
            failures.append(f"{connection.name}: {exc}")
    if failures:
        raise JobError("; ".join(failures))
    return Output(report=_report(runs))
