"""Who sees and does what with alerts and cases. Forbidden and missing look the same (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role, region_ids_for_role

if TYPE_CHECKING:
    from egide.cases.models import Alert, Case

CASE_ROLES = (roles.CASE_WORKER, roles.CASE_SUPERVISOR)


def can_raise_alert(user: Any) -> bool:
    """Anyone with an account and a role may raise an alert."""
    return bool(user.is_authenticated and user.is_active and has_role(user, *roles.ROLES))


def supervised_region_ids(user: Any) -> set[int]:
    """Regions where *user* triages alerts and supervises cases."""
    return region_ids_for_role(user, roles.CASE_SUPERVISOR)


def alerts_visible_to(user: Any, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Alerts the user raised, and those of the regions the user supervises."""
    if not can_raise_alert(user):
        return queryset.none()
    condition = Q(created_by=user)
    regions = supervised_region_ids(user)
    if regions:
        condition |= Q(region_id__in=regions)
    return queryset.filter(condition)


def can_triage(user: Any, alert: Alert) -> bool:
    """Case supervisors of the alert's region triage it."""
    return alert.region_id in supervised_region_ids(user)


def can_open_cases(user: Any) -> bool:
    return has_role(user, *CASE_ROLES)


def cases_visible_to(user: Any, queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The case's team (owner and members) and the supervisors of the owner organisation in
    the case's region. Everyone else, including other agencies, analysts, trainers, providers
    and law enforcement, sees no case (providers see referrals, not cases)."""
    if not has_role(user, *CASE_ROLES):
        return queryset.none()
    from egide.cases.models import CaseMember

    # The owner is always a team member (case_open adds them), so membership alone decides.
    condition = Q(pk__in=CaseMember.objects.filter(user=user).values("case_id"))
    regions = supervised_region_ids(user)
    if regions and user.organisation_id:
        condition |= Q(owner_organisation_id=user.organisation_id, region_id__in=regions)
    return queryset.filter(condition)


def is_case_supervisor(user: Any, case: Case) -> bool:
    """A supervisor of the owner organisation in the case's region."""
    return (
        has_role(user, roles.CASE_SUPERVISOR)
        and user.organisation_id == case.owner_organisation_id
        and case.region_id in supervised_region_ids(user)
    )


def can_approve_closure(user: Any, case: Case) -> bool:
    return is_case_supervisor(user, case)


def can_override_consent(user: Any, case: Case) -> bool:
    """Only a supervisor may send a referral without consent, with a recorded reason."""
    return is_case_supervisor(user, case)


def case_region_ids(user: Any) -> set[int]:
    """Regions where *user* works on cases (as case worker or supervisor)."""
    return region_ids_for_role(user, roles.CASE_WORKER) | supervised_region_ids(user)


def can_open_case_in(user: Any, region_id: int | None) -> bool:
    """A case worker or supervisor opens a case directly only in a region where they work."""
    return can_open_cases(user) and region_id in case_region_ids(user)
