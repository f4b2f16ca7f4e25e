"""The append-only audit trail, sealed into a keyed hash chain after commit.

Design (Certificate Transparency's model, RFC 6962/9162, with a keyed hash chain instead of a
Merkle tree because only holders of the key verify it anyway):

- Writing an event is a plain INSERT (`audit_record`): no lock, no read of the previous event, so
  an audited action never waits for another transaction, however long.
- One sealer (`egide.audit.sealer.seal`, run as a periodic job or `egide audit seal`) takes the
  only lock of the design — the row of `AuditSealState`, for the seal alone — and gives each
  committed unsealed event, in id order, its position `seal_seq` in the chain and its keyed hash
  `seal_hash` (HMAC with EGIDE_AUDIT_KEY, never stored in the database). Positions follow the order
  of sealing, not of ids: an event committed late by a long transaction is sealed at the end.
- The seal is written into the event's own row, once: the PostgreSQL trigger refuses DELETE and
  every UPDATE except the one that sets `seal_seq` and `seal_hash` on an unsealed row, leaving
  every other column as it was. A separate table of seals would need an anti-join over the whole
  trail to find unsealed events; here a partial index over `seal_seq IS NULL` finds them at once.
- After each seal, a checkpoint (tree size, head, time) signed with Ed25519 is written outside the
  database (`checkpoints.py`) and kept here too (`AuditCheckpoint`, for the audit page only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "The audit trail is append-only: events cannot be changed or deleted."


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, from where; never changed."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_constraint=True,
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    # Indexed in Meta: one index each for what the trail is searched by, no more (every read of
    # personal data writes an event, so every index is paid on the busiest pages).
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    seal_seq = models.BigIntegerField(_("position in the sealed chain"), null=True, unique=True)
    seal_hash = models.CharField(_("sealed hash"), max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # Search by action prefix ("case." ...): LIKE 'prefix%' on PostgreSQL needs the
            # pattern operator class, which serves equality too.
            models.Index(
                fields=["action"], name="audit_action_idx", opclasses=["varchar_pattern_ops"]
            ),
            # Search by object: type and id, or the id alone.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            models.Index(
                fields=["id"], condition=models.Q(seal_seq__isnull=True), name="audit_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def hashed_content(self) -> dict[str, Any]:
        """The fields covered by the hash, in their canonical (JSON-able) form."""
        return hashed_content({name: getattr(self, name) for name in HASHED_COLUMNS})


# The columns covered by the keyed hash (actor_id is the column of `actor`).
HASHED_COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "request_id",
    "details",
)


def hashed_content(values: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields of an event read with `.values(*HASHED_COLUMNS)`, JSON-able."""
    return {**values, "created_at": values["created_at"].isoformat()}


class AuditSealState(models.Model):
    """The single row the sealer locks while it seals, so that one sealer runs at a time."""

    last_run_at = models.DateTimeField(_("last seal"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit seal state")
        verbose_name_plural = _("audit seal state")

    def __str__(self) -> str:
        return f"sealed {self.last_run_at}"


class AuditCheckpointQuerySet(models.QuerySet["AuditCheckpoint"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError(APPEND_ONLY)


class AuditCheckpoint(models.Model):
    """The database's copy of a signed checkpoint, for display; verification uses the file's."""

    tree_size = models.BigIntegerField(_("tree size"))
    head = models.CharField(_("head hash"), max_length=64)
    signed_at = models.CharField(_("signed at"), max_length=40)
    key_id = models.CharField(_("key id"), max_length=32)
    signature = models.CharField(_("signature"), max_length=128)

    objects = AuditCheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["-tree_size", "-id"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"{self.tree_size} @ {self.signed_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    @property
    def signed_time(self) -> datetime | None:
        """The signed time as a datetime, for display."""
        try:
            return datetime.fromisoformat(self.signed_at)
        except ValueError:
            return None
