"""Filled submissions of the interview's steps and of the worker's determination."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, labe

CONSENT = {
    "consent": "yes",
    "interpreter": True,
    "interview_language": "ff",
    "person_reference": "M.B. (fictive)",
    "age": 17,
    "may_be_child": True,
    "sex": "female",
    "region": None,
    "safety": [],
}
MOVEMENT = {"crossed_border": "yes", "irregular_entry": "yes", "paid_facilitator": "no"}


def _first_code(group: str) -> str:
    from egide.screening.catalogue import load_catalogue

    return load_catalogue().group(group).indicators[0].code


def _draft(state: dict[str, Any]) -> Any:
    def setup(persona: Persona) -> Ctx:
        from egide.screening.services import interview_draft_start, interview_draft_store

        draft = interview_draft_start(actor=persona(roles.CASE_WORKER))
        full = {k: v for k, v in state.items()}
        if "consent" in full:
            full["consent"] = {**CONSENT, "region": labe().pk}
        interview_draft_store(draft=draft, state=full)
        return {"draft": draft}

    return setup


def _step(step: str) -> Any:
    return lambda ctx: reverse("screening:interview_step", args=[ctx["draft"].pk, step])


def _state(ctx: Ctx) -> dict[str, Any]:
    ctx["draft"].refresh_from_db()
    return dict(ctx["draft"].state)


def _check_consent(ctx: Ctx, response: Any) -> None:
    consent = _state(ctx)["consent"]
    assert consent["person_reference"] == "M.B. (fictive)" and consent["age"] == 17
    assert consent["interpreter"] and consent["may_be_child"] and consent["region"] == labe().pk
    assert consent["safety"] == [_first_code("safety")]
    assert response["Location"].endswith("/urgent/#urgent")  # a danger sign stops the interview


def _check_indicators(ctx: Ctx, response: Any) -> None:
    recruitment = _state(ctx)["recruitment"]
    from egide.screening.interview import step_by_key

    for group in step_by_key("recruitment").groups:
        assert recruitment[group] == [_first_code(group)]


def _check_determination(ctx: Ctx, response: Any) -> None:
    from egide.screening.models import Assessment, InterviewDraft

    assessment = Assessment.objects.get()
    assert assessment.worker_agrees is False and assessment.worker_level == "possible"
    assert assessment.worker_justification == "Récit à confirmer avec la tante (fictif)"
    assert assessment.person_reference == "M.B. (fictive)" and assessment.region == labe()
    assert InterviewDraft.objects.get().state_json == ""


ALL_STEPS = {
    "consent": {},
    "movement": MOVEMENT,
    "recruitment": {},
    "conditions": {},
    "control": {},
    "purpose": {},
    "gbv": {},
}

ENTRIES: dict[str, Entry] = {
    "egide.screening.forms.ConsentForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_draft({}),
        url=_step("consent"),
        values=lambda ctx: {
            "go": "next",
            "consent": "yes",
            "interpreter": "on",
            "interview_language": "ff",
            "person_reference": "M.B. (fictive)",
            "age": "17",
            "may_be_child": "on",
            "sex": "female",
            "region": labe().pk,
            "safety": [_first_code("safety")],
        },
        status=(302,),
        check=_check_consent,
    ),
    "egide.screening.forms.MovementForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_draft({"consent": {}}),
        url=_step("movement"),
        values=lambda ctx: {"go": "next", **MOVEMENT},
        status=(302,),
        check=lambda ctx, response: _check_movement(ctx),
    ),
    "egide.screening.forms.IndicatorsForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_draft({"consent": {}, "movement": MOVEMENT}),
        url=_step("recruitment"),
        values=lambda ctx: {
            "go": "next",
            "act": [_first_code("act")],
            "deceptive_recruitment": [_first_code("deceptive_recruitment")],
            "coercive_recruitment": [_first_code("coercive_recruitment")],
            "recruitment_abuse_of_vulnerability": [
                _first_code("recruitment_abuse_of_vulnerability")
            ],
        },
        status=(302,),
        check=_check_indicators,
    ),
    "egide.screening.forms.DeterminationForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_draft(ALL_STEPS),
        url=_step("result"),
        values=lambda ctx: {
            "go": "save",
            "agrees": "no",
            "worker_level": "possible",
            "justification": "Récit à confirmer avec la tante (fictif)",
        },
        status=(302,),
        check=_check_determination,
    ),
}


def _check_movement(ctx: Ctx) -> None:
    assert _state(ctx)["movement"] == MOVEMENT
