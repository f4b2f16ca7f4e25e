"""Development settings: what `egide run` / `make run` use on a laptop."""

from __future__ import annotations

from egide.settings.base import *  # noqa: F403
from egide.settings.env import VAR_DIR, env
from egide.settings.local_keys import local_secret

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret(VAR_DIR / "secret_key", "secret")
EGIDE_FIELD_KEYS = env.list("EGIDE_FIELD_KEYS", default=[]) or [
    local_secret(VAR_DIR / "field_keys", "fernet")
]
EGIDE_BLIND_INDEX_KEY = env.str("EGIDE_BLIND_INDEX_KEY", default="") or local_secret(
    VAR_DIR / "blind_index_key", "secret"
)
EGIDE_AUDIT_KEY = env.str("EGIDE_AUDIT_KEY", default="") or local_secret(
    VAR_DIR / "audit_key", "secret"
)
EGIDE_AUDIT_SIGNING_KEY = env.str("EGIDE_AUDIT_SIGNING_KEY", default="") or local_secret(
    VAR_DIR / "audit_signing_key", "ed25519"
)
EGIDE_DEV_TOOLS = True
EGIDE_DEMO_BANNER = True

# Static files are served by the finders (no collectstatic in development and tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
