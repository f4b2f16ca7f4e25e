"""Local secrets for development: created once under ./var/ and kept there."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def local_secret(path: Path, kind: str) -> str:
    """Return the secret stored at *path*, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fernet":
        value = Fernet.generate_key().decode("ascii")
    elif kind == "ed25519":  # the base64 of a 32-byte Ed25519 seed
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    else:
        value = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="ascii")
    return value
