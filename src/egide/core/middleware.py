"""Request hygiene shared by every page and the API.

* :class:`RejectNulMiddleware`: a NUL byte in the path or the query string answers 400 with a
  clear message (PostgreSQL cannot store one; it used to end in a 500 deep inside a view).
* :class:`NoStoreMiddleware`: an API address that matches no route answers a JSON 404; and every
  page and API answer says ``Cache-Control: no-store``, so
  that no browser, shared computer or proxy keeps a copy of a case, an identity, a referral, an
  assessment, a participant list or an export. Static files (served by WhiteNoise, earlier in
  the chain) keep their long cache: they carry no personal data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

API_PREFIX = "/api/"
NUL_REFUSED = gettext_noop("The address contains a NUL character (%00); remove it and try again.")


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query.replace("+", " ")):
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": _(NUL_REFUSED)}, status=400)
            return HttpResponseBadRequest(_(NUL_REFUSED), content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # An API address that matches no route (``/api/v1/cases/-1/``): JSON, like the
            # API's own 404, not the HTML page meant for people.
            response = JsonResponse({"detail": _("Not found.")}, status=404)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


# Session key holding when the session was last written (seconds since the epoch).
SESSION_TOUCHED_KEY = "_egide_touched"


class SessionTouchMiddleware:
    """Idle sessions expire, without a database write on every request.

    The session's expiry moves forward each time the session is saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE per page; here an unchanged session is
    saved again only once EGIDE_SESSION_TOUCH_SECONDS (60) have passed since its last save, so
    an idle session ends between EGIDE_SESSION_IDLE_MINUTES minus that minute and the full
    time. Placed after SessionMiddleware, which writes the session on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        touched = session.get(SESSION_TOUCHED_KEY, 0)
        if session.modified or not isinstance(touched, int) or now - touched >= touch_seconds():
            session[SESSION_TOUCHED_KEY] = now
        return response


def touch_seconds() -> int:
    return int(getattr(settings, "EGIDE_SESSION_TOUCH_SECONDS", 60))
