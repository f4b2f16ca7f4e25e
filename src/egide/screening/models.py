"""Saved screening assessments: answers, codes, rule-set version, result, worker's determination."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField


class Assessment(models.Model):
    """One screening of one person. Answers and result are encrypted; levels stay in clear for
    anonymised statistics (they identify no one)."""

    class Level(models.TextChoices):
        PRESUMED = "presumed", _("presumed victim of trafficking")
        POSSIBLE = "possible", _("possible victim of trafficking")
        NONE = "none", _("no indication of trafficking")

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("screened by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("case"),
    )
    rule_set = models.CharField(_("rule set"), max_length=10)
    catalogue_version = models.CharField(_("catalogue version"), max_length=10)
    person_reference = EncryptedTextField(
        _("person reference"),
        blank=True,
        default="",
        help_text=_("Initials or a pseudonym that lets you find this screening again."),
    )
    input_json = EncryptedTextField(_("answers (JSON)"))
    result_json = EncryptedTextField(_("result (JSON)"))
    interview_json = EncryptedTextField(_("interview conditions (JSON)"), blank=True, default="")
    trafficking_level = models.CharField(
        _("trafficking"), max_length=10, choices=Level.choices, db_index=True
    )
    smuggling_level = models.CharField(_("smuggling"), max_length=10)
    gbv_level = models.CharField(_("GBV"), max_length=10)
    child = models.BooleanField(_("child"))
    urgent = models.BooleanField(_("urgent"))
    worker_agrees = models.BooleanField(_("worker agrees with the result"), null=True)
    worker_level = models.CharField(
        _("worker's determination"), max_length=10, choices=Level.choices, blank=True
    )
    worker_justification = EncryptedTextField(_("justification"), blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("screening assessment")
        verbose_name_plural = _("screening assessments")

    def __str__(self) -> str:
        return f"SCR-{self.pk:06d}" if self.pk else "SCR-new"

    @property
    def code(self) -> str:
        return str(self)

    @property
    def input_document(self) -> dict[str, Any]:
        return json.loads(self.input_json)  # type: ignore[no-any-return]

    @property
    def result_document(self) -> dict[str, Any]:
        return json.loads(self.result_json)  # type: ignore[no-any-return]

    @property
    def interview(self) -> dict[str, Any]:
        return json.loads(self.interview_json) if self.interview_json else {}


class AssessmentPurpose(models.Model):
    """A purpose of exploitation the rule set found in an assessment (a catalogue code such as
    ``purpose.forced_labour``), kept in clear beside the encrypted result so that statistics can
    count by purpose (monitoring II.6). A category, not a person's data: it identifies no one.
    Written by the screening services with the result, replaced when the result is."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="purposes",
        verbose_name=_("screening assessment"),
    )
    purpose = models.CharField(_("purpose of exploitation"), max_length=60, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "purpose"], name="screening_assessment_purpose_once"
            )
        ]
        verbose_name = _("purpose of exploitation found")
        verbose_name_plural = _("purposes of exploitation found")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.purpose}"


class InterviewDraft(models.Model):
    """The answers of an interview in progress, kept encrypted on the server between steps.

    Each step is its own page (POST, then redirect to the next step's GET), so the phone's Back
    button and a reload on a bad connection show the step again with its answers. Only the
    author reads a draft; its answers are erased when the assessment is saved, and it expires.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    state_json = EncryptedTextField(_("answers so far (JSON)"), blank=True, default="")
    # Once saved, the answers leave the draft; the draft only says where they went, so that a
    # second tap on "save" or the Back button leads to the assessment, not to a lost interview.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved as"),
    )

    class Meta:
        verbose_name = _("interview draft")
        verbose_name_plural = _("interview drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"

    @property
    def state(self) -> dict[str, Any]:
        return json.loads(self.state_json) if self.state_json else {}
