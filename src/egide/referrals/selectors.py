"""Reading referrals from where the user stands."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from egide.referrals.models import Referral
from egide.referrals.permissions import referrals_visible_to


def referrals_for(user: Any) -> QuerySet[Referral]:
    return referrals_visible_to(
        user, Referral.objects.select_related("case", "provider", "service", "need")
    )


def get_referral_for_user_or_404(user: Any, pk: int) -> Referral:
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral
