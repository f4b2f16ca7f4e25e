"""SMS channels and their deliveries; the CPIMS+ connection and the child referrals sent to it.

The sender's number, the message and the CPIMS+ credentials are encrypted at rest. A channel's
secret is kept only as a SHA-256 digest (shown once, when made)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField
from egide.interop.cpims_rules import (
    DEFAULT_FIELD_MAP,
    DEFAULT_MODULE_ID,
    DEFAULT_PROTECTION_CONCERNS,
)


def default_field_map() -> dict[str, str]:
    return dict(DEFAULT_FIELD_MAP)


class SmsChannel(models.Model):
    """A short code or gateway that forwards SMS to Égide; its alerts are raised in the name of
    the channel's own account (which cannot log in) for its organisation."""

    class Kind(models.TextChoices):
        RAPIDPRO = "rapidpro", _("RapidPro / TextIt flow (Call Webhook)")
        AFRICASTALKING = "africastalking", _("Africa's Talking (inbound SMS)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    default_region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region of messages that name none"),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sms_channel"
    )
    secret_digest = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SMS channel")
        verbose_name_plural = _("SMS channels")

    def __str__(self) -> str:
        return self.name


class SmsDelivery(models.Model):
    """One message a channel delivered, and the alert it became (the same message id twice is
    refused by the unique constraint: one alert)."""

    channel = models.ForeignKey(SmsChannel, on_delete=models.PROTECT, related_name="deliveries")
    message_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    sender = EncryptedTextField(_("sender's number"))
    sender_index = models.CharField(max_length=64, db_index=True)
    text = EncryptedTextField(_("message"), blank=True, default="")
    recognised = models.BooleanField(_("keyword recognised"), default=False)
    alert = models.ForeignKey(
        "cases.Alert", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("SMS delivery")
        verbose_name_plural = _("SMS deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "message_id"], name="sms_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.message_id}"


class CpimsConnection(models.Model):
    """The CPIMS+ (Primero v2) server Égide sends child cases to: one row."""

    base_url = models.URLField(_("CPIMS+ address"), max_length=300)
    username = EncryptedTextField(_("account (user name)"))
    password = EncryptedTextField(_("password"))
    module_id = models.CharField(_("module"), max_length=100, default=DEFAULT_MODULE_ID)
    protection_concerns = models.CharField(
        _("protection concerns sent"), max_length=300, default=DEFAULT_PROTECTION_CONCERNS
    )
    field_map = models.JSONField(_("field mapping"), default=default_field_map)
    logins_per_minute = models.PositiveSmallIntegerField(_("logins per minute at most"), default=3)
    enabled = models.BooleanField(_("sending enabled"), default=True)
    token = EncryptedTextField(blank=True, default="")
    token_expires_at = models.DateTimeField(null=True, blank=True)
    login_times = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("CPIMS+ connection")
        verbose_name_plural = _("CPIMS+ connections")

    def __str__(self) -> str:
        return self.base_url


class CpimsReferral(models.Model):
    """A child's case sent to CPIMS+: the fields ticked, Égide's id for it (``data.id``),
    Primero's id once there, and where the sending stands."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Created in CPIMS+")
        ALREADY_THERE = "already_there", _("Already in CPIMS+")
        FAILED = "failed", _("Not sent")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="cpims_referral"
    )
    record_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fields = models.JSONField(_("fields sent"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    primero_id = models.CharField(_("CPIMS+ case id"), max_length=100, blank=True)
    error = models.CharField(_("why it was not sent"), max_length=600, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("CPIMS+ referral")
        verbose_name_plural = _("CPIMS+ referrals")

    def __str__(self) -> str:
        return f"CPIMS+ {self.case_id}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ALREADY_THERE)
