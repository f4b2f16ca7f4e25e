"""Export and push against the fake DHIS2: success, a re-push that updates, conflicts (409),
network failures before and during the real import; pages, job, audit, encryption at rest."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.dhis2 import selectors, services
from egide.dhis2.models import (
    Connection,
    ElementMapping,
    OrgUnitMapping,
    PeriodMapping,
    Push,
)
from egide.dhis2.tests.fake_dhis2 import FakeDhis2
from egide.jobs.models import Job
from egide.jobs.services import job_run
from tests.personas import login_verified

pytestmark = pytest.mark.django_db

DE_VICTIMS = "dEvIcTiMs01"
DE_TRAINED = "dEtRaInEd01"
COC_FEMALE = "cOcFemale01"
OU_GUINEA = "oUGuinea001"
OU_LABE = "oULabe00001"
UNKNOWN_DE = "uNkNoWn0001"


@dataclass(frozen=True)
class Fig:
    indicator: str
    disaggregation: tuple[tuple[str, str], ...]
    value: int | float | None
    period: str = "2024"
    region: str | None = None
    shown: str = ""


FIGURES = [
    Fig("protection.victims_identified", (), 23),
    Fig("protection.victims_identified", (("sex", "female"),), 19),
    Fig("protection.victims_identified", (("sex", "male"),), None, shown="<5"),
    Fig("protection.victims_identified", (("region", "GN-L"),), 11),
    Fig("training.actors_trained", (), 104),
]


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list[Fig]:
    """Monitoring's figures of the period (its computation is another engineer's)."""
    current = list(FIGURES)

    def period_figures(*, period: str) -> list[Fig]:
        return [f for f in current if f.period == period]

    monkeypatch.setattr(selectors, "period_figures", period_figures)
    return current


@pytest.fixture
def fake() -> Iterator[FakeDhis2]:
    with FakeDhis2(
        data_elements={DE_VICTIMS, DE_TRAINED}, org_units={OU_GUINEA, OU_LABE}
    ) as server:
        yield server


@pytest.fixture
def admin(persona: Callable[[str], User]) -> User:
    return persona(roles.ADMINISTRATOR)


@pytest.fixture
def mapped(admin: User, fake: FakeDhis2, figures: list[Fig]) -> FakeDhis2:
    services.connection_save(
        actor=admin,
        url=fake.url,
        username=fake.username,
        password=fake.password,
        timeout_seconds=5,
    )
    for mapping in (
        PeriodMapping(period_type="yearly", dhis2_format="yyyy"),
        OrgUnitMapping(area="", org_unit=OU_GUINEA),
        OrgUnitMapping(area="GN-L", org_unit=OU_LABE),
        ElementMapping(indicator="protection.victims_identified", data_element=DE_VICTIMS),
        ElementMapping(
            indicator="protection.victims_identified",
            disaggregation="sex=female",
            data_element=DE_VICTIMS,
            category_option_combo=COC_FEMALE,
        ),
        ElementMapping(
            indicator="protection.victims_identified",
            disaggregation="sex=male",
            data_element=DE_VICTIMS,
            category_option_combo="cOcMale0001",
        ),
        ElementMapping(indicator="training.actors_trained", data_element=DE_TRAINED),
    ):
        services.mapping_save(actor=admin, mapping=mapping)
    return fake


def _push(user: User, period: str = "2024") -> Push:
    push = services.push_start(actor=user, period=period)
    assert push.job is not None
    job_run(job_id=push.job.pk)
    push.refresh_from_db()
    return push


def _page(user: User, push: Push) -> str:
    client = login_verified(Client(), user)
    response = client.get(reverse("dhis2:push", args=[push.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_export_has_the_documented_shape_and_withholds_small_counts(
    mapped: FakeDhis2, admin: User
) -> None:
    client = login_verified(Client(), admin)
    response = client.get(reverse("dhis2:export"), {"export-period": "2024"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="egide-dhis2-2024.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document == {
        "dataValues": [
            {"dataElement": DE_TRAINED, "period": "2024", "orgUnit": OU_GUINEA,
             "value": "104"},
            {"dataElement": DE_VICTIMS, "period": "2024", "orgUnit": OU_GUINEA,
             "value": "23"},
            {"dataElement": DE_VICTIMS, "categoryOptionCombo": COC_FEMALE, "period": "2024",
             "orgUnit": OU_GUINEA, "value": "19"},
            {"dataElement": DE_VICTIMS, "period": "2024", "orgUnit": OU_LABE, "value": "11"},
        ]
    }  # fmt: skip
    assert response["X-Egide-Values-Withheld"] == "1"
    # The fake server, which checks payloads as DHIS2 does, accepts the file as it is.
    assert mapped.check_shape(document) == ""
    event = AuditEvent.objects.get(action="dhis2.exported")
    assert event.object_id == "2024" and event.details["withheld"] == 1


def test_export_page_refuses_a_bad_period_clearly(mapped: FakeDhis2, admin: User) -> None:
    client = login_verified(Client(), admin)
    response = client.get(reverse("dhis2:export"), {"export-period": "2024Q5"})
    assert response.status_code == 400
    assert "2024" in response.content.decode()  # the message shows how to write one


def test_push_success_then_repush_updates_rather_than_duplicates(
    mapped: FakeDhis2, admin: User
) -> None:
    first = _push(admin)
    assert first.status == Push.Status.SENT
    assert first.values_sent == 4 and first.values_withheld == 1
    assert first.dry_run["imported"] == 4
    assert (first.summary["imported"], first.summary["updated"]) == (4, 0)
    assert [r["dry_run"] for r in mapped.requests] == [True, False]
    assert len(mapped.stored) == 4
    assert first.job is not None
    first.job.refresh_from_db()
    assert first.job.status == Job.Status.SUCCEEDED
    assert "4 imported" in first.job.report or "4" in first.job.report

    second = _push(admin)
    assert second.status == Push.Status.SENT
    assert (second.summary["imported"], second.summary["updated"]) == (0, 4)
    assert len(mapped.stored) == 4  # the fake server still holds four values, not eight
    assert mapped.bad_requests == []

    page = _page(admin, second)
    assert "Envoyé : DHIS2 a pris chaque valeur" in page
    assert "Mises à jour" in page
    assert AuditEvent.objects.filter(action="dhis2.pushed").count() == 2


def test_push_with_conflicts_is_refused_by_the_dry_run_and_never_sent(
    mapped: FakeDhis2, admin: User
) -> None:
    ElementMapping.objects.filter(indicator="training.actors_trained").update(
        data_element=UNKNOWN_DE
    )
    push = _push(admin)
    assert push.status == Push.Status.REJECTED
    assert push.http_status == 409
    assert push.summary == {}  # no real import was attempted
    assert push.dry_run["conflicts"][0]["object"] == UNKNOWN_DE
    assert [r["dry_run"] for r in mapped.requests] == [True]
    assert mapped.stored == {}
    assert push.job is not None
    push.job.refresh_from_db()
    assert push.job.status == Job.Status.FAILED
    page = _page(admin, push)
    assert "Non envoyé : DHIS2 a refusé des valeurs" in page
    assert UNKNOWN_DE in page and "E7610" in page
    assert "Conflits signalés par DHIS2" in page
    assert AuditEvent.objects.filter(action="dhis2.push_rejected").exists()
    assert selectors.last_sent("2024") is None


def test_network_failure_is_shown_and_never_marked_sent(mapped: FakeDhis2, admin: User) -> None:
    mapped.mode = "drop"
    push = _push(admin)
    assert push.status == Push.Status.FAILED
    assert "Rien n’a été envoyé" in push.error
    page = _page(admin, push)
    assert "Non envoyé : échec" in page
    assert "DHIS2 n’a pas pu être joint" in page
    assert mapped.stored == {}
    assert AuditEvent.objects.filter(action="dhis2.push_failed").exists()


def test_failure_during_the_real_import_is_not_marked_sent(mapped: FakeDhis2, admin: User) -> None:
    mapped.mode = "drop_real"
    push = _push(admin)
    assert push.status == Push.Status.FAILED
    assert push.dry_run["imported"] == 4 and push.summary == {}
    page = _page(admin, push)
    assert "ne les duplique jamais" in page  # says a new push is safe
    mapped.mode = "success"
    again = _push(admin)
    assert again.status == Push.Status.SENT


def test_bad_credentials_and_missing_mapping_fail_clearly(mapped: FakeDhis2, admin: User) -> None:
    Connection.objects.update(password="pas-le-bon")
    push = _push(admin)
    assert push.status == Push.Status.FAILED and push.http_status == 401
    assert "mot de passe" in _page(admin, push)
    Connection.objects.update(password=mapped.password)
    PeriodMapping.objects.all().delete()
    push = _push(admin)
    assert push.status == Push.Status.FAILED
    assert "format de période" in push.error or "period format" in push.error


def test_push_start_refusals(mapped: FakeDhis2, admin: User) -> None:
    with pytest.raises(services.Dhis2ServiceError):
        services.push_start(actor=admin, period="2024-03")
    services.push_start(actor=admin, period="2024")
    with pytest.raises(services.Dhis2ServiceError):
        services.push_start(actor=admin, period="2024")  # one at a time per period
    with pytest.raises(IntegrityError), transaction.atomic():  # even when two start at once
        Push.objects.create(period="2024")
    services.push_start(actor=admin, period="2023")  # another period may go


def test_push_page_flow_for_a_coordinator(
    mapped: FakeDhis2, persona: Callable[[str], User]
) -> None:
    coordinator = persona(roles.COORDINATOR)
    client = login_verified(Client(), coordinator)
    home = client.get(reverse("dhis2:home"))
    assert home.status_code == 200
    assert "Pousser vers DHIS2" in home.content.decode()
    response = client.post(reverse("dhis2:push_start"), {"push-period": "2024"})
    push = Push.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dhis2:push", args=[push.pk]
    )
    assert "Voir où en est l’envoi" in client.get(response["Location"]).content.decode()
    bad = client.post(reverse("dhis2:push_start"), {"push-period": "2024Q9"})
    assert bad.status_code == 400


def test_a_lost_job_fails_its_push(mapped: FakeDhis2, admin: User) -> None:
    push = services.push_start(actor=admin, period="2024")
    Job.objects.filter(pk=push.job_id).update(status=Job.Status.FAILED, error="Perdu (test)")
    assert "Perdu (test)" in _page(admin, push)
    push.refresh_from_db()
    assert push.status == Push.Status.FAILED


def test_password_is_encrypted_at_rest_and_never_shown(mapped: FakeDhis2, admin: User) -> None:
    with db.cursor() as cursor:
        cursor.execute("SELECT password FROM dhis2_connection")
        (stored,) = cursor.fetchone()
    assert mapped.password not in stored
    assert Connection.objects.get().password == mapped.password
    client = login_verified(Client(), admin)
    for name in ("dhis2:home", "dhis2:connection"):
        assert mapped.password not in client.get(reverse(name)).content.decode()
    event = AuditEvent.objects.filter(action="dhis2.connection_changed").first()
    assert event is not None and mapped.password not in json.dumps(event.details)


def test_connection_form_keeps_the_password_when_left_empty(mapped: FakeDhis2, admin: User) -> None:
    client = login_verified(Client(), admin)
    response = client.post(
        reverse("dhis2:connection"),
        {"url": "https://dhis2.example.org/", "username": "egide2", "timeout_seconds": 20},
    )
    assert response.status_code == 302
    saved = Connection.objects.get()
    assert saved.url == "https://dhis2.example.org" and saved.password == mapped.password


def test_mapping_forms_validate_uids_and_breakdowns(admin: User, reference_data: Any) -> None:
    client = login_verified(Client(), admin)
    url = reverse("dhis2:mapping_create", args=["element"])
    bad = client.post(
        url,
        {"indicator": "x", "disaggregation": "sexe", "data_element": "1abcdefghij"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "11 caractères" in text and "dimension=catégorie" in text
    good = client.post(
        url,
        {
            "indicator": "II.6",
            "disaggregation": "sex=female, age_band=u18",
            "data_element": DE_VICTIMS,
            "category_option_combo": "",
        },
    )
    assert good.status_code == 302
    assert ElementMapping.objects.get().disaggregation == "age_band=u18;sex=female"
    home = client.get(reverse("dhis2:home")).content.decode()
    assert "Tranche d’âge : Moins de 18 ans" in home or "Moins de 18" in home
    other = client.post(
        url, {"indicator": "II.6", "disaggregation": "audience=youth", "data_element": DE_VICTIMS}
    )
    assert other.status_code == 400
    assert "n’est pas une ventilation de cet indicateur" in other.content.decode()
    period = client.post(
        reverse("dhis2:mapping_create", args=["period"]),
        {"period_type": "monthly", "dhis2_format": "yyyyQn"},
    )
    assert period.status_code == 400
    assert client.get(reverse("dhis2:mapping_create", args=["nope"])).status_code == 404


def test_command_writes_the_data_value_set(mapped: FakeDhis2, tmp_path: Any) -> None:
    target = tmp_path / "dvs.json"
    call_command("dhis2", "export", "--period", "2024", "--output", str(target))
    document = json.loads(target.read_text())
    assert len(document["dataValues"]) == 4
    assert mapped.check_shape(document) == ""
    assert AuditEvent.objects.filter(action="dhis2.exported", actor_username="command").exists()


@pytest.mark.parametrize("period", ["2024Q5", "24", "2024-03", ""])
def test_command_exits_2_on_a_bad_period(
    mapped: FakeDhis2, tmp_path: Any, period: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        call_command("dhis2", "export", "--period", period, "--output", str(tmp_path / "x"))
    assert caught.value.code == 2
    assert "bad period" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_push_page_queries_do_not_grow_with_its_rows(
    admin: User, reference_data: Any, django_assert_max_num_queries: Any
) -> None:
    push = Push.objects.create(
        period="2024",
        status=Push.Status.REJECTED,
        unmapped_total=305,
        unmapped=[
            {
                "indicator": "II.6",
                "area": area,
                "disaggregation": "sex=male",
                "reason": "no_element",
            }
            for area in ("", "GN-L", "GN-K", "GN-C", "GN-B") * 40
        ],
    )
    client = login_verified(Client(), admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("dhis2:push", args=[push.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Région : Labé") == 40
    assert "305 chiffres non envoyés faute de correspondance" in page
    assert "Les 200 premiers sont listés." in page


def test_quarters_and_months_do_not_leave_for_dhis2(mapped: FakeDhis2, admin: User) -> None:
    """Each period is suppressed on its own: a quarter set against its year would give a hidden
    small count back, so only yearly periods are exported or pushed."""
    for period in ("2024Q3", "202403"):
        with pytest.raises(services.Dhis2ServiceError, match="(?i)annuel|yearly"):
            services.data_value_set_build(period=period)
        with pytest.raises(services.Dhis2ServiceError, match="(?i)annuel|yearly"):
            services.push_start(actor=admin, period=period)
    assert not Push.objects.exists()


def test_command_refuses_a_quarter(mapped: FakeDhis2, tmp_path: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("dhis2", "export", "--period", "2024Q3", "--output", str(tmp_path / "x"))
    assert exit_info.value.code == 2


def test_push_page_says_only_years_leave(mapped: FakeDhis2, persona: Callable[[str], User]) -> None:
    client = login_verified(Client(), persona(roles.COORDINATOR))
    response = client.post(reverse("dhis2:push_start"), {"push-period": "2024Q3"}, follow=True)
    assert "périodes annuelles" in response.content.decode()
    assert not Push.objects.exists()
    export = client.get(reverse("dhis2:export"), {"export-period": "202403"}, follow=True)
    assert "périodes annuelles" in export.content.decode()
