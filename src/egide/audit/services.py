"""Writing to the audit trail. Call from inside the transaction of the change being audited."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from egide.audit import chain
from egide.audit.context import current_request
from egide.audit.models import AuditEvent

# Any constant works: it names the lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x45474944


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


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
    """Append one event to the audit trail, chained to the last one.

    *actor* is the acting user (None for the system). Never put personal data in *details*:
    name the object by type and id instead.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    ctx = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or chain.GENESIS_HASH
        event = AuditEvent(
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
            prev_hash=prev_hash,
            hash="",
        )
        event.hash = chain.event_hash(prev_hash, event.hashed_content())
        event.save(force_insert=True)
    return event


def audit_verify() -> tuple[int, chain.BrokenLink | None]:
    """Check the whole chain in id order; return the events checked and the first broken link."""
    rows = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    return chain.verify((e.id, e.prev_hash, e.hash, e.hashed_content()) for e in rows)
