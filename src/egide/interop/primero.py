"""A small client of the Primero v2 API (CPIMS+): log in, create a case. One class per server
kind (DESIGN §3); the contract is summarised in ``egide.interop.cpims_rules``.

Network failures (refused connection, timeout, a connection closed before the answer — "lost
response") become :class:`PrimeroUnreachable`; every HTTP answer is returned as is, the caller
decides what it means."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from egide.interop.cpims_rules import address_forbidden, host_allowlisted

# Primero's answers to a login or a case creation are a few kilobytes; more is not read.
MAX_RESPONSE_BYTES = 1024 * 1024


class PrimeroUnreachable(Exception):
    """No HTTP answer came back (the request may or may not have reached the server)."""


class PrimeroForbiddenAddress(Exception):
    """The server's host resolves to a local or private address and is not allowlisted (no
    request is sent: Égide does not reach into its own network for whoever set the URL)."""


def check_host(url: str, allowed_hosts: list[str] | tuple[str, ...]) -> None:
    """Raise PrimeroForbiddenAddress when *url*'s host is not allowlisted and one of the
    addresses it resolves to is not public; PrimeroUnreachable when it does not resolve."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host_allowlisted(host, allowed_hosts):
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as exc:
        raise PrimeroUnreachable(type(exc).__name__) from exc
    for _family, _type, _proto, _name, sockaddr in found:
        if address_forbidden(str(sockaddr[0])):
            raise PrimeroForbiddenAddress(host)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class PrimeroClient:
    """Talks to one Primero server; holds no state but its address and time-out."""

    def __init__(
        self, base_url: str, timeout: float, allowed_hosts: list[str] | tuple[str, ...] = ()
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.allowed_hosts = allowed_hosts

    def _post(self, path: str, payload: dict[str, Any], token: str = "") -> Answer:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        check_host(self.base_url, self.allowed_hosts)
        try:
            with requests.post(
                f"{self.base_url}{path}",
                json=payload,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            ) as response:
                content = b""
                for chunk in response.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > MAX_RESPONSE_BYTES:
                        content = b""  # too large to be Primero's: the status alone counts
                        break
                status, answer_headers = response.status_code, dict(response.headers)
        except requests.RequestException as exc:
            raise PrimeroUnreachable(type(exc).__name__) from exc
        try:
            body = json.loads(content) if content else None
        except (ValueError, RecursionError):
            body = None
        return Answer(status, body, answer_headers)

    def login(self, user_name: str, password: str) -> Answer:
        """``POST /api/v2/tokens``; on 200 the JWT is in the ``Authorization`` header."""
        return self._post(
            "/api/v2/tokens", {"user": {"user_name": user_name, "password": password}}
        )

    def create_case(self, payload: dict[str, Any], token: str) -> Answer:
        """``POST /api/v2/cases`` with ``{"data": {...}}``."""
        return self._post("/api/v2/cases", payload, token)


def token_from(answer: Answer) -> str:
    """The JWT of a login answer (``Authorization: Bearer <jwt>``), or "" when absent."""
    value = answer.headers.get("Authorization") or answer.headers.get("authorization") or ""
    scheme, _sep, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
