"""Local secrets for development: created once under ./var/ and kept there."""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def local_secret(path: Path, kind: str) -> str:
    """Return the secret stored at *path*, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = Fernet.generate_key().decode("ascii") if kind == "fernet" else secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="ascii")
    return value
