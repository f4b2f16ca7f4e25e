"""Pages of the policy module: framework reviews, the tracker, institutions, human security.

No page here reads a person's name: workshop people are shown as counts by sex, institution and
function; the evidence panel shows counts only, 1 to 4 as "<5".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.policy import reports, rules, selectors, services
from egide.policy.forms import (
    AnalysisForm,
    AssessmentForm,
    AssignForm,
    CapacityForm,
    CompareForm,
    ConfirmForm,
    DriverForm,
    InsecurityForm,
    LinkForm,
    MeasureForm,
    ProgressForm,
    RecommendationForm,
    RegionFilterForm,
    ReviewForm,
    ValidateForm,
    WorkshopForm,
)
from egide.policy.labels import DIMENSION_LABELS
from egide.policy.models import (
    Analysis,
    ElementFact,
    Institution,
    Instrument,
    Provision,
    Review,
    TrackerItem,
    Workshop,
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


def home_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    reviews = [(r, selectors.review_matrix(r).overall) for r in Review.objects.all()]
    return render(
        request,
        "policy/home.html",
        {"reviews": reviews, "can_edit": can_edit_policy(request.user)},
    )


def review_create_view(request: HttpRequest) -> HttpResponse:
    _edit(request)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(actor=request.user, **form.cleaned_data)
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("policy:review", pk=review.pk)
    return _form_page(request, form, _("New review"), _("Create the review"), "policy:home")


def workshop_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    _edit(request)
    review = get_object_or_404(Review, pk=pk)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                actor=request.user, review=review, **form.cleaned_data
            )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("policy:workshop", pk=workshop.pk)
    return _form_page(
        request,
        form,
        _("Validation workshop"),
        _("Save"),
        review.get_absolute_url(),
        subtitle=review.title,
    )


def instruments_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    instruments = Instrument.objects.prefetch_related("provisions")
    return render(
        request,
        "policy/instruments.html",
        {"instruments": instruments, "can_edit": can_edit_policy(request.user)},
    )


def confirm_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An analyst confirms an « à vérifier » item with a source."""
    _edit(request)
    model = CONFIRMABLE.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_confirm(actor=request.user, item=item, source=form.cleaned_data["source"])
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Item confirmed."))
            return redirect("policy:instruments")
    return _form_page(
        request,
        form,
        _("Confirm with a source"),
        _("Confirm"),
        "policy:instruments",
        subtitle=str(item),
    )


def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    _read(request)
    review = get_object_or_404(Review, pk=pk)
    matrix = selectors.review_matrix(review)
    return render(
        request,
        "policy/review.html",
        {
            "matrix": matrix,
            "method": METHOD,
            "can_edit": can_edit_policy(request.user),
            "workshops": review.workshops.all(),
            "reviews": Review.objects.exclude(pk=pk),
        },
    )


def assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    _edit(request)
    review = get_object_or_404(Review, pk=pk)
    initial: dict[str, Any] = {}
    code = request.GET.get("element", "")
    existing = review.assessments.filter(element__code=code).first()
    if existing is not None:
        initial = {
            "element": code,
            "status": existing.status,
            "provisions": list(existing.provisions.all()),
            "evidence": existing.evidence,
            "reasoning": existing.reasoning,
        }
    elif code:
        initial = {"element": code}
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_record(
                actor=request.user,
                review=review,
                element=data["element"],
                status=data["status"],
                provisions=list(data["provisions"]),
                evidence=data["evidence"],
                reasoning=data["reasoning"],
            )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Element assessed."))
            return redirect("policy:review", pk=review.pk)
    return _form_page(
        request,
        form,
        _("Assess an element"),
        _("Save the assessment"),
        review.get_absolute_url(),
        subtitle=review.title,
    )


def compare_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    form = CompareForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        rows, before, after = selectors.reviews_compare(
            form.cleaned_data["first"], form.cleaned_data["second"]
        )
        context.update(
            rows=rows,
            before=before,
            after=after,
            first=form.cleaned_data["first"],
            second=form.cleaned_data["second"],
            method=METHOD,
        )
    return render(request, "policy/compare.html", context)


