"""Issue 8 in training: bounded sessions, a linear session page, exports that carry no formula,
an import checked by the page's own form, and sessions scoped to the trainer's area."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from egide.accounts import roles
from egide.accounts.models import Role, RoleAssignment, User
from egide.core.models import Region
from egide.training import services
from egide.training.forms import SessionForm
from egide.training.models import Enrollment, Participant, TrainingSession
from tests.personas import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(persona: Callable[[str], User]) -> User:
    return persona(roles.TRAINER)


@pytest.fixture
def labe() -> Region:
    return Region.objects.get(code="GN-L")


def _session(trainer: User, region: Region | None, days: int = 2) -> TrainingSession:
    start = date(2026, 11, 2)
    return services.session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        region=region,
    )


def _register(trainer: User, session: TrainingSession, count: int) -> None:
    for number in range(count):
        services.participant_register(
            actor=trainer,
            session=session,
            full_name=f"Fatoumata Diallo {number} (fictive)",
            sex="female",
            age_band="25_59",
            actor_type="cso",
        )


def _session_form(**overrides: Any) -> SessionForm:
    labe = Region.objects.get(code="GN-L")
    data = {
        "kind": "workshop",
        "title": "Atelier de Labé (fictif)",
        "modules": ["M1"],
        "start_date": "2026-11-02",
        "end_date": "2026-11-06",
        "region": str(labe.pk),
        "prefecture": "",
        "venue": "Salle communale",
        "online": "",
        "capacity": "30",
        "trainers": [],
        "partners": [],
    }
    data.update(overrides)
    return SessionForm(data)


# --- 4. Session length and dates ---------------------------------------------------------


def test_session_form_accepts_31_days_and_refuses_32(trainer: User) -> None:
    assert _session_form(end_date="2026-12-02").is_valid()  # 2 Nov → 2 Dec: 31 days
    form = _session_form(end_date="2026-12-03")
    assert not form.is_valid()
    assert "31" in str(form.errors["end_date"])


@pytest.mark.parametrize("start,end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_session_form_refuses_dates_outside_1900_2100(trainer: User, start: str, end: str) -> None:
    form = _session_form(start_date=start, end_date=end)
    assert not form.is_valid()
    assert "start_date" in form.errors and "end_date" in form.errors


def test_session_service_refuses_a_year_long_session_and_saves_nothing(
    trainer: User, labe: Region
) -> None:
    with pytest.raises(services.TrainingError):
        _session(trainer, labe, days=365)
    with pytest.raises(services.TrainingError):
        services.session_create(
            actor=trainer,
            kind="workshop",
            title="x",
            modules=["M1"],
            start_date=date(1, 1, 1),
            end_date=date(1, 1, 2),
        )
    assert not TrainingSession.objects.exists()


def _render_work(client: Client, session: TrainingSession) -> tuple[int, int]:
    """Template nodes rendered and SQL queries run for the session page (both deterministic)."""
    from django.template.base import Node

    nodes = 0
    original = Node.render_annotated

    def counting(self: Node, context: Any) -> Any:
        nonlocal nodes
        nodes += 1
        return original(self, context)

    with (
        mock.patch.object(Node, "render_annotated", counting),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(reverse("training:session", args=[session.pk]))
    assert response.status_code == 200
    return nodes, len(queries)


def _longer_copy(trainer: User, labe: Region, source: TrainingSession, days: int) -> Any:
    """A session of *days* days (set in the database, past the form's bound) with the same
    participants as *source*."""
    session = _session(trainer, labe, days=2)
    TrainingSession.objects.filter(pk=session.pk).update(
        end_date=session.start_date + timedelta(days=days - 1)
    )
    for enrollment in Enrollment.objects.filter(session=source):
        Enrollment.objects.create(
            session=session,
            participant=enrollment.participant,
            token=f"t{session.pk}-{enrollment.pk}",
        )
    return TrainingSession.objects.get(pk=session.pk)


def test_session_page_cost_is_linear_in_its_length(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    """The attendance section used to search every row's days for each day (days² ×
    participants): a year-long session took ~10 s. Doubling the length must now about double
    the template work, not quadruple it, and add no query."""
    base = _session(trainer, labe, days=2)
    _register(trainer, base, 8)
    month = _longer_copy(trainer, labe, base, 30)
    two_months = _longer_copy(trainer, labe, base, 60)
    client = client_as(trainer)
    client.get(reverse("training:session", args=[base.pk]))  # warm caches
    nodes_30, queries_30 = _render_work(client, month)
    nodes_60, queries_60 = _render_work(client, two_months)
    assert queries_60 == queries_30, (queries_30, queries_60)
    assert nodes_60 < 2.2 * nodes_30, (nodes_30, nodes_60)  # quadratic: ≈ 4×
    body = client.get(reverse("training:session", args=[two_months.pk])).content.decode()
    assert body.count('name="present"') == 60 * 8


# --- 5. Exports carry no formula; the import uses the page's form -----------------------


def test_participant_and_attendance_exports_write_formulas_as_text(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    session = _session(trainer, labe)
    services.participant_register(
        actor=trainer,
        session=session,
        full_name='=HYPERLINK("http://example.invalid","Mamadou Bah")',
        sex="male",
        age_band="25_59",
        actor_type="cso",
        organisation_name="@SUM(1+1)",
        phone="+224 620 00 00 00",
        email="-1+1@example.invalid",
    )
    client = client_as(trainer)
    for what in ("participants.xlsx", "attendance.xlsx"):
        response = client.get(reverse("training:export", args=[session.pk, what]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
        assert all(c.data_type != "f" for c in cells), [(c.value, c.data_type) for c in cells]
        name = cells[0]
        assert name.value == "'" + '=HYPERLINK("http://example.invalid","Mamadou Bah")'
        assert name.data_type == "s"
        if what == "participants.xlsx":
            values = [c.value for c in cells]
            assert "'@SUM(1+1)" in values and "'+224 620 00 00 00" in values
            assert "'-1+1@example.invalid" in values
        # The raw sheet XML holds no <f> (formula) element at all.
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["full_name", "sex", "age_band", "actor_type", "organisation", "phone", "email"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(client: Client, session: TrainingSession, content: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("training:import", args=[session.pk]),
        {"file": SimpleUploadedFile("p.xlsx", content)},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_import_checks_every_row_with_the_participant_form_and_imports_nothing(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    session = _session(trainer, labe)
    body = _import(
        client_as(trainer),
        session,
        _xlsx(
            [
                ["Aïssatou Barry (fictive)", "female", "18_24", "cbo", "ASL", "", ""],
                ["A" * 32767, "female", "18_24", "cbo", "", "", ""],
                ["Ibrahima Condé (fictif)", "male", "25_59", "police", "O" * 201, "", ""],
                ["Kadiatou Soumah (fictive)", "female", "25_59", "cso", "", "", "pas-un-email"],
            ]
        ),
    )
    assert "Ligne 3" in body and "full_name" in body
    assert "Ligne 4" in body and "organisation" in body and "200" in body
    assert "Ligne 5" in body and "email" in body
    assert not Participant.objects.exists()  # all or nothing


def test_valid_import_stores_the_forms_cleaned_values(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    session = _session(trainer, labe)
    _import(
        client_as(trainer),
        session,
        _xlsx([["  Mariama Keïta (fictive) ", "female", "18_24", "cbo", "ASL", "620", ""]]),
    )
    participant = Participant.objects.get()
    assert participant.full_name == "Mariama Keïta (fictive)"
    assert participant.organisation_name == "ASL"


def _broken_shared_strings() -> bytes:
    """A workbook whose cell points at shared string 99 of a table of 1."""
    source = io.BytesIO(_xlsx([["Oumou Sylla", "female", "18_24", "cbo", "", "", ""]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A2" t="inlineStr">', b'<c r="A2" t="s"><v>99</v>')
                data = data.replace(b"<is><t>Oumou Sylla</t></is>", b"")
            zout.writestr(item, data)
    return out.getvalue()


def test_malformed_xlsx_gives_a_clear_message_not_a_500(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    session = _session(trainer, labe)
    content = _broken_shared_strings()
    assert b"<v>99</v>" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    body = _import(client_as(trainer), session, content)
    assert "lisible" in body  # « Le fichier n’est pas un classeur XLSX lisible. »
    assert not Participant.objects.exists()


# --- 8. Trainers see their organisation's and region's sessions, unless national --------


def test_trainers_see_only_their_area_unless_national(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    labe_session = _session(trainer, labe)
    _register(trainer, labe_session, 1)
    kankan_org = make_organisation("ONG Kankan (fictive)", ["GN-K"])
    kankan_trainer = make_user("trainer_kankan", roles.TRAINER, kankan_org, ["GN-K"])
    other = client_as(kankan_trainer)
    for name, kwargs in [
        ("training:session", {"pk": labe_session.pk}),
        ("training:export", {"pk": labe_session.pk, "what": "participants.xlsx"}),
        ("training:export", {"pk": labe_session.pk, "what": "attendance.xlsx"}),
    ]:
        assert other.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert "Atelier (fictif)" not in other.get(reverse("training:list")).content.decode()

    # Same organisation, another region: not visible either.
    same_org_elsewhere = make_user(
        "trainer_labe_org_in_kankan", roles.TRAINER, trainer.organisation, ["GN-K"]
    )
    response = client_as(same_org_elsewhere).get(
        reverse("training:session", args=[labe_session.pk])
    )
    assert response.status_code == 404

    # A national trainer (the role covers every region) sees it.
    national_org = make_organisation("Ministère (fictif)", [], type="public")
    national = make_user("trainer_national", roles.TRAINER, national_org)
    assignment = RoleAssignment.objects.get(user=national, role=Role.objects.get(code="trainer"))
    assignment.regions.set(Region.objects.all())
    response = client_as(national).get(reverse("training:session", args=[labe_session.pk]))
    assert response.status_code == 200
    assert "Fatoumata Diallo 0" in response.content.decode()


def test_demo_coordinator_is_national_and_sees_the_demo_sessions(reference_data: None) -> None:
    from egide.core.demo import load_accounts
    from egide.training.demo import load_training
    from egide.training.permissions import sessions_visible_to

    load_accounts()
    load_training()
    everything = TrainingSession.objects.count()
    assert everything > 0
    for username in ("coordination", "formateur"):
        user = User.objects.get(username=username)
        assert sessions_visible_to(user, TrainingSession.objects.all()).count() == everything
    analyst = User.objects.get(username="analyste")
    assert not sessions_visible_to(analyst, TrainingSession.objects.all()).exists()


def test_session_page_queries_do_not_grow_with_its_participants(
    trainer: User, labe: Region, client_as: Callable[[User], Client]
) -> None:
    """Issue 9 (first render on 3G): the session page read each participant's certificate with
    a query of its own (20 participants: 20 queries) and the post-test's attempts twice."""
    few = _session(trainer, labe)
    _register(trainer, few, 2)
    many = _session(trainer, labe)
    _register(trainer, many, 12)
    client = client_as(trainer)
    client.get(reverse("training:session", args=[few.pk]))  # warm caches, session written
    _nodes, queries_few = _render_work(client, few)
    _nodes, queries_many = _render_work(client, many)
    assert queries_many == queries_few <= 14, (queries_few, queries_many)
