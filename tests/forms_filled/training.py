"""Filled submissions of the training session, participant and import forms."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, labe, labe_prefecture
from tests.personas import make_user


def _trainers(persona: Persona) -> Ctx:
    colleague = make_user(
        "sekou_toure_trainer",
        roles.TRAINER,
        persona(roles.TRAINER).organisation,
        ["GN-L"],
        first_name="Sékou",
        last_name="Touré",
    )
    return {"colleague": colleague, "partner": persona(roles.TRAINER).organisation}


def _session(persona: Persona) -> Ctx:
    from datetime import date

    from egide.training.services import session_create

    session = session_create(
        actor=persona(roles.TRAINER),
        kind="workshop",
        title="Atelier Labé (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
        region=labe(),
    )
    return {"pk": session.pk, "session": session}


def _check_session(ctx: Ctx, response: Any) -> None:
    from egide.training.models import TrainingSession

    session = TrainingSession.objects.get()
    assert response["Location"] == reverse("training:session", args=[session.pk])
    assert (session.kind, session.title, session.modules) == (
        "refresher",
        "Recyclage des OPJ de Labé (fictif)",
        ["M1", "M2"],
    )
    assert str(session.start_date) == "2026-11-02" and str(session.end_date) == "2026-11-04"
    assert session.region == labe() and session.prefecture == labe_prefecture()
    assert session.venue == "Maison des jeunes" and session.online and session.capacity == 25
    assert set(session.trainers.all()) == {ctx["colleague"], session.created_by}
    assert list(session.partners.all()) == [ctx["partner"]]


def _check_participant(ctx: Ctx, response: Any) -> None:
    enrollment = ctx["session"].enrollments.select_related("participant").get()
    person = enrollment.participant
    assert (person.full_name, person.sex, person.age_band, person.actor_type) == (
        "Mariama Soumah",
        "female",
        "25_59",
        "police",
    )
    assert person.organisation_name == "Commissariat central (fictif)"
    assert person.region == labe() and person.phone == "+224 621 11 11 11"
    assert person.email == "m.soumah@example.org"


def _workbook(ctx: Ctx) -> dict[str, Any]:
    from egide.core.exports import xlsx_bytes

    # The columns and values a French-speaking trainer types: names, not codes.
    header = ["Nom complet", "Sexe", "Tranche d’âge", "Type d’acteur", "Organisation"]
    header += ["Téléphone", "Courriel"]
    content = xlsx_bytes(
        "participants",
        header,
        [
            [
                "Alpha Camara",
                "Masculin",
                "18–24 ans",
                "Organisation de la société civile",
                "ONG Jeunesse (fictive)",
                "+224 622 22 22 22",
                "a.camara@example.org",
            ]
        ],
    )
    upload = SimpleUploadedFile(
        "participants.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return {"file": upload}


def _check_import(ctx: Ctx, response: Any) -> None:
    people = [e.participant for e in ctx["session"].enrollments.all()]
    assert [p.full_name for p in people] == ["Alpha Camara"]
    assert (people[0].sex, people[0].age_band, people[0].actor_type) == ("male", "18_24", "cso")
    assert people[0].email == "a.camara@example.org"


def _sessions(persona: Persona) -> Ctx:
    """One session matching every filter and, for each filter, one that only it leaves out."""
    from datetime import date

    from egide.core.models import Region
    from egide.training.services import session_create

    base: dict[str, Any] = {
        "actor": persona(roles.TRAINER),
        "kind": "workshop",
        "title": "Atelier OPJ de Labé (fictif)",
        "modules": ["M1"],
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 3, 3),
        "region": labe(),
    }
    found = {
        "match": session_create(**base),
        "words": session_create(**{**base, "title": "Atelier des magistrats (fictif)"}),
        "region": session_create(**{**base, "region": Region.objects.get(code="GN-K")}),
        "kind": session_create(**{**base, "kind": "refresher"}),
        "date": session_create(
            **{**base, "start_date": date(2025, 3, 2), "end_date": date(2025, 3, 3)}
        ),
    }
    return {"sessions": found}


def _check_session_search(ctx: Ctx, response: Any) -> None:
    assert list(response.context["page"]) == [ctx["sessions"]["match"]]


ENTRIES: dict[str, Entry] = {
    "egide.training.forms.SessionForm": Entry(
        persona=roles.TRAINER,
        setup=_trainers,
        url=lambda ctx: reverse("training:session_create"),
        values=lambda ctx: {
            "kind": "refresher",
            "title": "Recyclage des OPJ de Labé (fictif)",
            "modules": ["M1", "M2"],
            "start_date": "2026-11-02",
            "end_date": "2026-11-04",
            "region": labe().pk,
            "prefecture": labe_prefecture().pk,
            "venue": "Maison des jeunes",
            "online": "on",
            "capacity": "25",
            "trainers": [ctx["colleague"].pk],
            "partners": [ctx["partner"].pk],
        },
        status=(302,),
        check=_check_session,
    ),
    "egide.training.forms.ParticipantForm": Entry(
        persona=roles.TRAINER,
        setup=_session,
        url=lambda ctx: reverse("training:participant_add", args=[ctx["pk"]]),
        values=lambda ctx: {
            "full_name": "Mariama Soumah",
            "sex": "female",
            "age_band": "25_59",
            "actor_type": "police",
            "organisation_name": "Commissariat central (fictif)",
            "region": labe().pk,
            "phone": "+224 621 11 11 11",
            "email": "m.soumah@example.org",
        },
        status=(302,),
        check=_check_participant,
    ),
    "egide.training.forms.ImportForm": Entry(
        persona=roles.TRAINER,
        setup=_session,
        url=lambda ctx: reverse("training:import", args=[ctx["pk"]]),
        values=_workbook,
        status=(302,),
        check=_check_import,
    ),
    "egide.training.forms.SessionSearchForm": Entry(
        persona=roles.TRAINER,
        setup=_sessions,
        url=lambda ctx: reverse("training:list"),
        method="get",
        values=lambda ctx: {
            "q": "OPJ",
            "region": labe().pk,
            "kind": "workshop",
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
        },
        status=(200,),
        check=_check_session_search,
    ),
}
