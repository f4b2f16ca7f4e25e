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

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

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
