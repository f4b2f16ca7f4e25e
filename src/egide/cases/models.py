"""Alerts, cases and what a case holds: team, consents, needs (case plan), notes, attachments,
follow-ups, status history. Identifying data lives in encrypted fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField
from egide.directory.needs import NEED_TYPES

URGENCY_CHOICES = [
    ("immediate", _("Immediate danger")),
    ("urgent", _("Urgent")),
    ("normal", _("Normal")),
]
CASE_FLAGS = [
    ("security_risk", _("Security risk")),
    ("needs_interpreter", _("Needs an interpreter")),
    ("unaccompanied_child", _("Unaccompanied child")),
    ("disability", _("Disability")),
    ("pregnancy", _("Pregnancy")),
]
SEX_CHOICES = [
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other")),
    ("unknown", _("Unknown")),
]


class Alert(models.Model):
    """A report that a person may be at risk; triaged by the case supervisors of the region."""

    class Status(models.TextChoices):
        NEW = "new", _("To triage")
        CASE_OPENED = "case_opened", _("Case opened")
        MERGED = "merged", _("Merged into a case")
        CLOSED = "closed", _("Closed")

    created_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    prefecture = models.ForeignKey(
        "core.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("prefecture"),
    )
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    border_point = models.CharField(_("border point"), max_length=200, blank=True)
    seen_on = models.DateField(_("date seen"))
    person_description = EncryptedTextField(
        _("who is concerned"), help_text=_("As little identifying data as possible.")
    )
    what_was_seen = EncryptedTextField(_("what was seen"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=URGENCY_CHOICES)
    child_concerned = models.BooleanField(_("a child is concerned"), null=True)
    # The screening the alert was raised from: attached to the case that triage opens.
    assessment = models.ForeignKey(
        "screening.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screening"),
    )
    due_at = models.DateTimeField(_("to triage before"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triage_reason = models.TextField(_("triage reason"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("case"),
    )
    # Closed without a case: what it says of the person is erased after
    # EGIDE_ALERT_RETENTION_MONTHS (its place, date and outcome remain for the statistics).
    purged_at = models.DateTimeField(_("identifying data purged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"ALR-{self.pk:06d}" if self.pk else "ALR-new"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.NEW and self.due_at < timezone.now()


class CaseCounter(models.Model):
    """The last case number given in a region and year (case codes are sequential)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


class Case(models.Model):
    """A person's protection case, known everywhere by its pseudonymous code."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ASSESSMENT = "assessment", _("Assessment")
        CASE_PLAN = "case_plan", _("Case plan")
        SERVICES = "services", _("Services")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        TRANSFERRED = "transferred", _("Transferred")
        WITHDREW = "withdrew", _("The person withdrew")
        UNREACHABLE = "unreachable", _("Unreachable")
        DECEASED = "deceased", _("Deceased")
        OTHER = "other", _("Other")

    code = models.CharField(_("case code"), max_length=24, unique=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    prefecture = models.ForeignKey(
        "core.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("prefecture"),
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("owner organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("case worker"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    child = models.BooleanField(_("child"), default=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=10, choices=SEX_CHOICES, default="unknown")
    nationality = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        to_field="code",
        related_name="+",
        verbose_name=_("nationality"),
    )
    birth_year = models.PositiveIntegerField(_("year of birth (estimate)"), null=True, blank=True)
    # Identity: encrypted, shown to the case's team only.
    first_name = EncryptedTextField(_("first name"), blank=True, default="")
    last_name = EncryptedTextField(_("last name"), blank=True, default="")
    aliases = EncryptedTextField(_("aliases"), blank=True, default="")
    birth_date = EncryptedTextField(_("date of birth"), blank=True, default="")
    languages = EncryptedTextField(_("languages"), blank=True, default="")
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    guardian = EncryptedTextField(_("guardian (for a child)"), blank=True, default="")
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # Closure.
    closure_reason = models.CharField(
        _("closure reason"), max_length=12, choices=ClosureReason.choices, blank=True
    )
    closure_note = EncryptedTextField(_("closure note"), blank=True, default="")
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    retention_until = models.DateField(
        _("identifying data kept until"), null=True, blank=True, db_index=True
    )
    purged_at = models.DateTimeField(_("identifying data purged"), null=True, blank=True)
    # Opened by a case worker straight from a screening, without triage: a supervisor of the
    # region reviews it (the flag shows on their home page until they do).
    review_pending = models.BooleanField(
        _("awaiting the supervisor's review"), default=False, db_index=True
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseMember",
        through_fields=("case", "user"),
        related_name="team_cases",
        blank=True,
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["owner_organisation", "status", "-opened_at"], name="case_org_status_idx"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(CASE_FLAGS)
        return [str(labels.get(flag, flag)) for flag in self.flags]

    @property
    def closure_pending(self) -> bool:
        return bool(self.closure_requested_at) and self.status != self.Status.CLOSED


class CaseMember(models.Model):
    """A user on a case's team (the owner is always on it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id}"


class CaseNameToken(models.Model):
    """One blind-index token of a name on a case (see cases.names)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "token"], name="case_token_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: token"


class CaseStatusChange(models.Model):
    """The status history of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return str(dict(Case.Status.choices).get(self.to_status, self.to_status))


class Consent(models.Model):
    """Informed consent for one purpose, with who explained it and the decision; withdrawable."""

    class Purpose(models.TextChoices):
        DATA_COLLECTION = "data_collection", _("Collection of personal data")
        SHARING = "sharing", _("Sharing with named service types")
        LAW_ENFORCEMENT = "law_enforcement", _("Referral to law enforcement")
        STATISTICS = "statistics", _("Inclusion in anonymised statistics")
        CROSS_BORDER = "cross_border", _("Referral to an organisation in another country")
        CPIMS = "cpims", _("Referral to the national child protection system (CPIMS+)")

    class Decision(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        BEST_INTERESTS = "best_interests", _("Best-interests determination (child)")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("Parent or guardian")
        BID_PANEL = "bid_panel", _("Best-interests determination panel")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    service_types = models.JSONField(_("service types"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    given_by = models.CharField(_("decided by"), max_length=12, choices=GivenBy.choices)
    language = models.CharField(_("language used"), max_length=40)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("explained by"),
    )
    decided_on = models.DateField(_("date"))
    note = EncryptedTextField(_("note"), blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.purpose}: {self.decision}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.decision != self.Decision.REFUSED

    @property
    def service_type_labels(self) -> list[str]:
        from egide.directory.needs import NEED_TYPES

        labels = dict(NEED_TYPES)
        return [str(labels.get(code, code)) for code in self.service_types]


class Need(models.Model):
    """One need of the person and the action planned for it (together: the case plan)."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    need_type = models.CharField(_("need"), max_length=30, choices=NEED_TYPES, db_index=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    action = EncryptedTextField(_("action planned"), blank=True, default="")
    responsible = models.CharField(_("who does it"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return str(self.get_need_type_display())


class Note(models.Model):
    """A case note; sensitive notes are never shown to law enforcement or providers."""

    class Sensitivity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        SENSITIVE = "sensitive", _("Sensitive (psychosocial, medical)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    text = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class Attachment(models.Model):
    """A file attached to a case, stored encrypted in the database."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = EncryptedTextField()  # Fernet token of the base64 content

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class FollowUp(models.Model):
    """A planned follow-up contact; overdue ones are listed and reminded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due"), db_index=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"follow-up {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()
