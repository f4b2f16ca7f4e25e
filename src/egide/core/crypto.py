"""Field-level encryption of personal data (Fernet: AES-128-CBC + HMAC-SHA256).

Keys come from ``settings.EGIDE_FIELD_KEYS``: the first key encrypts, every key decrypts, so a new
key can be put first and the old ones kept until ``egide keys rotate`` has re-encrypted every value.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEYS = "EGIDE_FIELD_KEYS is empty: personal data cannot be encrypted."
UNDECRYPTABLE = "A value could not be decrypted with any configured key (EGIDE_FIELD_KEYS)."


class DecryptionError(Exception):
    """Raised when a stored value cannot be decrypted by any configured key."""


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"EGIDE_FIELD_KEYS holds an invalid Fernet key: {exc}") from exc


def current_fernet() -> MultiFernet:
    """Return the MultiFernet built from the keys configured now."""
    return _fernet(tuple(settings.EGIDE_FIELD_KEYS))


def encrypt_text(plaintext: str) -> str:
    """Encrypt *plaintext* with the first key; the token is ASCII text."""
    return current_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Decrypt a token made by :func:`encrypt_text`; raises DecryptionError."""
    try:
        return current_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(UNDECRYPTABLE) from exc


def rotate_token(token: str) -> str:
    """Re-encrypt *token* under the first key (whatever key encrypted it)."""
    try:
        return current_fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError(UNDECRYPTABLE) from exc


def normalise_for_index(value: str) -> str:
    """Lower-case, strip accents and collapse spaces so that equal names index equally."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def blind_index(value: str) -> str:
    """Keyed HMAC-SHA256 of the normalised *value*: searchable, not reversible without the key."""
    key = settings.EGIDE_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("EGIDE_BLIND_INDEX_KEY is empty.")
    digest = hmac.new(
        key.encode("utf-8"), normalise_for_index(value).encode("utf-8"), hashlib.sha256
    )
    return digest.hexdigest()
