"""The DHIS2 push as a background job (registered from the app's ready())."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.dhis2.models import Push
from egide.jobs.models import Job
from egide.jobs.services import JobError, Output, Progress, register


@register("dhis2.push", gettext_lazy("DHIS2 push"))
def dhis2_push(job: Job, progress: Progress) -> Output:
    """Dry run, then the real import; the job fails (with DHIS2's reason) unless DHIS2 took
    every value."""
    from egide.dhis2.services import push_run

    push = push_run(push_id=int(job.params.get("push", 0)), progress=progress)
    if push.status != Push.Status.SENT:
        raise JobError(push.error or _("The push was not sent."))
    summary = push.summary
    return Output(
        report=_(
            "Period %(period)s sent to DHIS2: %(imported)s imported, %(updated)s updated, "
            "%(ignored)s ignored; %(withheld)s small count(s) withheld."
        )
        % {
            "period": push.period,
            "imported": summary.get("imported", 0),
            "updated": summary.get("updated", 0),
            "ignored": summary.get("ignored", 0),
            "withheld": push.values_withheld,
        }
    )
