"""Writes about accounts; each one audited in the same transaction."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import (
    ApiToken,
    Authenticator,
    EnrolmentCode,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from egide.accounts.permissions import role_codes
from egide.accounts.tokens import credentials_fingerprint, may_hold_api_token
from egide.audit.services import audit_record
from egide.core.crypto import blind_index
from egide.core.models import Region

UNKNOWN_LANGUAGE = _("Unknown language: choose one of the offered languages.")
TOKEN_NOT_ALLOWED = _("This account cannot hold an API token (no role, or no authenticator).")
TOKEN_NAME_REQUIRED = _("Give the token a name, such as the device or program that will use it.")
ENROLMENT_CODE_INVALID = _(
    "This enrolment code is not valid, has expired or was already used. "
    "Ask your administrator for a new one."
)
SUPERUSER_PROTECTED = _("Only a superuser can do this to a superuser account.")

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12
_ENROLMENT_SALT = "egide.accounts.enrolment-code"
# Prefix of the keyed hash stored in place of a typed username (domain-separated blind index).
_TYPED_USERNAME_DOMAIN = "login-username:"
TYPED_USERNAME_PREFIX = "hmac:"


def typed_username_digest(username: str) -> str:
    """The keyed hash stored in the audit trail instead of a username typed at login.

    What is typed may be a password typed in the wrong field: it never reaches the trail in
    clear. An investigator who knows a username computes the same digest to find its attempts.
    """
    return TYPED_USERNAME_PREFIX + blind_index(_TYPED_USERNAME_DOMAIN + username)[:40]


def login_succeeded(*, user: User, method: str) -> None:
    """Record a completed login (method: 'password' or 'password+totp')."""
    audit_record(actor=user, action="auth.login", obj=user, details={"method": method})


def login_failed(
    *, username: str, reason: str, user: User | None = None, typed: bool = True
) -> None:
    """Record a refused login attempt: bad password, bad TOTP code, locked account.

    *typed*: the username is what was typed in the form (stored as a keyed hash only); False
    when it is the name of an account whose password was already checked.
    """
    audit_record(
        actor=None,
        actor_username=typed_username_digest(username) if typed else username[:150],
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


class TokenNotAllowed(Exception):
    """Raised when an account may not hold an API token."""


class EnrolmentCodeInvalid(Exception):
    """Raised when an enrolment code is unknown, expired or already used."""


class SuperuserProtected(Exception):
    """Raised when a non-superuser acts on a superuser account."""


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a named, expiring API token for *actor*; return it and its secret (shown once).

    Raises TokenNotAllowed (no role, or no authenticator when the role needs one) and
    ValueError (empty name).
    """
    name = " ".join(name.split())[:100]
    if not name:
        raise ValueError(str(TOKEN_NAME_REQUIRED))
    if not actor.is_active or not may_hold_api_token(actor):
        raise TokenNotAllowed(str(TOKEN_NOT_ALLOWED))
    token, secret = ApiToken.objects.create(
        user=actor,
        name=name,
        roles=sorted(role_codes(actor)),
        credentials_fingerprint=credentials_fingerprint(actor),
    )
    audit_record(
        actor=actor,
        action="account.api_token_created",
        obj=actor,
        details={"token": token.token_key, "expires": token.expiry.isoformat()},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token_key: str) -> int:
    """Revoke *actor*'s own token with this prefix; return how many were revoked (0 or 1)."""
    count, _deleted = ApiToken.objects.filter(user=actor, token_key=token_key).delete()
    if count:
        audit_record(
            actor=actor, action="account.api_token_revoked", obj=actor, details={"token": token_key}
        )
    return int(count)


def api_tokens_revoke_all(*, actor: User | None, user: User, reason: str) -> int:
    """Revoke every token of *user* (call inside the transaction of the change that requires
    it: password set, deactivation, role removed, authenticator reset); audited when any."""
    keys = list(ApiToken.objects.filter(user=user).values_list("token_key", flat=True))
    if keys:
        ApiToken.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action="account.api_tokens_revoked",
            obj=user,
            details={"tokens": sorted(keys), "reason": reason},
        )
    return len(keys)


