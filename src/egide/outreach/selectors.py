"""Reads of the outreach pages, starting from what the actor may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role, region_ids_for_role
from egide.outreach.models import Ambassador, Dialogue


def own_ambassador(user: Any) -> Ambassador | None:
    """The ambassador record of the signed-in person, if they are one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Ambassador.objects.filter(user=user, is_active=True)
        .select_related("prefecture__region")
        .first()
    )


def acting_region_ids(user: Any) -> set[int]:
    """The regions where *user* records outreach (ambassador, trainer), empty when national."""
    ids: set[int] = set()
    for code in (roles.MIGRANT_AMBASSADOR, roles.TRAINER):
        ids |= region_ids_for_role(user, code)
    return ids


def ambassadors_listable_by(user: Any) -> QuerySet[Ambassador]:
    """Ambassadors whose names *user* may pick in the dialogue form.

    Coordinators (national) see every active ambassador; others only the active ambassadors of
    their own organisation in their own regions, and always themselves.
    """
    active = Ambassador.objects.filter(is_active=True).select_related("prefecture")
    if has_role(user, roles.COORDINATOR):
        return active
    scope = Q(organisation_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])
    regions = acting_region_ids(user)
    if regions:
        scope &= Q(prefecture__region_id__in=regions)
    return active.filter(scope | Q(user=user))


def dialogues_search(
    user: Any,
    *,
    q: str = "",
    region_id: int | None = None,
    format: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    mine: bool = False,
) -> QuerySet[Dialogue]:
    """Dialogues (counts, no names) filtered by words in topics or locality, region, format,
    dates; *mine* keeps those the user facilitated as an ambassador or recorded."""
    dialogues = Dialogue.objects.select_related("region", "prefecture")
    if q:
        dialogues = dialogues.filter(Q(topics__icontains=q) | Q(locality__icontains=q))
    if region_id:
        dialogues = dialogues.filter(region_id=region_id)
    if format:
        dialogues = dialogues.filter(format=format)
    if date_from:
        dialogues = dialogues.filter(held_on__gte=date_from)
    if date_to:
        dialogues = dialogues.filter(held_on__lte=date_to)
    if mine:
        dialogues = dialogues.filter(Q(ambassador__user=user) | Q(recorded_by=user))
    return dialogues.order_by("-held_on", "-pk")
