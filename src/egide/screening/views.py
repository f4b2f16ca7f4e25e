"""Screening pages: the guided interview, the list and the detail of saved assessments.

The interview keeps its answers in a signed hidden field between steps, so that nothing about
the person is stored on the server until the worker saves the assessment.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from egide.screening import interview, services
from egide.screening.catalogue import load_catalogue
from egide.screening.contract import InputError, parse_input
from egide.screening.forms import ConsentForm, DeterminationForm, IndicatorsForm, MovementForm
from egide.screening.models import Assessment
from egide.screening.permissions import can_screen
from egide.screening.rules import RULE_SET, evaluate
from egide.screening.selectors import assessments_for, get_assessment_for_user_or_404

STATE_SALT = "egide.screening.interview"
STATE_MAX_AGE = 4 * 3600
STATE_LOST = _("The interview could not be resumed (it was open too long). Start again.")
TRISTATE = {"yes": True, "no": False, "unknown": None}


def _lang() -> str:
    return "fr" if (get_language() or "fr").startswith("fr") else "en"


def _load_state(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.POST.get("state", "")
    if not raw:
        return {}
    try:
        state = signing.loads(raw, salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        return None
    return state if isinstance(state, dict) else None


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
    return IndicatorsForm(data, initial=initial, groups=interview.step_by_key(step).groups)


def _serialisable(cleaned: dict[str, Any]) -> dict[str, Any]:
    out = dict(cleaned)
    region = out.pop("region", None)
    out["region"] = region.pk if region is not None else None
    return out


def _render_step(
    request: HttpRequest,
    step: str,
    state: dict[str, Any],
    form: Any,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    child = False
    if "consent" in state:
        data = parse_input(_document(state))
        child = evaluate(data)["child"]
    step_def = interview.step_by_key(step) if step in interview.STEP_KEYS else None
    context = {
        "step": step,
        "step_def": step_def,
        "steps": interview.STEPS,
        "step_number": interview.STEP_KEYS.index(step) + 1 if step_def else len(interview.STEPS),
        "form": form,
        "state": signing.dumps(state, salt=STATE_SALT, compress=True),
        "child": child,
        "always": interview.ALWAYS,
        **(extra or {}),
    }
    return render(request, "screening/interview.html", context)


def _result_context(state: dict[str, Any]) -> dict[str, Any]:
    result = evaluate(parse_input(_document(state)), _lang())
    return {
        "result": result,
        "referral_labels": [interview.REFERRAL_LABELS[r] for r in result["referrals"]],
    }


@never_cache
def interview_view(request: HttpRequest) -> HttpResponse:
    """The guided interview, one step per page; saves only at the end, when the worker says so."""
    if not can_screen(request.user):
        raise Http404
    if request.method != "POST":
        start: dict[str, Any] = {}
        if request.GET.get("case", "").isdigit():
            from egide.cases.selectors import get_case_for_user_or_404

            case = get_case_for_user_or_404(request.user, int(request.GET["case"]))
            start["case"] = case.pk
        return _render_step(
            request, "consent", start, ConsentForm(), {"case_id": start.get("case")}
        )
    loaded = _load_state(request)
    if loaded is None:
        return _render_step(request, "consent", {}, ConsentForm(), {"error": STATE_LOST})
    state = loaded
    step = request.POST.get("step", "consent")
    action = request.POST.get("go", "next")
    if step not in (*interview.STEP_KEYS, interview.RESULT, interview.URGENT):
        step = "consent"
    if step == interview.URGENT:
        if action == "save_now":
            return _render_step(
                request, interview.RESULT, state, DeterminationForm(), _result_context(state)
            )
        return _render_step(
            request, "movement", state, _step_form("movement", initial=state.get("movement"))
        )
    if action == "back":
        target = interview.previous_step(step)
        return _render_step(request, target, state, _step_form(target, initial=state.get(target)))
    if step == interview.RESULT:
        return _save(request, state)
    form = _step_form(step, request.POST)
    if not form.is_valid():
        return _render_step(request, step, state, form)
    state[step] = _serialisable(form.cleaned_data)
    if step == "consent" and form.cleaned_data.get("safety"):
        return _render_step(request, interview.URGENT, state, None, _result_context(state))
    target = interview.next_step(step)
    if target == interview.RESULT:
        return _render_step(request, target, state, DeterminationForm(), _result_context(state))
    return _render_step(request, target, state, _step_form(target, initial=state.get(target)))


def _save(request: HttpRequest, state: dict[str, Any]) -> HttpResponse:
    form = DeterminationForm(request.POST)
    if "consent" not in state or not form.is_valid():
        return _render_step(request, interview.RESULT, state, form, _result_context(state))
    try:
        data = parse_input(_document(state))
    except InputError:
        return _render_step(request, "consent", {}, ConsentForm(), {"error": STATE_LOST})
    consent = state["consent"]
    agrees = form.cleaned_data["agrees"] == "yes"
    case = None
    if state.get("case"):
        from egide.cases.selectors import get_case_for_user_or_404

        case = get_case_for_user_or_404(request.user, int(state["case"]))
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
    )
    return redirect("screening:detail", pk=assessment.pk)


def assessment_list_view(request: HttpRequest) -> HttpResponse:
    """The assessments the user may see (levels only: no personal data on the list)."""
    if not can_screen(request.user):
        raise Http404
    page = Paginator(assessments_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "screening/list.html", {"page": page})


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
        },
    )
