"""The kinds of background job Égide knows. Each takes the Job and a Progress and returns an
Output; expected failures raise JobError with a message for the person who started it."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.core.exports import XLSX_TYPE
from egide.jobs.models import Job
from egide.jobs.services import (
    JobError,
    Output,
    Progress,
    jobs_cleanup,
    jobs_detect_stale,
    register,
)

SESSION_EXPORTS = ("participants.xlsx", "attendance.xlsx")


def _may_read_session_export(user: Any, job: Job) -> bool:
    from egide.training.models import TrainingSession
    from egide.training.permissions import sessions_visible_to

    session = TrainingSession.objects.filter(pk=job.params.get("session"))
    return sessions_visible_to(user, session).exists()


@register(
    "training.session_export",
    gettext_lazy("Training session export (XLSX)"),
    may_read=_may_read_session_export,
)
def training_session_export(job: Job, progress: Progress) -> Output:
    from egide.core.exports import xlsx_bytes
    from egide.training import spreadsheets
    from egide.training.models import TrainingSession
    from egide.training.permissions import sessions_visible_to
    from egide.training.selectors import session_rows

    what = job.params.get("what")
    session = TrainingSession.objects.filter(pk=job.params.get("session")).first()
    if what not in SESSION_EXPORTS or session is None:
        raise JobError(_("The session or the export asked for no longer exists."))
    if not sessions_visible_to(job.started_by, TrainingSession.objects.filter(pk=session.pk)):
        raise JobError(_("You may no longer export this session."))
    rows = session_rows(session)
    progress(0, len(rows), _("Reading the participants"))
    title, header, lines = spreadsheets.session_export_table(session, what, rows)
    progress(len(rows), len(rows), _("Writing the workbook"))
    content = xlsx_bytes(title, header, lines)
    return Output(
        report=_("%(n)s participant(s) exported.") % {"n": len(rows)},
        filename=f"session-{session.pk}-{what}",
        content_type=XLSX_TYPE,
        content=content,
    )


@register("jobs.check", gettext_lazy("Worker check"))
def worker_check(job: Job, progress: Progress) -> Output:
    """Counts to *steps*, pausing *pause* seconds at each: shows that a worker runs jobs."""
    steps = max(1, min(int(job.params.get("steps", 5)), 10_000))
    pause = max(0.0, min(float(job.params.get("pause", 0.2)), 10.0))
    for step in range(1, steps + 1):
        time.sleep(pause)
        progress(step, steps, _("Step %(n)s of %(total)s") % {"n": step, "total": steps})
    return Output(report=_("The worker ran %(n)s step(s).") % {"n": steps})


@register("cases.reminders", gettext_lazy("Reminders of overdue steps"))
def reminders(job: Job, progress: Progress) -> Output:
    from egide.cases.reminders import reminders_send

    summary = reminders_send()
    return Output(
        report=_("%(emails)s e-mail(s) to %(people)s person(s), %(items)s overdue step(s).")
        % summary
    )


@register("cases.retention_purge", gettext_lazy("Retention purge"))
def retention_purge(job: Job, progress: Progress) -> Output:
    from egide.cases.services import alerts_retention_purge
    from egide.cases.services import retention_purge as purge

    return Output(
        report=_("%(n)s case(s) purged, %(alerts)s alert(s) closed without a case purged.")
        % {"n": purge(), "alerts": alerts_retention_purge()}
    )


@register("jobs.cleanup", gettext_lazy("Expired job results erased"))
def cleanup(job: Job, progress: Progress) -> Output:
    done = jobs_cleanup()
    return Output(
        report=_("%(expired)s result(s) erased, %(pruned)s queue entry(ies) forgotten.") % done
    )


@register("jobs.detect_stale", gettext_lazy("Stale-job detection"))
def detect_stale(job: Job, progress: Progress) -> Output:
    return Output(report=_("%(n)s job(s) declared failed.") % {"n": jobs_detect_stale()})


@register("audit.seal", gettext_lazy("Audit trail sealing"))
def audit_seal(job: Job, progress: Progress) -> Output:
    """Seal the committed audit events in order and sign a checkpoint (the one sealer)."""
    from egide.audit.sealer import seal

    return Output(report=_("%(n)s audit event(s) sealed.") % {"n": seal()})
