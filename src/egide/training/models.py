"""Training sessions, participants (contacts encrypted), attendance, tests and certificates."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField

AGE_BANDS = [
    ("u18", _("Under 18")),
    ("18_24", _("18–24")),
    ("25_59", _("25–59")),
    ("60p", _("60 and over")),
]
SEXES = [("female", _("Female")), ("male", _("Male")), ("other", _("Other"))]
ACTOR_TYPES = [
    ("cso", _("Civil-society organisation")),
    ("cbo", _("Community-based organisation")),
    ("police", _("Police / gendarmerie")),
    ("local_authority", _("Local authority")),
    ("religious_leader", _("Religious leader")),
    ("community_leader", _("Community leader")),
    ("returned_migrant", _("Returned migrant")),
    ("survivor", _("Survivor")),
    ("un_government", _("UN / government staff")),
]


class TrainingSession(models.Model):
    """A workshop, refresher or webinar of the training cycle."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        REFRESHER = "refresher", _("Refresher")
        WEBINAR = "webinar", _("Webinar")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    modules = models.JSONField(_("modules"), default=list)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    prefecture = models.ForeignKey(
        "core.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("prefecture"),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("trainers")
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("partner organisations"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> list:  # type: ignore[type-arg]
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(max(count, 0))]


class Participant(models.Model):
    """A person trained (unique across sessions); contacts are encrypted personal data."""

    full_name = EncryptedTextField(_("full name"))
    name_index = models.CharField(max_length=64, db_index=True)
    sex = models.CharField(_("sex"), max_length=10, choices=SEXES)
    age_band = models.CharField(_("age band"), max_length=8, choices=AGE_BANDS)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    actor_type = models.CharField(_("actor type"), max_length=20, choices=ACTOR_TYPES)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    email = EncryptedTextField(_("e-mail"), blank=True, default="")
    is_fictitious = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"participant {self.pk}"


class Enrollment(models.Model):
    """A participant registered in a session; the token opens their tests on a phone."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrollments"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="enrollments"
    )
    token = models.CharField(max_length=32, unique=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.participant_id}"


class Attendance(models.Model):
    """Presence of a participant on one day of the session."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    present = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "day"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.day}"


class KnowledgeTest(models.Model):
    """The pre-test or post-test of a session: the same questions, in another order."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="tests")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    question_codes = models.JSONField(default=list)
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "kind"], name="test_unique")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.kind}"


class TestAttempt(models.Model):
    """One participant's answers to one test, scored automatically."""

    __test__ = False  # not a pytest test class, whatever its name

    test = models.ForeignKey(KnowledgeTest, on_delete=models.CASCADE, related_name="attempts")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=dict)
    correct = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["test", "enrollment"], name="attempt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.test_id}/{self.enrollment_id}: {self.correct}/{self.total}"


class Certificate(models.Model):
    """A certificate of attendance and success, checkable by its code."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.code
