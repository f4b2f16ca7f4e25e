"""Starting `egide` subprocesses (worker, gunicorn) on the test database."""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from django.conf import settings
from django.db import connection


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    """The test settings, the test database and the test's field key."""
    env: dict[str, Any] = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egide.settings.test",
        "DATABASE_URL": database_url(),
        "EGIDE_FIELD_KEYS": ",".join(settings.EGIDE_FIELD_KEYS),
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def egide(*args: str) -> list[str]:
    return [sys.executable, "-m", "egide.cli", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
