"""The DHIS2 connection, the administrator's mapping, and each push of a period."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField
from egide.dhis2.rules import UID_LENGTH

UID_HELP = _("11 characters: a letter, then letters and digits (a DHIS2 identifier).")


class Connection(models.Model):
    """The DHIS2 server Égide sends to (one row). The password is encrypted at rest."""

    url = models.URLField(
        _("server address"),
        max_length=300,
        help_text=_("For example https://dhis2.example.org (without /api)."),
    )
    username = models.CharField(_("user name"), max_length=150)
    password = EncryptedTextField(_("password"))
    timeout_seconds = models.PositiveSmallIntegerField(
        _("time limit (seconds)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("DHIS2 connection")
        verbose_name_plural = _("DHIS2 connections")

    def __str__(self) -> str:
        return self.url


class ElementMapping(models.Model):
    """One indicator cell (indicator + disaggregation) → a DHIS2 data element and category
    option combo."""

    indicator = models.CharField(_("indicator"), max_length=64)
    disaggregation = models.CharField(
        _("disaggregation"),
        max_length=200,
        blank=True,
        help_text=_("Empty for the total; otherwise for example: sex=female; age_band=u18"),
    )
    data_element = models.CharField(_("data element"), max_length=UID_LENGTH, help_text=UID_HELP)
    category_option_combo = models.CharField(
        _("category option combination"),
        max_length=UID_LENGTH,
        blank=True,
        help_text=_("Empty: DHIS2's default combination."),
    )

    class Meta:
        ordering = ["indicator", "disaggregation"]
        verbose_name = _("data element mapping")
        verbose_name_plural = _("data element mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "disaggregation"], name="dhis2_element_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} [{self.disaggregation}] → {self.data_element}"


class OrgUnitMapping(models.Model):
    """The whole country, a region or a prefecture → a DHIS2 organisation unit."""

    area = models.CharField(
        _("area"),
        max_length=6,
        blank=True,
        unique=True,
        help_text=_("Empty for the whole country; else the region's or prefecture's ISO code."),
    )
    org_unit = models.CharField(_("organisation unit"), max_length=UID_LENGTH, help_text=UID_HELP)

    class Meta:
        ordering = ["area"]
        verbose_name = _("organisation unit mapping")
        verbose_name_plural = _("organisation unit mappings")

    def __str__(self) -> str:
        return f"{self.area or '*'} → {self.org_unit}"


class PeriodMapping(models.Model):
    """An Égide period type → the DHIS2 period format its figures are sent in."""

    class PeriodType(models.TextChoices):
        YEARLY = "yearly", _("Year")
        QUARTERLY = "quarterly", _("Quarter")
        MONTHLY = "monthly", _("Month")

    class Format(models.TextChoices):
        YEARLY = "yyyy", _("Yearly, as 2024")
        QUARTERLY = "yyyyQn", _("Quarterly, as 2024Q3")
        MONTHLY = "yyyyMM", _("Monthly, as 202403")

    period_type = models.CharField(
        _("Égide period"), max_length=10, choices=PeriodType.choices, unique=True
    )
    dhis2_format = models.CharField(_("DHIS2 period format"), max_length=8, choices=Format.choices)

    class Meta:
        ordering = ["period_type"]
        verbose_name = _("period mapping")
        verbose_name_plural = _("period mappings")

    def __str__(self) -> str:
        return f"{self.period_type} → {self.dhis2_format}"


class Push(models.Model):
    """One send of a period's data value set to DHIS2: dry run, then the real import. Only a
    real import that DHIS2 took whole is marked SENT."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Sending")
        SENT = "sent", _("Sent: DHIS2 took every value")
        REJECTED = "rejected", _("Not sent: DHIS2 refused values")
        FAILED = "failed", _("Not sent: failure")

    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    server = models.CharField(_("server address"), max_length=300, blank=True)
    values_sent = models.PositiveIntegerField(_("values sent"), default=0)
    values_withheld = models.PositiveIntegerField(_("values withheld (suppressed)"), default=0)
    unmapped = models.JSONField(_("figures without a mapping"), default=list, blank=True)
    unmapped_total = models.PositiveIntegerField(_("figures without a mapping"), default=0)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    dry_run = models.JSONField(_("dry-run summary"), default=dict, blank=True)
    summary = models.JSONField(_("import summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("DHIS2 push")
        verbose_name_plural = _("DHIS2 pushes")
        indexes = [models.Index(fields=["period", "-created_at"], name="dhis2_push_period_idx")]
        constraints = [
            # One push of a period under way at a time (two at once would race in DHIS2).
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(status__in=["queued", "running"]),
                name="dhis2_push_one_active_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} #{self.pk}"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
