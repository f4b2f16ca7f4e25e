"""Production settings refuse to start without secrets and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from egide.settings import base

PROD_ENV = {
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "egide.example.org",
    "EGIDE_FIELD_KEYS": Fernet.generate_key().decode("ascii"),
    "EGIDE_BLIND_INDEX_KEY": "blind-index-key-for-the-deploy-check",
    "DATABASE_URL": "sqlite:////tmp/egide-deploy-check.sqlite3",
    "EGIDE_AUDIT_KEY": "audit-hmac-key-for-the-deploy-check-0123456789abcdef",
    "EGIDE_AUDIT_SIGNING_KEY": "JDxha9wLMBL4sNyXrStA2++al1t/aOshx9UF1EPK4Us=",
}


def _egide(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PROD_ENV and not k.startswith(("EGIDE", "DJANGO"))
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="egide.settings.production")
    clean["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "egide.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_without_secret_key_refuse_to_start() -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _egide(["check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "required" in result.stderr


def test_production_settings_without_field_keys_refuse_to_start() -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != "EGIDE_FIELD_KEYS"}
    result = _egide(["check"], env)
    assert result.returncode != 0
    assert "EGIDE_FIELD_KEYS" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _egide(["check", "--deploy", "--fail-level", "WARNING"], PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_base_settings_hash_passwords_with_argon2_and_expire_idle_sessions() -> None:
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert base.SESSION_COOKIE_AGE == 30 * 60
    # The expiry moves forward with the requests, at most once a minute (no write per page).
    assert base.SESSION_SAVE_EVERY_REQUEST is False
    assert base.EGIDE_SESSION_TOUCH_SECONDS == 60
    sessions = base.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert base.MIDDLEWARE[sessions + 1] == "egide.core.middleware.SessionTouchMiddleware"
    assert base.DEBUG is False
