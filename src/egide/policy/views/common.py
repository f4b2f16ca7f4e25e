"""Helpers shared by the policy pages: access checks, the one-form page, exports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.core.exports import XLSX_TYPE
from egide.policy import services
from egide.policy.models import (
    ElementFact,
    Institution,
    Instrument,
    Provision,
)
from egide.policy.permissions import can_edit_policy, can_read_policy

METHOD = _(
    "Element score: compliant = 100, partially compliant = 50, gap = 0; an element not assessed "
    "has no score. Overall score = the sum of the element scores divided by the number of "
    "elements assessed (equal weights), rounded to one decimal."
)
MEASURE_METHOD = _(
    "Priority of a measure = severity × likelihood of the insecurity it addresses × its "
    "feasibility (each 1–5, so 1 to 125); rank 1 is done first; equal priorities share a rank."
)
DIMENSION_METHOD = _(
    "Dimension score = the highest severity × likelihood among the locality's insecurities in "
    "that dimension (1–25); empty when none was recorded. Localities are ranked by the sum of "
    "their dimension scores."
)
SAVED = _("Saved.")
CONFIRMABLE = {
    "instrument": Instrument,
    "provision": Provision,
    "fact": ElementFact,
    "institution": Institution,
}


def _read(request: HttpRequest) -> None:
    if not can_read_policy(request.user):
        raise Http404


def _edit(request: HttpRequest) -> None:
    if not can_edit_policy(request.user):
        raise Http404


def _apply_error(form: Any, exc: services.PolicyError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


def _form_page(
    request: HttpRequest,
    form: Any,
    title: Any,
    button: Any,
    back: str,
    subtitle: str = "",
) -> HttpResponse:
    """One page per form (readable on a phone): title, the form, save and cancel."""
    if ":" in back and not back.startswith("/"):
        back = reverse(back)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "policy/form.html",
        {"form": form, "title": title, "button": button, "back": back, "subtitle": subtitle},
        status=status,
    )


def _export(request: HttpRequest, obj: Any, fmt: str, content: bytes, name: str) -> HttpResponse:
    audit_record(
        actor=request.user, action="policy.report_exported", obj=obj, details={"format": fmt}
    )
    types = {
        "pdf": "application/pdf",
        "xlsx": XLSX_TYPE,
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
