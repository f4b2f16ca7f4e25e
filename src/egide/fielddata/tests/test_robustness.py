"""Odd input never ends in a 500 nor a failed run: one unreadable record is rejected with a
reason, an unreadable file gets a clear message and imports nothing (review of session 3)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egide.accounts import roles
from egide.cases.models import Alert
from egide.fielddata import services
from egide.fielddata.models import ImportRun, SubmissionOutcome, SubmissionRecord
from egide.fielddata.records import RecordError, from_kobo, parse_one
from egide.fielddata.tests.builders import alert_columns, central_zip
from egide.fielddata.tests.test_kobo import kobo_connection, kobo_record  # noqa: F401

pytestmark = pytest.mark.django_db

UUID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def upload(client: Any, name: str, content: bytes) -> Any:
    return client.post(
        reverse("fielddata:upload"),
        {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


def test_kobo_attachments_that_are_not_a_list_are_ignored() -> None:
    submission = from_kobo("egide_alerte", {"_uuid": UUID, "_attachments": 5})
    assert submission.attachments == () and submission.extra["kobo_attachments"] == []


def test_a_parser_bug_on_one_record_rejects_that_record_only() -> None:
    def broken(form_id: str, record: Any) -> Any:
        raise TypeError("boom")

    result = parse_one(broken, "egide_alerte", {}, "record 3")
    assert isinstance(result, RecordError) and "record 3" in str(result)


odd_attachments = [{"_xform_id_string": "egide_alerte", "_uuid": UUID, "_attachments": 5}]


@pytest.mark.parametrize(
    "records",
    [
        odd_attachments,
        [{"_xform_id_string": "egide_alerte", "_uuid": UUID, "_submission_time": {"a": 1}}],
        {"results": [{"_uuid": 5, "meta/instanceID": ["x"]}]},
    ],
)
def test_odd_kobo_records_are_rejected_one_by_one(
    persona: Any, client_as: Any, records: Any
) -> None:
    client = client_as(persona(roles.COORDINATOR))
    client.raise_request_exception = True
    response = upload(client, "export.json", json.dumps(records).encode())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert sum(run.counts.values()) == 1 and run.error == ""
    assert SubmissionOutcome.objects.get().outcome != "rejected" or records != odd_attachments


def test_a_deeply_nested_json_gets_a_clear_message(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.COORDINATOR))
    client.raise_request_exception = True
    response = upload(client, "deep.json", b"[" * 100000 + b"]" * 100000)
    assert response.status_code == 400
    assert "KoboToolbox" in response.content.decode()
    assert not ImportRun.objects.exists()


def _patched(content: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """The zip with its member's flag bits or compression method rewritten in both headers."""
    data = bytearray(content)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    if method is not None:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    return bytes(data)


def _one_member_zip() -> bytes:
    archive = io.BytesIO()
    rows = central_zip("egide_alerte", [{**alert_columns(), "KEY": "uuid:z1"}])
    with zipfile.ZipFile(io.BytesIO(rows)) as source:
        text = source.read("egide_alerte.csv")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("egide_alerte.csv", text)
    return archive.getvalue()


@pytest.mark.parametrize(
    "changes",
    [{"flags": 1}, {"method": 97}, {"method": zipfile.ZIP_DEFLATED}],
    ids=["encrypted", "unsupported", "corrupt"],
)
def test_an_unreadable_zip_member_gets_a_clear_message(
    persona: Any, client_as: Any, changes: dict[str, int]
) -> None:
    client = client_as(persona(roles.COORDINATOR))
    client.raise_request_exception = True
    response = upload(client, "egide_alerte.csv.zip", _patched(_one_member_zip(), **changes))
    assert response.status_code == 400
    assert "ODK Central" in response.content.decode()
    assert not ImportRun.objects.exists() and not SubmissionRecord.objects.exists()


def test_an_odd_record_of_a_kobo_pull_is_rejected_not_the_run(
    kobo: Any,
    kobo_connection: Any,  # noqa: F811
) -> None:
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [
        kobo_record("k1", time="2026-11-24T01:00:00"),
        kobo_record("k2", time="2026-13-45T99:00:00"),
        {"_uuid": "", "_submission_time": "2026-11-24T03:00:00", "_attachments": 5},
    ]
    run = services.pull(connection=kobo_connection, actor=None)
    assert run.error == "" and run.counts["created"] == 1 and run.counts["rejected"] == 2
    assert Alert.objects.count() == 1
