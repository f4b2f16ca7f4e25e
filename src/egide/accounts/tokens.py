"""Rules of API-token validity, shared by token creation and authentication."""

from __future__ import annotations

from typing import Any

from django.utils.crypto import constant_time_compare, salted_hmac

from egide.accounts.permissions import requires_second_factor, role_codes

_FINGERPRINT_SALT = "egide.accounts.api-token.credentials"


def credentials_fingerprint(user: Any) -> str:
    """A keyed digest of the password hash: it changes whenever the password is set."""
    return str(salted_hmac(_FINGERPRINT_SALT, user.password, algorithm="sha256").hexdigest())


def may_hold_api_token(user: Any) -> bool:
    """An active account with at least one role; with its authenticator when its role needs one."""
    if not role_codes(user):
        return False
    if requires_second_factor(user):
        from egide.accounts.models import Authenticator

        return bool(Authenticator.objects.filter(user=user, confirmed=True).exists())
    return True


def token_still_valid(*, token: Any, user: Any) -> bool:
    """True while *user* still holds every role *token* was created under, the same password,
    and may hold a token at all."""
    if not user.is_active:
        return False
    if not set(token.roles) <= role_codes(user):
        return False
    if not constant_time_compare(token.credentials_fingerprint, credentials_fingerprint(user)):
        return False
    return may_hold_api_token(user)
