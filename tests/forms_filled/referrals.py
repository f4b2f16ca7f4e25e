"""Filled submissions of the provider's answers to a referral (the referral form: cases.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, referral_ctx


def _accepted(persona: Persona) -> Ctx:
    return referral_ctx(persona, accept=True)


def _check(status: str, text: str) -> Any:
    def check(ctx: Ctx, response: Any) -> None:
        ctx["referral"].refresh_from_db()
        assert ctx["referral"].status == status and ctx["referral"].answer_reason == text

    return check


ENTRIES: dict[str, Entry] = {
    "egide.referrals.forms.DeclineForm": Entry(
        persona=roles.SERVICE_PROVIDER,
        setup=referral_ctx,
        url=lambda ctx: reverse("referrals:action", args=[ctx["pk"], "decline"]),
        values=lambda ctx: {"reason": "Plus de place ce mois-ci (fictif)"},
        status=(302,),
        check=_check("declined", "Plus de place ce mois-ci (fictif)"),
    ),
    "egide.referrals.forms.DeliveryForm": Entry(
        persona=roles.SERVICE_PROVIDER,
        setup=_accepted,
        url=lambda ctx: reverse("referrals:action", args=[ctx["pk"], "deliver"]),
        values=lambda ctx: {"delivered": "yes", "outcome": "Hébergée trois nuits (fictif)"},
        status=(302,),
        check=_check("delivered", "Hébergée trois nuits (fictif)"),
    ),
}
