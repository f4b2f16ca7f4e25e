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


def _late(persona: Persona) -> Ctx:
    from datetime import timedelta

    from django.utils import timezone

    from egide.referrals.models import Referral

    ctx = referral_ctx(persona)
    Referral.objects.filter(pk=ctx["pk"]).update(due_at=timezone.now() - timedelta(hours=1))
    return ctx


def _check_inbox(ctx: Ctx, response: Any) -> None:
    assert [r.pk for r in response.context["page"]] == [ctx["pk"]]
    assert "Répondre avant" in response.content.decode()  # the deadline column


ENTRIES: dict[str, Entry] = {
    "egide.referrals.forms.ReferralFilterForm": Entry(
        persona=roles.SERVICE_PROVIDER,
        setup=_late,
        url=lambda ctx: reverse("referrals:list"),
        method="get",
        values=lambda ctx: {
            "q": ctx["referral"].code,
            "status": "sent",
            "urgency": "urgent",
            "need_type": "shelter",
            "overdue": "on",
        },
        status=(200,),
        check=_check_inbox,
    ),
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
