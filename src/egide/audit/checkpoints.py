"""Signed checkpoints of the audit chain, kept outside the database (no Django models here).

A checkpoint says "the chain had TREE_SIZE links and its head hash was HEAD at TIME", signed with
Ed25519 (EGIDE_AUDIT_SIGNING_KEY), like a Certificate Transparency signed tree head (RFC 9162
§4.10). The sealer appends each one as a JSON line to EGIDE_AUDIT_CHECKPOINT_FILE — a file that
belongs on storage the database owner cannot rewrite (another host, an append-only mount) — and
posts it to EGIDE_AUDIT_WITNESS_URL when one is configured.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from egide.audit.keys import key_id

logger = logging.getLogger("egide.audit")

FORMAT = "egide-audit-checkpoint/v1"


@dataclass(frozen=True)
class Checkpoint:
    """One signed statement of the chain's size and head."""

    tree_size: int
    head: str
    time: str
    key_id: str
    signature: str
    format: str = FORMAT

    def signed_message(self) -> bytes:
        return f"{self.format}\n{self.tree_size}\n{self.head}\n{self.time}\n".encode("ascii")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    def signature_valid(self, public: Ed25519PublicKey) -> bool:
        try:
            public.verify(base64.b64decode(self.signature), self.signed_message())
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


def sign_checkpoint(key: Ed25519PrivateKey, tree_size: int, head: str, time: str) -> Checkpoint:
    """Sign (tree size, head, time) with the signing key."""
    unsigned = Checkpoint(tree_size, head, time, key_id(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.signed_message())).decode("ascii")
    return Checkpoint(tree_size, head, time, unsigned.key_id, signature)


def parse_checkpoint(line: str) -> Checkpoint:
    """A checkpoint from one JSON line; raises ValueError when it is not one."""
    data: Any = json.loads(line)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not an Égide audit checkpoint")
    size, head, time = data.get("tree_size"), data.get("head"), data.get("time")
    if not isinstance(size, int) or size < 0 or not isinstance(head, str):
        raise ValueError("bad tree size or head")
    if not isinstance(time, str) or not time.isascii() or "\n" in time or "\n" in head:
        raise ValueError("bad time")
    if not head.isascii():
        raise ValueError("bad head")
    return Checkpoint(size, head, time, str(data.get("key_id", "")), str(data.get("signature", "")))


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Append one line to the checkpoint file, flushed to disk, one writer at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (checkpoint.to_json() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_checkpoints(path: Path) -> Iterator[tuple[int, Checkpoint | ValueError]]:
    """(line number, checkpoint or the error) for every non-empty line of the file."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, parse_checkpoint(line)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                yield number, ValueError(str(exc))


def last_checkpoint(path: Path, window: int = 64 * 1024) -> Checkpoint | None:
    """The last readable checkpoint of the file, reading only its end."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - window))
        tail = handle.read().decode("utf-8", errors="replace").splitlines()
    for line in reversed(tail):
        try:
            return parse_checkpoint(line)
        except ValueError:
            continue
    return None


def post_to_witness(url: str, checkpoint: Checkpoint, timeout: float, token: str = "") -> bool:
    """POST the checkpoint as JSON to the witness; False (and a log line) when it is unreachable.

    The checkpoint is signed: a witness checks it with the public key whoever sends it. A
    witness that also wants to know its caller gets *token* as a bearer token."""
    if not url.startswith(("https://", "http://")):
        logger.error("audit witness URL %r is not http(s); checkpoint not sent", url)
        return False
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=checkpoint.to_json().encode("ascii"),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if 200 <= response.status < 300:
                return True
            logger.warning("audit witness %s answered %s", url, response.status)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.warning(
            "audit witness %s unreachable (%s); checkpoint of tree size %s kept in the file",
            url,
            exc,
            checkpoint.tree_size,
        )
    return False
