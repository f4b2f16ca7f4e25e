"""Settings common to every environment; the environment decides the rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

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
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
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
    "egide.api",
    "egide.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egide.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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

# Idle sessions expire: the expiry is pushed forward on every request.
EGIDE_SESSION_IDLE_MINUTES = env.int("EGIDE_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = EGIDE_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lock-out: five failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("EGIDE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("EGIDE_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Égide"
OTP_TOTP_THROTTLE_FACTOR = 1

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

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
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Égide API",
    "DESCRIPTION": "Versioned REST API of Égide. Authenticate with 'Authorization: Token <key>'.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AlertStatusEnum": "egide.cases.models.Alert.Status",
        "CaseStatusEnum": "egide.cases.models.Case.Status",
        "ReferralStatusEnum": "egide.referrals.models.Referral.Status",
    },
}

# Field-level encryption keys (Fernet, url-safe base64); the first encrypts, all decrypt.
EGIDE_FIELD_KEYS: list[str] = env.list("EGIDE_FIELD_KEYS", default=[])
# Key for the keyed blind indexes used to search encrypted values without decrypting them.
EGIDE_BLIND_INDEX_KEY = env.str("EGIDE_BLIND_INDEX_KEY", default="")
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
