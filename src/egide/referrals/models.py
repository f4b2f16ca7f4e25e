"""Referrals: one need of a case sent to a provider, with only the data the provider needs."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.cases.models import URGENCY_CHOICES
from egide.core.fields import EncryptedTextField


class Referral(models.Model):
    """A referral and its life: sent → accepted/declined → delivered/not delivered → closed."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Service delivered")
        NOT_DELIVERED = "not_delivered", _("Service not delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    need = models.ForeignKey("cases.Need", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("provider"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=URGENCY_CHOICES)
    due_at = models.DateTimeField(_("answer expected before"), db_index=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.SENT, db_index=True
    )
    cross_border = models.BooleanField(_("cross-border"), default=False)
    consent_override_reason = EncryptedTextField(
        _("consent override reason"), blank=True, default=""
    )
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_json = EncryptedTextField(_("data shared with the provider"))
    answer_reason = EncryptedTextField(_("reason or outcome"), blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"REF-{self.pk:06d}" if self.pk else "REF-new"

    @property
    def shared(self) -> dict[str, Any]:
        return json.loads(self.shared_json) if self.shared_json else {}  # type: ignore[no-any-return]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.SENT and self.due_at < timezone.now()
