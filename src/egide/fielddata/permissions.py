"""Who downloads the field forms, who imports field data and whose outcomes each one sees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role

if TYPE_CHECKING:
    from egide.fielddata.models import ImportRun, SubmissionRecord

# Those who collect in the field with ODK Collect or KoboCollect.
COLLECTORS = (
    roles.MIGRANT_AMBASSADOR,
    roles.CASE_WORKER,
    roles.CASE_SUPERVISOR,
    roles.LAW_ENFORCEMENT,
    roles.TRAINER,
    roles.COORDINATOR,
    roles.ADMINISTRATOR,
)
MANAGERS = (roles.COORDINATOR, roles.ADMINISTRATOR)


def can_download_forms(user: Any) -> bool:
    """Everyone who collects, and those who set up the field servers."""
    return has_role(user, *COLLECTORS)


def can_manage_imports(user: Any) -> bool:
    """Coordinators (M&E) and administrators pull, upload exports, fix and re-apply."""
    return has_role(user, *MANAGERS)


def can_see_own_outcomes(user: Any) -> bool:
    return has_role(user, *COLLECTORS)


def runs_visible_to(user: Any, queryset: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
    """Administrators see every run; coordinators those of their organisation."""
    if has_role(user, roles.ADMINISTRATOR):
        return queryset
    if has_role(user, roles.COORDINATOR) and user.organisation_id is not None:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def records_visible_to(
    user: Any, queryset: QuerySet[SubmissionRecord]
) -> QuerySet[SubmissionRecord]:
    """Managers see the submissions of their organisation (administrators: all, including
    those held because their sender is unknown); everyone else only their own."""
    if has_role(user, roles.ADMINISTRATOR):
        return queryset
    if has_role(user, roles.COORDINATOR) and user.organisation_id is not None:
        from django.db.models import Q

        mine = Q(organisation_id=user.organisation_id) | Q(
            connection__organisation_id=user.organisation_id
        )
        return queryset.filter(mine)
    if can_see_own_outcomes(user):
        return queryset.filter(user=user)
    return queryset.none()
