"""Pages of the DHIS2 link: the overview (connection, mapping, export, push, recent pushes),
the connection and mapping forms (administrators), the download, and a push's result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from egide.dhis2 import rules, selectors, services
from egide.dhis2.forms import (
    ConnectionForm,
    ElementMappingForm,
    OrgUnitMappingForm,
    PeriodForm,
    PeriodMappingForm,
)
from egide.dhis2.models import ElementMapping, OrgUnitMapping, PeriodMapping, Push
from egide.dhis2.permissions import can_configure_dhis2, can_use_dhis2

SAVED = _("Saved.")
DELETED = _("Removed from the mapping.")
KINDS: dict[str, tuple[type[Any], type[Any], Any]] = {
    "element": (ElementMapping, ElementMappingForm, _("Data element mapping")),
    "org-unit": (OrgUnitMapping, OrgUnitMappingForm, _("Organisation unit mapping")),
    "period": (PeriodMapping, PeriodMappingForm, _("Period mapping")),
}
REASONS = {
    rules.NO_ELEMENT: _("no data element mapped"),
    rules.NO_ORG_UNIT: _("no organisation unit mapped"),
}


def _use(request: HttpRequest) -> None:
    if not can_use_dhis2(request.user):
        raise Http404


def _configure(request: HttpRequest) -> None:
    if not can_configure_dhis2(request.user):
        raise Http404


def _kind(kind: str) -> tuple[type[Any], type[Any], Any]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _indicator_name(code: str) -> str:
    from django.utils.translation import get_language

    from egide.monitoring import framework

    try:
        return framework.load().indicator(code).name.get(get_language())
    except KeyError:
        return ""


def _breakdown_words(key: str) -> str:
    """``age_band=u18;sex=female`` in words: "Age band: Under 18, Sex: Female"."""
    from egide.monitoring import labels

    parts = []
    for part in key.split(";") if key else []:
        dimension, _sep, category = part.partition("=")
        parts.append(
            _("%(dimension)s: %(category)s")
            % {
                "dimension": labels.dimension_label(dimension),
                "category": labels.category_label(dimension, category),
            }
        )
    return ", ".join(parts)


def home_view(request: HttpRequest) -> HttpResponse:
    _use(request)
    areas = selectors.area_labels()
    org_units = [(m, areas.get(m.area, m.area)) for m in OrgUnitMapping.objects.all()]
    elements = [
        (m, _indicator_name(m.indicator), _breakdown_words(m.disaggregation))
        for m in ElementMapping.objects.all()
    ]
    return render(
        request,
        "dhis2/home.html",
        {
            "connection": selectors.connection(),
            "elements": elements,
            "org_units": org_units,
            "periods": PeriodMapping.objects.all(),
            "pushes": selectors.pushes_recent(),
            "export_form": PeriodForm(prefix="export"),
            "push_form": PeriodForm(prefix="push"),
            "can_configure": can_configure_dhis2(request.user),
        },
    )


def _form_page(request: HttpRequest, form: Any, title: Any, button: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "dhis2/form.html",
        {"form": form, "title": title, "button": button},
        status=status,
    )


def connection_view(request: HttpRequest) -> HttpResponse:
    _configure(request)
    form = ConnectionForm(request.POST or None, instance=selectors.connection())
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(actor=request.user, **form.cleaned_data)
        except services.Dhis2ServiceError as exc:
            form.add_error("password", str(exc))
        else:
            messages.success(request, SAVED)
            return redirect("dhis2:home")
    return _form_page(request, form, _("DHIS2 server"), _("Save the connection"))


def mapping_edit_view(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    _configure(request)
    model, form_class, title = _kind(kind)
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.mapping_save(actor=request.user, mapping=form.save(commit=False))
        messages.success(request, SAVED)
        return redirect("dhis2:home")
    return _form_page(request, form, title, _("Save"))


@require_POST
def mapping_delete_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _configure(request)
    model, _form, _title = _kind(kind)
    services.mapping_delete(actor=request.user, mapping=get_object_or_404(model, pk=pk))
    messages.success(request, DELETED)
    return redirect("dhis2:home")


def export_view(request: HttpRequest) -> HttpResponse:
    """The data value set of a period as a JSON file, or the page with the reason it cannot."""
    _use(request)
    form = PeriodForm(request.GET or None, prefix="export")
    error = ""
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            built = services.data_value_set_export(actor=request.user, period=period)
        except services.Dhis2ServiceError as exc:
            error = str(exc)
        else:
            response = HttpResponse(
                services.data_value_set_json(built), content_type="application/json"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="egide-dhis2-{built.period}.json"'
            )
            response["X-Egide-Values-Withheld"] = str(built.suppressed)
            return response
    return render(
        request,
        "dhis2/export.html",
        {"form": form, "error": error},
        status=400 if form.is_bound else 200,
    )


@require_POST
def push_view(request: HttpRequest) -> HttpResponse:
    _use(request)
    form = PeriodForm(request.POST, prefix="push")
    if form.is_valid():
        try:
            push = services.push_start(actor=request.user, period=form.cleaned_data["period"])
        except services.Dhis2ServiceError as exc:
            form.add_error("period", str(exc))
        else:
            return redirect("dhis2:push", pk=push.pk)
    return render(request, "dhis2/push_form.html", {"form": form}, status=400)


def push_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    push = get_object_or_404(Push.objects.select_related("job", "started_by"), pk=pk)
    push = services.push_settle_lost(push=push)
    areas = selectors.area_labels()
    unmapped = [
        {
            **row,
            "name": _indicator_name(row.get("indicator", "")),
            "breakdown": _breakdown_words(row.get("disaggregation", "")),
            "area_label": areas.get(row.get("area", ""), row.get("area", "")),
            "why": REASONS.get(row.get("reason", ""), row.get("reason", "")),
        }
        for row in push.unmapped
    ]
    return render(
        request,
        "dhis2/push.html",
        {
            "push": push,
            "unmapped": unmapped,
        },
    )
