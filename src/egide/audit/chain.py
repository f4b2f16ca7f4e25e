"""The keyed hash chain of the audit trail and its verification, in plain Python (no Django).

Position *n* of the chain (1, 2, 3…, the order in which the sealer sealed the events) has the hash

    link(n) = HMAC-SHA256(EGIDE_AUDIT_KEY, "egide-audit-link/v1" | link(n-1) | n | canonical(event))

with link(0) = GENESIS_HASH. The key never enters the database, so somebody who can write to the
database but does not hold the key cannot recompute a valid chain after changing, inserting or
removing an event. Signed checkpoints (tree size, head hash) kept outside the database pin the
length and the head of the chain, so deleting its tail or truncating it is seen too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64
LINK_DOMAIN = b"egide-audit-link/v1"
HASHED_FIELDS = (
    "id",
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

TRUNCATION = "TRUNCATION"
DELETION = "DELETION"
REWRITING = "REWRITING"
BAD_SIGNATURE = "BAD CHECKPOINT SIGNATURE"
BAD_CHECKPOINT = "UNREADABLE CHECKPOINT"
NO_CHECKPOINT = "NO EXTERNAL CHECKPOINT"
MAX_EXAMPLES = 5


def canonical(content: Mapping[str, Any]) -> bytes:
    """Stable byte encoding of the hashed fields of an event."""
    picked = {name: content.get(name) for name in HASHED_FIELDS}
    return json.dumps(
        picked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def link_hash(key: bytes, prev_hash: str, seq: int, content: Mapping[str, Any]) -> str:
    """Keyed hash of the event at position *seq* given the hash of position *seq* - 1."""
    if not key:
        raise ValueError("The audit chain needs a key (EGIDE_AUDIT_KEY).")
    message = b"\n".join(
        (LINK_DOMAIN, prev_hash.encode("ascii"), str(seq).encode("ascii"), canonical(content))
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    """One sealed event as read back from the database."""

    seq: int
    event_id: int
    stored_hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class TrustedCheckpoint:
    """A checkpoint whose signature has been checked: the chain had *tree_size* links, this head."""

    tree_size: int
    head: str
    time: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One sign of tampering, named by kind (TRUNCATION, DELETION, REWRITING…) and explained."""

    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class ChainReport:
    """What a walk of the chain found: links read, the recomputed head, and the findings."""

    sealed: int = 0
    tree_size: int = 0
    head: str = GENESIS_HASH
    findings: list[Finding] = field(default_factory=list)
    checkpoints_matched: int = 0


def _ranges(numbers: Sequence[int]) -> str:
    """'3, 7–9' for [3, 7, 8, 9], at most MAX_EXAMPLES ranges."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    more = "" if len(parts) <= MAX_EXAMPLES else f" and {len(parts) - MAX_EXAMPLES} more ranges"
    return ", ".join(parts[:MAX_EXAMPLES]) + more


def verify_chain(
    links: Iterable[Link], key: bytes, checkpoints: Sequence[TrustedCheckpoint]
) -> ChainReport:
    """Walk the sealed links in position order; compare them with the key and the checkpoints.

    Finds: positions missing in the middle (DELETION), fewer links than a checkpoint's tree size
    (TRUNCATION), events whose keyed hash does not match — changed content, or hashes recomputed
    without the key — and a recomputed head that differs from a signed checkpoint's (REWRITING).
    """
    report = ChainReport()
    by_size: dict[int, list[TrustedCheckpoint]] = {}
    for cp in checkpoints:
        by_size.setdefault(cp.tree_size, []).append(cp)
    computed = GENESIS_HASH  # the chain recomputed with the key, from the genesis
    stored_prev: str | None = GENESIS_HASH  # the stored hash of the previous position
    expected_seq = 1
    missing: list[int] = []
    altered: list[tuple[int, int]] = []  # (position, event id)
    chain_known = True  # False once a position is missing: later heads cannot be recomputed
    unmatched: list[TrustedCheckpoint] = []
    for link in links:
        report.sealed += 1
        if link.seq != expected_seq:
            missing.extend(range(expected_seq, link.seq))
            chain_known = False
            stored_prev = None
        if stored_prev is not None and (
            link_hash(key, stored_prev, link.seq, link.content) != link.stored_hash
        ):
            altered.append((link.seq, link.event_id))
        if chain_known:
            computed = link_hash(key, computed, link.seq, link.content)
            for cp in by_size.get(link.seq, []):
                if computed == cp.head:
                    report.checkpoints_matched += 1
                else:
                    unmatched.append(cp)
        stored_prev = link.stored_hash
        expected_seq = link.seq + 1
    report.tree_size = expected_seq - 1
    report.head = computed if chain_known else ""
    if missing:
        report.findings.append(
            Finding(
                DELETION,
                f"{len(missing)} sealed event(s) are missing from the chain at position(s) "
                f"{_ranges(missing)}: they were deleted",
            )
        )
    if altered:
        first_seq, first_id = altered[0]
        report.findings.append(
            Finding(
                REWRITING,
                f"{len(altered)} event(s) do not match their keyed hash, first event "
                f"{first_id} at position {first_seq} (positions {_ranges([s for s, _ in altered])}"
                "): their content was changed, or their hashes recomputed without the key",
            )
        )
    if unmatched:
        first = unmatched[0]
        report.findings.append(
            Finding(
                REWRITING,
                f"the chain recomputed with the key does not match {len(unmatched)} signed "
                f"checkpoint(s), the first at position {first.tree_size} (checkpoint of "
                f"{first.time}, {first.source}): events were changed or their hashes recomputed",
            )
        )
    if checkpoints:
        latest = max(checkpoints, key=lambda cp: cp.tree_size)
        if latest.tree_size > report.tree_size:
            gone = latest.tree_size - report.tree_size
            if report.tree_size == 0:
                what = "the trail holds no sealed event (TRUNCATE or deletion of every event)"
            else:
                what = (
                    f"the chain ends at position {report.tree_size}: the last {gone} sealed "
                    "event(s) were deleted"
                )
            report.findings.append(
                Finding(
                    TRUNCATION,
                    f"the signed checkpoint of {latest.time} ({latest.source}) covers "
                    f"{latest.tree_size} events but {what}",
                )
            )
    return report
