"""The DHIS2 server, as Égide talks to it: one POST of a data value set (standard library
``urllib``; no HTTP library is pinned in the project and one request kind does not need one).

Contract (``shared/research/interop.md`` §4): ``POST /api/dataValueSets`` with
``Content-Type: application/json`` and HTTP Basic credentials; ``dryRun=true`` returns the
summary without saving; ``importStrategy=CREATE_AND_UPDATE`` is the default, spelt out. Status
codes: 200 with an import summary; 409 with an import summary holding conflicts (2.38+);
401 bad credentials; 415 wrong content type; 400 invalid payload. [doc: DHD data.md; DHC
ImportSummary.java; third-party fixtures of 2.42 answers]

Pure Python (no Django): messages are English; the services turn error kinds into words.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from egide.dhis2.rules import ImportSummary, SummaryError, parse_import_summary

#: Largest answer read (an import summary with a thousand conflicts is far below).
MAX_ANSWER_BYTES = 5_000_000

# Kinds of failure (codes; the pages say them in words).
NETWORK = "network"  # no answer: refused, reset, timed out, name unknown
CREDENTIALS = "credentials"  # 401/403
REFUSED = "refused"  # another HTTP error (400, 415, 5xx…)
REDIRECT = "redirect"  # 3xx: never follow with the credentials
ANSWER = "answer"  # an answer that is not an import summary


class Dhis2Error(Exception):
    """The server gave no usable import summary. ``kind`` is one of the codes above;
    ``status`` the HTTP status when there was one."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Answer:
    """DHIS2's import summary and the HTTP status it came with (200, or 409 with conflicts)."""

    http_status: int
    summary: ImportSummary


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would resend the credentials elsewhere and turn the POST into a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def endpoint(base_url: str) -> str:
    """``…/api/dataValueSets`` under the server's address (with or without ``/api``)."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/api"):
        base = base[: -len("/api")]
    return f"{base}/api/dataValueSets"


class Dhis2Server:
    """One configured DHIS2 server."""

    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 30):
        scheme = urllib.parse.urlsplit(base_url.strip()).scheme
        if scheme not in ("http", "https"):
            raise Dhis2Error(REFUSED, "the server address must start with https:// or http://")
        self.url = endpoint(base_url)
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def import_data_values(self, payload: dict[str, Any], *, dry_run: bool) -> Answer:
        """POST *payload*; the import summary (200, or 409 with conflicts), or Dhis2Error."""
        query = urllib.parse.urlencode(
            {"dryRun": "true" if dry_run else "false", "importStrategy": "CREATE_AND_UPDATE"}
        )
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            f"{self.url}?{query}",
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": self._authorization,
                "User-Agent": "Egide-DHIS2/1",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = int(response.status)
                body = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            status = exc.code
            try:
                body = exc.read(MAX_ANSWER_BYTES + 1)
            except (OSError, http.client.HTTPException):
                body = b""
            finally:
                exc.close()
            if 300 <= status < 400:
                raise Dhis2Error(
                    REDIRECT,
                    f"the server answered with a redirect ({status}) to "
                    f"{exc.headers.get('Location', '?')}",
                    status,
                ) from exc
            if status in (401, 403):
                raise Dhis2Error(
                    CREDENTIALS, f"the server refused the credentials ({status})", status
                ) from exc
            if status != 409:
                raise Dhis2Error(
                    REFUSED, f"the server refused the request ({status}): {_gist(body)}", status
                ) from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, socket.timeout | TimeoutError):
                reason = f"no answer within {self.timeout:g} s"
            raise Dhis2Error(NETWORK, str(reason)) from exc
        if len(body) > MAX_ANSWER_BYTES:
            raise Dhis2Error(ANSWER, "the answer is too large to be an import summary", status)
        try:
            document = json.loads(body.decode("utf-8"))
            summary = parse_import_summary(document)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise Dhis2Error(ANSWER, "the answer is not JSON", status) from exc
        except SummaryError as exc:
            raise Dhis2Error(ANSWER, f"the answer is not an import summary: {exc}", status) from exc
        return Answer(http_status=status, summary=summary)


def _gist(body: bytes) -> str:
    """The ``message`` of a JSON error answer, else the start of the text."""
    text = body[:2000].decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    message = document.get("message") if isinstance(document, dict) else None
    if isinstance(message, str):
        return message[:200]
    return " ".join(text.split())[:200]
