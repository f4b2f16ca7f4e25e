"""The background job of this app: sending a child's case to CPIMS+ (retries and back-off are
in ``services.cpims_send``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.jobs.models import Job
from egide.jobs.services import JobError, Output, Progress, register


@register("interop.sms_index_expire", gettext_lazy("SMS numbers' index forgotten"))
def sms_index_expire_job(job: Job, progress: Progress) -> Output:
    """Scheduled hourly (``egide.jobs.schedule``): the blind index of the sender's number of
    SMS older than the rate-limit window is erased."""
    from egide.interop.services import sms_sender_index_expire

    n = sms_sender_index_expire()
    return Output(report=_("Number index forgotten on %(n)s SMS delivery(ies).") % {"n": n})


@register("interop.cpims_send", gettext_lazy("Child case sent to CPIMS+"))
def cpims_send_job(job: Job, progress: Progress) -> Output:
    from egide.interop.models import CpimsReferral
    from egide.interop.services import CpimsFailed, cpims_send

    referral_id = job.params.get("referral")
    if not isinstance(referral_id, int) or not CpimsReferral.objects.filter(pk=referral_id):
        raise JobError(_("The CPIMS+ referral of this job no longer exists."))
    try:
        referral = cpims_send(referral_id=referral_id, progress=lambda d, t, m: progress(d, t, m))
    except CpimsFailed as exc:
        raise JobError(str(exc)) from exc
    return Output(report=str(referral.get_status_display()))
