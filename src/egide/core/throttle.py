"""A small throttle for public pages (no login): requests per client address, in the cache.

``@public_throttle("verify")`` lets each address make ``settings.EGIDE_PUBLIC_PAGE_RATE``
requests (``"60/minute"``; units second, minute, hour, day) to the pages of that scope, then
answers 429 with a message in the visitor's language until the window ends. It slows down the
guessing of certificate codes and test links; it is not a defence against a botnet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from egide.audit.context import current_request

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"60/minute"`` → (60, 60): requests allowed and the window in seconds."""
    count, _sep, period = rate.partition("/")
    return int(count), UNITS[period.strip()[:1]]


def _client(request: HttpRequest) -> str:
    # The audit middleware knows the client's address (behind a trusted proxy too).
    return current_request.get().ip_address or request.META.get("REMOTE_ADDR", "") or "unknown"


def public_throttle(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed, window = parse_rate(settings.EGIDE_PUBLIC_PAGE_RATE)
            slot = int(time.time() // window)
            key = f"egide:throttle:{scope}:{_client(request)}:{slot}"
            cache.add(key, 0, timeout=window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window + 1)
                count = 1
            if count > allowed:
                response = HttpResponse(
                    _("Too many requests from your connection. Wait a minute and try again."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(window - int(time.time()) % window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
