"""Screening pages: the guided interview, the list and the detail of saved assessments.

Each interview step is its own page: the step's answers are POSTed, kept in an encrypted draft
on the server, and the browser is redirected to the next step's GET (POST/redirect/GET). The
phone's Back button and a reload therefore show a step again with its answers, never a
"confirm form resubmission" dead end.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from egide.core.numbers import whole_number
from egide.screening import interview, services
from egide.screening.catalogue import load_catalogue
from egide.screening.contract import InputError, parse_input
from egide.screening.forms import ConsentForm, DeterminationForm, IndicatorsForm, MovementForm
from egide.screening.models import Assessment, InterviewDraft
from egide.screening.permissions import can_screen
from egide.screening.rules import RULE_SET, evaluate
from egide.screening.selectors import (
    assessments_for,
    drafts_of,
    get_assessment_for_user_or_404,
    get_draft_for_user_or_404,
)

STATE_LOST = _("The interview could not be resumed (it was open too long). Start again.")
ASSESSMENT_SAVED = _("Assessment %(code)s saved.")
ALREADY_SAVED = _("This interview is already saved as %(code)s.")
CHOOSE_REGION = _("Choose the region of the case.")
CASE_OPENED_FROM_SCREENING = _(
    "Case %(code)s opened from screening %(screening)s; the region's supervisors were told. "
    "Now record the person's identity."
)
TRISTATE = {"yes": True, "no": False, "unknown": None}
ALL_STEPS = (*interview.STEP_KEYS, interview.RESULT, interview.URGENT)


def _lang() -> str:
    return "fr" if (get_language() or "fr").startswith("fr") else "en"


def _document(state: dict[str, Any]) -> dict[str, Any]:
    """The screening document (the CLI/API contract) built from the interview answers."""
    consent = state.get("consent", {})
    movement = state.get("movement", {})
    codes: list[str] = list(consent.get("safety", []))
    gbv: list[str] = []
    for step in interview.STEPS[1:]:
        for group in step.groups:
            values = state.get(step.key, {}).get(group, [])
            (gbv if group == "gbv" else codes).extend(values)
    return {
        "person": {
            "age": consent.get("age"),
            "may_be_child": bool(consent.get("may_be_child")),
            "sex": consent.get("sex", "unknown"),
        },
        "indicators": sorted(set(codes)),
        "movement": {
            k: TRISTATE.get(movement.get(k, "unknown"))
            for k in ("crossed_border", "irregular_entry", "paid_facilitator")
        },
        "gbv": sorted(set(gbv)),
    }


def _step_form(step: str, data: Any = None, initial: Any = None) -> Any:
    if step == "consent":
        return ConsentForm(data, initial=initial)
    if step == "movement":
        return MovementForm(data, initial=initial)
    if step == interview.RESULT:
        return DeterminationForm(data, initial=initial)
    return IndicatorsForm(data, initial=initial, groups=interview.step_by_key(step).groups)


def _serialisable(cleaned: dict[str, Any]) -> dict[str, Any]:
    out = dict(cleaned)
    if "region" in out:
        region = out.pop("region")
        out["region"] = region.pk if region is not None else None
    return out


def _step_url(draft: InterviewDraft, step: str) -> str:
    # The fragment brings the step's title (or the urgent stop) to the top of a phone screen.
    anchor = "urgent" if step == interview.URGENT else "step"
    return reverse("screening:interview_step", args=[draft.pk, step]) + f"#{anchor}"


def _result_context(state: dict[str, Any]) -> dict[str, Any]:
    result = evaluate(parse_input(_document(state)), _lang())
    return {
        "result": result,
        "referral_labels": [interview.REFERRAL_LABELS[r] for r in result["referrals"]],
    }


def _focus_first_error(form: Any) -> None:
    """Without JavaScript, `autofocus` on the first wrong answer brings it into view."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return


def _first_missing(state: dict[str, Any], step: str) -> str | None:
    """The first step before *step* that has no answers yet (steps cannot be skipped by URL)."""
    if step == interview.URGENT:
        return None if state.get("consent", {}).get("safety") else "consent"
    if step == interview.RESULT and state.get("stopped") and "consent" in state:
        return None  # urgent stop: save now and refer, the other steps can wait
    order = [*interview.STEP_KEYS, interview.RESULT]
    for earlier in order[: order.index(step)]:
        if earlier not in state:
            return earlier
    return None


