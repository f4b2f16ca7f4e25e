"""Signed checkpoints: signature, file, witness (up and down)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from egide.audit import checkpoints
from egide.audit.keys import new_signing_key, signing_key
from egide.audit.models import AuditEvent

KEY = signing_key(settings.EGIDE_AUDIT_SIGNING_KEY)


def test_checkpoint_signature_covers_size_head_and_time() -> None:
    cp = checkpoints.sign_checkpoint(KEY, 10, "ab" * 32, "2026-11-24T02:00:00+00:00")
    public = KEY.public_key()
    assert cp.signature_valid(public)
    parsed = checkpoints.parse_checkpoint(cp.to_json())
    assert parsed == cp
    for changed in ({"tree_size": 9}, {"head": "cd" * 32}, {"time": "2026-11-25T02:00:00+00:00"}):
        forged = checkpoints.parse_checkpoint(json.dumps({**json.loads(cp.to_json()), **changed}))
        assert not forged.signature_valid(public)
    other = signing_key(new_signing_key())
    assert not cp.signature_valid(other.public_key())


def test_checkpoint_file_is_appended_and_its_last_line_read(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "checkpoints.jsonl"
    for size in (1, 2, 3):
        checkpoints.append_checkpoint(path, checkpoints.sign_checkpoint(KEY, size, "0" * 64, "T"))
    with path.open("a") as handle:
        handle.write('{"half a line')
    assert [
        c.tree_size for _, c in checkpoints.read_checkpoints(path) if not isinstance(c, ValueError)
    ] == [1, 2, 3]
    last = checkpoints.last_checkpoint(path)
    assert last is not None and last.tree_size == 3
    assert oct(path.stat().st_mode & 0o777) == "0o600"


class _Witness(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []
    authorizations: list[str | None] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        _Witness.authorizations.append(self.headers.get("Authorization"))
        length = int(self.headers["Content-Length"])
        _Witness.received.append(json.loads(self.rfile.read(length)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def witness() -> Iterator[str]:
    _Witness.received = []
    _Witness.authorizations = []
    server = HTTPServer(("127.0.0.1", 0), _Witness)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/checkpoints"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_seal_posts_the_checkpoint_to_the_witness(
    witness: str,
    settings: Any,
    events: Callable[[int], list[AuditEvent]],
    seal_now: Callable[[], int],
) -> None:
    settings.EGIDE_AUDIT_WITNESS_URL = witness
    settings.EGIDE_AUDIT_WITNESS_TOKEN = "witness-token-test"
    events(4)
    assert seal_now() == 4
    assert len(_Witness.received) == 1
    assert _Witness.authorizations == ["Bearer witness-token-test"]
    posted = checkpoints.parse_checkpoint(json.dumps(_Witness.received[0]))
    assert posted.tree_size == 4
    assert posted.signature_valid(KEY.public_key())
    assert Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE).read_text().strip() == posted.to_json()


@pytest.mark.django_db
def test_seal_keeps_the_seal_and_the_file_when_the_witness_is_down(
    settings: Any,
    events: Callable[[int], list[AuditEvent]],
    seal_now: Callable[[], int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EGIDE_AUDIT_WITNESS_URL = "http://127.0.0.1:9/down"  # the discard port: refused
    settings.EGIDE_AUDIT_WITNESS_TIMEOUT = 1.0
    events(2)
    with caplog.at_level(logging.WARNING, logger="egide.audit"):
        assert seal_now() == 2
    assert "witness http://127.0.0.1:9/down unreachable" in caplog.text
    assert AuditEvent.objects.filter(seal_seq__isnull=True).count() == 0
    assert checkpoints.last_checkpoint(Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE)) is not None
