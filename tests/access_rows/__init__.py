"""Rows of the access matrix, one module per area (``tests/access_rows/<area>.py``).

Each module defines ``ROWS: dict[str, Row]``; ``tests/test_access_matrix.py`` merges them. A URL
name may appear once only: two areas claiming the same URL is a failing test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User

ANON = "anonymous"
ALL_ROLES = frozenset(roles.ROLES)
EVERYONE = ALL_ROLES | {ANON}


@dataclass(frozen=True)
class Row:
    allowed: frozenset[str]
    allowed_status: int = 200
    denied_status: tuple[int, ...] = (302, 404)
    method: str = "get"
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Makes the object the URL points at; returns the URL kwargs.
    setup: Callable[[Callable[[str], User]], dict[str, Any]] | None = None
    json: dict[str, Any] | None = None


def extra_rows(existing: Mapping[str, Row]) -> dict[str, Row]:
    """The rows of every module of this package; a URL named twice raises."""
    rows: dict[str, Row] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, row in getattr(module, "ROWS", {}).items():
            if name in rows or name in existing:
                raise ValueError(f"Access matrix: {name} has two rows ({info.name}).")
            rows[name] = row
    return rows
