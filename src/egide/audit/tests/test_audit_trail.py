"""The audit trail in the database: append-only, tamper-evident, browsable by administrators."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from egide.audit.models import AppendOnlyError, AuditEvent
from egide.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [audit_record(actor=None, action=f"test.event{i}", details={"i": i}) for i in range(3)]


def test_audit_record_chains_each_event_to_the_previous() -> None:
    first, second, third = _three_events()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert audit_verify() == (AuditEvent.objects.count(), None)


def test_audit_verify_command_reports_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _three_events()
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def test_audit_verify_command_names_tampered_row() -> None:
    events = _three_events()
    target = events[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can bypass triggers; the hash chain still catches it.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.forged", target.id]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match=f"BROKEN at event {target.id}"):
        call_command("audit", "verify")


def test_audit_event_model_refuses_update_and_delete() -> None:
    event = _three_events()[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(id=event.id).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_audit_table_refuses_raw_update_and_delete_on_postgresql(sql: str) -> None:
    event = _three_events()[0]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.id])
    assert AuditEvent.objects.filter(id=event.id, action=event.action).exists()
