"""The audit trail in the database: plain appends, one sealer, append-only, browsable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from egide.audit.models import AppendOnlyError, AuditCheckpoint, AuditEvent
from egide.audit.services import audit_verify

pytestmark = pytest.mark.django_db


def test_audit_record_inserts_unsealed_events_that_seal_chains_in_order(
    events: Callable[[int], list[AuditEvent]], seal_now: Callable[[], int]
) -> None:
    first, second, third = events(3)
    assert first.seal_seq is None and first.seal_hash == ""
    assert seal_now() == 3
    sealed = list(AuditEvent.objects.order_by("seal_seq").values_list("id", "seal_seq"))
    assert sealed == [(first.id, 1), (second.id, 2), (third.id, 3)]
    assert seal_now() == 0
    assert AuditCheckpoint.objects.get().tree_size == 3
    assert audit_verify() == (3, None)


def test_audit_seal_continues_the_chain_after_a_checkpoint(
    events: Callable[[int], list[AuditEvent]], seal_now: Callable[[], int]
) -> None:
    events(2)
    seal_now()
    events(3)
    assert seal_now() == 3
    assert list(AuditCheckpoint.objects.values_list("tree_size", flat=True)) == [5, 2]
    assert audit_verify() == (5, None)


def test_audit_commands_seal_then_report_intact_chain(
    events: Callable[[int], list[AuditEvent]],
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    events(3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "seal")
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "3 event(s) sealed" in out
    assert "Audit trail intact: 3 sealed event(s)" in out
    assert "latest: tree size 3" in out


def test_audit_event_model_refuses_update_and_delete(
    events: Callable[[int], list[AuditEvent]],
) -> None:
    event = events(1)[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(id=event.id).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(id=event.id).update(seal_seq=1, seal_hash="f" * 64)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "UPDATE audit_auditevent SET action = 'x', seal_seq = 99, seal_hash = 'f' WHERE id = %s",
        "UPDATE audit_auditevent SET seal_seq = 99, seal_hash = '' WHERE id = %s",
        "UPDATE audit_auditevent SET seal_hash = 'f' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_audit_table_refuses_raw_update_and_delete_on_postgresql(
    sql: str, events: Callable[[int], list[AuditEvent]]
) -> None:
    event = events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.id])
    assert AuditEvent.objects.filter(id=event.id, action=event.action, seal_seq=None).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL's")
def test_audit_table_lets_the_seal_be_set_once_on_postgresql(
    events: Callable[[int], list[AuditEvent]],
) -> None:
    event = events(1)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET seal_seq = 7, seal_hash = 'a' WHERE id = %s", [event.id]
        )
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET seal_seq = 8, seal_hash = 'b' WHERE id = %s",
                [event.id],
            )
    assert AuditEvent.objects.filter(id=event.id, seal_seq=7, seal_hash="a").exists()


def test_audit_record_many_appends_events_the_sealer_chains_like_single_ones(
    events: Callable[[int], list[AuditEvent]], seal_now: Callable[[], int]
) -> None:
    from egide.audit.services import audit_event, audit_record_many

    single = events(1)[0]
    built = [audit_event(actor=None, action="test.bulk", details={"i": i}) for i in range(3)]
    stored = audit_record_many(built)
    assert [e.pk for e in stored] == sorted(e.pk for e in stored) and stored[0].pk > single.pk
    assert AuditEvent.objects.filter(action="test.bulk", seal_seq__isnull=True).count() == 3
    assert seal_now() == 4
    assert audit_verify() == (4, None)
    # An event already in the trail cannot be appended again.
    with pytest.raises(AppendOnlyError):
        audit_record_many([single])
