"""Pages of anonymised sharing: exports (as background jobs), partner datasets, comparison.
Coordinators and analysts only; everybody else gets 404 (existence does not leak)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from egide.core.suppression import Table
from egide.jobs.services import job_start
from egide.sharing import ctdc, partner, services
from egide.sharing.aggregates import whole_table_hidden
from egide.sharing.forms import CompareForm, ExportForm, PartnerImportForm, TableForm
from egide.sharing.labels import (
    FORMATS,
    dimension_label,
    file_error,
    reason_label,
    value_label,
)
from egide.sharing.models import PartnerDataset
from egide.sharing.permissions import can_share


def _allowed(request: HttpRequest) -> None:
    if not can_share(request.user):
        raise Http404


def _home(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "export_form": forms.get("export_form") or ExportForm(),
        "table_form": forms.get("table_form") or TableForm(),
        "import_form": forms.get("import_form") or PartnerImportForm(),
        "import_report": forms.get("import_report"),
        "datasets": PartnerDataset.objects.select_related("imported_by")[:50],
        "mappings": [
            (FORMATS[fmt], len(ctdc.COLUMNS[fmt]), ctdc.mapping_rows(fmt)) for fmt in ctdc.FORMATS
        ],
    }
    return render(request, "sharing/home.html", context, status=status)


@never_cache
def home_view(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return _home(request)


@never_cache
@require_POST
def export_view(request: HttpRequest) -> HttpResponse:
    """Start a CTDC case-level export as a background job."""
    _allowed(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _home(request, export_form=form)
    data = form.cleaned_data
    with transaction.atomic():
        job = job_start(
            actor=request.user,
            kind="sharing.ctdc_export",
            label=_("CTDC export (%(fmt)s, k = %(k)s)") % {"fmt": data["format"], "k": data["k"]},
            params={
                "format": data["format"],
                "k": data["k"],
                "quasi_identifiers": list(data["quasi_identifiers"]),
            },
        )
    return redirect("jobs:detail", pk=job.pk)


@never_cache
@require_POST
def table_view(request: HttpRequest) -> HttpResponse:
    """Start a suppressed count table as a background job."""
    _allowed(request)
    form = TableForm(request.POST)
    if not form.is_valid():
        return _home(request, table_form=form)
    data = form.cleaned_data
    job = job_start(
        actor=request.user,
        kind="sharing.table_export",
        label=_("Count table: %(rows)s × %(column)s")
        % {
            "rows": dimension_label(data["rows"]),
            "column": dimension_label(data["column"]),
        },
        params={"rows": data["rows"], "column": data["column"], "format": data["format"]},
    )
    return redirect("jobs:detail", pk=job.pk)


class UploadLimit(FileUploadHandler):
    """Stops reading an upload as soon as its file passes the partner-file limit: the rest of a
    300 MB request is never read (the fields before the file, CSRF token included, are)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > partner.MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@never_cache
@csrf_exempt
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    """Import a partner's CTDC CSV: all rows or none, with the report of rejected rows. The
    size limit is put in front of the upload handlers before anything is read (Django's
    documented pattern: CSRF is checked by the inner view)."""
    _allowed(request)
    limit = UploadLimit(request)
    request.upload_handlers = [limit, *request.upload_handlers]
    return _import(request, limit)


@csrf_protect
def _import(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    form = PartnerImportForm(request.POST, request.FILES)
    if limit.exceeded:
        form = PartnerImportForm(request.POST)
        form.is_valid()
        form.add_error("file", file_error(partner.PartnerFileError(partner.TOO_BIG)))
        return _home(request, import_form=form)
    if not form.is_valid():
        return _home(request, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        result = services.partner_import(
            actor=request.user,
            name=form.cleaned_data["name"],
            source=form.cleaned_data["source"],
            stream=upload,
            size=upload.size,
        )
    except partner.PartnerFileError as exc:
        form.add_error("file", file_error(exc))
        return _home(request, import_form=form)
    except services.SharingError as exc:
        form.add_error("name", str(exc))
        return _home(request, import_form=form)
    if result.dataset is None:
        report = {
            "rejected": result.report.rejected_rows,
            "valid": result.report.valid,
            "reasons": [
                (r.line, r.column, r.value, reason_label(r.reason)) for r in result.report.reasons
            ],
        }
        form.add_error(None, _("Some rows are not valid: nothing was imported."))
        return _home(request, import_form=form, import_report=report)
    messages.success(
        request,
        _("%(n)s row(s) imported as “%(name)s”.")
        % {"n": result.dataset.record_count, "name": result.dataset.name},
    )
    return redirect("sharing:dataset", pk=result.dataset.pk)


def _table_rows(table: Table[tuple[str, ...], str], row_dim: str) -> list[Any]:
    if whole_table_hidden(table):
        return []  # fewer than 5 cases: not broken down (the total line says "<5")
    return [
        (
            value_label(row_dim, row[0]),
            [table.cell(row, c).text() for c in table.columns],
            table.row_totals[row].text(),
        )
        for row in table.rows
    ]


def _totals(table: Table[tuple[str, ...], str]) -> list[str]:
    if whole_table_hidden(table):
        return ["x"] * len(table.columns)
    return [table.column_totals[c].text() for c in table.columns]


@never_cache
def dataset_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner dataset's counts beside Guinea's own, on the same table, both suppressed."""
    _allowed(request)
    dataset = get_object_or_404(PartnerDataset, pk=pk)
    form = CompareForm(request.GET if request.GET else None)
    if form.is_bound and form.is_valid():
        row_dim, col_dim = form.cleaned_data["rows"], form.cleaned_data["column"]
        citizenship = services.GUINEA if form.cleaned_data["guinean_only"] else ""
    else:
        row_dim, col_dim, citizenship = "exploitation", "gender", services.GUINEA
    own, theirs = services.compare(
        actor=request.user,
        dataset=dataset,
        row_dim=row_dim,
        col_dim=col_dim,
        citizenship=citizenship,
    )
    context = {
        "dataset": dataset,
        "form": form if form.is_bound else CompareForm(),
        "row_label": dimension_label(row_dim),
        "columns": [value_label(col_dim, c) for c in own.columns],
        "tables": [
            (_("Guinea (Égide)"), _table_rows(own, row_dim), _totals(own), own.total.text()),
            (dataset.name, _table_rows(theirs, row_dim), _totals(theirs), theirs.total.text()),
        ],
        "citizenship": citizenship,
    }
    return render(request, "sharing/dataset.html", context)
