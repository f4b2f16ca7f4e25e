"""Organisations, roles and the people who use Égide."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.roles import ROLE_CHOICES, role_label
from egide.core.fields import EncryptedTextField
from egide.core.models import Country, Region


class Organisation(models.Model):
    """A body whose staff use Égide: NGO, ministry, police unit, UN agency, service provider…"""

    class Type(models.TextChoices):
        NGO = "ngo", _("NGO / civil-society organisation")
        CBO = "cbo", _("Community-based organisation")
        PUBLIC = "public", _("Ministry / public service")
        POLICE = "police", _("Police / gendarmerie")
        UN = "un", _("UN agency")
        PROVIDER = "provider", _("Service provider")
        FAITH_COMMUNITY = "faith_community", _("Religious or community organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
        to_field="code",
        default="GN",
    )
    regions = models.ManyToManyField(
        Region, related_name="organisations", blank=True, verbose_name=_("regions covered")
    )
    is_fictitious = models.BooleanField(
        _("fictitious (demo)"),
        default=False,
        help_text=_("Demonstration data: shown with a 'fictitious' mark everywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role, stored as data; what it allows is decided in each app's permissions module."""

    code = models.CharField(_("code"), max_length=40, unique=True, choices=ROLE_CHOICES)
    reads_personal_data = models.BooleanField(
        _("reads personal data"),
        default=False,
        help_text=_("Holders must confirm their login with a second factor (TOTP)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return role_label(self.code)


class User(AbstractUser):
    """A person with an account: belongs to one organisation, holds roles scoped to regions."""

    class Language(models.TextChoices):
        FR = "fr", _("French")
        EN = "en", _("English")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.FR
    )
    is_fictitious = models.BooleanField(_("fictitious (demo)"), default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role held by a user, limited to some regions (none listed: all of the organisation's)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("role")
    )
    regions = models.ManyToManyField(Region, blank=True, verbose_name=_("regions"))

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role}"
