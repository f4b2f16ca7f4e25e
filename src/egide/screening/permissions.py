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
# Roles that see the assessments of their whole organisation, not only their own.
ORGANISATION_READERS = (roles.CASE_WORKER, roles.CASE_SUPERVISOR)


def can_screen(user: Any) -> bool:
    """Case workers, supervisors, law-enforcement focal points and ambassadors run screenings."""
    return has_role(user, *SCREENERS)


def assessments_visible_to(user: Any, queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Restrict *queryset* to what *user* may see: their own, or their organisation's when a
    case worker or supervisor. Everyone else (analysts, trainers, providers…) sees none."""
    if not can_screen(user):
        return queryset.none()
    if has_role(user, *ORGANISATION_READERS) and user.organisation_id is not None:
        return queryset.filter(Q(organisation_id=user.organisation_id) | Q(created_by=user))
    return queryset.filter(created_by=user)
