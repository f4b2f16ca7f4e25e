"""Who sees a referral: the addressed organisation's providers or law-enforcement focal points,
and the team of the referring case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role
from egide.cases.models import Case
from egide.cases.permissions import cases_visible_to

if TYPE_CHECKING:
    from egide.referrals.models import Referral

RECEIVERS = (roles.SERVICE_PROVIDER, roles.LAW_ENFORCEMENT)


def is_receiver(user: Any) -> bool:
    return has_role(user, *RECEIVERS) and user.organisation_id is not None


def referrals_visible_to(user: Any, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Referrals addressed to the user's organisation (receivers), or of cases the user sees."""
    condition = Q(pk__in=[])
    if is_receiver(user):
        condition |= Q(provider_id=user.organisation_id)
    visible_cases = cases_visible_to(user, Case.objects.all())
    if has_role(user, roles.CASE_WORKER, roles.CASE_SUPERVISOR):
        condition |= Q(case__in=visible_cases.values("pk"))
    return queryset.filter(condition)


def can_answer(user: Any, referral: Referral) -> bool:
    """Providers and law-enforcement focal points of the addressed organisation answer."""
    return is_receiver(user) and referral.provider_id == user.organisation_id


def can_manage(user: Any, referral: Referral) -> bool:
    """The referring case's team cancels and closes."""
    return cases_visible_to(user, Case.objects.filter(pk=referral.case_id)).exists()
