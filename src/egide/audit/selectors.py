"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from egide.audit.models import AuditCheckpoint, AuditEvent


def audit_events_filtered(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching the filters, newest first (callers check permission first)."""
    qs = AuditEvent.objects.all().order_by("-id")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        # Failed logins keep what was typed only as a keyed hash: search by its digest too.
        from egide.accounts.services import typed_username_digest

        qs = qs.filter(
            Q(actor_username__iexact=actor) | Q(actor_username=typed_username_digest(actor))
        )
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    # Bounds on the time itself (not on its date): the index on created_at serves them.
    if date_from:
        qs = qs.filter(created_at__gte=_start_of(date_from))
    if date_to and date_to < date.max:
        qs = qs.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    return qs


def _start_of(day: date) -> datetime:
    """Midnight of *day* in the site's time zone (the days the trail's pages show)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def audit_filter_summary(filters: dict[str, Any]) -> dict[str, str]:
    """The non-empty filters, as text, for the audit entry of a search of the trail."""
    return {k: str(v) for k, v in filters.items() if v}


@dataclass(frozen=True)
class SealStatus:
    """How far the sealer has got: events waiting for their seal, and the last checkpoint."""

    unsealed: int
    stale: int
    oldest_unsealed: datetime | None
    alarm_minutes: int
    last_checkpoint: AuditCheckpoint | None

    @property
    def alarm(self) -> bool:
        """True when events have waited longer than the configured minutes for their seal."""
        return self.stale > 0


def audit_seal_status() -> SealStatus:
    """The sealer's progress, for the audit page (two queries, on the unsealed index)."""
    minutes = settings.EGIDE_AUDIT_UNSEALED_ALARM_MINUTES
    cutoff = timezone.now() - timedelta(minutes=minutes)
    unsealed = AuditEvent.objects.filter(seal_seq__isnull=True).aggregate(
        count=Count("id"),
        stale=Count("id", filter=Q(created_at__lt=cutoff)),
        oldest=Min("created_at"),
    )
    return SealStatus(
        unsealed=unsealed["count"],
        stale=unsealed["stale"],
        oldest_unsealed=unsealed["oldest"],
        alarm_minutes=minutes,
        last_checkpoint=AuditCheckpoint.objects.order_by("-tree_size", "-id").first(),
    )
