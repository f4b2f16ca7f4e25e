"""Encrypted backups that restore: `egide backup` / `egide restore`.

The archive is a tar (database dump + uploaded files + manifest) encrypted with the backup key
EGIDE_BACKUP_KEY (Fernet), in 1 MiB chunks each carrying its index and an end mark, so that a
truncated, reordered or altered archive is refused. The field keys are never in it: the database
holds only ciphertext, and a restore needs the same EGIDE_FIELD_KEYS as the backed-up instance.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection
from django.utils import timezone

MAGIC_V1 = b"EGIDE-BACKUP-1\n"
# Version 2: a random archive id follows the magic and is sealed into every part, so parts of two
# backups made with the same key cannot be spliced together.
MAGIC = b"EGIDE-BACKUP-2\n"
ARCHIVE_ID_BYTES = 16
CHUNK = 1024 * 1024
FORMAT = 1


class BackupError(Exception):
    """A clear reason why a backup or a restore cannot be done."""


def _fernet() -> Fernet:
    key = (settings.EGIDE_BACKUP_KEY or "").strip()
    if not key:
        raise BackupError(
            'EGIDE_BACKUP_KEY is not set. Generate one with `python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"` and keep it apart from '
            "the field keys (a backup cannot be read without it)."
        )
    if key in settings.EGIDE_FIELD_KEYS:
        raise BackupError("EGIDE_BACKUP_KEY must not be one of EGIDE_FIELD_KEYS.")
    try:
        return Fernet(key.encode("ascii"))
    except ValueError as exc:
        raise BackupError("EGIDE_BACKUP_KEY is not a valid Fernet key.") from exc


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _encrypt(source: BinaryIO, target: BinaryIO, fernet: Fernet) -> None:
    archive_id = secrets.token_bytes(ARCHIVE_ID_BYTES)
    target.write(MAGIC + archive_id)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        token = fernet.encrypt(archive_id + struct.pack(">Q?", index, last) + chunk)
        target.write(struct.pack(">I", len(token)) + token)
        if last:
            return
        chunk, index = following, index + 1


def _decrypt(source: BinaryIO, fernet: Fernet) -> Iterator[bytes]:
    magic = source.read(len(MAGIC))
    if magic == MAGIC:
        archive_id = source.read(ARCHIVE_ID_BYTES)
    elif magic == MAGIC_V1:
        archive_id = b""
    else:
        raise BackupError("This file is not an Égide backup.")
    index = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("The backup is truncated (its end mark is missing).")
        token = source.read(struct.unpack(">I", size)[0])
        try:
            plain = fernet.decrypt(token)
        except InvalidToken as exc:
            raise BackupError(
                "The backup cannot be decrypted: wrong EGIDE_BACKUP_KEY, or an altered file."
            ) from exc
        if not plain.startswith(archive_id):
            raise BackupError("The backup holds parts of another backup.")
        plain = plain[len(archive_id) :]
        number, last = struct.unpack(">Q?", plain[:9])
        if number != index:
            raise BackupError("The backup's parts are out of order.")
        yield plain[9:]
        if last:
            return
        index += 1


def _table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def backup_write(path: Path) -> dict[str, Any]:
    """Write an encrypted, consistent archive of the database and the uploaded files."""
    fernet = _fernet()
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    with tempfile.TemporaryDirectory(prefix="egide-backup-") as tmp:
        work = Path(tmp)
        dump = work / "database.dump"
        if vendor == "postgresql":
            subprocess.run(  # noqa: S603
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(dump)],  # noqa: S607
                env=_pg_env(),
                check=True,
            )
        else:
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "tables": _table_counts(),
        }
        archive = work / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname="database.dump")
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir() and any(media.iterdir()):
                tar.add(media, arcname="media")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, archive.open("rb") as source:
            _encrypt(source, out, fernet)
        partial.replace(path)
    return manifest


def backup_restore(path: Path) -> dict[str, Any]:
    """Restore an archive into the configured database, which must be empty."""
    fernet = _fernet()
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty "
            f"({len(existing)} tables). Restore into a new, empty database: create it, point "
            "DATABASE_URL at it, and run `egide restore` again."
        )
    with tempfile.TemporaryDirectory(prefix="egide-restore-") as tmp:
        work = Path(tmp)
        archive = work / "archive.tar"
        with path.open("rb") as source, archive.open("wb") as out:
            for part in _decrypt(source, fernet):
                out.write(part)
        with tarfile.open(archive) as tar:
            tar.extractall(work / "x", filter="data")
        manifest: dict[str, Any] = json.loads((work / "x" / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("This backup was written by an incompatible version of Égide.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; the configured database "
                f"is {connection.vendor}."
            )
        dump = work / "x" / "database.dump"
        if connection.vendor == "postgresql":
            subprocess.run(  # noqa: S603
                [  # noqa: S607
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "-d",
                    str(connection.settings_dict["NAME"]),
                ],
                input=dump.read_bytes(),
                env=_pg_env(),
                check=True,
            )
        else:
            connection.ensure_connection()
            source_db = sqlite3.connect(dump)
            with source_db:
                source_db.backup(connection.connection)
            source_db.close()
        media = work / "x" / "media"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    manifest["restored_tables"] = _table_counts()
    return manifest
