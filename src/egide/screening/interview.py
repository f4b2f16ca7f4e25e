"""The guided interview: its steps, what each asks, and the listening prompts that go with it.

Trauma-informed: consent and safety come first, the interview stops and refers at once when
the person is in danger, questions are open, nothing blames, the person may pause at any time.
Sources: WHO Ethical and Safety Recommendations for Interviewing Trafficked Women (2003);
UNICEF Guidelines on the Protection of Child Victims of Trafficking (2006).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    """One page of the interview: the catalogue groups it covers and its prompts."""

    key: str
    title: str | Promise
    groups: tuple[str, ...] = ()
    questions: tuple[str | Promise, ...] = ()
    child_questions: tuple[str | Promise, ...] = ()
    prompts: tuple[str | Promise, ...] = field(default=())


ALWAYS = (
    _("The person may pause, skip a question or stop at any time."),
    _("Use open questions; never blame; let silences be."),
)

STEPS: tuple[Step, ...] = (
    Step(
        "consent",
        _("Consent and safety"),
        groups=("safety",),
        questions=(
            _(
                "Introduce yourself and your organisation. Explain what the interview is for, "
                "what will be written down, who will see it, and that saying no changes nothing "
                "to the help the person can receive."
            ),
            _("Are you safe here, now? Is there somewhere safe for you to sleep tonight?"),
        ),
        child_questions=(
            _(
                "Talk with the child in simple words, with a trusted adult or guardian present if "
                "the child wishes and it is safe. Explain that they have done nothing wrong."
            ),
        ),
        prompts=(
            _("Check that nobody who may be an exploiter is present or listening."),
            _("Offer an interpreter of the person's choice and of the same sex if they wish."),
            _("If the person is in danger, stop here and refer at once."),
        ),
    ),
    Step(
        "movement",
        _("Movement"),
        questions=(
            _("Can you tell me about your journey: where you started, where you went, how?"),
            _(
                "Did you cross a border? How did you cross it? Did someone help you, and were "
                "they paid?"
            ),
        ),
        child_questions=(_("Who travelled with you? Who decided that you would go?"),),
        prompts=(_("Let the person tell the story in their own order."),),
    ),
    Step(
        "recruitment",
        _("Recruitment"),
        groups=(
            "act",
            "deceptive_recruitment",
            "coercive_recruitment",
            "recruitment_abuse_of_vulnerability",
        ),
        questions=(
            _("How did you come to leave? Who proposed it, and what was promised?"),
            _("Was what you found different from what you had been told?"),
            _("Did anyone force you, threaten you, or keep your papers or money?"),
        ),
        child_questions=(_("Who told you about going? What did they say you would do there?"),),
        prompts=(_("Recruitment by someone close (family, friend) is common: do not judge."),),
    ),
    Step(
        "conditions",
        _("Work and living conditions"),
        groups=("exploitative_conditions",),
        questions=(
            _("What did you do all day? How many hours, how many days a week?"),
            _("Were you paid? How much, and who kept the money?"),
            _("Where did you sleep and eat?"),
        ),
        child_questions=(_("Could you go to school? Could you play and rest?"),),
    ),
    Step(
        "control",
        _("Control"),
        groups=("coercion_at_destination", "vulnerability_at_destination"),
        questions=(
            _("Could you leave when you wanted? What would have happened if you had left?"),
            _("Did you owe money? Could you contact your family?"),
        ),
        prompts=(_("Fear of the police or of deportation is common: reassure, do not promise."),),
    ),
    Step(
        "purpose",
        _("Purpose of exploitation"),
        groups=("purpose",),
        questions=(_("What were you made to do, and for whom?"),),
    ),
    Step(
        "gbv",
        _("Gender-based violence"),
        groups=("gbv",),
        questions=(_("Has anyone hurt you, touched you or forced you in a way you did not want?"),),
        prompts=(
            _(
                "Only ask if the person is comfortable; a survivor of rape needs medical care "
                "within 72 hours."
            ),
        ),
    ),
)
STEP_KEYS = tuple(s.key for s in STEPS)
RESULT = "result"
URGENT = "urgent"


def step_by_key(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def next_step(key: str) -> str:
    index = STEP_KEYS.index(key)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else RESULT


def previous_step(key: str) -> str:
    if key == RESULT:
        return STEP_KEYS[-1]
    index = STEP_KEYS.index(key)
    return STEP_KEYS[max(index - 1, 0)]


REFERRAL_LABELS = {
    "immediate_safety": _(
        "Immediate safety: a safe place now (shelter, police if the person "
        "agrees); free hotline 116"
    ),
    "medical_care_72h": _("Medical care within 72 hours (post-rape care)"),
    "medical_care": _("Medical care"),
    "mental_health": _("Mental health support (risk of self-harm)"),
    "child_protection": _("Child protection services"),
    "protection_case": _("Open a protection case"),
    "law_enforcement": _(
        "OPROGEM / law enforcement (with the adult's consent; always for a "
        "child, as the law requires)"
    ),
    "gbv_services": _("GBV services (psychosocial, medical, legal)"),
    "migrant_assistance": _("Migrant protection and assistance"),
}
