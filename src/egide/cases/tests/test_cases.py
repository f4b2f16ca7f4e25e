"""Alerts, cases, consent, referrals, closure, purge and search: the rules of the mechanism."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.accounts import roles
from egide.accounts.models import Organisation, User
from egide.audit.models import AuditEvent
from egide.cases import services
from egide.cases.models import Alert, Case, CaseNameToken
from egide.cases.names import skeleton
from egide.cases.selectors import cases_search
from egide.core.models import Region
from egide.directory.models import Service
from egide.referrals import services as referral_services
from egide.referrals.models import Referral
from tests.personas import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def labe() -> Region:
    return Region.objects.get(code="GN-L")


@pytest.fixture
def worker(persona: Callable[[str], User]) -> User:
    return persona(roles.CASE_WORKER)


@pytest.fixture
def supervisor(persona: Callable[[str], User]) -> User:
    return persona(roles.CASE_SUPERVISOR)


@pytest.fixture
def case(worker: User, labe: Region) -> Case:
    return services.case_open(
        actor=worker,
        region=labe,
        owner=worker,
        first_name="Mamadou",
        last_name="Diallo",
        phone="+224 622 00 00 00",
    )


@pytest.fixture
def shelter(reference_data: None) -> Service:
    provider = make_organisation("Centre d'accueil test (fictif)", ["GN-L"], type="provider")
    return Service.objects.create(provider=provider, need_type="shelter", name="Abri test (fictif)")


def _sharing_consent(worker: User, case: Case, types: list[str]) -> Any:
    return services.consent_record(
        actor=worker,
        case=case,
        purpose="sharing",
        decision="granted",
        given_by="person",
        language="pular",
        decided_on=date(2026, 11, 2),
        service_types=types,
    )


def test_case_code_is_pseudonymous_and_sequential_per_region(worker: User, labe: Region) -> None:
    year = timezone.now().year
    first = services.case_open(actor=worker, region=labe, owner=worker)
    second = services.case_open(actor=worker, region=labe, owner=worker)
    assert first.code == f"GN-LAB-{year}-00001"
    assert second.code == f"GN-LAB-{year}-00002"


def test_case_identity_is_not_in_the_database_in_clear(case: Case) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, last_name, phone FROM cases_case WHERE id = %s", [case.pk]
        )
        raw = " ".join(cursor.fetchone())
        cursor.execute("SELECT token FROM cases_casenametoken WHERE case_id = %s", [case.pk])
        tokens = " ".join(row[0] for row in cursor.fetchall())
    for plain in ("Mamadou", "Diallo", "622", "mamadu", "dialo"):
        assert plain.lower() not in raw.lower()
        assert plain.lower() not in tokens.lower()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("mamadou dialo", "Mamadou Diallo"),
        ("MAMADU DYALO", "Mamadou Diallo"),
        ("Kouyaté", "Kuyate"),
        ("condé", "Kondé"),
        ("Aïssatou", "Aissatu"),
    ],
)
def test_name_skeleton_tolerates_accents_and_spelling_variants(typed: str, stored: str) -> None:
    assert [skeleton(w) for w in typed.split()] == [skeleton(w) for w in stored.split()]


def test_name_search_finds_without_decrypting(
    case: Case, worker: User, labe: Region, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = services.case_open(
        actor=worker, region=labe, owner=worker, first_name="Mamadou", last_name="Barry"
    )
    from egide.core import crypto

    def no_decrypt(token: str) -> str:
        raise AssertionError("search decrypted a row")

    monkeypatch.setattr(crypto, "decrypt_text", no_decrypt)
    found = list(cases_search(worker, q="mamadou dialo").values_list("pk", flat=True))
    assert found == [case.pk]
    both = set(cases_search(worker, q="Mamadou").values_list("pk", flat=True))
    assert both == {case.pk, other.pk}
    assert list(cases_search(worker, q=case.code.lower()).values_list("pk", flat=True)) == [case.pk]


def test_name_search_only_within_visible_cases(case: Case, other_org: Organisation) -> None:
    outsider = make_user("kankan_worker", roles.CASE_WORKER, other_org, ["GN-K"])
    assert not cases_search(outsider, q="Mamadou Diallo").exists()


def test_alert_due_time_follows_urgency_and_overdue_shows(
    persona: Callable[[str], User], labe: Region
) -> None:
    ambassador = persona(roles.MIGRANT_AMBASSADOR)
    alert = services.alert_raise(
        actor=ambassador,
        region=labe,
        seen_on=date(2026, 11, 1),
        person_description="garçon d'environ 12 ans (fictif)",
        what_was_seen="mendie pour un adulte (fictif)",
        urgency="immediate",
        child_concerned=True,
    )
    assert timedelta(hours=1, minutes=59) < alert.due_at - alert.created_at <= timedelta(hours=2)
    assert not alert.is_overdue
    Alert.objects.filter(pk=alert.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert Alert.objects.get(pk=alert.pk).is_overdue


def test_alerts_raise_many_routes_dates_and_audits_each_alert_like_alert_raise(
    persona: Callable[[str], User], labe: Region, other_org: Organisation
) -> None:
    """The bulk service (field imports) and alert_raise share their rules: same organisation,
    deadline per urgency and audit event per alert; the texts are stored encrypted."""
    ambassador = persona(roles.MIGRANT_AMBASSADOR)
    kankan = make_user("kankan_ambassador", roles.MIGRANT_AMBASSADOR, other_org, ["GN-K"])
    kankan_region = Region.objects.get(code="GN-K")
    wanted = [
        (ambassador, labe, "immediate", True),
        (kankan, kankan_region, "urgent", None),
        (ambassador, labe, "normal", False),
    ]

    def fields(actor: User, region: Region, urgency: str, child: bool | None) -> dict[str, Any]:
        return {
            "actor": actor,
            "region": region,
            "seen_on": date(2026, 11, 1),
            "person_description": f"personne signalée par {actor.username} (fictive)",
            "what_was_seen": "attend un passeur (fictif)",
            "urgency": urgency,
            "child_concerned": child,
        }

    many = services.alerts_raise_many(reports=[services.AlertReport(**fields(*w)) for w in wanted])
    one = [services.alert_raise(**fields(*w)) for w in wanted]
    assert len(many) == 3 and all(a.pk for a in many)

    def facts(alert: Alert) -> tuple[Any, ...]:
        alert = Alert.objects.get(pk=alert.pk)
        event = AuditEvent.objects.get(object_type="cases.alert", object_id=str(alert.pk))
        return (
            alert.created_by_id,
            alert.organisation_id,
            alert.region_id,
            alert.urgency,
            alert.child_concerned,
            alert.status,
            alert.due_at - alert.created_at,
            alert.person_description,
            (event.action, event.actor_id, event.organisation_id, event.details),
        )

    assert [facts(a) for a in many] == [facts(a) for a in one]
    hours = settings.EGIDE_ALERT_DEADLINE_HOURS
    for alert, (actor, _region, urgency, _child) in zip(many, wanted, strict=True):
        assert alert.organisation_id == actor.organisation_id
        assert alert.due_at - alert.created_at == timedelta(hours=hours[urgency])
    with connection.cursor() as cursor:
        cursor.execute("SELECT person_description FROM cases_alert WHERE id = %s", [many[1].pk])
        stored = cursor.fetchone()[0]
    assert "kankan_ambassador" not in stored
    assert AuditEvent.objects.filter(action="alert.raised").count() == 6


def test_alert_triage_only_by_the_regions_supervisors(
    persona: Callable[[str], User], labe: Region, worker: User, other_org: Organisation
) -> None:
    alert = services.alert_raise(
        actor=persona(roles.MIGRANT_AMBASSADOR),
        region=labe,
        seen_on=date(2026, 11, 1),
        person_description="x (fictif)",
        what_was_seen="y",
        urgency="normal",
        child_concerned=None,
    )
    kankan_supervisor = make_user("kankan_sup", roles.CASE_SUPERVISOR, other_org, ["GN-K"])
    with pytest.raises(services.CaseError):
        services.alert_close(actor=kankan_supervisor, alert=alert, reason="pas chez nous")
    with pytest.raises(services.CaseError):
        services.alert_close(actor=worker, alert=alert, reason="no")
    case = services.alert_open_case(actor=persona(roles.CASE_SUPERVISOR), alert=alert, owner=worker)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CASE_OPENED and alert.case == case
    with pytest.raises(services.CaseError, match=str(services.ALREADY_TRIAGED)):
        services.alert_merge(actor=persona(roles.CASE_SUPERVISOR), alert=alert, case=case)


def test_referral_without_consent_is_refused_with_a_clear_message(
    case: Case, worker: User, shelter: Service
) -> None:
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    message = str(referral_services.NO_SHARING_CONSENT % {"service": "Hébergement"})
    with pytest.raises(referral_services.ReferralRefused, match=re.escape(message)):
        referral_services.referral_send(
            actor=worker,
            case=case,
            need=need,
            service=shelter,
            urgency="urgent",
            shared_fields=["first_name"],
        )
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.filter(action="referral.refused_no_consent").exists()


def test_referral_consent_must_name_the_service_type(
    case: Case, worker: User, shelter: Service
) -> None:
    _sharing_consent(worker, case, ["medical"])
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.referral_send(
            actor=worker, case=case, need=need, service=shelter, urgency="urgent", shared_fields=[]
        )


def test_withdrawn_consent_blocks_new_referrals_and_is_audited(
    case: Case, worker: User, shelter: Service
) -> None:
    consent = _sharing_consent(worker, case, ["shelter"])
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    first = referral_services.referral_send(
        actor=worker,
        case=case,
        need=need,
        service=shelter,
        urgency="normal",
        shared_fields=["first_name"],
    )
    services.consent_withdraw(actor=worker, consent=consent)
    assert AuditEvent.objects.filter(
        action="case.consent_withdrawn", object_id=str(case.pk)
    ).exists()
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.referral_send(
            actor=worker,
            case=case,
            need=need,
            service=shelter,
            urgency="normal",
            shared_fields=["first_name"],
        )
    assert list(Referral.objects.all()) == [first]


def test_supervisor_override_without_consent_needs_a_reason_and_is_audited(
    case: Case, worker: User, supervisor: User, shelter: Service
) -> None:
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.referral_send(
            actor=worker,
            case=case,
            need=need,
            service=shelter,
            urgency="immediate",
            shared_fields=[],
            override_reason="danger de mort",
        )
    referral = referral_services.referral_send(
        actor=supervisor,
        case=case,
        need=need,
        service=shelter,
        urgency="immediate",
        shared_fields=[],
        override_reason="Danger immédiat, personne inconsciente (fictif)",
    )
    assert referral.consent_override_by == supervisor
    assert AuditEvent.objects.filter(
        action="referral.consent_override", object_id=str(referral.pk)
    ).exists()


def test_child_referral_to_law_enforcement_needs_no_consent_adult_does(
    worker: User, labe: Region
) -> None:
    police = make_organisation("OPROGEM test (fictive)", ["GN-L"], type="police")
    investigation = Service.objects.create(
        provider=police, need_type="investigation", name="Enquête (fictive)"
    )
    child = services.case_open(actor=worker, region=labe, owner=worker, child=True)
    adult = services.case_open(actor=worker, region=labe, owner=worker)
    for case in (child, adult):
        need = services.need_add(
            actor=worker, case=case, need_type="investigation", priority="high"
        )
        if case is adult:
            message = re.escape(str(referral_services.NO_LAW_ENFORCEMENT_CONSENT))
            with pytest.raises(referral_services.ReferralRefused, match=message):
                referral_services.referral_send(
                    actor=worker,
                    case=case,
                    need=need,
                    service=investigation,
                    urgency="urgent",
                    shared_fields=[],
                )
        else:
            referral_services.referral_send(
                actor=worker,
                case=case,
                need=need,
                service=investigation,
                urgency="urgent",
                shared_fields=[],
            )


def test_cross_border_referral_needs_explicit_consent(case: Case, worker: User) -> None:
    foreign = Organisation.objects.create(
        name="ONG Dakar (fictive)", type="provider", country_id="SN"
    )
    service = Service.objects.create(provider=foreign, need_type="shelter", name="Abri Dakar")
    _sharing_consent(worker, case, ["shelter"])
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    message = re.escape(str(referral_services.NO_CROSS_BORDER_CONSENT))
    with pytest.raises(referral_services.ReferralRefused, match=message):
        referral_services.referral_send(
            actor=worker, case=case, need=need, service=service, urgency="normal", shared_fields=[]
        )
    services.consent_record(
        actor=worker,
        case=case,
        purpose="cross_border",
        decision="granted",
        given_by="person",
        language="pular",
        decided_on=date(2026, 11, 3),
    )
    referral = referral_services.referral_send(
        actor=worker, case=case, need=need, service=service, urgency="normal", shared_fields=[]
    )
    assert referral.cross_border


def test_referral_carries_only_selected_data_never_notes(
    case: Case, worker: User, shelter: Service
) -> None:
    services.note_add(
        actor=worker, case=case, text="Suivi psychologique (fictif)", sensitivity="sensitive"
    )
    _sharing_consent(worker, case, ["shelter"])
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    referral = referral_services.referral_send(
        actor=worker,
        case=case,
        need=need,
        service=shelter,
        urgency="normal",
        shared_fields=["first_name", "notes"],
    )
    assert referral.shared == {"case_code": case.code, "first_name": "Mamadou"}


def test_provider_answers_only_referrals_addressed_to_it(
    case: Case, worker: User, shelter: Service, client_as: Callable[[User], Client]
) -> None:
    _sharing_consent(worker, case, ["shelter"])
    need = services.need_add(actor=worker, case=case, need_type="shelter", priority="high")
    referral = referral_services.referral_send(
        actor=worker,
        case=case,
        need=need,
        service=shelter,
        urgency="normal",
        shared_fields=["first_name"],
    )
    addressee = make_user("abri_user", roles.SERVICE_PROVIDER, shelter.provider)
    stranger_org = make_organisation("Autre prestataire (fictif)", ["GN-L"], type="provider")
    stranger = make_user("other_provider", roles.SERVICE_PROVIDER, stranger_org)
    url = reverse("referrals:detail", args=[referral.pk])
    assert client_as(stranger).get(url).status_code == 404
    assert client_as(stranger).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    client = client_as(addressee)
    page = client.get(url)
    assert page.status_code == 200 and "Mamadou" in page.content.decode()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    client.post(reverse("referrals:action", args=[referral.pk, "accept"]))
    client.post(
        reverse("referrals:action", args=[referral.pk, "deliver"]),
        {"delivered": "yes", "outcome": "Hébergée 10 nuits (fictif)"},
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DELIVERED


def test_law_enforcement_never_sees_sensitive_notes(
    case: Case, worker: User, client_as: Callable[[User], Client]
) -> None:
    police = make_organisation("OPROGEM Labé test (fictive)", ["GN-L"], type="police")
    officer = make_user("officer", roles.LAW_ENFORCEMENT, police)
    services.note_add(
        actor=worker,
        case=case,
        text="Note psychologique sensible (fictive)",
        sensitivity="sensitive",
    )
    services.consent_record(
        actor=worker,
        case=case,
        purpose="law_enforcement",
        decision="granted",
        given_by="person",
        language="pular",
        decided_on=date(2026, 11, 2),
    )
    investigation = Service.objects.create(
        provider=police, need_type="investigation", name="Enquête (fictive)"
    )
    need = services.need_add(actor=worker, case=case, need_type="investigation", priority="high")
    referral = referral_services.referral_send(
        actor=worker,
        case=case,
        need=need,
        service=investigation,
        urgency="urgent",
        shared_fields=["first_name"],
    )
    client = client_as(officer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "psychologique" not in page


def test_closure_needs_supervisor_approval_then_purge_keeps_statistics(
    case: Case, worker: User, supervisor: User, shelter: Service
) -> None:
    _sharing_consent(worker, case, ["shelter"])
    need = services.need_add(
        actor=worker,
        case=case,
        need_type="shelter",
        priority="high",
        action="Trouver un abri (fictif)",
    )
    referral_services.referral_send(
        actor=worker,
        case=case,
        need=need,
        service=shelter,
        urgency="normal",
        shared_fields=["first_name"],
    )
    services.note_add(actor=worker, case=case, text="Note (fictive)", sensitivity="normal")
    services.closure_request(actor=worker, case=case, reason="goals_met")
    with pytest.raises(services.CaseError):
        services.closure_approve(actor=worker, case=case)
    services.closure_approve(actor=supervisor, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.retention_until is not None
    # Not yet due: nothing purged.
    assert services.retention_purge(today=case.retention_until) == 0
    assert services.retention_purge(today=case.retention_until + timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.purged_at is not None
    assert (case.first_name, case.last_name, case.phone) == ("", "", "")
    assert not CaseNameToken.objects.filter(case=case).exists()
    assert not case.notes.exists()
    assert Referral.objects.get(case=case).shared == {}
    # Statistics remain: code, region, sex, child, status, needs and referral facts.
    assert case.code.startswith("GN-LAB-") and case.needs.count() == 1
    assert Referral.objects.filter(case=case, service=shelter).exists()
    assert AuditEvent.objects.filter(action="case.purged", object_id=str(case.pk)).exists()


def test_case_list_query_count_does_not_grow_with_cases(
    worker: User,
    labe: Region,
    client_as: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as(worker)
    for _ in range(3):
        services.case_open(actor=worker, region=labe, owner=worker)
    with django_assert_max_num_queries(14):
        client.get(reverse("cases:list"))
    for _ in range(20):
        services.case_open(actor=worker, region=labe, owner=worker)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases:list"))
    assert response.content.decode().count("GN-LAB-") == 23


def test_case_page_read_is_audited(
    case: Case, worker: User, client_as: Callable[[User], Client]
) -> None:
    client_as(worker).get(reverse("cases:detail", args=[case.pk]))
    assert AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).exists()


def test_case_actions_bad_input_gives_message_and_saves_nothing(
    case: Case, worker: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(worker)
    response = client.post(
        reverse("cases:action", args=[case.pk, "follow_up"]),
        {"due_on": "pas une date"},
        follow=True,
    )
    assert "Saisissez une date valide" in response.content.decode()
    assert not case.follow_ups.exists()
    response = client.post(
        reverse("cases:action", args=[case.pk, "attachment"]),
        {"file": _upload("virus.exe", b"MZ", "application/x-msdownload")},
        follow=True,
    )
    assert not case.attachments.exists()
    assert "PDF" in response.content.decode()


def _upload(name: str, content: bytes, content_type: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_attachment_is_stored_encrypted_and_download_audited(
    case: Case, worker: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(worker)
    client.post(
        reverse("cases:action", args=[case.pk, "attachment"]),
        {"file": _upload("attestation.txt", b"Attestation fictive 0622", "text/plain")},
    )
    attachment = case.attachments.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, filename FROM cases_attachment WHERE id = %s", [attachment.pk])
        raw = " ".join(cursor.fetchone())
    assert "attestation" not in raw and "QXR0ZXN0YXRpb24" not in raw
    response = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))
    assert response.content == b"Attestation fictive 0622"
    assert AuditEvent.objects.filter(action="case.attachment_downloaded").exists()


def test_reminders_email_overdue_steps_by_code_only(
    case: Case,
    worker: User,
    shelter: Service,
    persona: Callable[[str], User],
    labe: Region,
    mailoutbox: list[Any],
) -> None:
    from django.core.management import call_command

    worker.email = "worker@demo.egide.invalid"
    worker.save()
    supervisor = persona(roles.CASE_SUPERVISOR)
    supervisor.email = "sup@demo.egide.invalid"
    supervisor.save()
    alert = services.alert_raise(
        actor=persona(roles.MIGRANT_AMBASSADOR),
        region=labe,
        seen_on=date(2026, 11, 1),
        person_description="x (fictif)",
        what_was_seen="y",
        urgency="immediate",
        child_concerned=None,
    )
    Alert.objects.filter(pk=alert.pk).update(due_at=timezone.now() - timedelta(hours=1))
    services.follow_up_plan(actor=worker, case=case, due_on=date(2026, 1, 2))
    call_command("reminders")
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert alert.code in by_recipient["sup@demo.egide.invalid"].body
    assert case.code in by_recipient["worker@demo.egide.invalid"].body
    assert all("Mamadou" not in m.body for m in mailoutbox)
    assert AuditEvent.objects.filter(action="reminders.sent").exists()


def test_retention_purge_command(case: Case, worker: User, supervisor: User) -> None:
    from django.core.management import call_command

    services.closure_request(actor=worker, case=case, reason="withdrew")
    services.closure_approve(actor=supervisor, case=case)
    Case.objects.filter(pk=case.pk).update(retention_until=date(2020, 1, 1))
    call_command("retention", "purge")
    case.refresh_from_db()
    assert case.purged_at is not None and case.first_name == ""


def test_api_case_of_another_agency_is_404_and_reads_are_audited(
    case: Case, worker: User, other_org: Organisation
) -> None:
    from rest_framework.test import APIClient

    outsider = make_user("kankan_api", roles.CASE_WORKER, other_org, ["GN-K"])
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client.get("/api/v1/cases/").json() == []
    client.force_authenticate(worker)
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["first_name"] == "Mamadou" and body["code"] == case.code
    assert AuditEvent.objects.filter(action="case.viewed", actor=worker).exists()
    found = client.get("/api/v1/cases/", {"q": "mamadou dialo"}).json()
    assert [c["code"] for c in found] == [case.code]


def test_api_alert_bad_input_is_400_naming_the_field(worker: User) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(worker)
    response = client.post("/api/v1/alerts/", {"region": "GN-XX", "urgency": "soon"}, format="json")
    assert response.status_code == 400
    assert {"region", "urgency", "seen_on", "what_was_seen"} <= set(response.json())
    assert Alert.objects.count() == 0
    response = client.post(
        "/api/v1/alerts/",
        {
            "region": "GN-L",
            "prefecture": "GN-KA",
            "urgency": "urgent",
            "seen_on": "2026-11-01",
            "person_description": "x (fictif)",
            "what_was_seen": "y",
        },
        format="json",
    )
    assert response.status_code == 400 and "prefecture" in response.json()
    response = client.post(
        "/api/v1/alerts/",
        {
            "region": "GN-L",
            "prefecture": "GN-LA",
            "urgency": "urgent",
            "seen_on": "2026-11-01",
            "person_description": "x (fictif)",
            "what_was_seen": "y",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["code"].startswith("ALR-")


def test_identity_edit_reindexes_names_sets_flags_and_refuses_bad_year(
    case: Case, worker: User, client_as: Callable[[User], Client]
) -> None:
    client = client_as(worker)
    url = reverse("cases:identity", args=[case.pk])
    assert "Mamadou" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).exists()
    form = {
        "first_name": "Mamadou",
        "last_name": "Diallo",
        "sex": "male",
        "birth_year": "1890",
        "languages": "pular",
        "flags": ["needs_interpreter"],
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "1900" in response.content.decode()
    case.refresh_from_db()
    assert case.birth_year is None and case.flags == []
    response = client.post(url, {**form, "birth_year": "2001", "last_name": "Keïta"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.flags == ["needs_interpreter"] and case.sex == "male"
    assert list(cases_search(worker, q="mamadou keita").values_list("pk", flat=True)) == [case.pk]
    assert not cases_search(worker, q="mamadou diallo").exists()
    event = AuditEvent.objects.get(action="case.identity_changed")
    assert "last_name" in event.details["fields"] and "Keïta" not in str(event.details)


def test_case_pages_of_another_agency_are_404_not_403(
    case: Case, other_org: Organisation, client_as: Callable[[User], Client]
) -> None:
    outsider = make_user("kankan_pages", roles.CASE_WORKER, other_org, ["GN-K"])
    client = client_as(outsider)
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:identity", args=[case.pk]),
        reverse("cases:refer", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("cases:action", args=[case.pk, "note"]), {"text": "x", "sensitivity": "normal"}
        ).status_code
        == 404
    )
    missing = reverse("cases:detail", args=[case.pk + 1000])
    assert client.get(missing).status_code == 404  # same answer as for a hidden case
    assert not case.notes.exists()


def test_case_list_filters_by_owner_status_and_child(
    case: Case,
    worker: User,
    supervisor: User,
    labe: Region,
    client_as: Callable[[User], Client],
) -> None:
    other_worker = make_user("second_worker", roles.CASE_WORKER, worker.organisation, ["GN-L"])
    child_case = services.case_open(actor=supervisor, region=labe, owner=other_worker, child=True)
    client = client_as(supervisor)
    body = client.get(reverse("cases:list"), {"owner": other_worker.pk}).content.decode()
    assert child_case.code in body and case.code not in body
    body = client.get(reverse("cases:list"), {"child": "no"}).content.decode()
    assert case.code in body and child_case.code not in body
    body = client.get(reverse("cases:list"), {"status": "closed"}).content.decode()
    assert case.code not in body and child_case.code not in body
