"""Reading the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from egide.audit.models import AuditEvent


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
        qs = qs.filter(actor_username__iexact=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def audit_filter_summary(filters: dict[str, Any]) -> dict[str, str]:
    """The non-empty filters, as text, for the audit entry of a search of the trail."""
    return {k: str(v) for k, v in filters.items() if v}
