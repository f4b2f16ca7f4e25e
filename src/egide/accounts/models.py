"""Organisations, roles and the people who use Égide."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from knox.models import AbstractAuthToken

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


def new_totp_key() -> str:
    """A fresh 20-byte TOTP seed, hex-encoded (what authenticator applications expect)."""
    return secrets.token_hex(20)


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """A person's TOTP authenticator application; its seed is encrypted with the field keys.

    Registered with django-otp like any device (a concrete ``Device`` subclass), so
    ``django_otp.login`` and ``is_verified()`` work unchanged.
    """

    key = EncryptedTextField(_("secret key"), default=new_totp_key)
    step = models.PositiveSmallIntegerField(_("time step (seconds)"), default=30)
    t0 = models.BigIntegerField(_("time origin"), default=0)
    digits = models.PositiveSmallIntegerField(_("digits"), default=6)
    tolerance = models.PositiveSmallIntegerField(_("tolerated steps"), default=1)
    drift = models.SmallIntegerField(_("known drift (steps)"), default=0)
    last_t = models.BigIntegerField(_("last verified step"), default=-1)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    @property
    def bin_key(self) -> bytes:
        """The seed as bytes."""
        return bytes.fromhex(self.key)

    def _totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def current_code(self) -> str:
        """The code the application shows now (tests and the development helper only)."""
        return f"{self._totp().token():0{self.digits}d}"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """True when *token* is the current code (a code is accepted once); throttled."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            value: int | None = int(str(token).strip())
        except ValueError:
            value = None
        if value is not None:
            totp = self._totp()
            if totp.verify(value, self.tolerance, self.last_t + 1):
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
                return True
        self.throttle_increment(commit=True)
        return False

    @property
    def secret_base32(self) -> str:
        """The seed as authenticator applications expect it typed (base32, no padding)."""
        return base64.b32encode(self.bin_key).decode("ascii").rstrip("=")

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator application reads from a QR code."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "Égide")).replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        query = urlencode(
            {
                "secret": self.secret_base32,
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
                "issuer": issuer,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{label}?{query}"


class ApiToken(AbstractAuthToken):
    """An API token: only its SHA-512 digest and a short prefix are stored.

    It has a name, an expiry, and it remembers the roles and the password it was created under:
    losing one of those roles or changing the password makes it invalid (checked at each use).
    """

    name = models.CharField(_("name"), max_length=100)
    roles = models.JSONField(_("roles at creation"), default=list)
    credentials_fingerprint = models.CharField(max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a person to set up their authenticator.

    Stored as a keyed hash (HMAC with the secret key); single use; it expires.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d %H:%M}"
