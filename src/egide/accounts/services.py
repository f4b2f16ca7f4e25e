"""Writes about accounts; each one audited in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from egide.accounts.models import Organisation, Role, RoleAssignment, User
from egide.audit.services import audit_record
from egide.core.models import Region

UNKNOWN_LANGUAGE = _("Unknown language: choose one of the offered languages.")


def login_succeeded(*, user: User, method: str) -> None:
    """Record a completed login (method: 'password' or 'password+totp')."""
    audit_record(actor=user, action="auth.login", obj=user, details={"method": method})


def login_failed(*, username: str, reason: str, user: User | None = None) -> None:
    """Record a refused login attempt: bad password, bad TOTP code, locked account."""
    audit_record(
        actor=None,
        actor_username=username[:150],
        action="auth.login_failed",
        obj=user,
        details={"reason": reason},
    )


def logout_done(*, user: User) -> None:
    """Record a logout."""
    audit_record(actor=user, action="auth.logout", obj=user)


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Remember the interface language of *actor*; raises ValueError for an unknown language."""
    if language not in User.Language.values:
        raise ValueError(str(UNKNOWN_LANGUAGE))
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(
            actor=actor,
            action="account.language_changed",
            obj=actor,
            details={"language": language},
        )
    return actor


@transaction.atomic
def api_token_regenerate(*, actor: User) -> str:
    """Replace the API token of *actor* and return the new key (shown once)."""
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    audit_record(actor=actor, action="account.api_token_created", obj=actor)
    return str(token.key)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's pending (unconfirmed) authenticator, creating it if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(
            actor=None, actor_username=user.username, action="auth.totp_enrolment_started", obj=user
        )
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    """Mark the authenticator as confirmed after the user typed a valid code from it."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.totp_enrolled", obj=user)


@transaction.atomic
def organisation_upsert(
    *,
    actor: User | None,
    name: str,
    type: str,
    region_codes: Iterable[str],
    acronym: str = "",
    country_code: str = "GN",
    is_fictitious: bool = False,
) -> Organisation:
    """Create or update an organisation by name, with the regions it covers."""
    org, created = Organisation.objects.update_or_create(
        name=name,
        defaults={
            "type": type,
            "acronym": acronym,
            "country_id": country_code,
            "is_fictitious": is_fictitious,
        },
    )
    org.regions.set(Region.objects.filter(code__in=list(region_codes)))
    audit_record(
        actor=actor, action="organisation.created" if created else "organisation.updated", obj=org
    )
    return org


@transaction.atomic
def user_upsert(
    *,
    actor: User | None,
    username: str,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    roles: Iterable[str],
    region_codes: Iterable[str] = (),
    password: str,
    email: str = "",
    phone: str = "",
    is_fictitious: bool = False,
    language: str = "fr",
) -> User:
    """Create a user (or reset an existing one) with *roles* scoped to *region_codes*."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    user.organisation = organisation
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.phone, user.language, user.is_fictitious = phone, language, is_fictitious
    user.set_password(password)
    user.save()
    regions = list(Region.objects.filter(code__in=list(region_codes)))
    wanted = set(roles)
    user.role_assignments.exclude(role__code__in=wanted).delete()
    for code in wanted:
        role = Role.objects.get(code=code)
        assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role)
        assignment.regions.set(regions)
    details: dict[str, Any] = {"roles": sorted(wanted)}
    audit_record(
        actor=actor, action="user.created" if created else "user.updated", obj=user, details=details
    )
    return user
