"""Writing to the audit trail. Call from inside the transaction of the change being audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils import timezone

from egide.audit.context import current_request
from egide.audit.models import APPEND_ONLY, AppendOnlyError, AuditEvent
from egide.audit.verification import VerifyReport, audit_verify_report


def audit_event(
    *,
    actor: Any | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """The event that `audit_record` appends, built but not saved (for `audit_record_many`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    ctx = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_username=(
            actor.get_username() if actor is not None and authenticated else actor_username
        )[:150],
        organisation_id=getattr(actor, "organisation_id", None) if authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        details=details or {},
    )


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail (one INSERT: no lock, sealed later by the sealer).

    *actor* is the acting user (None for the system). Never put personal data in *details*:
    name the object by type and id instead.
    """
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        details=details,
        actor_username=actor_username,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Append events built by `audit_event` in one multi-row INSERT (still no lock: the sealer
    seals them later in id order, like any other append). Call inside the audited transaction."""
    if any(not event._state.adding or event.pk is not None for event in events):
        raise AppendOnlyError(APPEND_ONLY)
    return AuditEvent.objects.bulk_create(events)


def audit_verify() -> tuple[int, str | None]:
    """Check the sealed chain against the external checkpoints: (events checked, first finding).

    The first finding is None when the trail is intact; `audit_verify_report` gives them all.
    """
    report: VerifyReport = audit_verify_report()
    return report.walked.sealed, (str(report.findings[0]) if report.findings else None)
