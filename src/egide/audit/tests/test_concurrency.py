"""Appends never wait for each other; sealers take turns (PostgreSQL: two real connections).

SQLite is skipped: it has a single writer by design, so a long write transaction there blocks
every other writer whatever the audit trail does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditCheckpoint, AuditEvent
from egide.audit.sealer import seal
from egide.audit.services import audit_record, audit_verify
from egide.cases import services as case_services
from egide.core.models import Region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has a single writer by design: a long write transaction blocks the others",
    ),
]

# The review saw a 25 s import delay another user's case page by 22.6 s; 3 s shows the same
# (any lock would add about the whole hold) while keeping the suite fast.
HOLD_SECONDS = 3.0
MAX_EXTRA_SECONDS = 0.100


class LongImport(threading.Thread):
    """Another connection: a transaction that writes audit events, then stays open."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.written = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                for i in range(50):
                    audit_record(actor=None, action="test.import_row", details={"row": i})
                self.written.set()
                time.sleep(HOLD_SECONDS)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.written.set()
        finally:
            connections.close_all()


def _timed(action: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def test_audited_case_page_is_not_delayed_by_a_long_transaction_in_another_connection(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    worker = persona(roles.CASE_WORKER)
    case = case_services.case_open(
        actor=worker, region=Region.objects.get(code="GN-L"), owner=worker
    )
    client = client_as(worker)
    url = reverse("cases:detail", args=[case.pk])

    def audited_read() -> None:
        assert client.get(url).status_code == 200

    def audited_write() -> None:
        with transaction.atomic():
            audit_record(actor=worker, action="test.read", obj=case)

    baseline_page, baseline_write = _timed(audited_read), _timed(audited_write)
    importer = LongImport()
    importer.start()
    assert importer.written.wait(10)
    started = time.monotonic()
    during_page, during_write = _timed(audited_read), _timed(audited_write)
    still_open = time.monotonic() - started < HOLD_SECONDS and importer.is_alive()
    importer.join()
    assert importer.error is None
    assert during_page - baseline_page < MAX_EXTRA_SECONDS, (baseline_page, during_page)
    assert during_write - baseline_write < MAX_EXTRA_SECONDS, (baseline_write, during_write)
    assert still_open, "the long transaction ended before the reads were measured"
    assert AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).count() >= 6


def test_concurrent_sealers_seal_each_event_once_in_one_chain() -> None:
    for i in range(300):
        audit_record(actor=None, action="test.event", details={"i": i})
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            counts.append(seal())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 300
    positions = AuditEvent.objects.order_by("seal_seq").values_list("seal_seq", flat=True)
    assert list(positions) == list(range(1, 301))
    assert AuditCheckpoint.objects.order_by("-tree_size")[0].tree_size == 300
    assert audit_verify() == (300, None)


def test_event_committed_late_by_a_long_transaction_is_sealed_after_later_ones() -> None:
    importer_in = threading.Event()
    release = threading.Event()

    def slow() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.slow")
                importer_in.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    assert importer_in.wait(10)
    quick = audit_record(actor=None, action="test.quick")
    assert seal() == 1  # the open transaction's event is not visible: not sealed, not skipped
    release.set()
    thread.join()
    assert seal() == 1
    slow_event = AuditEvent.objects.get(action="test.slow")
    assert slow_event.id < quick.id
    assert slow_event.seal_seq == 2
    assert audit_verify() == (2, None)
