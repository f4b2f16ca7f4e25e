"""Writes that span every app: re-encryption under a new key."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from egide.audit.services import audit_record
from egide.core import crypto
from egide.core.fields import encrypted_fields

ROTATE_BATCH = 500


def encryption_keys_rotate(*, actor: Any | None) -> dict[str, int]:
    """Re-encrypt every encrypted column under the first key, batch by batch; audited per model.

    Works on the raw ciphertext (never decrypts to a Python object graph) and skips nothing:
    a value no key can decrypt stops the rotation with DecryptionError.
    """
    counts: dict[str, int] = {}
    for model, fields in encrypted_fields():
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(f.column) for f in fields]
        done = 0
        last_pk: Any = None
        while True:
            with transaction.atomic():
                where = f"WHERE {pk} > %s " if last_pk is not None else ""
                params = [last_pk] if last_pk is not None else []
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}"  # noqa: S608
                        f"ORDER BY {pk} LIMIT {ROTATE_BATCH}",
                        params,
                    )
                    rows = cursor.fetchall()
                    for row in rows:
                        updates = [
                            (col, crypto.rotate_token(val))
                            for col, val in zip(columns, row[1:], strict=True)
                            if val
                        ]
                        if updates:
                            sets = ", ".join(f"{col} = %s" for col, _v in updates)
                            cursor.execute(
                                f"UPDATE {table} SET {sets} WHERE {pk} = %s",  # noqa: S608
                                [v for _c, v in updates] + [row[0]],
                            )
                            done += len(updates)
            if len(rows) < ROTATE_BATCH:
                break
            last_pk = rows[-1][0]
        counts[model._meta.label] = done
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="encryption.keys_rotated",
                object_type=model._meta.label_lower,
                details={"values": done},
            )
    return counts
