"""Reading referrals from where the user stands."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from egide.referrals.models import Referral
from egide.referrals.permissions import referrals_visible_to


def referrals_for(user: Any) -> QuerySet[Referral]:
    return referrals_visible_to(
        user, Referral.objects.select_related("case", "provider", "service", "need")
    )


def referrals_search(
    user: Any,
    *,
    q: str = "",
    status: str = "",
    urgency: str = "",
    need_type: str = "",
    overdue: bool = False,
) -> QuerySet[Referral]:
    """Visible referrals filtered by referral or case code, status, urgency, need and
    lateness; the nearest answer deadline first among those waiting."""
    from egide.cases.selectors import code_number

    qs = referrals_for(user)
    if q.strip():
        number = code_number(q, "REF")
        condition = Q(case__code__iexact=q.strip())
        if number is not None:
            condition |= Q(pk=number)
        qs = qs.filter(condition)
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if need_type:
        qs = qs.filter(service__need_type=need_type)
    if overdue:
        qs = qs.filter(status=Referral.Status.SENT, due_at__lt=timezone.now())
    waiting_first = Case(When(status=Referral.Status.SENT, then=0), default=1)
    return qs.order_by(waiting_first, "due_at", "-id")


def waiting_count(user: Any) -> int:
    """Referrals addressed to the user's organisation that wait for an answer."""
    return (
        referrals_for(user)
        .filter(status=Referral.Status.SENT, provider_id=user.organisation_id)
        .count()
    )


def get_referral_for_user_or_404(user: Any, pk: int) -> Referral:
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral
