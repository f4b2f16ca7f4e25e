"""The one sealer of the audit trail: seals committed events in order and signs a checkpoint.

`seal()` is safe to call from several processes at once (a periodic job, `egide audit seal`):
each call first takes the lock of the single `AuditSealState` row — an UPDATE, which is a row lock
on PostgreSQL and the write lock on SQLite — so sealers take turns, while appends (plain INSERTs)
never wait for it. Under the lock it reads the end of the chain, refuses to build on a chain that
is shorter than, or differs from, the last checkpoint written outside the database, gives each
committed unsealed event (in id order) its position and keyed hash, and signs a checkpoint. After
commit the checkpoint is appended to EGIDE_AUDIT_CHECKPOINT_FILE and posted to the witness.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from egide.audit import chain
from egide.audit.checkpoints import (
    Checkpoint,
    append_checkpoint,
    last_checkpoint,
    post_to_witness,
    sign_checkpoint,
)
from egide.audit.keys import configured_hmac_key, configured_signing_key
from egide.audit.models import (
    HASHED_COLUMNS,
    AuditCheckpoint,
    AuditEvent,
    AuditSealState,
    hashed_content,
)

logger = logging.getLogger("egide.audit")

READ_BATCH = 2000
# Events sealed per transaction (and per checkpoint) when a large backlog is sealed.
PER_TRANSACTION = 20_000

SEAL_REFUSED = (
    "The audit sealer refuses to seal: {reason}. Run `egide audit verify`. If this database was "
    "deliberately replaced, move the checkpoint file ({path}) aside before sealing again."
)


class SealRefusedError(Exception):
    """The chain in the database does not extend the last external checkpoint (tampering?)."""


def checkpoint_path() -> Path:
    """Where checkpoints are written outside the database."""
    return Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE)


def _take_seal_lock() -> None:
    now = timezone.now()
    if AuditSealState.objects.filter(pk=1).update(last_run_at=now):
        return
    try:
        with transaction.atomic():
            AuditSealState.objects.create(pk=1, last_run_at=now)
    except IntegrityError:  # another sealer created it first: wait for its lock
        AuditSealState.objects.filter(pk=1).update(last_run_at=now)


def chain_end() -> tuple[int, str]:
    """Position and stored hash of the last sealed event (0 and the genesis hash when none)."""
    last = (
        AuditEvent.objects.filter(seal_seq__isnull=False)
        .order_by("-seal_seq")
        .values_list("seal_seq", "seal_hash")
        .first()
    )
    if last is None or last[0] is None:
        return 0, chain.GENESIS_HASH
    return int(last[0]), last[1]


def _guard(seq: int) -> None:
    """Refuse to extend a chain that the last external checkpoint says was cut or changed."""
    path = checkpoint_path()
    latest = last_checkpoint(path)
    if latest is None:
        return
    if not latest.signature_valid(configured_signing_key().public_key()):
        # A line appended to the file must not switch the guard off: refuse, loudly.
        logger.error("the last checkpoint in %s has a bad signature; run egide audit verify", path)
        reason = f"the last checkpoint ({latest.time}) has a bad signature"
        raise SealRefusedError(SEAL_REFUSED.format(reason=reason, path=path))
    if latest.tree_size > seq:
        reason = (
            f"the chain ends at position {seq} but the checkpoint of {latest.time} covers "
            f"{latest.tree_size} events"
        )
        raise SealRefusedError(SEAL_REFUSED.format(reason=reason, path=path))
    if latest.tree_size:
        stored = (
            AuditEvent.objects.filter(seal_seq=latest.tree_size)
            .values_list("seal_hash", flat=True)
            .first()
        )
        if stored != latest.head:
            reason = (
                f"the hash at position {latest.tree_size} differs from the checkpoint of "
                f"{latest.time}"
            )
            raise SealRefusedError(SEAL_REFUSED.format(reason=reason, path=path))


def _write_seals(updates: list[tuple[int, str, int]]) -> None:
    """Set (position, hash) on each event id; the only UPDATE of the trail, once per event."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement per batch
            cursor.execute(
                f"UPDATE {table} AS e SET seal_seq = v.seq, seal_hash = v.hash "  # noqa: S608 - table name from the model
                "FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[]) AS v(seq, hash, id) "
                "WHERE e.id = v.id AND e.seal_seq IS NULL",
                [[u[0] for u in updates], [u[1] for u in updates], [u[2] for u in updates]],
            )
            written = cursor.rowcount
        else:
            written = 0
            for seq, hash_, event_id in updates:
                cursor.execute(
                    f"UPDATE {table} SET seal_seq = %s, seal_hash = %s "  # noqa: S608 - table name from the model
                    "WHERE id = %s AND seal_seq IS NULL",
                    [seq, hash_, event_id],
                )
                written += cursor.rowcount
    if written != len(updates):  # rolls the whole seal back
        raise RuntimeError(f"audit seal wrote {written} of {len(updates)} events; nothing sealed")


def _seal_some(key: bytes) -> tuple[int, Checkpoint | None]:
    """One transaction: seal up to PER_TRANSACTION events and sign a checkpoint for them."""
    with transaction.atomic():
        _take_seal_lock()
        seq, head = chain_end()
        _guard(seq)
        sealed = 0
        while sealed < PER_TRANSACTION:
            rows = list(
                AuditEvent.objects.filter(seal_seq__isnull=True)
                .order_by("id")
                .values(*HASHED_COLUMNS)[: min(READ_BATCH, PER_TRANSACTION - sealed)]
            )
            if not rows:
                break
            updates = []
            for row in rows:
                seq += 1
                head = chain.link_hash(key, head, seq, hashed_content(row))
                updates.append((seq, head, row["id"]))
            _write_seals(updates)
            sealed += len(rows)
        if not sealed:
            return 0, None
        checkpoint = sign_checkpoint(
            configured_signing_key(), seq, head, timezone.now().isoformat(timespec="seconds")
        )
        AuditCheckpoint.objects.create(
            tree_size=checkpoint.tree_size,
            head=checkpoint.head,
            signed_at=checkpoint.time,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
        )
    return sealed, checkpoint


def publish_checkpoint(checkpoint: Checkpoint) -> None:
    """Write the checkpoint outside the database: the append-only file, then the witness."""
    path = checkpoint_path()
    try:
        append_checkpoint(path, checkpoint)
    except OSError:
        logger.exception(
            "audit checkpoint of tree size %s NOT written to %s", checkpoint.tree_size, path
        )
    url = settings.EGIDE_AUDIT_WITNESS_URL
    if url:
        post_to_witness(
            url,
            checkpoint,
            settings.EGIDE_AUDIT_WITNESS_TIMEOUT,
            token=settings.EGIDE_AUDIT_WITNESS_TOKEN,
        )


def seal() -> int:
    """Seal every committed unsealed event in order; return how many were sealed.

    Raises SealRefusedError when the chain no longer extends the last external checkpoint, and
    ImproperlyConfigured when the audit keys are missing. Call it outside a transaction: the
    checkpoint leaves for the file and the witness once the seal is committed.
    """
    key = configured_hmac_key()
    total = 0
    while True:
        sealed, checkpoint = _seal_some(key)
        if checkpoint is not None:
            transaction.on_commit(partial(publish_checkpoint, checkpoint))
        total += sealed
        if sealed < PER_TRANSACTION:
            return total
