"""Production settings: every secret comes from the environment, or start-up stops."""

from __future__ import annotations

from egide.audit.keys import audit_keys_validate
from egide.core.keys import require_valid_keys
from egide.settings.base import *  # noqa: F403
from egide.settings.env import env, require

DEBUG = False
SECRET_KEY = require("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in require("ALLOWED_HOSTS").split(",") if h.strip()]
EGIDE_FIELD_KEYS = [k.strip() for k in require("EGIDE_FIELD_KEYS").split(",") if k.strip()]
EGIDE_BLIND_INDEX_KEY = require("EGIDE_BLIND_INDEX_KEY")
require_valid_keys(EGIDE_FIELD_KEYS, EGIDE_BLIND_INDEX_KEY)
EGIDE_DEV_TOOLS = False
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Persistent database connections: a new PostgreSQL connection per request cost the server
# (and PostgreSQL's fork of a backend) more CPU than a case page itself. A connection is checked
# before its first use in a request and replaced when the database dropped it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("EGIDE_DB_CONN_MAX_AGE", default=600)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if env.bool("EGIDE_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The audit trail's keys: required, and refused when malformed or weak.
EGIDE_AUDIT_KEY = require("EGIDE_AUDIT_KEY")
EGIDE_AUDIT_SIGNING_KEY = require("EGIDE_AUDIT_SIGNING_KEY")
audit_keys_validate(EGIDE_AUDIT_KEY, EGIDE_AUDIT_SIGNING_KEY)
# JSON only: the browsable API's inline styles break the CSP and it is not needed in production.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
