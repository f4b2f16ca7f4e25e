"""Environment reading shared by every settings module (12-factor)."""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(os.environ.get("EGIDE_BASE_DIR", Path.cwd())).resolve()
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def require(name: str) -> str:
    """Return the environment variable *name*, or stop start-up naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production settings "
            f"and is missing or empty. Set {name} and start again."
        )
    return value
