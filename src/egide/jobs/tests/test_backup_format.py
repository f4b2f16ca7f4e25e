"""The backup file format: parts are encrypted and bound to their archive and their place, so a
backup cannot be truncated, reordered or spliced with another made under the same key."""

from __future__ import annotations

import io
import struct

import pytest
from cryptography.fernet import Fernet

from egide.jobs import backup
from egide.jobs.backup import MAGIC, BackupError, _decrypt, _encrypt

KEY = Fernet(Fernet.generate_key())


def _archive(data: bytes, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(backup, "CHUNK", 4)
    out = io.BytesIO()
    _encrypt(io.BytesIO(data), out, KEY)
    return out.getvalue()


def _parts(archive: bytes) -> tuple[bytes, list[bytes]]:
    head = len(MAGIC) + backup.ARCHIVE_ID_BYTES
    rest, parts = archive[head:], []
    while rest:
        size = struct.unpack(">I", rest[:4])[0]
        parts.append(rest[: 4 + size])
        rest = rest[4 + size :]
    return archive[:head], parts


def _read(archive: bytes) -> bytes:
    return b"".join(_decrypt(io.BytesIO(archive), KEY))


def test_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read(_archive(b"abcdefghij", monkeypatch)) == b"abcdefghij"
    assert _read(_archive(b"", monkeypatch)) == b""


def test_reordered_truncated_or_spliced_parts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    head, parts = _parts(_archive(b"aaaabbbbcccc", monkeypatch))
    other_head, other = _parts(_archive(b"xxxxyyyyzzzz", monkeypatch))
    assert len(parts) == 3
    with pytest.raises(BackupError, match="out of order"):
        _read(head + parts[1] + parts[0] + parts[2])
    with pytest.raises(BackupError, match="truncated"):
        _read(head + parts[0] + parts[1])
    with pytest.raises(BackupError, match="another backup"):
        _read(head + parts[0] + other[1] + parts[2])
    with pytest.raises(BackupError, match="not an Égide backup"):
        _read(b"PK\x03\x04" + b"x" * 40)


def test_a_version_1_backup_still_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    token = KEY.encrypt(struct.pack(">Q?", 0, True) + b"old")
    old = backup.MAGIC_V1 + struct.pack(">I", len(token)) + token
    assert _read(old) == b"old"
