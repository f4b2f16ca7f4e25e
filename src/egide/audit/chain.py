"""The hash chain of the audit trail, in plain Python.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON encoding of the
event's own content, so changing, inserting or removing one event breaks every later link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "request_id",
    "details",
)


def canonical(content: Mapping[str, Any]) -> bytes:
    """Stable byte encoding of the hashed fields of an event."""
    picked = {name: content.get(name) for name in HASHED_FIELDS}
    return json.dumps(
        picked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def event_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """Hash of one event given the hash of the event before it."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first event whose stored hashes do not match the chain."""

    event_id: int
    reason: str


def verify(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
) -> tuple[int, BrokenLink | None]:
    """Walk (id, prev_hash, hash, content) in order; return the count read and the first break."""
    expected_prev = GENESIS_HASH
    count = 0
    for event_id, prev_hash, stored_hash, content in events:
        count += 1
        if prev_hash != expected_prev:
            return count, BrokenLink(
                event_id,
                "previous-hash mismatch (an event before it was removed, inserted or altered)",
            )
        if event_hash(prev_hash, content) != stored_hash:
            return count, BrokenLink(
                event_id, "content does not match its hash (the event was altered)"
            )
        expected_prev = stored_hash
    return count, None
