"""The background jobs of anonymised sharing: the CTDC case-level export and the count tables.
Their results are downloadable by the person who ran them only (``may_read_export``)."""

from __future__ import annotations

import io
import tempfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.core.exports import CSV_TYPE
from egide.jobs.models import Job
from egide.jobs.services import JobError, Output, Progress, register
from egide.sharing.permissions import can_share, may_read_export

SPOOL_BYTES = 8 * 1024 * 1024  # rows beyond this go to a temporary file, not to memory


@register("sharing.ctdc_export", gettext_lazy("CTDC case-level export"), may_read=may_read_export)
def ctdc_export_job(job: Job, progress: Progress) -> Output:
    from egide.sharing import kanon
    from egide.sharing.services import SharingError, ctdc_export

    if not can_share(job.started_by):
        raise JobError(_("You may no longer export anonymised data."))
    params = job.params
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            report = ctdc_export(
                actor=job.started_by,
                fmt=str(params.get("format", "")),
                k=int(params.get("k", 0)),
                quasi_identifiers=params.get("quasi_identifiers") or None,
                out=text,
                progress=lambda done, total, message: progress(done, total, message),
            )
        except (SharingError, kanon.KAnonymityError) as exc:
            raise JobError(str(exc)) from exc
        text.flush()
        raw.seek(0)
        content = raw.read()
        text.detach()
    from egide.sharing.labels import generalisation_labels

    generalised = generalisation_labels(report.generalisations)
    summary = _(
        "%(in)s case(s) with consent, %(out)s row(s) written, %(sup)s suppressed (k = %(k)s)."
    ) % {
        "in": report.records_in,
        "out": report.records_out,
        "sup": report.records_suppressed,
        "k": report.k,
    }
    if generalised:
        summary += " " + _("Generalised: %(list)s.") % {"list": "; ".join(generalised)}
    else:
        summary += " " + _("No generalisation was needed.")
    return Output(
        report=summary,
        filename=f"ctdc-{report.fmt}-k{report.k}.csv",
        content_type=CSV_TYPE,
        content=content,
    )


@register("sharing.table_export", gettext_lazy("Anonymised count table"), may_read=may_read_export)
def table_export_job(job: Job, progress: Progress) -> Output:
    from egide.sharing.labels import dimension_label, value_label
    from egide.sharing.services import SharingError, table_export

    if not can_share(job.started_by):
        raise JobError(_("You may no longer export anonymised data."))
    params = job.params
    progress(0, None, _("Counting the cases"))
    try:
        result = table_export(
            actor=job.started_by,
            row_dim=str(params.get("rows", "")),
            col_dim=str(params.get("column", "")),
            fmt=str(params.get("format", "")),
            dim_label=dimension_label,
            value_label=value_label,
        )
    except SharingError as exc:
        raise JobError(str(exc)) from exc
    return Output(
        report=_("%(n)s line(s) in the table.") % {"n": result.cells},
        filename=result.filename,
        content_type=result.content_type,
        content=result.content,
    )