def _enrolment_digest(code: str) -> str:
    normalised = "".join(c for c in code.upper() if c.isalnum())
    return str(salted_hmac(_ENROLMENT_SALT, normalised, algorithm="sha256").hexdigest())


@transaction.atomic
def enrolment_code_issue(*, actor: User | None, user: User) -> tuple[EnrolmentCode, str]:
    """Give *user* a one-time code to set up a (new) authenticator; return it and the code.

    The user's current authenticators, unused codes and API tokens are removed: a new
    authenticator replaces a lost one. Raises SuperuserProtected when a non-superuser acts on a
    superuser (the command line, *actor* None, may).
    """
    if user.is_superuser and actor is not None and not actor.is_superuser:
        raise SuperuserProtected(str(SUPERUSER_PROTECTED))
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(_CODE_LENGTH))
    code = "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))
    removed, _d = Authenticator.objects.filter(user=user).delete()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    api_tokens_revoke_all(actor=actor, user=user, reason="authenticator_reset")
    hours = int(settings.EGIDE_ENROLMENT_CODE_HOURS)
    enrolment = EnrolmentCode.objects.create(
        user=user,
        digest=_enrolment_digest(code),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    audit_record(
        actor=actor,
        action="account.enrolment_code_issued",
        obj=user,
        details={
            "code": enrolment.pk,
            "expires": enrolment.expires_at.isoformat(),
            "authenticators_removed": removed,
        },
    )
    return enrolment, code


def enrolment_code_find(*, user: User, code: str) -> EnrolmentCode | None:
    """The valid (unused, unexpired) enrolment code of *user* matching *code*, else None."""
    digest = _enrolment_digest(code)
    for enrolment in EnrolmentCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ):
        if hmac.compare_digest(enrolment.digest, digest):
            return enrolment
    return None


@transaction.atomic
def authenticator_start(*, user: User) -> Authenticator:
    """Return the user's pending (unconfirmed) authenticator, creating it if needed."""
    device: Authenticator | None = Authenticator.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = Authenticator.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(
            actor=None, actor_username=user.username, action="auth.totp_enrolment_started", obj=user
        )
    return device


@transaction.atomic
def authenticator_confirm(*, user: User, device: Authenticator, enrolment_code_id: int) -> None:
    """Confirm the authenticator (its code was checked) and use up the enrolment code.

    Raises EnrolmentCodeInvalid when the code was used meanwhile or has expired.
    """
    enrolment = (
        EnrolmentCode.objects.select_for_update()
        .filter(pk=enrolment_code_id, user=user, used_at__isnull=True)
        .first()
    )
    if enrolment is None or enrolment.expires_at <= timezone.now():
        raise EnrolmentCodeInvalid(str(ENROLMENT_CODE_INVALID))
    enrolment.used_at = timezone.now()
    enrolment.save(update_fields=["used_at"])
    Authenticator.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.totp_enrolled", obj=user, details={"code": enrolment.pk})


@transaction.atomic
def user_password_changed(*, actor: User | None, user: User, usable: bool = True) -> None:
    """After a password was set for *user* by someone else (admin reset): revoke the user's
    tokens and audit, in the transaction of the change."""
    api_tokens_revoke_all(actor=actor, user=user, reason="password_reset")
    audit_record(actor=actor, action="account.password_reset", obj=user, details={"usable": usable})


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
    wanted = set(roles)
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    else:
        lost = set(user.role_assignments.values_list("role__code", flat=True)) - wanted
        api_tokens_revoke_all(
            actor=actor, user=user, reason="role_removed" if lost else "password_reset"
        )
    user.organisation = organisation
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.phone, user.language, user.is_fictitious = phone, language, is_fictitious
    user.set_password(password)
    user.save()
    regions = list(Region.objects.filter(code__in=list(region_codes)))
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
