"""Human security pages: the heat map, analyses, what they are built from, their reports.
The evidence panel shows counts only, 1 to 4 as "<5"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.policy import reports, rules, selectors, services
from egide.policy.forms import (
    AnalysisForm,
    CapacityForm,
    DriverForm,
    InsecurityForm,
    LinkForm,
    MeasureForm,
    RegionFilterForm,
)
from egide.policy.labels import DIMENSION_LABELS
from egide.policy.models import (
    Analysis,
)
from egide.policy.permissions import can_edit_policy
from egide.policy.views.common import (
    DIMENSION_METHOD,
    SAVED,
    _apply_error,
    _edit,
    _export,
    _form_page,
    _read,
)


def analyses_view(request: HttpRequest) -> HttpResponse:
    """Heat map of localities × dimensions (SVG drawn here), the same numbers as a table."""
    _read(request)
    form = RegionFilterForm(request.GET or None)
    region = ""
    if form.is_valid() and form.cleaned_data["region"] is not None:
        region = form.cleaned_data["region"].code
    rows = selectors.analyses_with_scores(region)
    return render(
        request,
        "policy/analyses.html",
        {
            "form": form,
            "rows": rows,
            "heatmap": reports.heatmap_svg(rows),
            "dimensions": [(d, DIMENSION_LABELS[d]) for d in rules.DIMENSIONS],
            "method": DIMENSION_METHOD,
            "can_edit": can_edit_policy(request.user),
            "all": Analysis.objects.select_related("locality__region", "locality__prefecture"),
        },
    )


def analysis_create_view(request: HttpRequest) -> HttpResponse:
    _edit(request)
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            analysis = services.analysis_create(
                actor=request.user,
                region=data["region"],
                prefecture=data["prefecture"],
                boundary_version=reports.BOUNDARY_VERSION,
                title=data["title"],
                kind=data["kind"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                baseline=data["baseline"],
            )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Analysis created."))
            return redirect("policy:analysis", pk=analysis.pk)
    return _form_page(request, form, _("New analysis"), _("Create the analysis"), "policy:analyses")


def analysis_view(request: HttpRequest, pk: int) -> HttpResponse:
    _read(request)
    analysis = get_object_or_404(
        Analysis.objects.select_related("locality__region", "locality__prefecture", "baseline"),
        pk=pk,
    )
    return render(request, "policy/analysis.html", reports.analysis_context(analysis, request.user))


ANALYSIS_FORMS = {
    "insecurity": InsecurityForm,
    "link": LinkForm,
    "driver": DriverForm,
    "capacity": CapacityForm,
    "measure": MeasureForm,
}
ANALYSIS_TITLES = {
    "insecurity": _("Add an insecurity"),
    "link": _("Link two insecurities"),
    "driver": _("Add a trafficking driver"),
    "capacity": _("Add a local capacity"),
    "measure": _("Add a measure"),
}


def analysis_add_view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    _edit(request)
    form_class = ANALYSIS_FORMS.get(what)
    if form_class is None:
        raise Http404
    analysis = get_object_or_404(Analysis, pk=pk)
    kwargs: dict[str, Any] = {}
    if what in {"link", "driver", "measure"}:
        kwargs["analysis"] = analysis
    initial = {"proposed_on": timezone.localdate()} if what == "measure" else {}
    form = form_class(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                _analysis_add(request.user, analysis, what, data)
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("policy:analysis", pk=analysis.pk)
    return _form_page(
        request,
        form,
        ANALYSIS_TITLES[what],
        _("Save"),
        analysis.get_absolute_url(),
        subtitle=analysis.title,
    )


def _analysis_add(actor: Any, analysis: Analysis, what: str, data: dict[str, Any]) -> None:
    if what == "insecurity":
        services.insecurity_add(
            actor=actor,
            analysis=analysis,
            dimension=data["dimension"],
            description=data["description"],
            severity=data["severity"],
            likelihood=data["likelihood"],
            affected_groups=data["affected_groups"],
            method=data["method"],
            evidence=[
                services.EvidenceInput(
                    indicator=data["evidence_indicator"],
                    value=data["evidence_value"],
                    source=data["evidence_source"] or "",
                    observed=data["evidence_observed"],
                )
            ],
        )
    elif what == "link":
        services.insecurity_link(actor=actor, source=data["source"], target=data["target"])
    elif what == "driver":
        services.driver_add(
            actor=actor,
            insecurity=data["insecurity"],
            purpose=data["purpose"],
            description=data["description"],
        )
    elif what == "capacity":
        services.capacity_add(
            actor=actor,
            analysis=analysis,
            description=data["description"],
            provider=data["provider"],
            team=data["team"],
            institution=data["institution"],
        )
    else:
        services.item_create(
            actor=actor,
            kind=data["kind"],
            text=data["text"],
            proposed_on=data["proposed_on"],
            deadline=data["deadline"],
            priority=data["priority"],
            institution=data["institution"],
            analysis=analysis,
            insecurity=data["insecurity"],
            feasibility=data["feasibility"],
        )


def analysis_report_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _read(request)
    if fmt not in {"pdf", "xlsx"}:
        raise Http404
    analysis = get_object_or_404(Analysis, pk=pk)
    context = reports.analysis_context(analysis, request.user)
    if fmt == "pdf":
        content = reports.analysis_pdf(context)
    else:
        content = reports.analysis_xlsx(context)
    return _export(request, analysis, fmt, content, f"analyse-{analysis.pk}")