def recommendation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    _edit(request)
    review = get_object_or_404(Review, pk=pk)
    form = RecommendationForm(request.POST or None, initial={"proposed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                actor=request.user,
                kind=TrackerItem.Kind.RECOMMENDATION,
                text=data["text"],
                proposed_on=data["proposed_on"],
                deadline=data["deadline"],
                priority=data["priority"],
                institution=data["institution"],
                review=review,
                elements=list(data["elements"]),
            )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Recommendation proposed."))
            return redirect("policy:item", pk=item.pk)
    return _form_page(
        request,
        form,
        _("Propose a recommendation"),
        _("Propose"),
        review.get_absolute_url(),
        subtitle=review.title,
    )


def tracker_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    items = selectors.tracker_items(kind=kind, status=status if status in rules.STATUSES else "")
    today = timezone.localdate()
    return render(
        request,
        "policy/tracker.html",
        {
            "items": [(i, i.is_overdue(today)) for i in items],
            "statuses": TrackerItem.Status.choices,
            "status": status,
            "kind": kind,
        },
    )


ITEM_FORMS = {"validate": ValidateForm, "assign": AssignForm, "progress": ProgressForm}
ITEM_TITLES = {
    "validate": _("Record the workshop's validation"),
    "assign": _("Assign"),
    "progress": _("Record progress"),
}


def item_view(request: HttpRequest, pk: int) -> HttpResponse:
    _read(request)
    item = get_object_or_404(
        TrackerItem.objects.select_related("institution", "review", "workshop", "analysis"),
        pk=pk,
    )
    return render(
        request,
        "policy/item.html",
        {
            "item": item,
            "overdue": item.is_overdue(),
            "updates": item.updates.select_related("by"),
            "can_edit": can_edit_policy(request.user),
        },
    )


def item_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Validate at the workshop, assign (institution, deadline), or record progress."""
    _edit(request)
    form_class = ITEM_FORMS.get(action)
    if form_class is None:
        raise Http404
    item = get_object_or_404(TrackerItem, pk=pk)
    initial: dict[str, Any] = {}
    if action == "validate":
        workshop = Workshop.objects.filter(review=item.review).first()
        initial = {"workshop": workshop, "outcome": "validated"}
    elif action == "assign":
        initial = {
            "institution": item.institution,
            "deadline": item.deadline,
            "priority": item.priority,
        }
    else:
        initial = {"on": timezone.localdate(), "status": item.status}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "validate":
                services.item_validate(
                    actor=request.user,
                    item=item,
                    workshop=data["workshop"],
                    outcome=data["outcome"],
                    note=data["note"],
                )
            elif action == "assign":
                services.item_assign(
                    actor=request.user,
                    item=item,
                    institution=data["institution"],
                    deadline=data["deadline"],
                    priority=data["priority"],
                )
            else:
                services.item_progress(
                    actor=request.user,
                    item=item,
                    on=data["on"],
                    status=data["status"],
                    note=data["note"],
                    evidence=data["evidence"],
                )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("policy:item", pk=item.pk)
    return _form_page(
        request,
        form,
        ITEM_TITLES[action],
        ITEM_TITLES[action],
        item.get_absolute_url(),
        subtitle=item.text,
    )


def institutions_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    return render(
        request,
        "policy/institutions.html",
        {"board": selectors.institution_board(), "statuses": TrackerItem.Status.choices},
    )


def institution_view(request: HttpRequest, code: str) -> HttpResponse:
    _read(request)
    institution = get_object_or_404(Institution.objects.prefetch_related("elements"), code=code)
    board = next(b for b in selectors.institution_board() if b.institution.pk == institution.pk)
    today = timezone.localdate()
    items = selectors.tracker_items(institution=institution)
    return render(
        request,
        "policy/institution.html",
        {
            "institution": institution,
            "board": board,
            "statuses": TrackerItem.Status.choices,
            "items": [(i, i.is_overdue(today)) for i in items],
        },
    )


def workshop_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The workshop: who took part as counts (sex, institution, function), and the outcome of
    validation per recommendation. Names are never shown here."""
    _read(request)
    workshop = get_object_or_404(Workshop.objects.select_related("review", "session"), pk=pk)
    summary = reports.workshop_summary(workshop)
    items = workshop.review.recommendations.prefetch_related("elements").select_related(
        "institution"
    )
    return render(
        request,
        "policy/workshop.html",
        {"workshop": workshop, "summary": summary, "items": items},
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


def _export(request: HttpRequest, obj: Any, fmt: str, content: bytes, name: str) -> HttpResponse:
    audit_record(
        actor=request.user, action="policy.report_exported", obj=obj, details={"format": fmt}
    )
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def review_report_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _read(request)
    if fmt not in {"pdf", "xlsx"}:
        raise Http404
    review = get_object_or_404(Review, pk=pk)
    matrix = selectors.review_matrix(review)
    if fmt == "pdf":
        content = reports.review_pdf(matrix, METHOD)
    else:
        content = reports.review_xlsx(matrix, METHOD)
    return _export(request, review, fmt, content, f"revue-{review.year}")


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
