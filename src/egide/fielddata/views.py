"""Field data pages: the generated forms to download, the imports and their per-submission
report, an export upload, and the correction of a rejected submission."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from egide.core.exports import XLSX_TYPE
from egide.core.paging import page_without_count
from egide.fielddata import selectors, services, xlsforms
from egide.fielddata.exports import MAX_UPLOAD_BYTES, ExportError, read_export
from egide.fielddata.forms import TOO_BIG, ExportUploadForm, ReapplyForm
from egide.fielddata.models import Outcome
from egide.fielddata.permissions import (
    answers_visible_to,
    can_download_forms,
    can_manage_imports,
    can_see_own_outcomes,
    target_url_for,
)

PULL_STARTED = _("The pull from %(name)s has started; its progress is under “My jobs”.")
REAPPLIED = _("Submission applied again: %(outcome)s.")


@functools.cache
def _built(form_id: str) -> xlsforms.BuiltForm:
    return xlsforms.build(form_id)


def forms_view(request: HttpRequest) -> HttpResponse:
    if not can_download_forms(request.user):
        raise Http404
    forms = [_built(form_id) for form_id in xlsforms.FORM_IDS]
    rows = [{"form": f, "title": xlsforms.TITLES[f.form_id]} for f in forms]
    return render(
        request, "fielddata/forms.html", {"rows": rows, "version": xlsforms.current_version()}
    )


def form_download_view(request: HttpRequest, form_id: str, fmt: str) -> HttpResponse:
    if not can_download_forms(request.user) or form_id not in xlsforms.FORM_IDS:
        raise Http404
    built = _built(form_id)
    if fmt == "xlsx":
        response = HttpResponse(built.xlsx, content_type=XLSX_TYPE)
    elif fmt == "xml":
        response = HttpResponse(built.xml.encode("utf-8"), content_type="application/xml")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{form_id}-{built.version}.{fmt}"'
    services.forms_downloaded(actor=request.user, form_id=form_id, fmt=fmt)
    return response


def imports_view(request: HttpRequest) -> HttpResponse:
    """Managers: the runs, the connections to pull from and the upload. Everyone else who
    collects: the outcome of their own submissions."""
    user = request.user
    if not can_see_own_outcomes(user):
        raise Http404
    context: dict[str, Any] = {"manager": can_manage_imports(user)}
    if context["manager"]:
        context["runs"] = page_without_count(selectors.runs_for(user), request.GET.get("page"))
        context["connections"] = selectors.connections_for(user)
        context["form"] = ExportUploadForm()
        context["held"] = selectors.records_for(user).filter(
            status__in=[Outcome.HELD, Outcome.REJECTED]
        )[:50]
    else:
        context["records"] = page_without_count(
            selectors.records_for(user), request.GET.get("page")
        )
    return render(request, "fielddata/imports.html", context)


class _SizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (a body sent without a length,
    or lying about it): the rest is never written anywhere."""

    def __init__(self, request: Any, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_big(request: HttpRequest) -> HttpResponse:
    messages.error(request, TOO_BIG % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    response = redirect("fielddata:imports")
    response["Connection"] = "close"
    return response


@csrf_exempt  # checked by _upload, once the size is known to be acceptable
def upload_view(request: HttpRequest) -> HttpResponse:
    """An offline export. A body larger than the limit is refused before it is read: by its
    declared length, or while it streams in (the CSRF check would otherwise read it first)."""
    if not can_manage_imports(request.user) or request.method != "POST":
        raise Http404
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES + 64 * 1024:
        return _too_big(request)
    limit = _SizeLimit(request, MAX_UPLOAD_BYTES + 64 * 1024)
    request.upload_handlers.insert(0, limit)
    request.POST  # noqa: B018 — reads the body through the size limit, before the CSRF check
    if limit.exceeded:
        return _too_big(request)
    return _upload(request, limit)


@csrf_protect
def _upload(request: HttpRequest, limit: _SizeLimit) -> HttpResponse:
    form = ExportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _imports_with_form(request, form)
    upload = form.cleaned_data["file"]
    try:
        submissions = read_export(upload.name, upload)
    except ExportError as exc:
        form.add_error("file", str(exc))
        return _imports_with_form(request, form)
    run = services.import_submissions(
        actor=request.user, filename=upload.name, submissions=submissions
    )
    return redirect("fielddata:run", pk=run.pk)


def _imports_with_form(request: HttpRequest, form: ExportUploadForm) -> HttpResponse:
    user = request.user
    context = {
        "manager": True,
        "runs": page_without_count(selectors.runs_for(user), None),
        "connections": selectors.connections_for(user),
        "form": form,
        "held": selectors.records_for(user).filter(status__in=[Outcome.HELD, Outcome.REJECTED])[
            :50
        ],
    }
    return render(request, "fielddata/imports.html", context, status=400)


@require_POST
def pull_view(request: HttpRequest, pk: int) -> HttpResponse:
    from egide.fielddata.jobs import PULL
    from egide.jobs.services import job_start

    connection = selectors.connections_for(request.user).filter(pk=pk).first()
    if connection is None:
        raise Http404
    with transaction.atomic():
        job = job_start(
            actor=request.user,
            kind=PULL,
            label=str(_("Pull from %(name)s") % {"name": connection.name}),
            params={"connection": connection.pk},
        )
    messages.success(request, PULL_STARTED % {"name": connection.name})
    return redirect("jobs:detail", pk=job.pk)


def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_imports(request.user):
        raise Http404
    run = selectors.get_run_for_user_or_404(request.user, pk)
    outcomes = page_without_count(selectors.outcomes_of(request.user, run), request.GET.get("page"))
    return render(request, "fielddata/run.html", {"run": run, "page": outcomes})


def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not can_see_own_outcomes(user):
        raise Http404
    record = selectors.get_record_for_user_or_404(user, pk)
    answers = record.payload.get("data", {})
    fixable = can_manage_imports(user) and record.status in (Outcome.HELD, Outcome.REJECTED)
    form = None
    if fixable:
        lang = "fr" if (get_language() or "fr").startswith("fr") else "en"
        labels = xlsforms.question_labels(record.form_id, lang)
        form = ReapplyForm(request.POST or None, answers=answers, labels=labels)
        if request.method == "POST" and form.is_valid():
            outcome = services.record_reapply(actor=user, record=record, answers=form.cleaned_data)
            messages.success(request, REAPPLIED % {"outcome": Outcome(outcome).label})
            return redirect("fielddata:record", pk=record.pk)
    elif request.method == "POST":
        raise Http404
    shown = fixable or answers_visible_to(user, record)
    if shown:
        services.record_viewed(actor=user, record=record)
    return render(
        request,
        "fielddata/record.html",
        {
            "record": record,
            "answers": sorted(answers.items()) if shown else [],
            "shown": shown,
            "target_url": target_url_for(user, record),
            "form": form,
            # A manager reads someone else's answers only to correct them: the page says so.
            "correcting": shown
            and record.status in (Outcome.HELD, Outcome.REJECTED)
            and record.user_id != user.pk,
        },
    )
