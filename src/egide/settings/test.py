"""Test settings: fast hashing, throw-away keys, the database from DATABASE_URL."""

from __future__ import annotations

from cryptography.fernet import Fernet

from egide.settings.base import *  # noqa: F403
from egide.settings.env import env

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Subprocesses of a test (worker, gunicorn) receive the test's key through the environment.
EGIDE_FIELD_KEYS = env.list("EGIDE_FIELD_KEYS", default=[]) or [
    Fernet.generate_key().decode("ascii")
]
EGIDE_BLIND_INDEX_KEY = "test-blind-index-key"  # noqa: S105
EGIDE_AUDIT_KEY = "test-audit-hmac-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
EGIDE_AUDIT_SIGNING_KEY = "dGVzdC1hdWRpdC1zaWduaW5nLWtleS0zMi1ieXRlcyE"  # noqa: S105
EGIDE_DEV_TOOLS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 3

# Static files are served by the finders (no collectstatic in development and tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Throttles stay on in tests, at rates no test reaches by accident (throttle tests lower them).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
EGIDE_PUBLIC_PAGE_RATE = "100000/minute"

# Monitoring figures are cached 30 s in production; tests build fresh records each time.
MONITORING_CACHE_SECONDS = 0
