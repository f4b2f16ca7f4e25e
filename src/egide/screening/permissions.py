"""Who may screen, and which saved assessments a user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role

if TYPE_CHECKING:
    from egide.screening.models import Assessment

SCREENERS = (
    roles.CASE_WORKER,
    roles.CASE_SUPERVISOR,
    roles.LAW_ENFORCEMENT,
    roles.MIGRANT_AMBASSADOR,
)


def can_screen(user: Any) -> bool:
    """Case workers, supervisors, law-enforcement focal points and ambassadors run screenings."""
    return has_role(user, *SCREENERS)


def assessments_visible_to(user: Any, queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Restrict *queryset* to the assessments *user* may see.

    * An assessment attached to a case is visible exactly to those who may see the case
      (``egide.cases.permissions.cases_visible_to``: the case's team and the supervisors of the
      owner organisation in the case's region).
    * An assessment without a case is visible to its author's *team*, defined from the existing
      models as: the author, and the case supervisors of the author's organisation (the
      assessment's ``organisation``) who supervise the assessment's region — or any of them when
      the assessment has no region. Other case workers of the organisation do not see it.

    Everyone who may not screen sees none (analysts, trainers, providers…)."""
    from egide.cases.models import Case
    from egide.cases.permissions import cases_visible_to, supervised_region_ids

    if not can_screen(user) and not has_role(user, roles.CASE_SUPERVISOR):
        return queryset.none()
    visible_cases = cases_visible_to(user, Case.objects.all()).values("pk")
    condition = Q(case__isnull=False, case__in=visible_cases)
    condition |= Q(case__isnull=True, created_by=user)
    regions = supervised_region_ids(user)
    if regions and user.organisation_id is not None:
        condition |= Q(
            case__isnull=True,
            organisation_id=user.organisation_id,
        ) & (Q(region_id__in=regions) | Q(region__isnull=True))
    return queryset.filter(condition)
