"""Policy and analysis: the legal framework against the standards (instruments, provisions,
elements, reviews, the validation workshop), the follow-up tracker shared by recommendations and
human-security measures, institutions, and the human security analysis of each locality."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egide.policy import rules

VERIFICATION_CHOICES = [
    ("read", _("read in the publisher's text")),
    ("secondary", _("secondary source")),
    ("unverified", _("to be verified")),
]


def _in_language(fr: str, en: str) -> str:
    """The French text, or the English one when the active language is English."""
    return en if (get_language() or "fr").startswith("en") and en else fr


class Sourced(models.Model):
    """A fact with its source and how far it was verified; an analyst may confirm it."""

    source = models.CharField(_("source"), max_length=400)
    verification = models.CharField(
        _("verification"), max_length=12, choices=VERIFICATION_CHOICES, default="unverified"
    )
    confirmed_source = models.CharField(_("confirming source"), max_length=400, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def to_verify(self) -> bool:
        """Shown with « à vérifier » until an analyst confirms it with a source."""
        return self.verification == "unverified" and self.confirmed_at is None


class Instrument(Sourced):
    """A legal or policy instrument (treaty, regional act, national law, agreement)."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")
        BILATERAL = "bilateral", _("Bilateral or multilateral agreement")

    class GuineaStatus(models.TextChoices):
        RATIFIED = "ratified", _("ratified")
        ACCEDED = "acceded", _("acceded")
        SIGNED = "signed", _("signed")
        ADOPTED = "adopted", _("adopted")
        PARTY = "party", _("party")
        NOT_APPLICABLE = "not_applicable", _("not subject to ratification")
        UNKNOWN = "unknown", _("status not established")

    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    short = models.CharField(_("short title"), max_length=120)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    adopted = models.CharField(_("adopted"), max_length=10, blank=True)
    in_force = models.CharField(_("in force"), max_length=10, blank=True)
    guinea_status = models.CharField(
        _("Guinea's status"), max_length=16, choices=GuineaStatus.choices
    )
    guinea_date = models.CharField(_("date of Guinea's status"), max_length=10, blank=True)
    guinea_source = models.CharField(_("source of Guinea's status"), max_length=400)
    guinea_verification = models.CharField(
        _("verification of Guinea's status"), max_length=12, choices=VERIFICATION_CHOICES
    )
    position = models.PositiveIntegerField(default=0)
    data_version = models.CharField(_("reference data version"), max_length=10)

    class Meta:
        ordering = ["position"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.short

    @property
    def title(self) -> str:
        return _in_language(self.title_fr, self.title_en)

    @property
    def guinea_to_verify(self) -> bool:
        return self.guinea_verification == "unverified" and self.confirmed_at is None


class Provision(Sourced):
    """One article (or group of articles) of an instrument, summarised in the project's words."""

    code = models.CharField(max_length=80, unique=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="provisions")
    article = models.CharField(_("article"), max_length=60)
    topic = models.CharField(_("topic"), max_length=30)
    summary_fr = models.TextField(_("summary (French)"))
    summary_en = models.TextField(_("summary (English)"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["instrument__position", "position"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")

    def __str__(self) -> str:
        return f"{self.instrument.short}, art. {self.article}"

    @property
    def summary(self) -> str:
        return _in_language(self.summary_fr, self.summary_en)


class Element(models.Model):
    """A row of the framework matrix (e.g. non-punishment) and the standards it needs."""

    code = models.SlugField(max_length=40, unique=True)
    number = models.PositiveIntegerField(_("number"))
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    standards = models.ManyToManyField(
        Provision, related_name="required_by", verbose_name=_("standard provisions")
    )
    national_provisions = models.ManyToManyField(
        Provision,
        related_name="answers_reference",
        blank=True,
        verbose_name=_("national provisions"),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("framework element")
        verbose_name_plural = _("framework elements")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return _in_language(self.name_fr, self.name_en)


class ElementFact(Sourced):
    """A sourced fact about Guinea for one element (a gap signal)."""

    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="facts")
    position = models.PositiveIntegerField(default=0)
    text_fr = models.TextField()
    text_en = models.TextField()

    class Meta:
        ordering = ["element__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["element", "position"], name="element_fact_unique")
        ]

    def __str__(self) -> str:
        return self.text_fr[:60]

    @property
    def text(self) -> str:
        return _in_language(self.text_fr, self.text_en)


class Institution(Sourced):
    """An institution of the framework: mandate, the elements it answers for, a focal point."""

    code = models.SlugField(max_length=40, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    mandate_fr = models.TextField(_("mandate (French)"))
    mandate_en = models.TextField(_("mandate (English)"))
    elements = models.ManyToManyField(Element, related_name="institutions", blank=True)
    focal_point = models.CharField(_("focal point"), max_length=200, blank=True)
    focal_point_fictitious = models.BooleanField(default=False)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.acronym

    @property
    def mandate(self) -> str:
        return _in_language(self.mandate_fr, self.mandate_en)


class Review(models.Model):
    """A dated review of the framework against the standards (e.g. « Revue 2023 »)."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    held_on = models.DateField(_("date"))
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("review")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:review", args=[self.pk])


class Assessment(models.Model):
    """The assessment of one element in one review, with provisions, evidence and reasoning."""

    class Status(models.TextChoices):
        COMPLIANT = rules.COMPLIANT, _("compliant")
        PARTIAL = rules.PARTIAL, _("partially compliant")
        GAP = rules.GAP, _("gap")
        NOT_ASSESSED = rules.NOT_ASSESSED, _("not assessed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("assessment"), max_length=14, choices=Status.choices)
    provisions = models.ManyToManyField(
        Provision, blank=True, related_name="assessments", verbose_name=_("national provisions")
    )
    evidence = models.TextField(_("evidence"))
    reasoning = models.TextField(_("reasoning"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["element__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "element"], name="assessment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.element_id}"

    @property
    def score(self) -> int | None:
        return rules.element_score(self.status)


class Workshop(models.Model):
    """The validation workshop of a review; people and attendance live in the training records."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    session = models.OneToOneField(
        "training.TrainingSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_workshop",
        verbose_name=_("training record of the workshop"),
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class WorkshopSeat(models.Model):
    """What a workshop participant (a training participant) represented: institution, function."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="seats")
    enrollment = models.OneToOneField(
        "training.Enrollment", on_delete=models.CASCADE, related_name="workshop_seat"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    function = models.CharField(_("function"), max_length=120)

    def __str__(self) -> str:
        return f"{self.workshop_id}/{self.enrollment_id}"


class Locality(models.Model):
    """A place analysed: a region, or a prefecture of it, per version of the boundary list."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    prefecture = models.ForeignKey(
        "core.Prefecture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    boundary_version = models.CharField(_("boundary list version"), max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "prefecture", "boundary_version"], name="locality_unique"
            )
        ]

    def __str__(self) -> str:
        return self.prefecture.name if self.prefecture_id else self.region.name


class Analysis(models.Model):
    """A human security analysis of one locality for one period (baseline or follow-up)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("baseline")
        FOLLOW_UP = "follow_up", _("follow-up")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="analyses")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    baseline = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["locality__region__name", "-period_end"]
        verbose_name = _("human security analysis")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:analysis", args=[self.pk])


class Insecurity(models.Model):
    """An insecurity in one of the seven dimensions, scored for severity and likelihood."""

    class Method(models.TextChoices):
        WORKSHOP = "workshop", _("workshop")
        FOCUS_GROUP = "focus_group", _("focus group")
        KEY_INFORMANT = "key_informant", _("key informant")
        SURVEY = "survey", _("survey")

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="insecurities")
    dimension = models.CharField(_("dimension"), max_length=14)
    description = models.TextField(_("description"))
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    affected_groups = models.CharField(_("affected groups"), max_length=300)
    method = models.CharField(_("gathered by"), max_length=14, choices=Method.choices)
    links = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="fed_by")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=5),
                name="insecurity_severity_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5),
                name="insecurity_likelihood_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def risk(self) -> int:
        return rules.risk(self.severity, self.likelihood)


class Evidence(models.Model):
    """An indicator value behind an insecurity, with its source and date."""

    insecurity = models.ForeignKey(Insecurity, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.CharField(_("indicator"), max_length=200)
    value = models.CharField(_("value"), max_length=60)
    source = models.CharField(_("source"), max_length=400)
    observed = models.CharField(_("date of the value"), max_length=10)

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Driver(models.Model):
    """A trafficking driver an insecurity feeds, tied to a purpose of the screening catalogue."""

    insecurity = models.ForeignKey(Insecurity, on_delete=models.CASCADE, related_name="drivers")
    purpose = models.CharField(_("exploitation purpose"), max_length=40)
    description = models.TextField(_("how it feeds trafficking"))

    def __str__(self) -> str:
        return self.purpose


class Capacity(models.Model):
    """A local capacity: a directory provider, an outreach team, an institution or a community
    practice."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="capacities")
    description = models.TextField(_("description"))
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directory provider"),
    )
    team = models.ForeignKey(
        "outreach.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outreach team"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="capacities",
        verbose_name=_("institution"),
    )

    def __str__(self) -> str:
        return self.description[:60]


class TrackerItem(models.Model):
    """One line of the follow-up tracker: a recommendation of a review or a human-security
    measure, with owner, deadline, priority and status."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("recommendation")
        PROTECTION = "protection", _("protection measure (top-down)")
        EMPOWERMENT = "empowerment", _("empowerment measure (bottom-up)")

    class Status(models.TextChoices):
        PROPOSED = rules.PROPOSED, _("proposed")
        VALIDATED = rules.VALIDATED, _("validated")
        IN_PROGRESS = rules.IN_PROGRESS, _("in progress")
        DONE = rules.DONE, _("done")
        ABANDONED = rules.ABANDONED, _("abandoned")

    class Priority(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Validation(models.TextChoices):
        PENDING = "pending", _("not yet examined")
        VALIDATED = "validated", _("validated as drafted")
        AMENDED = "amended", _("validated with amendments")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    text = models.TextField(_("text"))
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    elements = models.ManyToManyField(
        Element, blank=True, related_name="recommendations", verbose_name=_("elements addressed")
    )
    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, null=True, blank=True, related_name="measures"
    )
    insecurity = models.ForeignKey(
        Insecurity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("insecurity addressed"),
    )
    feasibility = models.PositiveSmallIntegerField(_("feasibility (1–5)"), null=True, blank=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("responsible institution"),
    )
    proposed_on = models.DateField(_("date proposed"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default="medium"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=rules.PROPOSED
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    validation = models.CharField(
        _("outcome of validation"), max_length=10, choices=Validation.choices, default="pending"
    )
    validation_note = models.TextField(_("validation note"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("tracker item")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=True)
                | models.Q(deadline__gte=models.F("proposed_on")),
                name="tracker_deadline_after_proposal",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("policy:item", args=[self.pk])

    def is_overdue(self, today: object = None) -> bool:
        """Open and past its deadline."""
        day = today or timezone.localdate()
        return bool(
            self.deadline and self.status in rules.OPEN_STATUSES and self.deadline < day  # type: ignore[operator]
        )


class TrackerUpdate(models.Model):
    """A dated progress update of a tracker item, with evidence, and any change of status."""

    item = models.ForeignKey(TrackerItem, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    note = models.TextField(_("progress note"))
    evidence = models.CharField(_("evidence"), max_length=400, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.on}"

    @property
    def from_label(self) -> str:
        return str(dict(TrackerItem.Status.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(TrackerItem.Status.choices).get(self.to_status, self.to_status))
