"""Sessions, participants, attendance, tests, certificates, exports and reach."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.core.models import Prefecture, Region
from egide.outreach import services as outreach_services
from egide.outreach.models import Dialogue
from egide.outreach.reach import reach
from egide.training import scoring, services
from egide.training.curriculum import question_index
from egide.training.models import Attendance, Participant, TestAttempt, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(persona: Callable[[str], User]) -> User:
    return persona(roles.TRAINER)


@pytest.fixture
def labe() -> Region:
    return Region.objects.get(code="GN-L")


def _session(
    trainer: User,
    region: Region | None = None,
    kind: str = "workshop",
    start: date = date(2026, 11, 2),
    end: date = date(2026, 11, 6),
) -> TrainingSession:
    return services.session_create(
        actor=trainer,
        kind=kind,
        title=f"{kind} test (fictif)",
        modules=["M1", "M2"],
        start_date=start,
        end_date=end,
        region=region,
    )


def _register(trainer: User, session: TrainingSession, name: str, phone: str = "") -> Any:
    return services.participant_register(
        actor=trainer,
        session=session,
        full_name=name,
        sex="female",
        age_band="25_59",
        actor_type="cso",
        phone=phone,
    )


def _all_right(test: Any) -> dict[str, int]:
    bank = question_index()
    return {code: bank[code]["answer"] for code in test.question_codes}


def test_attendance_day_outside_the_session_is_refused_and_nothing_saved(
    trainer: User, labe: Region
) -> None:
    session = _session(trainer, labe)
    enrollment = _register(trainer, session, "Fanta Camara")
    with pytest.raises(services.TrainingError, match="2026-11-09"):
        services.attendance_record(
            actor=trainer, session=session, day=date(2026, 11, 9), present_ids={enrollment.pk}
        )
    assert not Attendance.objects.exists()


def test_answer_for_a_question_not_in_the_test_is_refused_and_nothing_saved(
    trainer: User, labe: Region
) -> None:
    session = _session(trainer, labe)
    enrollment = _register(trainer, session, "Fanta Camara")
    pre, _post = services.tests_prepare(actor=trainer, session=session)
    with pytest.raises(scoring.AnswerError, match="M5-Q01"):
        services.test_submit(test=pre, enrollment=enrollment, answers={"M5-Q01": 0})
    assert not TestAttempt.objects.exists()


def test_pre_and_post_tests_have_the_same_questions_in_another_order(
    trainer: User, labe: Region
) -> None:
    pre, post = services.tests_prepare(actor=trainer, session=_session(trainer, labe))
    assert sorted(pre.question_codes) == sorted(post.question_codes)
    assert len(pre.question_codes) == 20 and pre.question_codes != post.question_codes
    assert pre.is_open and not post.is_open


def test_participant_contacts_are_encrypted(trainer: User, labe: Region) -> None:
    _register(trainer, _session(trainer, labe), "Mariama Soumah", phone="+224 664 12 34 56")
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, phone, name_index FROM training_participant")
        raw = " ".join(cursor.fetchone())
    assert "Soumah" not in raw and "664" not in raw


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["full_name", "sex", "age_band", "actor_type", "organisation", "phone"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_with_a_bad_row_imports_nothing_and_names_the_row(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    session = _session(trainer, labe)
    content = _xlsx(
        [
            ["Aminata Cissé", "female", "18_24", "cbo", "ASL", ""],
            ["Thierno Baldé", "homme", "25_59", "police", "", ""],
        ]
    )
    client = client_as(trainer)
    upload = SimpleUploadedFile("p.xlsx", content)
    response = client.post(
        reverse("training:import", args=[session.pk]), {"file": upload}, follow=True
    )
    body = response.content.decode()
    assert "Ligne 3" in body and "sex" in body
    assert session.enrollments.count() == 0 and not Participant.objects.exists()
    good = _xlsx([["Aminata Cissé", "female", "18_24", "cbo", "ASL", ""]])
    client.post(
        reverse("training:import", args=[session.pk]), {"file": SimpleUploadedFile("p.xlsx", good)}
    )
    assert session.enrollments.count() == 1
    response = client.post(
        reverse("training:import", args=[session.pk]),
        {"file": SimpleUploadedFile("p.xlsx", b"not a workbook")},
        follow=True,
    )
    assert "XLSX" in response.content.decode()


def test_exports_participants_and_attendance(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    session = _session(trainer, labe)
    enrollment = _register(trainer, session, "Aminata Cissé")
    services.attendance_record(
        actor=trainer, session=session, day=date(2026, 11, 2), present_ids={enrollment.pk}
    )
    client = client_as(trainer)
    response = client.get(reverse("training:export", args=[session.pk, "attendance.xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("full_name", "2026-11-02") and rows[1][:3] == ("Aminata Cissé", 1, 0)
    pdf = client.get(reverse("training:export", args=[session.pk, "attendance.pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="training.exported").count() == 2


def _eligible(trainer: User, session: TrainingSession, name: str) -> Any:
    enrollment = _register(trainer, session, name)
    for day in session.days:
        services.attendance_record(
            actor=trainer,
            session=session,
            day=day,
            present_ids={e.pk for e in session.enrollments.all()},
        )
    pre, post = services.tests_prepare(actor=trainer, session=session)
    services.test_set_open(actor=trainer, test=post, is_open=True)
    services.test_submit(test=post, enrollment=enrollment, answers=_all_right(post))
    return enrollment


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_certificate_pdf_carries_name_and_code_and_verifies(
    trainer: User, labe: Region, client_as: Callable[[User], Client], tmp_path: Path
) -> None:
    session = _session(trainer, labe)
    enrollment = _eligible(trainer, session, "Kadiatou Bangoura")
    client = client_as(trainer)
    response = client.get(reverse("training:certificate", args=[session.pk, enrollment.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    code = enrollment.certificate.code
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"],
        capture_output=True,
        text=True,  # noqa: S603, S607
        check=True,
    ).stdout
    assert "Kadiatou Bangoura" in text and code in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],  # noqa: S603, S607
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 2000
    public = Client()
    ok = public.get(reverse("training:verify_code", args=[code])).content.decode()
    assert "Certificat authentique" in ok and "Kadiatou" not in ok
    forged = public.get(reverse("training:verify") + "?code=EG-FORGED2345").content.decode()
    assert "pas authentique" in forged


def test_certificate_refused_when_not_eligible(trainer: User, labe: Region) -> None:
    session = _session(trainer, labe)
    enrollment = _register(trainer, session, "Hawa Touré")
    with pytest.raises(services.TrainingError):
        services.certificate_issue(actor=trainer, enrollment=enrollment)


def test_reach_counts_people_once_and_matches_hand_computed_totals(
    trainer: User, labe: Region, persona: Callable[[str], User]
) -> None:
    first = _session(trainer, labe, start=date(2026, 3, 2), end=date(2026, 3, 3))
    second = _session(trainer, labe, start=date(2026, 4, 6), end=date(2026, 4, 6))
    webinar = _session(trainer, None, kind="webinar", start=date(2026, 5, 4), end=date(2026, 5, 4))
    twice = _register(trainer, first, "Ousmane Kaba", phone="+224 620 00 00 01")
    once = _register(trainer, first, "Nènè Diallo")
    again = _register(trainer, second, "Ousmane Kaba", phone="+224 620 00 00 01")
    absent = _register(trainer, second, "Sékou Keïta")
    online = _register(trainer, webinar, "Fanta Kouyaté")
    assert twice.participant_id == again.participant_id
    services.attendance_record(
        actor=trainer, session=first, day=date(2026, 3, 2), present_ids={twice.pk, once.pk}
    )
    services.attendance_record(
        actor=trainer, session=second, day=date(2026, 4, 6), present_ids={again.pk}
    )
    services.attendance_record(
        actor=trainer, session=webinar, day=date(2026, 5, 4), present_ids={online.pk}
    )
    assert absent.attendance.filter(present=True).count() == 0
    ambassador = outreach_services.ambassador_register(
        actor=trainer,
        full_name="Alpha Barry",
        prefecture=Prefecture.objects.get(code="GN-LA"),
        appointed_on=date(2026, 1, 15),
        organisation=trainer.organisation,
    )
    for held_on, women, men, leaders, religious in [
        (date(2026, 3, 10), 20, 15, 4, 2),
        (date(2026, 6, 1), 30, 25, 6, 3),
    ]:
        outreach_services.dialogue_record(
            actor=trainer,
            held_on=held_on,
            region=labe,
            format="dialogue",
            topics="traite",
            language="pular",
            ambassador=ambassador,
            counts={
                "female_25_59": women,
                "male_25_59": men,
                "community_leaders": leaders,
                "religious_leaders": religious,
            },
        )
    totals = reach()["totals"]
    # Hand-computed: Ousmane (twice), Nènè, Fanta = 3 people; Sékou never attended.
    assert totals == {
        "people_trained": 3,
        "community_leaders_reached": 15,
        "webinar_participants": 1,
        "migrant_ambassadors": 1,
        "people_reached_by_dialogues": 90,
    }
    labe_march = reach(region_id=labe.pk, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))[
        "totals"
    ]
    assert labe_march["people_trained"] == 2 and labe_march["people_reached_by_dialogues"] == 35


def test_dialogue_with_negative_counts_is_refused_and_nothing_saved(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    with pytest.raises(outreach_services.OutreachError):
        outreach_services.dialogue_record(
            actor=trainer,
            held_on=date(2026, 3, 10),
            region=labe,
            format="dialogue",
            topics="traite",
            language="pular",
            organisation=trainer.organisation,
            counts={"youth": -3},
        )
    response = client_as(trainer).post(
        reverse("outreach:dialogue_create"),
        {
            "held_on": "2026-03-10",
            "region": labe.pk,
            "organisation": trainer.organisation_id,
            "format": "dialogue",
            "topics": "traite",
            "language": "pular",
            "youth": "-3",
        },
    )
    assert response.status_code == 200 and 'id="id_youth_error"' in response.content.decode()
    assert not Dialogue.objects.exists()


def test_phone_test_link_scores_and_cannot_be_taken_twice(trainer: User, labe: Region) -> None:
    session = _session(trainer, labe)
    enrollment = _register(trainer, session, "Aïssatou Sow")
    pre, _post = services.tests_prepare(actor=trainer, session=session)
    client = Client()
    url = reverse("training:take_test", args=[enrollment.token])
    page = client.get(url).content.decode()
    assert pre.question_codes[0] in page
    answers = {code: str(value) for code, value in _all_right(pre).items()}
    response = client.post(url, answers)
    assert "Votre score : 100,0 %" in response.content.decode()
    assert "Aucun test" in client.get(url).content.decode()
    bad = client.post(url, {"M5-Q01": "0"})
    assert bad.status_code == 200 and TestAttempt.objects.count() == 1


def test_coordinator_registers_ambassador_and_team(
    persona: Callable[[str], User], labe: Region, client_as: Callable[[User], Client]
) -> None:
    from egide.outreach.models import Ambassador, Team

    coordinator = persona(roles.COORDINATOR)
    client = client_as(coordinator)
    client.post(
        reverse("outreach:ambassadors"),
        {
            "full_name": "Alpha Oumar Barry",
            "prefecture": Prefecture.objects.get(code="GN-LA").pk,
            "appointed_on": "2026-06-01",
            "organisation": coordinator.organisation_id,
        },
    )
    ambassador = Ambassador.objects.get()
    client.post(
        reverse("outreach:ambassadors"),
        {
            "form": "team",
            "name": "Équipe de Labé (fictive)",
            "region": labe.pk,
            "members": [ambassador.pk],
        },
    )
    assert list(Team.objects.get().members.all()) == [ambassador]
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM outreach_ambassador")
        assert "Barry" not in cursor.fetchone()[0]
    assert AuditEvent.objects.filter(action="outreach.team_created").exists()
    page = client.get(reverse("outreach:ambassadors")).content.decode()
    assert "Équipe de Labé (fictive)" in page and "Alpha Oumar Barry" in page
