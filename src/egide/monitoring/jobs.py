"""The monitoring app's background jobs: the donor report (XLSX or PDF), and the refresh of
the figures' summary (``egide.monitoring.facts``: every minute the months changed since, each
night everything)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.core.exports import XLSX_TYPE
from egide.jobs.models import Job
from egide.jobs.services import JobError, Output, Progress, register

PDF_TYPE = "application/pdf"


def _may_read_report(user: Any, job: Job) -> bool:
    """Readers of the figures; a report with exact counts only for those who see them."""
    from egide.monitoring.permissions import can_read_monitoring, suppressed_for

    if not can_read_monitoring(user):
        return False
    return bool(job.params.get("suppressed", True)) or not suppressed_for(user)


@register("monitoring.donor_report", gettext_lazy("Donor report"), may_read=_may_read_report)
def donor_report(job: Job, progress: Progress) -> Output:
    from egide.monitoring import periods, reports
    from egide.monitoring.computation import UnknownRegion, dashboard
    from egide.monitoring.permissions import can_read_monitoring, suppressed_for

    if not can_read_monitoring(job.started_by):
        raise JobError(_("You may no longer read the programme's figures."))
    fmt = job.params.get("format")
    if fmt not in ("xlsx", "pdf"):
        raise JobError(_("Unknown report format."))
    suppressed = bool(job.params.get("suppressed", True)) or suppressed_for(job.started_by)
    with translation.override(job.params.get("language") or "fr"):
        progress(0, 3, _("Computing the indicators"))
        try:
            board = dashboard(
                period=str(job.params.get("period", "")),
                region=job.params.get("region") or None,
                suppressed=suppressed,
            )
        except (periods.PeriodError, UnknownRegion) as exc:
            raise JobError(str(exc)) from exc
        progress(1, 3, _("Writing the report"))
        content = reports.xlsx(board) if fmt == "xlsx" else reports.pdf(board)
        progress(2, 3, _("Saving the file"))
        scope = board.region.code if board.region else "national"
        return Output(
            report=_("%(n)s indicator(s) for %(period)s.")
            % {"n": len(board.results), "period": board.period_text},
            filename=f"donor-report-{board.period_text}-{scope}.{fmt}",
            content_type=XLSX_TYPE if fmt == "xlsx" else PDF_TYPE,
            content=content,
        )


@register("monitoring.refresh_figures", gettext_lazy("Programme figures refreshed"))
def refresh_figures(job: Job, progress: Progress) -> Output:
    """The months changed since the last refresh (the whole summary if never built)."""
    from egide.monitoring import facts

    done = facts.refresh(full=not facts.is_built())
    return Output(
        report=_("%(months)s month(s), %(periods)s period(s) recomputed in %(seconds).1f s.")
        % {"months": done.months, "periods": done.periods, "seconds": done.seconds}
    )


@register("monitoring.rebuild_figures", gettext_lazy("Programme figures rebuilt"))
def rebuild_figures(job: Job, progress: Progress) -> Output:
    """Every period, from the records (catches changes made around the signals)."""
    from egide.monitoring import facts

    done = facts.refresh(full=True)
    return Output(
        report=_("%(months)s month(s), %(periods)s period(s) recomputed in %(seconds).1f s.")
        % {"months": done.months, "periods": done.periods, "seconds": done.seconds}
    )
