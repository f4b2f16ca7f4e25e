"""A small Primero v2 server for tests (http.server in a thread), following the documented
contract (``shared/research/interop.md`` §5; PRI doc/api/tokens/post.md, doc/api/cases/post.md,
app/services/error_service.rb):

* ``POST /api/v2/tokens`` ``{"user": {"user_name", "password"}}`` → 200 ``{"user_name"}`` with the
  JWT in the ``Authorization: Bearer`` header; 401 ``{"error": "Invalid User name or password."}``;
  429 past 6 attempts per user name and minute;
* ``POST /api/v2/cases`` ``{"data": {...}}`` with a valid Bearer token → 204 when ``data.id`` is
  given (409 when that id exists), 200 ``{"data": {...}}`` without; 401 for an unknown or expired
  token; 422 ``{"errors": [{"code": 422, "message": [...], "resource", "detail": field}]}`` for a
  date that is not YYYY-MM-DD.

Switches let a test expire tokens, lose the next answer (the case is created, then the connection
is closed without a word), or answer 403/429/500.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FIELDS = ("date_of_birth", "registration_date")


@dataclass
class State:
    user_name: str = "egide"
    password: str = "Mot-de-passe-CPIMS-2026"
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    case_posts: int = 0
    logins: list[float] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # token → expiry (epoch)
    expire_tokens_once: bool = False  # the next case POST finds every current token expired
    lose_next_answer: bool = False  # create the case, then close without answering
    answer_next: list[int] = field(default_factory=list)  # forced statuses for next case POSTs
    huge_next: bool = False  # the next case POST answers 422 with a 2 MB body
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(
            self, status: int, body: Any = None, headers: dict[str, str] | None = None
        ) -> None:
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _json(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                return None

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/api/v2/tokens":
                self._login()
            elif self.path == "/api/v2/cases":
                self._create()
            else:
                self._send(404, {"errors": [{"code": 404, "message": "Not Found"}]})

        def _login(self) -> None:
            body = self._json() or {}
            user = body.get("user") or {}
            now = time.time()
            with state.lock:
                state.logins = [t for t in state.logins if now - t < 60]
                if len(state.logins) >= 6:
                    self._send(429, {"error": "Too many requests"}, {"Retry-After": "60"})
                    return
                state.logins.append(now)
                if (user.get("user_name"), user.get("password")) != (
                    state.user_name,
                    state.password,
                ):
                    self._send(401, {"error": "Invalid User name or password."})
                    return
                token = secrets.token_urlsafe(16)
                state.tokens[token] = now + 3600
            self._send(200, {"user_name": state.user_name}, {"Authorization": f"Bearer {token}"})

        def _create(self) -> None:
            scheme, _sep, token = (self.headers.get("Authorization") or "").partition(" ")
            body = self._json()
            with state.lock:
                state.case_posts += 1
                if state.expire_tokens_once:
                    state.expire_tokens_once = False
                    state.tokens = {t: 0.0 for t in state.tokens}
                expiry = state.tokens.get(token) if scheme == "Bearer" else None
                if expiry is None or expiry < time.time():
                    self._send(
                        401,
                        {
                            "errors": [
                                {
                                    "code": 401,
                                    "message": "Signature has expired",
                                    "resource": "/api/v2/cases",
                                }
                            ]
                        },
                    )
                    return
                if state.huge_next:
                    state.huge_next = False
                    self._send(422, {"errors": [{"code": 422, "message": "x" * 2_000_000}]})
                    return
                if state.answer_next:
                    status = state.answer_next.pop(0)
                    headers = {"Retry-After": "1"} if status == 429 else None
                    self._send(status, {"errors": [{"code": status, "message": "forced"}]}, headers)
                    return
                data = body.get("data") if isinstance(body, dict) else None
                if not isinstance(data, dict):
                    self._send(422, {"errors": [{"code": 422, "message": "param is missing"}]})
                    return
                for name in DATE_FIELDS:
                    if name in data and not DATE.match(str(data[name])):
                        self._send(
                            422,
                            {
                                "errors": [
                                    {
                                        "code": 422,
                                        "message": ["is not a valid date"],
                                        "resource": "/api/v2/cases",
                                        "detail": name,
                                    }
                                ]
                            },
                        )
                        return
                record_id = data.get("id")
                if record_id and record_id in state.cases:
                    self._send(
                        409,
                        {
                            "errors": [
                                {
                                    "code": 409,
                                    "message": "Conflict: A record with this id already exists",
                                    "resource": "/api/v2/cases",
                                }
                            ]
                        },
                    )
                    return
                record_id = record_id or secrets.token_hex(16)
                state.cases[record_id] = data
                if state.lose_next_answer:
                    state.lose_next_answer = False
                    self.close_connection = True
                    self.connection.close()  # the answer is lost
                    return
            if data.get("id"):
                self._send(204)
            else:
                self._send(200, {"data": {**data, "id": record_id, "case_id_display": "abc"}})

    return Handler


class FakePrimero:
    """Start with ``with FakePrimero() as server:``; ``server.url``, ``server.state``."""

    def __init__(self) -> None:
        self.state = State()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakePrimero:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
