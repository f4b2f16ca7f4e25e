"""API authentication with django-rest-knox tokens, plus Égide's own validity checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from egide.accounts.tokens import token_still_valid

INVALID_TOKEN = _("Invalid token.")
LAST_USE_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """Knox tokens, refused once the account is deactivated, loses a role it had at creation,
    changes its password or loses its authenticator (checked at each request)."""

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        if not token_still_valid(token=token, user=user):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token


class ApiTokenScheme(KnoxTokenScheme):  # type: ignore[misc]
    """The OpenAPI security scheme of Égide's tokens: ``Authorization: Token <token>``."""

    target_class = "egide.accounts.api_auth.ApiTokenAuthentication"
    name = "apiToken"
