"""Helpers of the audit tests: sealing with the checkpoint published, raw SQL as the owner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper

from egide.audit.models import AuditEvent
from egide.audit.sealer import seal
from egide.audit.services import audit_record


@pytest.fixture
def seal_now(django_capture_on_commit_callbacks: Any) -> Callable[[], int]:
    """seal(), then run its after-commit publication (the test's transaction never commits)."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return seal()

    return run


@pytest.fixture
def events() -> Callable[[int], list[AuditEvent]]:
    def make(n: int) -> list[AuditEvent]:
        return [
            audit_record(actor=None, action=f"test.event{i}", details={"i": i}) for i in range(n)
        ]

    return make


@contextmanager
def _as_owner() -> Iterator[CursorWrapper]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The table's owner can switch the append-only trigger off; the chain must still tell.
            # (The deferred foreign-key checks of the inserted events run first, as at commit.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
            )
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only"
            )


@pytest.fixture
def as_owner() -> Callable[[], AbstractContextManager[CursorWrapper]]:
    """Raw SQL on the audit table with the database owner's powers (trigger disabled)."""
    return _as_owner
