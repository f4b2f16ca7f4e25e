"""A database owner tampers with the audit trail; `egide audit verify` names what happened.

Each test works as the owner of the database would: raw SQL, the append-only trigger switched off
on PostgreSQL. The external checkpoint file (one per test, see the root conftest) is the witness.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.utils import CursorWrapper

from egide.audit import chain
from egide.audit.models import HASHED_COLUMNS, AuditEvent, hashed_content
from egide.audit.sealer import SealRefusedError, seal

pytestmark = pytest.mark.django_db

Owner = Callable[[], AbstractContextManager[CursorWrapper]]


def _verify_fails(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(CommandError, match="NOT intact") as failure:
        call_command("audit", "verify")
    return capsys.readouterr().err + str(failure.value)


@pytest.fixture
def sealed_trail(
    events: Callable[[int], list[AuditEvent]], seal_now: Callable[[], int]
) -> list[AuditEvent]:
    """Ten events, sealed, with their checkpoint written outside the database."""
    made = events(10)
    assert seal_now() == 10
    assert Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE).read_text().count("\n") == 1
    return made


def test_verify_reports_deleted_tail(
    sealed_trail: list[AuditEvent], as_owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seal_seq > 7")
    report = _verify_fails(capsys)
    assert "TRUNCATION" in report
    assert "covers 10 events" in report
    assert "the last 3 sealed event(s) were deleted" in report


def test_verify_reports_truncated_table(
    sealed_trail: list[AuditEvent], as_owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    with as_owner() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditevent")
        else:  # SQLite's TRUNCATE
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 0
    report = _verify_fails(capsys)
    assert "TRUNCATION" in report
    assert "holds no sealed event" in report


def test_verify_reports_event_deleted_in_the_middle(
    sealed_trail: list[AuditEvent], as_owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seal_seq IN (4, 5)")
    report = _verify_fails(capsys)
    assert "DELETION: 2 sealed event(s) are missing from the chain at position(s) 4–5" in report


def test_verify_reports_edited_event_rechained_without_the_key(
    sealed_trail: list[AuditEvent], as_owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app's own chain code, run by somebody who does not hold EGIDE_AUDIT_KEY."""
    target = sealed_trail[3]
    guessed_key = b"the attacker's guess of EGIDE_AUDIT_KEY"
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.forged", target.id]
        )
        rows = AuditEvent.objects.order_by("seal_seq").values("seal_seq", *HASHED_COLUMNS)
        prev = chain.GENESIS_HASH
        for row in rows:
            seq = row.pop("seal_seq")
            if seq < 4:
                prev = AuditEvent.objects.get(seal_seq=seq).seal_hash
                continue
            prev = chain.link_hash(guessed_key, prev, seq, hashed_content(row))
            cursor.execute(
                "UPDATE audit_auditevent SET seal_hash = %s WHERE seal_seq = %s", [prev, seq]
            )
    report = _verify_fails(capsys)
    assert "REWRITING" in report
    assert f"7 event(s) do not match their keyed hash, first event {target.id} at position 4" in (
        report
    )
    assert "does not match 1 signed checkpoint(s), the first at position 10" in report


def test_verify_reports_edited_event_alone(
    sealed_trail: list[AuditEvent], as_owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    target = sealed_trail[6]
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"i": 99}', target.id]
        )
    report = _verify_fails(capsys)
    assert f"REWRITING: 1 event(s) do not match their keyed hash, first event {target.id}" in report


def test_verify_reports_forged_checkpoint_signature(
    sealed_trail: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE)
    line = json.loads(path.read_text())
    line["tree_size"] = 4  # a shorter tree, to hide a later truncation
    with path.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    report = _verify_fails(capsys)
    assert "BAD CHECKPOINT SIGNATURE" in report
    assert "line 2 (tree size 4" in report


def test_verify_reports_missing_checkpoint_file(
    sealed_trail: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE).unlink()
    report = _verify_fails(capsys)
    assert "NO EXTERNAL CHECKPOINT" in report


def test_sealer_refuses_to_extend_a_truncated_chain(
    sealed_trail: list[AuditEvent],
    as_owner: Owner,
    events: Callable[[int], list[AuditEvent]],
) -> None:
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seal_seq > 5")
    events(2)
    with pytest.raises(SealRefusedError, match="checkpoint .* covers 10 events"):
        seal()
    assert AuditEvent.objects.filter(seal_seq__isnull=True).count() == 2


def test_sealer_refuses_to_extend_a_rechained_chain(
    sealed_trail: list[AuditEvent], as_owner: Owner
) -> None:
    with as_owner() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seal_hash = %s WHERE seal_seq = 10", ["0" * 64])
    with pytest.raises(SealRefusedError, match="differs from the checkpoint"):
        seal()


def test_sealer_refuses_when_the_last_checkpoint_is_forged(
    sealed_trail: list[AuditEvent], events: Callable[[int], list[AuditEvent]]
) -> None:
    # A forged line appended to the file must not switch the sealer's guard off.
    path = Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE)
    line = json.loads(path.read_text())
    line["tree_size"] = 0
    with path.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    events(1)
    with pytest.raises(SealRefusedError, match="bad signature"):
        seal()