@never_cache
def interview_view(request: HttpRequest) -> HttpResponse:
    """The interview's first step (consent), served at once: no draft is written and no
    redirect is paid before the first screen (one round trip less on 3G). Answering it starts
    the draft (kept server-side, encrypted) and goes on to the next step (POST → redirect → GET).
    Optionally for a case (`?case=`)."""
    if not can_screen(request.user):
        raise Http404
    case = None
    case_pk = whole_number(request.GET.get("case", ""))
    if case_pk is not None:
        from egide.cases.selectors import get_case_for_user_or_404

        case = get_case_for_user_or_404(request.user, case_pk)
    blank = InterviewDraft(author=request.user, case=case, state_json="")
    if request.method != "POST":
        resumed = None if "new" in request.GET else _interview_in_progress(request, case)
        if resumed is not None:  # the phone's Back from the second step: the answers given
            return HttpResponseRedirect(_step_url(resumed, "consent"))
        return _render_step(request, blank, "consent", _step_form("consent"))
    form = _step_form("consent", request.POST)
    if not form.is_valid():
        _focus_first_error(form)
        return _render_step(request, blank, "consent", form)
    draft = services.interview_draft_start(actor=request.user, case=case)
    services.interview_draft_store(draft=draft, state={"consent": _serialisable(form.cleaned_data)})
    request.session[IN_PROGRESS] = str(draft.pk)
    if form.cleaned_data.get("safety"):
        return HttpResponseRedirect(_step_url(draft, interview.URGENT))
    return HttpResponseRedirect(_step_url(draft, interview.next_step("consent")))


#: Session key: the draft this browser last started from the first step.
IN_PROGRESS = "screening_interview_in_progress"


def _interview_in_progress(request: HttpRequest, case: Any) -> InterviewDraft | None:
    """The unsaved draft this browser started last for the same case (or none), if any: going
    back to the first step shows its answers instead of a blank form that would start another."""
    draft_id = request.session.get(IN_PROGRESS)
    if not draft_id:
        return None
    try:
        draft = get_draft_for_user_or_404(request.user, draft_id)
    except Http404:
        request.session.pop(IN_PROGRESS, None)
        return None
    if draft.assessment_id is not None or draft.case_id != (case.pk if case else None):
        return None
    return draft


@never_cache
def interview_step_view(request: HttpRequest, draft_id: Any, step: str) -> HttpResponse:
    """One step of the guided interview: GET shows it with the answers kept so far, POST keeps
    the answers and redirects to the next step (or back to the previous one)."""
    if not can_screen(request.user) or step not in ALL_STEPS:
        raise Http404
    try:
        draft = get_draft_for_user_or_404(request.user, draft_id)
    except Http404:
        messages.error(request, STATE_LOST)
        return redirect("screening:interview")
    if draft.assessment_id is not None:
        messages.info(request, ALREADY_SAVED % {"code": draft.assessment})
        return redirect("screening:detail", pk=draft.assessment_id)
    state = draft.state
    missing = _first_missing(state, step)
    if missing is not None:
        return HttpResponseRedirect(_step_url(draft, missing))
    action = request.POST.get("go", "next") if request.method == "POST" else ""
    if step == interview.URGENT:
        if action in ("save_now", "continue"):
            state["stopped"] = action == "save_now"
            services.interview_draft_store(draft=draft, state=state)
        if action == "save_now":
            return HttpResponseRedirect(_step_url(draft, interview.RESULT))
        if action == "continue":
            return HttpResponseRedirect(_step_url(draft, "movement"))
        return _render_step(request, draft, step, None, _result_context(state))
    if not action:
        return _render_step(request, draft, step, _step_form(step, initial=state.get(step)))
    form = _step_form(step, request.POST)
    if action == "back":
        if form.is_valid() and step != interview.RESULT:
            state[step] = _serialisable(form.cleaned_data)
            services.interview_draft_store(draft=draft, state=state)
        return HttpResponseRedirect(_step_url(draft, interview.previous_step(step)))
    if not form.is_valid():
        _focus_first_error(form)
        return _render_step(request, draft, step, form)
    if step == interview.RESULT:
        return _save(request, draft, form)
    state[step] = _serialisable(form.cleaned_data)
    services.interview_draft_store(draft=draft, state=state)
    if step == "consent" and form.cleaned_data.get("safety"):
        return HttpResponseRedirect(_step_url(draft, interview.URGENT))
    return HttpResponseRedirect(_step_url(draft, interview.next_step(step)))


