"""Checks of the secret keys, run at start-up (production settings) and by ``check --deploy``.

* ``EGIDE_FIELD_KEYS``: a comma-separated list of Fernet keys (32 bytes, url-safe base64); at
  least one, every one valid.
* ``EGIDE_BLIND_INDEX_KEY``: at least :data:`BLIND_INDEX_MIN_BYTES` bytes (HMAC-SHA256 key;
  a short key makes every name's blind index guessable).

Pure functions: they return the problems as sentences naming the variable.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

BLIND_INDEX_MIN_BYTES = 32
GENERATE = (
    'Generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


def _valid_fernet(key: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return len(raw) == 32


def key_problems(field_keys: Sequence[str], blind_index_key: str) -> list[str]:
    """Every problem of the configured keys, as a sentence naming the variable."""
    problems = []
    if not field_keys:
        problems.append(f"EGIDE_FIELD_KEYS is empty: give at least one Fernet key. {GENERATE}")
    for number, key in enumerate(field_keys, start=1):
        if not _valid_fernet(key):
            problems.append(
                f"EGIDE_FIELD_KEYS: key number {number} is not a valid Fernet key "
                f"(32 bytes in url-safe base64, 44 characters). {GENERATE}"
            )
    if len(blind_index_key.encode("utf-8")) < BLIND_INDEX_MIN_BYTES:
        problems.append(
            f"EGIDE_BLIND_INDEX_KEY is too short: at least {BLIND_INDEX_MIN_BYTES} bytes are "
            "needed. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    return problems


def require_valid_keys(field_keys: Sequence[str], blind_index_key: str) -> None:
    """Stop start-up, naming the variable, when a key is missing or weak."""
    problems = key_problems(field_keys, blind_index_key)
    if problems:
        raise ImproperlyConfigured("Refusing to start: " + " ".join(problems))
