"""A small client of the Primero v2 API (CPIMS+): log in, create a case. One class per server
kind (DESIGN §3); the contract is summarised in ``egide.interop.cpims_rules``.

Network failures (refused connection, timeout, a connection closed before the answer — "lost
response") become :class:`PrimeroUnreachable`; every HTTP answer is returned as is, the caller
decides what it means."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests


class PrimeroUnreachable(Exception):
    """No HTTP answer came back (the request may or may not have reached the server)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class PrimeroClient:
    """Talks to one Primero server; holds no state but its address and time-out."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _post(self, path: str, payload: dict[str, Any], token: str = "") -> Answer:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = requests.post(
                f"{self.base_url}{path}",
                json=payload,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise PrimeroUnreachable(type(exc).__name__) from exc
        try:
            body = response.json() if response.content else None
        except (ValueError, json.JSONDecodeError):
            body = None
        return Answer(response.status_code, body, dict(response.headers))

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
