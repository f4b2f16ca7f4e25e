"""Framework pages: reviews and their matrix, instruments, the tracker, institutions, the
validation workshop. No page reads a person's name: workshop people are counted, not listed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.policy import reports, rules, selectors, services
from egide.policy.forms import (
    AssessmentForm,
    AssignForm,
    CompareForm,
    ConfirmForm,
    ProgressForm,
    RecommendationForm,
    ReviewForm,
    SeatForm,
    ValidateForm,
    WorkshopForm,
)
from egide.policy.models import (
    Institution,
    Instrument,
    Review,
    TrackerItem,
    Workshop,
)
from egide.policy.permissions import can_edit_policy
from egide.policy.views.common import (
    CONFIRMABLE,
    METHOD,
    SAVED,
    _apply_error,
    _edit,
    _export,
    _form_page,
    _read,
)


def home_view(request: HttpRequest) -> HttpResponse:
    _read(request)
    reviews = selectors.reviews_with_overall()
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
    form = WorkshopForm(request.POST or None, user=request.user)
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
            "can_edit": can_edit_policy(request.user),
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
        {
            "workshop": workshop,
            "summary": summary,
            "items": items,
            "can_edit": can_edit_policy(request.user),
        },
    )


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


def workshop_seat_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the institution and function of a participant of the workshop's training record."""
    _edit(request)
    workshop = get_object_or_404(Workshop, pk=pk)
    form = SeatForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_seat_record(
                actor=request.user, workshop=workshop, **form.cleaned_data
            )
        except services.PolicyError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("policy:workshop", pk=workshop.pk)
    return _form_page(
        request,
        form,
        _("Who took part, for which institution"),
        _("Save"),
        reverse("policy:workshop", args=[workshop.pk]),
        subtitle=workshop.title,
    )