def _render_step(
    request: HttpRequest,
    draft: InterviewDraft,
    step: str,
    form: Any,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    state = draft.state
    child = False
    if "consent" in state:
        child = evaluate(parse_input(_document(state)))["child"]
    if step == interview.RESULT and "result" not in (extra or {}):
        extra = {**(extra or {}), **_result_context(state)}
    step_def = interview.step_by_key(step) if step in interview.STEP_KEYS else None
    context = {
        "draft": draft,
        "step": step,
        "step_def": step_def,
        "steps": interview.STEPS,
        "step_number": interview.STEP_KEYS.index(step) + 1 if step_def else len(interview.STEPS),
        "form": form,
        "child": child,
        "always": interview.ALWAYS,
        "case_id": draft.case_id,
        "started": not draft._state.adding,  # a draft kept on the server (not the blank first step)
        **(extra or {}),
    }
    return render(request, "screening/interview.html", context)


def _save(request: HttpRequest, draft: InterviewDraft, form: Any) -> HttpResponse:
    state = draft.state
    try:
        data = parse_input(_document(state))
    except InputError:
        messages.error(request, STATE_LOST)
        return redirect("screening:interview")
    consent = state["consent"]
    agrees = form.cleaned_data["agrees"] == "yes"
    # The draft may be hours old: the worker must still be on the case's team to attach to it.
    case = None
    if draft.case_id is not None:
        from egide.cases.selectors import get_case_for_user_or_404

        case = get_case_for_user_or_404(request.user, draft.case_id)
    assessment = services.assessment_create(
        case=case,
        actor=request.user,
        data=data,
        interview={
            "consent": True,
            "interpreter": bool(consent.get("interpreter")),
            "language": consent.get("interview_language", ""),
        },
        person_reference=consent.get("person_reference", ""),
        region_id=consent.get("region"),
        worker_agrees=agrees,
        worker_level="" if agrees else form.cleaned_data["worker_level"],
        worker_justification="" if agrees else form.cleaned_data["justification"],
        draft=draft,
    )
    messages.success(request, ASSESSMENT_SAVED % {"code": assessment.code})
    # An explicit fragment: without one the browser keeps the form's "#problem"; "#main" puts
    # the confirmation at the top of a phone screen.
    detail = reverse("screening:detail", args=[assessment.pk])
    return HttpResponseRedirect(f"{detail}#main")


def assessment_list_view(request: HttpRequest) -> HttpResponse:
    """The assessments the user may see (levels only: no personal data on the list)."""
    if not can_screen(request.user):
        raise Http404
    page = Paginator(assessments_for(request.user), 25).get_page(request.GET.get("page"))
    drafts = [
        {"draft": d, "url": _step_url(d, _resume_step(d.state)), "steps": _answered(d.state)}
        for d in drafts_of(request.user)
    ]
    return render(request, "screening/list.html", {"page": page, "drafts": drafts})


def _resume_step(state: dict[str, Any]) -> str:
    """Where an interview left off: the first step without answers (or the result)."""
    return _first_missing(state, interview.RESULT) or interview.RESULT


def _answered(state: dict[str, Any]) -> int:
    return sum(1 for key in interview.STEP_KEYS if key in state)


def assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment with its answers, result and determination; the read is audited."""
    assessment = get_assessment_for_user_or_404(request.user, pk)
    services.assessment_viewed(actor=request.user, assessment=assessment)
    lang = _lang()
    cat = load_catalogue()
    document = assessment.input_document
    stored = assessment.result_document
    # Reasons in the reader's language when the rule set is still the one that produced them.
    result = evaluate(parse_input(document), lang) if assessment.rule_set == RULE_SET else stored
    answers = []
    for group in cat.groups:
        chosen = [
            i.label(lang)
            for i in group.indicators
            if i.code in document["indicators"] or i.code in document["gbv"]
        ]
        if chosen:
            answers.append((group.label(lang), chosen))
    return render(
        request,
        "screening/detail.html",
        {
            "assessment": assessment,
            "result": result,
            "answers": answers,
            "document": document,
            "referral_labels": [interview.REFERRAL_LABELS[r] for r in result["referrals"]],
            "levels": dict(Assessment.Level.choices),
            **_next_steps(request.user, assessment),
        },
    )


def _next_steps(user: Any, assessment: Assessment) -> dict[str, Any]:
    """What the worker can do next from a saved screening: open a case, or raise an alert."""
    from egide.cases.permissions import can_open_cases, case_region_ids
    from egide.core.models import Region

    if assessment.case_id is not None:
        return {}
    regions = Region.objects.filter(pk__in=case_region_ids(user)) if can_open_cases(user) else []
    initial = assessment.region_id if assessment.region_id else None
    return {
        "open_case_regions": regions,
        "open_case_region": initial,
        "can_alert": True,
    }


def assessment_open_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case in the worker's region straight from a saved screening (POST only)."""
    from egide.cases.permissions import can_open_cases
    from egide.cases.services import CaseError, case_open_from_assessment
    from egide.core.models import Region

    assessment = get_assessment_for_user_or_404(request.user, pk)
    if request.method != "POST" or not can_open_cases(request.user):
        raise Http404
    region_pk = whole_number(request.POST.get("region", ""))
    region = Region.objects.filter(pk=region_pk).first() if region_pk is not None else None
    if region is None:
        messages.error(request, CHOOSE_REGION)
        return redirect("screening:detail", pk=assessment.pk)
    try:
        case = case_open_from_assessment(actor=request.user, assessment=assessment, region=region)
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("screening:detail", pk=assessment.pk)
    messages.success(
        request,
        CASE_OPENED_FROM_SCREENING % {"code": case.code, "screening": assessment.code},
    )
    return redirect("cases:identity", pk=case.pk)
