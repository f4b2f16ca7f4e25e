"""Where the current request came from, for the audit trail, without passing requests around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    """The client address and request id of the request being served."""

    ip_address: str | None = None
    request_id: str = ""


current_request: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "egide_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, immutable
)
