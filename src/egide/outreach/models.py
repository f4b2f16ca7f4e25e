"""Migrant ambassadors, community support teams, dialogues and their reach (counts, not names)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.fields import EncryptedTextField

REACH_FIELDS = [
    # (field, sex, age band)
    ("female_u18", "female", "u18"),
    ("female_18_24", "female", "18_24"),
    ("female_25_59", "female", "25_59"),
    ("female_60p", "female", "60p"),
    ("male_u18", "male", "u18"),
    ("male_18_24", "male", "18_24"),
    ("male_25_59", "male", "25_59"),
    ("male_60p", "male", "60p"),
]
AUDIENCE_FIELDS = [
    "community_leaders",
    "religious_leaders",
    "youth",
    "potential_migrants",
    "returnees",
    "families",
]


class Ambassador(models.Model):
    """A migrant ambassador appointed in a prefecture."""

    full_name = EncryptedTextField(_("full name"))
    prefecture = models.ForeignKey(
        "core.Prefecture", on_delete=models.PROTECT, verbose_name=_("prefecture")
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    appointed_on = models.DateField(_("appointed on"))
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        verbose_name=_("supervising organisation"),
    )
    training_received = models.CharField(_("training received"), max_length=300, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ambassador",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_fictitious = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("migrant ambassador")
        verbose_name_plural = _("migrant ambassadors")

    def __str__(self) -> str:
        return f"ambassador {self.pk}"


class Team(models.Model):
    """A community support team of ambassadors and relays."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    members = models.ManyToManyField(
        Ambassador, blank=True, related_name="teams", verbose_name=_("members")
    )

    def __str__(self) -> str:
        return self.name


class Dialogue(models.Model):
    """A community dialogue or awareness activity and how many people it reached."""

    class Format(models.TextChoices):
        DIALOGUE = "dialogue", _("Interactive dialogue")
        AWARENESS = "awareness", _("Awareness session")
        RADIO = "radio", _("Radio programme")
        SCHOOL = "school", _("School session")
        FAITH = "faith", _("Faith-based dialogue")

    held_on = models.DateField(_("date"), db_index=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    prefecture = models.ForeignKey(
        "core.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("prefecture"),
    )
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("ambassador")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("team")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    topics = models.CharField(_("topics"), max_length=300)
    language = models.CharField(_("language"), max_length=40)
    female_u18 = models.PositiveIntegerField(_("women/girls under 18"), default=0)
    female_18_24 = models.PositiveIntegerField(_("women 18–24"), default=0)
    female_25_59 = models.PositiveIntegerField(_("women 25–59"), default=0)
    female_60p = models.PositiveIntegerField(_("women 60+"), default=0)
    male_u18 = models.PositiveIntegerField(_("men/boys under 18"), default=0)
    male_18_24 = models.PositiveIntegerField(_("men 18–24"), default=0)
    male_25_59 = models.PositiveIntegerField(_("men 25–59"), default=0)
    male_60p = models.PositiveIntegerField(_("men 60+"), default=0)
    community_leaders = models.PositiveIntegerField(_("community leaders"), default=0)
    religious_leaders = models.PositiveIntegerField(_("religious leaders"), default=0)
    youth = models.PositiveIntegerField(_("youth"), default=0)
    potential_migrants = models.PositiveIntegerField(_("potential migrants"), default=0)
    returnees = models.PositiveIntegerField(_("returnees"), default=0)
    families = models.PositiveIntegerField(_("families"), default=0)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    alerts = models.ManyToManyField(
        "cases.Alert", blank=True, related_name="dialogues", verbose_name=_("alerts raised")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("community dialogue")
        verbose_name_plural = _("community dialogues")

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.held_on}"

    @property
    def reached(self) -> int:
        return sum(getattr(self, f) for f, _s, _a in REACH_FIELDS)
