"""Settings common to every environment; the environment decides the rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from egide.core.stylesheet import inline_css_hash
from egide.settings.caches import cache_settings, session_engine
from egide.settings.env import VAR_DIR, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "egide.core.apps.EgideAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "egide.core",
    "egide.audit",
    "egide.accounts",
    "egide.directory",
    "egide.cases",
    "egide.referrals",
    "egide.screening",
    "egide.training",
    "egide.outreach",
    "egide.policy",
    "egide.api",
    "egide.jobs",
    "egide.interop",
    "egide.fielddata",
    "egide.monitoring",
    "egide.dhis2",
    "egide.sharing",
]

MIDDLEWARE = [
    "egide.accounts.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files answer here, before compression: WhiteNoise serves its own pre-compressed files.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compress pages (3G: a 30 KB page becomes ~6 KB). BREACH: Django's GZipMiddleware pads each
    # response with random bytes (Heal The Breach), the CSRF token is masked anew per response,
    # and SameSite=Lax session cookies keep a cross-site page from making the many
    # authenticated requests the attack needs.
    "django.middleware.gzip.GZipMiddleware",
    "egide.core.middleware.NoStoreMiddleware",
    "egide.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egide.core.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "egide.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egide.accounts.middleware.SecondFactorRequiredMiddleware",
    "egide.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Form widgets: Django's own widget templates in their Jinja2 version (same HTML, rendered 2-3x
# faster), the template language for the rest (admin widgets): egide.core.form_renderer.
FORM_RENDERER = "egide.core.form_renderer.FastFormRenderer"

ROOT_URLCONF = "egide.urls"
WSGI_APPLICATION = "egide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egide.core.context_processors.egide",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'egide.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# On PostgreSQL, each connection prepares a query it has run five times and reuses its plan
# (server-side parameters; EGIDE_DB_PREPARED_STATEMENTS=false turns it off). Planning the case
# file's queries cost PostgreSQL more CPU than running them: with persistent connections
# (production) its CPU per case file falls from 3.4 to 1.5 ms (benchmarks/load.py). Django warns
# that server-side parameters break a few query shapes: the whole suite runs with them on
# PostgreSQL. Not with PgBouncer in transaction mode, which cannot keep prepared statements.
if env.bool("EGIDE_DB_PREPARED_STATEMENTS", default=True) and "postgresql" in str(
    DATABASES["default"]["ENGINE"]
):
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions expire: the expiry is pushed forward by the requests, at most once a minute
# (egide.core.middleware.SessionTouchMiddleware: no session write on every page).
EGIDE_SESSION_IDLE_MINUTES = env.int("EGIDE_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = EGIDE_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
EGIDE_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Reverse proxies in front of Égide whose X-Forwarded-For is trusted (0: none, the peer is the
# client). With N, the client is the N-th address from the right of X-Forwarded-For.
EGIDE_TRUSTED_PROXY_COUNT = env.int("EGIDE_TRUSTED_PROXY_COUNT", default=0)

# Lock-out, per username and per client address independently: five failures for one username
# (from any address) lock that username; EGIDE_LOGIN_IP_FAILURE_LIMIT failures from one address
# (any usernames) lock that address. Attempts during a lock-out do not extend it.
AXES_FAILURE_LIMIT = env.int("EGIDE_LOGIN_FAILURE_LIMIT", default=5)
EGIDE_LOGIN_IP_FAILURE_LIMIT = env.int("EGIDE_LOGIN_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("EGIDE_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "egide.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "egide.accounts.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "egide.accounts.lockout.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Égide"
OTP_TOTP_THROTTLE_FACTOR = 1
# Hours an enrolment code (given by an administrator to set up an authenticator) stays valid.
EGIDE_ENROLMENT_CODE_HOURS = env.int("EGIDE_ENROLMENT_CODE_HOURS", default=72)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The stylesheet is inlined in every page (one round trip less on 3G): allowed by hash.
        "style-src": ["'self'", inline_css_hash()],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The paper-test grid posts one field per participant and question (100 people × 50 questions).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5200

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
TIME_ZONE = "Africa/Conakry"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "egide.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Documents nested more than 32 levels are refused with 400 (no RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "egide.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Throttles key on REMOTE_ADDR, which TrustedProxyMiddleware already set from the trusted
    # proxy's X-Forwarded-For; never on a client-sent X-Forwarded-For (it would dodge the rate).
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("EGIDE_API_ANON_RATE", default="30/minute"),
        "user": env.str("EGIDE_API_USER_RATE", default="600/minute"),
    },
}
# API tokens (django-rest-knox): stored as SHA-512 digests, a short prefix in clear, expiring.
# Égide's own token model replaces knox's (KNOX_TOKEN_MODEL); knox's migrations would still
# create its unused table, whose foreign key to users breaks PostgreSQL's TRUNCATE: skip them.
MIGRATION_MODULES = {"knox": None}
EGIDE_API_TOKEN_DAYS = env.int("EGIDE_API_TOKEN_DAYS", default=30)
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=EGIDE_API_TOKEN_DAYS),
    "TOKEN_PREFIX": "egide_",
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# Public pages (certificate verification, a participant's test link): requests per client
# address, counted in the cache; over the rate they answer 429.
EGIDE_PUBLIC_PAGE_RATE = env.str("EGIDE_PUBLIC_PAGE_RATE", default="60/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Égide API",
    "DESCRIPTION": (
        "Versioned REST API of Égide. Authenticate with 'Authorization: Token <token>'; "
        "tokens are created on the profile page, expire, and can be revoked there."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation documents its error answers (400/401/403/404/429): egide.api.schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "egide.api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AlertStatusEnum": "egide.cases.models.Alert.Status",
        "CaseStatusEnum": "egide.cases.models.Case.Status",
        "ReferralStatusEnum": "egide.referrals.models.Referral.Status",
    },
}

# One cache shared by every process and machine (API throttles, public-page rates): Redis when
# EGIDE_REDIS_URL (or REDIS_URL) is set, else a table of the database (`createcachetable`, run
# after every `egide migrate` and by `egide serve`). A per-process memory cache would give each
# gunicorn worker its own limits.
EGIDE_REDIS_URL = env.str("EGIDE_REDIS_URL", default="") or env.str("REDIS_URL", default="")
CACHES = cache_settings(EGIDE_REDIS_URL)
SESSION_ENGINE = session_engine(EGIDE_REDIS_URL)

# Field-level encryption keys (Fernet, url-safe base64); the first encrypts, all decrypt.
EGIDE_FIELD_KEYS: list[str] = env.list("EGIDE_FIELD_KEYS", default=[])
# Key for the keyed blind indexes used to search encrypted values without decrypting them.
EGIDE_BLIND_INDEX_KEY = env.str("EGIDE_BLIND_INDEX_KEY", default="")
# Audit trail: HMAC key of the sealed chain and Ed25519 key of its checkpoints (never stored in the
# database; required in production), where checkpoints go outside the database, and the alarm.
EGIDE_AUDIT_KEY = env.str("EGIDE_AUDIT_KEY", default="")
EGIDE_AUDIT_SIGNING_KEY = env.str("EGIDE_AUDIT_SIGNING_KEY", default="")
EGIDE_AUDIT_CHECKPOINT_FILE = env.str(
    "EGIDE_AUDIT_CHECKPOINT_FILE", default=str(VAR_DIR / "audit_checkpoints.jsonl")
)
EGIDE_AUDIT_WITNESS_URL = env.str("EGIDE_AUDIT_WITNESS_URL", default="")
EGIDE_AUDIT_WITNESS_TIMEOUT = env.float("EGIDE_AUDIT_WITNESS_TIMEOUT", default=5.0)
# Sent as "Authorization: Bearer …" to a witness that wants to know its caller.
EGIDE_AUDIT_WITNESS_TOKEN = env.str("EGIDE_AUDIT_WITNESS_TOKEN", default="")
EGIDE_AUDIT_UNSEALED_ALARM_MINUTES = env.int("EGIDE_AUDIT_UNSEALED_ALARM_MINUTES", default=5)
# Deadlines of the national referral mechanism, in hours, by urgency (configurable).
EGIDE_ALERT_DEADLINE_HOURS = {
    "immediate": env.int("EGIDE_ALERT_HOURS_IMMEDIATE", default=2),
    "urgent": env.int("EGIDE_ALERT_HOURS_URGENT", default=24),
    "normal": env.int("EGIDE_ALERT_HOURS_NORMAL", default=72),
}
EGIDE_REFERRAL_DEADLINE_HOURS = {
    "immediate": env.int("EGIDE_REFERRAL_HOURS_IMMEDIATE", default=24),
    "urgent": env.int("EGIDE_REFERRAL_HOURS_URGENT", default=72),
    "normal": env.int("EGIDE_REFERRAL_HOURS_NORMAL", default=168),
}
# Years identifying data of a closed case are kept before `egide retention purge` erases them.
EGIDE_RETENTION_YEARS = env.int("EGIDE_RETENTION_YEARS", default=5)
# An alert closed without a case: months its description, the SMS it came from and the field
# answers behind it are kept after triage.
EGIDE_ALERT_RETENTION_MONTHS = env.int("EGIDE_ALERT_RETENTION_MONTHS", default=12)

# Interoperability. SMS alerts: at most this many messages per sender's number (then 429).
EGIDE_SMS_RATE_PER_NUMBER = env.str("EGIDE_SMS_RATE_PER_NUMBER", default="10/hour")
# A RapidPro body without run/input uuid is identified by a digest of its content: the same
# digest again is a gateway's retry only within this many seconds (later: a new message).
EGIDE_SMS_RETRY_WINDOW_SECONDS = env.int("EGIDE_SMS_RETRY_WINDOW_SECONDS", default=600)
# Hosts CPIMS+ may be reached at even though they resolve to a loopback, private or link-local
# address (comma-separated); empty: any host with public addresses only.
EGIDE_CPIMS_ALLOWED_HOSTS = env.list("EGIDE_CPIMS_ALLOWED_HOSTS", default=[])
# CPIMS+ (Primero v2): seconds before a request is given up; attempts of one sending job and
# the first back-off delay (doubled after each failed attempt).
EGIDE_CPIMS_TIMEOUT = env.float("EGIDE_CPIMS_TIMEOUT", default=20.0)
EGIDE_CPIMS_ATTEMPTS = env.int("EGIDE_CPIMS_ATTEMPTS", default=4)
EGIDE_CPIMS_BACKOFF_SECONDS = env.float("EGIDE_CPIMS_BACKOFF_SECONDS", default=5.0)
# Certificates: minimum share of days attended and post-test score (percent) to pass.
EGIDE_CERTIFICATE_ATTENDANCE = env.float("EGIDE_CERTIFICATE_ATTENDANCE", default=0.8)
EGIDE_CERTIFICATE_PASS_PERCENT = env.float("EGIDE_CERTIFICATE_PASS_PERCENT", default=70.0)
# Developer helpers (printing a current TOTP code); production refuses them.
EGIDE_DEV_TOOLS = False
# Banner saying that the data shown are fictitious.
EGIDE_DEMO_BANNER = env.bool("EGIDE_DEMO_BANNER", default=False)

# Background jobs: Django's tasks API (django-tasks) on the database backend (django-tasks-db);
# `egide worker` runs them, several workers may share the queue (SELECT … FOR UPDATE SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Days a job's result (a file to download) is kept before the cleanup erases it.
EGIDE_JOB_RESULT_DAYS = env.int("EGIDE_JOB_RESULT_DAYS", default=7)
# Minutes without a sign of life after which a running job is declared failed (stale-job detection).
EGIDE_JOB_STALE_MINUTES = env.int("EGIDE_JOB_STALE_MINUTES", default=15)
# Minutes between scheduled pulls from the field servers (ODK Central, KoboToolbox).
EGIDE_FIELD_PULL_MINUTES = env.int("EGIDE_FIELD_PULL_MINUTES", default=15)
# Key (Fernet, url-safe base64) encrypting `egide backup` archives; never one of the field keys.
EGIDE_BACKUP_KEY = env.str("EGIDE_BACKUP_KEY", default="")
MEDIA_ROOT = env.str("EGIDE_MEDIA_ROOT", default=str(VAR_DIR / "media"))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="egide@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
