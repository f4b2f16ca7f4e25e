"""Second factor enforcement and the per-user interface language."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from egide.accounts.client_ip import PEER_ADDR, client_ip
from egide.accounts.permissions import requires_second_factor


class TrustedProxyMiddleware:
    """Put the real client address in REMOTE_ADDR, once, before anything reads it.

    Behind ``EGIDE_TRUSTED_PROXY_COUNT`` reverse proxies the peer is a proxy; the audit trail,
    the lock-out and the logs all read REMOTE_ADDR, so fixing it here routes them all through
    :func:`egide.accounts.client_ip.client_ip`. The peer stays in ``META["EGIDE_PEER_ADDR"]``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PEER_ADDR not in request.META:
            address = client_ip(request)
            request.META[PEER_ADDR] = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = address or ""
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A session without a confirmed second factor is ended for roles that read personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and requires_second_factor(user)
        ):
            logout(request)
            return redirect("accounts:login")
        return self.get_response(request)


class UserLanguageMiddleware:
    """Serve each signed-in user in the language they chose, on every device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", None)
        if request.user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
