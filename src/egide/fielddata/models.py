"""Field-data servers, the submissions pulled from them and what became of each one."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField


class Connection(models.Model):
    """An ODK Central project or a KoboToolbox account an organisation collects with."""

    class Kind(models.TextChoices):
        ODK_CENTRAL = "odk_central", _("ODK Central")
        KOBO = "kobo", _("KoboToolbox")

    name = models.SlugField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("server kind"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, verbose_name=_("organisation")
    )
    base_url = models.URLField(_("server address"))
    project = models.CharField(
        _("project"),
        max_length=100,
        blank=True,
        help_text=_("ODK Central: the project number. KoboToolbox: leave empty."),
    )
    # KoboToolbox: Égide form id -> asset uid ({"egide_alerte": "aXb…"}).
    assets = models.JSONField(_("KoboToolbox assets by form"), default=dict, blank=True)
    username = models.CharField(_("account (e-mail)"), max_length=254, blank=True)
    secret = EncryptedTextField(
        _("password or API token"),
        blank=True,
        default="",
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )
    is_active = models.BooleanField(_("pull on schedule"), default=True)
    timeout_seconds = models.PositiveIntegerField(_("timeout (seconds)"), default=30)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field server connection")
        verbose_name_plural = _("field server connections")

    def __str__(self) -> str:
        return self.name

    @property
    def server_key(self) -> str:
        """The server part of a submission's key: the address without trailing slash."""
        return self.base_url.rstrip("/")


class Watermark(models.Model):
    """How far the pulls of one form of one connection got (server times, ISO 8601)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="watermarks")
    form_id = models.CharField(max_length=64)
    changed_after = models.CharField(max_length=40, blank=True)
    deleted_after = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "form_id"], name="watermark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.connection_id}/{self.form_id}"


class FieldAccount(models.Model):
    """Who a field account or device is in Égide: submissions from it are made by *user*."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("field account")
        DEVICE = "device", _("device")

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("connection")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ACCOUNT)
    remote_id = models.CharField(
        _("identifier on the server"),
        max_length=200,
        help_text=_("ODK Central: the submitter number or device id. KoboToolbox: the user name."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("field account")
        verbose_name_plural = _("field accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "remote_id"], name="field_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.remote_id}"


class ImportRun(models.Model):
    """One pull from a server or one uploaded export, with its counts."""

    class Source(models.TextChoices):
        PULL = "pull", _("pull from the server")
        FILE = "file", _("uploaded export")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("connection")
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("field data import")
        verbose_name_plural = _("field data imports")

    def __str__(self) -> str:
        return f"IMP-{self.pk:05d}" if self.pk else "IMP-new"


class Outcome(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    UNCHANGED = "unchanged", _("unchanged")
    HELD = "held", _("held for review")
    REJECTED = "rejected", _("rejected")
    SKIPPED = "skipped", _("not imported (rejected on the server)")
    DELETED = "deleted", _("deleted on the server")


class SubmissionRecord(models.Model):
    """One logical field submission, keyed by (server, project, form, logical id): every
    version of it updates this row and what its first version created, never a duplicate."""

    server = models.CharField(max_length=300)
    project = models.CharField(max_length=100)
    form_id = models.CharField(_("form"), max_length=64)
    logical_id = models.CharField(max_length=200)
    instance_id = models.CharField(_("current version"), max_length=200)
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    form_version = models.CharField(_("form version"), max_length=64, blank=True)
    submitter_id = models.CharField(_("submitter"), max_length=200, blank=True)
    device_id = models.CharField(_("device"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Égide user"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    # The answers (personal data): encrypted, kept to re-apply after a fix.
    payload_json = EncryptedTextField(_("answers (JSON)"))
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.PositiveIntegerField(null=True, blank=True)
    deleted_on_server = models.BooleanField(_("deleted on the server"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["server", "project", "form_id", "logical_id"],
                name="field_submission_unique",
            )
        ]
        indexes = [models.Index(fields=["server", "project", "form_id", "instance_id"])]

    def __str__(self) -> str:
        return f"SUB-{self.pk:06d}" if self.pk else "SUB-new"

    @property
    def form_title(self) -> str:
        from egide.fielddata.xlsforms import TITLES

        return str(TITLES.get(self.form_id, self.form_id))

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json) if self.payload_json else {}  # type: ignore[no-any-return]


class SubmissionOutcome(models.Model):
    """What one run did with one submission (the per-submission report)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="outcomes")
    record = models.ForeignKey(
        SubmissionRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="outcomes"
    )
    reference = models.CharField(_("submission"), max_length=200)
    form_id = models.CharField(_("form"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.reference}"

    @property
    def form_title(self) -> str:
        from egide.fielddata.xlsforms import TITLES

        return str(TITLES.get(self.form_id, self.form_id))


class FieldAttachment(models.Model):
    """A file sent with a submission (a photo of a document…), kept encrypted."""

    record = models.ForeignKey(
        SubmissionRecord, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=255)
    content_b64 = EncryptedTextField()
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "name"], name="field_attachment_unique")
        ]

    def __str__(self) -> str:
        return self.name
