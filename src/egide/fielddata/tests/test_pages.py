"""The import page and its report, offline uploads and their bad-input cases."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from egide.accounts import roles
from egide.cases.models import Alert
from egide.fielddata.models import FieldAccount, ImportRun, SubmissionRecord
from egide.fielddata.tests.builders import alert_columns, central_zip
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(persona: Any) -> None:
    FieldAccount.objects.create(remote_id="5", user=persona(roles.MIGRANT_AMBASSADOR))


def upload(client: Any, name: str, content: bytes, **extra: Any) -> Any:
    return client.post(
        reverse("fielddata:upload"),
        {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
        **extra,
    )


def test_upload_of_a_central_export_and_its_report(
    persona: Any, client_as: Any, accounts: None
) -> None:
    content = central_zip(
        "egide_alerte",
        [
            {**alert_columns(), "KEY": "uuid:a1"},
            {**alert_columns(region="GN-ZZ", prefecture=""), "KEY": "uuid:a2"},
            {**alert_columns(egide_version="2024060101"), "KEY": "uuid:a3"},
            {**alert_columns(), "KEY": "uuid:a4", "review": "rejected"},
            {**alert_columns(), "KEY": "uuid:a5", "submitter": "999"},
        ],
    )
    client = client_as(persona(roles.COORDINATOR))
    response = upload(client, "egide_alerte.csv.zip", content)
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "held": 1,
        "rejected": 2,
        "skipped": 1,
        "deleted": 0,
    }
    assert Alert.objects.count() == 1
    report = client.get(response["Location"]).content.decode()
    assert "GN-ZZ" in report and "2024060101" in report and "999" in report
    held = SubmissionRecord.objects.get(logical_id="uuid:a5")
    assert client.get(reverse("fielddata:record", args=[held.pk])).status_code == 200
    # The same export again changes nothing.
    upload(client, "egide_alerte.csv.zip", content)
    assert ImportRun.objects.first().counts["unchanged"] == 1 and Alert.objects.count() == 1
    page = client.get(reverse("fielddata:imports")).content.decode()
    assert "egide_alerte.csv.zip" in page and "GN-ZZ" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.csv.zip", b"PK\x03\x04 not really a zip", "pas une archive zip"),
        ("export.zip", None, "pas un export ODK Central"),
        ("alerte.csv.zip", "alerte", "ne provient pas d&#x27;un formulaire d&#x27;Égide"),
        ("egide_alerte.csv.zip", "nokey", "KEY"),
        ("export.json", b"{not json", "pas du JSON valide"),
        ("export.pdf", b"%PDF-1.4", ".csv.zip"),
    ],
)
def test_bad_files_get_a_clear_message_and_import_nothing(
    persona: Any, client_as: Any, name: str, content: Any, message: str
) -> None:
    if content is None:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("notes.txt", "rien")
        content = archive.getvalue()
    elif content == "alerte":  # the recorded Central export of a form that is not Égide's
        from egide.fielddata.tests.fakes import fixture

        heads = fixture("odk_csvzip_heads.json")["files"]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            for file, lines in heads.items():
                zf.writestr(file, "\n".join(lines) + "\n")
        content = archive.getvalue()
    elif content == "nokey":
        content = central_zip("egide_alerte", [{**alert_columns(), "KEY": "uuid:x"}], drop=("KEY",))
    client = client_as(persona(roles.COORDINATOR))
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists() and not SubmissionRecord.objects.exists()


def test_a_200_mb_upload_is_refused_before_it_is_read(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.COORDINATOR))
    response = client.post(
        reverse("fielddata:upload"),
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "50 Mo" in page or "50 MB" in page
    assert not ImportRun.objects.exists()


def test_a_large_file_in_a_small_request_is_refused_by_the_form(
    persona: Any, client_as: Any, settings: Any
) -> None:
    from egide.fielddata import forms

    settings.DEBUG = False
    client = client_as(persona(roles.COORDINATOR))
    original = forms.MAX_UPLOAD_BYTES
    forms.MAX_UPLOAD_BYTES = 10
    try:
        response = upload(client, "egide_alerte.csv.zip", b"0123456789abcdef")
    finally:
        forms.MAX_UPLOAD_BYTES = original
    assert response.status_code == 400 and not ImportRun.objects.exists()


def test_ambassadors_see_only_their_own_outcomes(persona: Any, client_as: Any) -> None:
    ambassador = persona(roles.MIGRANT_AMBASSADOR)
    other = make_user(
        "autre_ambassadeur", roles.MIGRANT_AMBASSADOR, ambassador.organisation, ["GN-L"]
    )
    FieldAccount.objects.create(remote_id="5", user=ambassador)
    FieldAccount.objects.create(remote_id="6", user=other)
    content = central_zip(
        "egide_alerte",
        [
            {**alert_columns(region="GN-ZZ", prefecture=""), "KEY": "uuid:mine"},
            {
                **alert_columns(region="GN-YY", prefecture=""),
                "KEY": "uuid:theirs",
                "submitter": "6",
            },
        ],
    )
    upload(client_as(persona(roles.COORDINATOR)), "egide_alerte.csv.zip", content)
    client = client_as(ambassador)
    page = client.get(reverse("fielddata:imports")).content.decode()
    assert "GN-ZZ" in page and "GN-YY" not in page
    mine = SubmissionRecord.objects.get(logical_id="uuid:mine")
    theirs = SubmissionRecord.objects.get(logical_id="uuid:theirs")
    assert client.get(reverse("fielddata:record", args=[mine.pk])).status_code == 200
    assert client.get(reverse("fielddata:record", args=[theirs.pk])).status_code == 404
    # The run report is for managers only.
    run = ImportRun.objects.get()
    assert client.get(reverse("fielddata:run", args=[run.pk])).status_code == 404
    # An ambassador cannot re-apply.
    assert (
        client.post(reverse("fielddata:record", args=[mine.pk]), {"region": "GN-L"}).status_code
        == 404
    )
    from egide.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="fielddata.submission_viewed").count() == 1


def test_kobo_json_export(persona: Any, client_as: Any, accounts: None) -> None:
    from egide.fielddata.tests.test_kobo import kobo_record

    FieldAccount.objects.create(remote_id="agent_labe", user=persona(roles.CASE_WORKER))
    records = [kobo_record("u1"), kobo_record("u2", region="GN-ZZ")]
    client = client_as(persona(roles.COORDINATOR))
    response = upload(client, "export.json", json.dumps(records).encode())
    assert response.status_code == 302
    assert ImportRun.objects.get().counts["created"] == 1
    assert ImportRun.objects.get().counts["rejected"] == 1


def test_kobo_xlsx_export_with_a_repeat(persona: Any, client_as: Any) -> None:
    from datetime import timedelta

    from openpyxl import Workbook

    from egide.training.models import Attendance
    from egide.training.services import participant_register, session_create

    trainer = persona(roles.TRAINER)
    FieldAccount.objects.create(remote_id="formatrice", user=trainer)
    day = timezone.localdate() - timedelta(days=1)
    session = session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=day,
        end_date=day,
    )
    one = participant_register(
        actor=trainer,
        session=session,
        full_name="Awa Bah (fictive)",
        sex="female",
        age_band="25_59",
        actor_type="cso",
    )
    book = Workbook()
    main = book.active
    main.title = "Feuille de présence"
    main.append(
        [
            "session",
            "day",
            "egide_version",
            "meta/instanceID",
            "_uuid",
            "_submission_time",
            "_submitted_by",
            "_index",
        ]
    )
    main.append(
        [
            session.pk,
            day.isoformat(),
            "e1-c1.0-r1.0",
            "uuid:k1",
            "k1",
            "2026-11-24T01:00:00",
            "formatrice",
            1,
        ]
    )
    rep = book.create_sheet("participants")
    rep.append(["participants/enrollment", "participants/present", "_parent_index"])
    rep.append([one.pk, "yes", 1])
    out = io.BytesIO()
    book.save(out)
    response = upload(client_as(persona(roles.COORDINATOR)), "presence.xlsx", out.getvalue())
    assert response.status_code == 302, response.content.decode()[:300]
    assert ImportRun.objects.get().counts["created"] == 1
    assert Attendance.objects.get(enrollment=one).present


def test_field_commands(persona: Any, tmp_path: Any, accounts: None) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "egide_alerte.csv.zip"
    path.write_bytes(central_zip("egide_alerte", [{**alert_columns(), "KEY": "uuid:c1"}]))
    out = io.StringIO()
    call_command("field", "import", str(path), stdout=out)
    assert "created=1" in out.getvalue()
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="zip"):
        call_command("field", "import", str(bad))
    with pytest.raises(CommandError, match="No connection"):
        call_command("field", "pull", "--connection", "nope")


def test_pages_show_no_raw_code(persona: Any, client_as: Any, accounts: None) -> None:
    from django.utils import translation

    from tests.test_raw_codes import raw_codes, raw_codes_in

    content = central_zip(
        "egide_alerte",
        [
            {**alert_columns(), "KEY": "uuid:r1"},
            {**alert_columns(region="GN-ZZ", prefecture=""), "KEY": "uuid:r2"},
        ],
    )
    coordinator = client_as(persona(roles.COORDINATOR))
    upload(coordinator, "egide_alerte.csv.zip", content)
    run = ImportRun.objects.get()
    rejected = SubmissionRecord.objects.get(logical_id="uuid:r2")
    with translation.override("fr"):
        codes = raw_codes()
    pages = [
        (coordinator, reverse("fielddata:forms")),
        (coordinator, reverse("fielddata:imports")),
        (coordinator, reverse("fielddata:run", args=[run.pk])),
        (coordinator, reverse("fielddata:record", args=[rejected.pk])),
        (client_as(persona(roles.MIGRANT_AMBASSADOR)), reverse("fielddata:imports")),
        (
            client_as(persona(roles.MIGRANT_AMBASSADOR)),
            reverse("fielddata:record", args=[rejected.pk]),
        ),
    ]
    for client, url in pages:
        html = client.get(url).content.decode()
        assert raw_codes_in(html, codes) == [], url


def test_the_size_is_checked_before_the_csrf_check_reads_the_body(persona: Any) -> None:
    """With CSRF checks on (as in production), a 200 MB body is refused by its declared length:
    the CSRF middleware does not parse it first (that would write it all to disk)."""
    from django.test import Client

    from tests.personas import login_verified

    client = login_verified(Client(enforce_csrf_checks=True), persona(roles.COORDINATOR))
    response = client.post(
        reverse("fielddata:upload"),
        b"--xyz--",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 302 and response["Location"] == reverse("fielddata:imports")
    # A normal-sized upload without its CSRF token is still refused.
    refused = client.post(
        reverse("fielddata:upload"),
        {"file": SimpleUploadedFile("egide_alerte.csv.zip", b"PK")},
    )
    assert refused.status_code == 403
    assert not ImportRun.objects.exists()


def test_central_export_with_a_repeat(persona: Any, client_as: Any) -> None:
    """The attendance sheet's repeat comes in its own CSV, joined by PARENT_KEY."""
    from egide.training.models import Attendance
    from egide.training.services import participant_register, session_create

    trainer = persona(roles.TRAINER)
    FieldAccount.objects.create(remote_id="8", user=trainer)
    day = timezone.localdate() - timedelta(days=1)
    session = session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=day,
        end_date=day,
    )
    one = participant_register(
        actor=trainer,
        session=session,
        full_name="Awa Bah (fictive)",
        sex="female",
        age_band="25_59",
        actor_type="cso",
    )
    two = participant_register(
        actor=trainer,
        session=session,
        full_name="Ibrahima Sow (fictif)",
        sex="male",
        age_band="18_24",
        actor_type="cbo",
    )
    content = central_zip(
        "egide_presence",
        [
            {
                "egide_version": "e1-c1.0-r1.0",
                "session": str(session.pk),
                "day": day.isoformat(),
                "KEY": "uuid:p1",
                "submitter": "8",
            }
        ],
        repeats={
            "participants": [
                {
                    "enrollment": one.pk,
                    "present": "yes",
                    "PARENT_KEY": "uuid:p1",
                    "KEY": "uuid:p1/participants[1]",
                },
                {
                    "enrollment": two.pk,
                    "present": "no",
                    "PARENT_KEY": "uuid:p1",
                    "KEY": "uuid:p1/participants[2]",
                },
            ]
        },
    )
    response = upload(client_as(persona(roles.COORDINATOR)), "egide_presence.csv.zip", content)
    assert response.status_code == 302
    assert ImportRun.objects.get().counts["created"] == 1
    assert {a.enrollment_id: a.present for a in Attendance.objects.all()} == {
        one.pk: True,
        two.pk: False,
    }
