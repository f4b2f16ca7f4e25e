"""The audit trail's keys, read from the environment (never from the database).

EGIDE_AUDIT_KEY keys the HMAC of the chain; EGIDE_AUDIT_SIGNING_KEY (base64 of a 32-byte Ed25519
seed) signs its checkpoints. No Django model is imported here: production settings use it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured

AUDIT_KEY_MIN_LENGTH = 32


class AuditKeyError(ValueError):
    """An audit key from the environment is missing or malformed."""


def audit_hmac_key(value: str) -> bytes:
    """The HMAC key of the chain from EGIDE_AUDIT_KEY; raises AuditKeyError when too weak."""
    value = (value or "").strip()
    if len(value) < AUDIT_KEY_MIN_LENGTH or len(set(value)) < 8:
        raise AuditKeyError(
            f"EGIDE_AUDIT_KEY must be a random secret of at least {AUDIT_KEY_MIN_LENGTH} "
            "characters (egide audit keygen prints one)."
        )
    return value.encode("utf-8")


def signing_key(value: str) -> Ed25519PrivateKey:
    """The Ed25519 key from EGIDE_AUDIT_SIGNING_KEY (base64 of the 32-byte seed)."""
    try:
        raw = base64.urlsafe_b64decode((value or "").strip().encode("ascii") + b"==")
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise AuditKeyError("EGIDE_AUDIT_SIGNING_KEY is not base64.") from exc
    if len(raw) != 32 or len(set(raw)) < 8:
        raise AuditKeyError(
            "EGIDE_AUDIT_SIGNING_KEY must be the base64 of a random 32-byte Ed25519 seed "
            "(egide audit keygen prints one)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_signing_key() -> str:
    """A fresh EGIDE_AUDIT_SIGNING_KEY value."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def key_id(public: Ed25519PublicKey) -> str:
    """Short name of a public key, written into checkpoints so people can tell keys apart."""
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public: Ed25519PublicKey) -> str:
    """The public key as base64, for a verifier or witness that must not hold the private key."""
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def new_audit_key() -> str:
    """A fresh EGIDE_AUDIT_KEY value."""
    return secrets.token_urlsafe(48)


def audit_keys_validate(hmac_key: str, signing: str) -> None:
    """Stop start-up (ImproperlyConfigured) when either audit key is malformed or weak."""
    try:
        audit_hmac_key(hmac_key)
        signing_key(signing)
    except AuditKeyError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def configured_hmac_key() -> bytes:
    """The chain's HMAC key from the settings; raises ImproperlyConfigured when unusable."""
    from django.conf import settings

    try:
        return audit_hmac_key(settings.EGIDE_AUDIT_KEY)
    except AuditKeyError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def configured_signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key from the settings; raises ImproperlyConfigured when unusable."""
    from django.conf import settings

    try:
        return signing_key(settings.EGIDE_AUDIT_SIGNING_KEY)
    except AuditKeyError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
