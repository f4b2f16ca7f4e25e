"""Who runs training and who sees participants' personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role, region_ids_for_role

if TYPE_CHECKING:
    from egide.training.models import TrainingSession


def can_run_training(user: Any) -> bool:
    """Trainers and coordinators (M&E) manage sessions and see participants' contacts."""
    return has_role(user, roles.TRAINER, roles.COORDINATOR)


def can_read_curriculum(user: Any) -> bool:
    """Every role may read the curriculum."""
    return has_role(user, *roles.ROLES)


TRAINING_ROLES = (roles.TRAINER, roles.COORDINATOR)


def acts_nationally(user: Any, code: str) -> bool:
    """True when *user*'s role *code* covers every region of Guinea.

    Roles are scoped to regions in ``accounts``: an assignment lists its regions, or (none
    listed) takes its organisation's. A role is *national* when those regions are all the
    regions there are; a national trainer or coordinator sees every session."""
    from egide.core.models import Region

    ids = region_ids_for_role(user, code)
    return bool(ids) and ids >= set(Region.objects.values_list("id", flat=True))


def sessions_visible_to(
    user: Any, queryset: QuerySet[TrainingSession]
) -> QuerySet[TrainingSession]:
    """Sessions whose participants (names, contacts, exports) *user* may see.

    A national trainer or coordinator sees every session. Otherwise: the sessions the user
    trains, and those of the user's organisation held in a region where the user acts as
    trainer or coordinator (or online, with no region). Everyone else sees none."""
    from egide.training.models import TrainingSession

    if not can_run_training(user):
        return queryset.none()
    if any(acts_nationally(user, code) for code in TRAINING_ROLES if has_role(user, code)):
        return queryset
    trained = TrainingSession.trainers.through.objects.filter(user=user)
    condition = Q(pk__in=trained.values("trainingsession_id"))
    regions: set[int] = set()
    for code in TRAINING_ROLES:
        regions |= region_ids_for_role(user, code)
    if user.organisation_id is not None:
        condition |= Q(organisation_id=user.organisation_id) & (
            Q(region_id__in=regions) | Q(region__isnull=True)
        )
    return queryset.filter(condition)
