"""Production: gunicorn with production settings answers the login page and an API call; a backup
restores into an empty database identically, and holds no field key and no plaintext name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from egide.accounts import roles
from egide.accounts.models import User
from egide.accounts.services import api_token_create
from egide.jobs.backup import _decrypt
from egide.jobs.tests.helpers import database_url, egide, free_port

SECRETS = {
    "SECRET_KEY": "smoke-test-secret-key-not-for-production-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "EGIDE_BLIND_INDEX_KEY": "smoke-test-blind-index-key-0123456789-abcdef",
    "EGIDE_AUDIT_KEY": "smoke-test-audit-hmac-key-0123456789-abcdefghijkl",
    "EGIDE_AUDIT_SIGNING_KEY": "JDxha9wLMBL4sNyXrStA2++al1t/aOshx9UF1EPK4Us=",
    "EGIDE_BEHIND_TLS_PROXY": "true",
}


def production_env(base_dir: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EGIDE", "DJANGO", "DATABASE"))}
    env.update(SECRETS)
    env.update(
        DJANGO_SETTINGS_MODULE="egide.settings.production",
        EGIDE_BASE_DIR=str(base_dir),
        DATABASE_URL=url,
        EGIDE_FIELD_KEYS=",".join(settings.EGIDE_FIELD_KEYS),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _get(url: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - localhost
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_login_page_and_the_api_with_production_settings(
    persona: Callable[[str], User], tmp_path: Path
) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:"):
        pytest.skip("the test database is in memory: another process cannot read it")
    if connection.vendor == "sqlite" and "mode=memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("the test database is in memory: another process cannot read it")
    user = persona(roles.CASE_WORKER)
    _token, secret = api_token_create(actor=user, name="smoke test")
    port = free_port()
    # The token's credentials fingerprint is keyed with SECRET_KEY: the server must share the
    # test's (a new SECRET_KEY in production invalidates every API token, by design).
    env = production_env(tmp_path, database_url(), SECRET_KEY=settings.SECRET_KEY)
    server = subprocess.Popen(  # noqa: S603
        egide("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"), env=env
    )
    proxy = {"X-Forwarded-Proto": "https", "Host": "localhost"}
    try:
        status, body = 0, ""
        deadline = time.monotonic() + 600  # collectstatic first (compresses ~40 MB): slow when busy
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/accounts/login/", proxy)
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                time.sleep(0.2)
        assert status == 200 and "csrfmiddlewaretoken" in body
        status, body = _get(
            f"http://127.0.0.1:{port}/api/v1/me/", {**proxy, "Authorization": f"Token {secret}"}
        )
        assert status == 200, body
        assert json.loads(body)["username"] == user.username
        status, _body = _get(f"http://127.0.0.1:{port}/api/v1/me/", proxy)
        assert status in (401, 403)
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Backup round trip ---------------------------------------------------------------------

SNAPSHOT = r"""
import json
from django.db import connection
from egide.core.fields import encrypted_fields
counts = {}
with connection.cursor() as c:
    for t in sorted(connection.introspection.table_names(c)):
        c.execute(f'SELECT COUNT(*) FROM "{t}"')
        counts[t] = c.fetchone()[0]
sample = {}
for model, fields in encrypted_fields():
    for row in model._default_manager.order_by("pk")[:5]:
        sample[f"{model._meta.label}:{row.pk}"] = [getattr(row, f.name) for f in fields]
from egide.cases.models import Case
names = [f"{c.first_name} {c.last_name}" for c in Case.objects.all()[:20] if c.first_name][:5]
from egide.training.models import Participant
names += [p.full_name for p in Participant.objects.all()[:5]]
print(json.dumps({"counts": counts, "sample": sample, "names": names}))
"""


LAST_EVENT = r"""
from egide.audit.models import AuditEvent
print(AuditEvent.objects.order_by("-pk").values_list("action", flat=True).first())
"""


class Databases:
    """Two throw-away databases beside the test database (PostgreSQL) or two files (SQLite)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.pg = connection.vendor == "postgresql"
        self.names = ["egide_platform_backup_src", "egide_platform_backup_dst"]

    def _admin(self) -> Any:
        db = connection.settings_dict
        return psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    def create(self) -> list[str]:
        if not self.pg:
            return [f"sqlite:///{self.tmp / n}.sqlite3" for n in self.names]
        with self._admin() as admin:
            for name in self.names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
        url = database_url().rsplit("/", 1)[0]
        return [f"{url}/{name}" for name in self.names]

    def drop(self) -> None:
        if self.pg:
            with self._admin() as admin:
                for name in self.names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_backup_restores_identically_and_holds_no_key_nor_name(tmp_path: Path) -> None:
    databases = Databases(tmp_path)
    source, target = databases.create()
    backup_key = Fernet.generate_key().decode()
    archive = tmp_path / "egide.backup"

    def run(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = production_env(tmp_path, url, EGIDE_BACKUP_KEY=backup_key)
        return subprocess.run(  # noqa: S603
            egide(*args), env=env, capture_output=True, text=True, timeout=400, check=check
        )

    try:
        run(source, "migrate", "-v0")
        run(source, "demo")
        before = json.loads(run(source, "shell", "-c", SNAPSHOT).stdout.strip().splitlines()[-1])
        assert before["names"] and before["sample"]
        run(source, "backup", str(archive))
        restored = run(target, "restore", str(archive))
        assert "Restored" in restored.stdout
        after = json.loads(run(target, "shell", "-c", SNAPSHOT).stdout.strip().splitlines()[-1])
        # Identical, but for the one audit event that records the restore itself.
        assert (
            after["counts"].pop("audit_auditevent") == before["counts"].pop("audit_auditevent") + 1
        )
        assert after["counts"] == before["counts"]
        assert sum(before["counts"].values()) > 100
        assert after["sample"] == before["sample"]
        last = run(target, "shell", "-c", LAST_EVENT).stdout.strip().splitlines()[-1]
        assert last == "backup.restored"
        verify = run(target, "audit", "verify", check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # A database that is not empty is refused, clearly.
        again = run(target, "restore", str(archive), check=False)
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        databases.drop()

    # The archive, and its decrypted content, hold no field key and no plaintext name.
    raw = archive.read_bytes()
    with archive.open("rb") as handle:
        plain = b"".join(_decrypt(handle, Fernet(backup_key)))
    texts = [raw, plain]
    if databases.pg:
        extracted = tmp_path / "x"
        extracted.mkdir()
        import tarfile

        with tarfile.open(fileobj=__import__("io").BytesIO(plain)) as tar:
            tar.extractall(extracted, filter="data")
        sql = subprocess.run(  # noqa: S603
            ["pg_restore", "-f", "-", str(extracted / "database.dump")],  # noqa: S607
            capture_output=True,
            check=True,
        ).stdout
        assert b"COPY public.cases_case" in sql
        texts.append(sql)
    for text in texts:
        for key in settings.EGIDE_FIELD_KEYS:
            assert key.encode() not in text
        assert SECRETS["EGIDE_BLIND_INDEX_KEY"].encode() not in text
        for name in before["names"]:
            assert name.encode() not in text, name
            assert name.replace(" ", "\t", 1).encode() not in text, name
    assert sys.executable  # the subprocesses ran with the test's interpreter
