"""Child referral to CPIMS+ against a fake Primero v2 server (tests/fake_primero.py): exactly
the ticked fields, one case after a lost answer, a 422 with its field, one re-login on an
expired token, consent and adult refusals, the login cap, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.cases.services import CaseError, case_open, consent_record
from egide.core.models import Region
from egide.interop import services
from egide.interop.cpims_rules import DEFAULT_FIELD_MAP
from egide.interop.models import CpimsConnection, CpimsReferral
from egide.interop.tests.fake_primero import FakePrimero
from egide.jobs.models import Job
from egide.jobs.services import job_run
from tests.personas import login_verified

pytestmark = pytest.mark.django_db
YESTERDAY = date(2026, 11, 20)


@pytest.fixture
def primero() -> Iterator[FakePrimero]:
    with FakePrimero() as server:
        yield server


@pytest.fixture
def connected(
    primero: FakePrimero, persona: Callable[[str], User], settings: Any
) -> CpimsConnection:
    settings.EGIDE_CPIMS_BACKOFF_SECONDS = 0.0
    settings.EGIDE_CPIMS_TIMEOUT = 5.0
    return services.cpims_connection_save(
        actor=persona(roles.ADMINISTRATOR),
        base_url=primero.url,
        username=primero.state.user_name,
        password=primero.state.password,
        module_id="primeromodule-cp",
        protection_concerns="trafficked",
        field_map=dict(DEFAULT_FIELD_MAP),
        logins_per_minute=3,
        enabled=True,
    )


def child_case(
    persona: Callable[[str], User], *, consent: str | None = "granted", **kw: Any
) -> Any:
    worker = persona(roles.CASE_WORKER)
    case = case_open(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        owner=worker,
        child=kw.pop("child", True),
        sex="female",
        first_name="Aïssatou",
        last_name="Baldé",
        birth_date=kw.pop("birth_date", "2013-04-02"),
        guardian="Tante (fictive)",
    )
    if consent:
        consent_record(
            actor=worker,
            case=case,
            purpose="cpims",
            decision=consent,
            given_by="guardian" if consent == "granted" else "bid_panel",
            language="pular",
            decided_on=YESTERDAY,
        )
    return case


def refer_and_run(worker: User, case: Any, fields: list[str]) -> CpimsReferral:
    referral = services.cpims_refer(actor=worker, case=case, fields=fields)
    job_run(job_id=referral.job_id)
    referral.refresh_from_db()
    return referral


def test_child_referral_creates_one_case_with_exactly_the_ticked_fields(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    case = child_case(persona)
    referral = refer_and_run(persona(roles.CASE_WORKER), case, ["first_name", "sex", "birth_date"])
    assert referral.status == CpimsReferral.Status.SENT, referral.error
    assert list(primero.state.cases) == [str(referral.record_id)]
    sent = primero.state.cases[str(referral.record_id)]
    assert sent == {
        "id": str(referral.record_id),
        "module_id": "primeromodule-cp",
        "name_first": "Aïssatou",
        "sex": "female",
        "date_of_birth": "2013-04-02",
    }
    assert referral.primero_id == str(referral.record_id)
    assert Job.objects.get(pk=referral.job_id).status == Job.Status.SUCCEEDED
    event = AuditEvent.objects.get(action="cpims.sent")
    assert event.details["fields"] == ["date_of_birth", "name_first", "sex"]
    assert "Aïssatou" not in str(event.details)
    assert AuditEvent.objects.filter(action="cpims.referral_requested").count() == 1


def test_retry_after_a_lost_answer_does_not_create_a_second_case(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    primero.state.lose_next_answer = True
    case = child_case(persona)
    referral = refer_and_run(persona(roles.CASE_WORKER), case, ["first_name", "last_name"])
    assert referral.status == CpimsReferral.Status.ALREADY_THERE, referral.error
    assert len(primero.state.cases) == 1 and primero.state.case_posts == 2
    assert referral.attempts == 2 and referral.primero_id == str(referral.record_id)
    assert AuditEvent.objects.filter(action="cpims.attempt_failed").count() == 1
    assert AuditEvent.objects.filter(action="cpims.already_there").count() == 1


def test_422_is_shown_with_its_field(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    case = child_case(persona, birth_date="02/04/2013")
    worker = persona(roles.CASE_WORKER)
    referral = refer_and_run(worker, case, ["first_name", "birth_date"])
    assert referral.status == CpimsReferral.Status.FAILED
    assert "date_of_birth" in referral.error and "422" in referral.error
    assert not primero.state.cases and primero.state.case_posts == 1  # no retry of a refusal
    page = login_verified(Client(), worker).get(reverse("interop:cpims_refer", args=[case.pk]))
    assert "date_of_birth" in page.content.decode() and "422" in page.content.decode()
    job = Job.objects.get(pk=referral.job_id)
    assert job.status == Job.Status.FAILED and "date_of_birth" in job.error


def test_expired_token_triggers_one_relogin(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    first = refer_and_run(worker, child_case(persona), ["first_name"])
    assert first.status == CpimsReferral.Status.SENT and len(primero.state.logins) == 1
    primero.state.expire_tokens_once = True
    second_case = child_case(persona)
    second = refer_and_run(worker, second_case, ["first_name"])
    assert second.status == CpimsReferral.Status.SENT, second.error
    assert len(primero.state.logins) == 2  # exactly one new login
    assert len(primero.state.cases) == 2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM interop_cpimsconnection")
        (raw_token,) = cursor.fetchone()
    assert raw_token and raw_token not in primero.state.tokens  # kept encrypted
    assert CpimsConnection.objects.get().token in primero.state.tokens


def test_refused_consent_blocks_the_send(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    case = child_case(persona, consent="refused")
    with pytest.raises(CaseError) as refused:
        services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    assert str(refused.value) == str(services.NO_CPIMS_CONSENT)
    assert not CpimsReferral.objects.exists() and primero.state.case_posts == 0
    assert AuditEvent.objects.filter(
        action="cpims.referral_refused", details__reason="consent"
    ).exists()
    # Through the page: the same message, nothing queued.
    client = login_verified(Client(), worker)
    response = client.post(
        reverse("interop:cpims_refer", args=[case.pk]), {"fields_sent": ["first_name"]}
    )
    assert response.status_code == 200
    assert escape(str(services.NO_CPIMS_CONSENT))[:40] in response.content.decode()
    assert not Job.objects.exists()


def test_best_interests_determination_allows_the_send(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    case = child_case(persona, consent="best_interests")
    referral = refer_and_run(persona(roles.CASE_WORKER), case, ["sex", "age"])
    assert referral.status == CpimsReferral.Status.SENT
    data = primero.state.cases[str(referral.record_id)]
    assert set(data) == {"id", "module_id", "sex", "age"} and isinstance(data["age"], int)


def test_adult_case_is_refused_with_a_clear_message(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    adult = child_case(persona, child=False, consent=None, birth_date="1990-01-01")
    with pytest.raises(CaseError) as refused:
        services.cpims_refer(actor=worker, case=adult, fields=["first_name"])
    assert str(refused.value) == str(services.ADULT_CASE)
    # Marked as a child, but the date of birth says 18 or more.
    grown = child_case(persona, birth_date="2000-01-01")
    with pytest.raises(CaseError):
        services.cpims_refer(actor=worker, case=grown, fields=["first_name"])
    page = login_verified(Client(), worker).post(
        reverse("interop:cpims_refer", args=[adult.pk]), {"fields_sent": ["first_name"]}
    )
    assert escape(str(services.ADULT_CASE))[:40] in page.content.decode()
    assert primero.state.case_posts == 0


def test_wrong_password_is_shown_and_not_retried(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    primero.state.password = "changed"
    referral = refer_and_run(persona(roles.CASE_WORKER), child_case(persona), ["first_name"])
    assert referral.status == CpimsReferral.Status.FAILED and "401" in referral.error
    assert len(primero.state.logins) == 1


@pytest.mark.parametrize(
    ("forced", "status", "words"),
    [
        ([403], CpimsReferral.Status.FAILED, "403"),
        ([429, 500], CpimsReferral.Status.SENT, ""),
        ([500, 500, 500, 500], CpimsReferral.Status.FAILED, "4"),
    ],
)
def test_403_429_and_server_errors(
    forced: list[int],
    status: str,
    words: str,
    primero: FakePrimero,
    connected: CpimsConnection,
    persona: Callable[[str], User],
) -> None:
    primero.state.answer_next = list(forced)
    referral = refer_and_run(persona(roles.CASE_WORKER), child_case(persona), ["first_name"])
    assert referral.status == status, referral.error
    assert words in referral.error


def test_backoff_waits_longer_each_time(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User], settings: Any
) -> None:
    settings.EGIDE_CPIMS_BACKOFF_SECONDS = 2.0
    primero.state.answer_next = [500, 500, 500]
    waits: list[float] = []
    referral = services.cpims_refer(
        actor=persona(roles.CASE_WORKER), case=child_case(persona), fields=["first_name"]
    )
    services.cpims_send(referral_id=referral.pk, sleep=waits.append)
    assert waits == [2.0, 4.0, 8.0]


def test_login_cap_is_respected(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User], settings: Any
) -> None:
    settings.EGIDE_CPIMS_ATTEMPTS = 1
    CpimsConnection.objects.update(logins_per_minute=2)
    worker = persona(roles.CASE_WORKER)
    for _ in range(3):
        primero.state.expire_tokens_once = True  # every send needs a new login
        refer_and_run(worker, child_case(persona), ["first_name"])
    assert len(primero.state.logins) == 2  # the third waited instead of logging in
    last = CpimsReferral.objects.order_by("-pk").first()
    assert last is not None and last.status == CpimsReferral.Status.FAILED


def test_already_sent_case_is_not_sent_twice(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    case = child_case(persona)
    refer_and_run(worker, case, ["first_name"])
    with pytest.raises(CaseError):
        services.cpims_refer(actor=worker, case=case, fields=["first_name"])


def test_credentials_are_encrypted(connected: CpimsConnection) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT username, password FROM interop_cpimsconnection")
        username, password = cursor.fetchone()
    assert "egide" not in username and "CPIMS" not in password


def test_refer_page_for_the_case_team_only(
    connected: CpimsConnection, persona: Callable[[str], User], other_org: Any
) -> None:
    from tests.personas import make_user

    case = child_case(persona)
    url = reverse("interop:cpims_refer", args=[case.pk])
    assert login_verified(Client(), persona(roles.CASE_WORKER)).get(url).status_code == 200
    stranger = make_user("kankan_worker", roles.CASE_WORKER, other_org, ["GN-K"])
    assert login_verified(Client(), stranger).get(url).status_code == 404


def test_sending_again_after_a_failure_keeps_egides_id(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    case = child_case(persona)
    primero.state.lose_next_answer = True  # created, but Égide never hears it…
    primero.state.answer_next = []
    referral = services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    with pytest.raises(CaseError):  # already queued: not twice
        services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    with pytest.raises(services.CpimsFailed):
        # …and every later attempt finds CPIMS+ down.
        from django.test import override_settings

        with override_settings(EGIDE_CPIMS_ATTEMPTS=1):
            services.cpims_send(referral_id=referral.pk, sleep=lambda s: None)
    referral.refresh_from_db()
    assert referral.status == CpimsReferral.Status.FAILED
    first_id = referral.record_id
    again = refer_and_run(worker, case, ["first_name", "last_name"])
    assert again.pk == referral.pk and again.record_id == first_id
    assert again.status == CpimsReferral.Status.ALREADY_THERE
    assert len(primero.state.cases) == 1


@pytest.mark.parametrize(
    ("new_url", "needs_password"),
    [
        ("https://evil.example.net", True),  # another host
        ("http://{host}", True),  # another scheme
        ("https://{host}:8443", True),  # another port
        ("{url}/", False),  # the same server
    ],
)
def test_another_server_needs_the_password_again(
    connected: CpimsConnection,
    persona: Callable[[str], User],
    settings: Any,
    new_url: str,
    needs_password: bool,
) -> None:
    from urllib.parse import urlsplit

    from egide.interop.forms import CpimsConnectionForm

    settings.DEBUG = True  # http:// allowed: only the change of scheme is tested
    connected.base_url = "https://cpims.example.org"
    connected.save()
    url = new_url.format(host=urlsplit(connected.base_url).hostname, url=connected.base_url)
    initial = CpimsConnectionForm.initial_for(connected)
    data = {**initial, "base_url": url, "password": "", "enabled": "on"}
    form = CpimsConnectionForm(data, connection=connected)
    if needs_password:
        assert not form.is_valid() and "password" in form.errors
        with pytest.raises(CaseError):
            services.cpims_connection_save(
                actor=persona(roles.ADMINISTRATOR),
                base_url=url,
                username=connected.username,
                password="",
                module_id=connected.module_id,
                protection_concerns=connected.protection_concerns,
                field_map=connected.field_map,
                logins_per_minute=3,
                enabled=True,
            )
    else:
        assert form.is_valid(), form.errors


def test_a_change_of_server_is_audited_with_both_hosts(
    connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    services.cpims_connection_save(
        actor=persona(roles.ADMINISTRATOR),
        base_url="https://cpims2.example.org",
        username=connected.username,
        password="New-Password-2026",
        module_id=connected.module_id,
        protection_concerns=connected.protection_concerns,
        field_map=connected.field_map,
        logins_per_minute=3,
        enabled=True,
    )
    event = AuditEvent.objects.filter(action="cpims.connection_changed").latest("pk")
    assert event.details["old_host"].startswith("127.0.0.1:")
    assert event.details["new_host"] == "cpims2.example.org:443"


@pytest.mark.parametrize(
    ("mapping", "refused"),
    [
        ({"map_first_name": "id"}, "map_first_name"),
        ({"map_last_name": "module_id"}, "map_last_name"),
        ({"map_sex": "owned_by"}, "map_sex"),
        ({"map_age": "status"}, "map_age"),
        ({"map_birth_date": "record_state"}, "map_birth_date"),
        ({"map_last_name": "name_first"}, "map_last_name"),  # two fields, one target
    ],
)
def test_mapping_to_reserved_or_shared_targets_is_refused(
    persona: Callable[[str], User], mapping: dict[str, str], refused: str
) -> None:
    from egide.interop.forms import CpimsConnectionForm

    data = {
        **CpimsConnectionForm.initial_for(None),
        "base_url": "https://127.0.0.1:8443",
        "username": "egide-api",
        "password": "x",
        "enabled": "on",
        **mapping,
    }
    form = CpimsConnectionForm(data, connection=None)
    assert not form.is_valid() and refused in form.errors
    with pytest.raises(CaseError):
        services.cpims_connection_save(
            actor=persona(roles.ADMINISTRATOR),
            base_url="https://127.0.0.1:8443",
            username="egide-api",
            password="x",
            module_id="primeromodule-cp",
            protection_concerns="trafficked",
            field_map={**DEFAULT_FIELD_MAP, **{k[4:]: v for k, v in mapping.items()}},
            logins_per_minute=3,
            enabled=True,
        )


def test_payload_never_lets_a_mapping_replace_egides_id() -> None:
    from egide.interop.cpims_rules import build_case_payload

    payload = build_case_payload(
        record_id="r-1",
        values={"first_name": "Aïssatou", "last_name": "Baldé"},
        ticked=["first_name", "last_name"],
        field_map={"first_name": "id", "last_name": "module_id"},
        module_id="primeromodule-cp",
    )
    assert payload == {"data": {"id": "r-1", "module_id": "primeromodule-cp"}}


def test_the_targets_written_are_audited(
    connected: CpimsConnection, primero: FakePrimero, persona: Callable[[str], User]
) -> None:
    worker = persona(roles.CASE_WORKER)
    refer_and_run(worker, child_case(persona), ["first_name", "sex"])
    sent = AuditEvent.objects.get(action="cpims.sent")
    assert sent.details["fields"] == ["name_first", "sex"]
    changed = AuditEvent.objects.filter(action="cpims.connection_changed").latest("pk")
    assert "name_first" in changed.details["targets"]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:6379",
        "https://127.0.0.1:8443",
        "https://10.0.0.5",
        "https://192.168.1.1",
        "https://169.254.169.254",
        "https://[::1]:8443",
        "https://[::ffff:10.0.0.1]",
        "https://0.0.0.0",
    ],
)
def test_local_and_private_addresses_are_refused_unless_allowlisted(
    settings: Any, url: str
) -> None:
    from egide.interop.forms import CpimsConnectionForm

    settings.DEBUG = False
    settings.EGIDE_CPIMS_ALLOWED_HOSTS = []
    data = {
        **CpimsConnectionForm.initial_for(None),
        "base_url": url,
        "username": "egide-api",
        "password": "x",
        "enabled": "on",
    }
    assert "base_url" in CpimsConnectionForm(data, connection=None).errors
    settings.EGIDE_CPIMS_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "10.0.0.5"]
    form = CpimsConnectionForm(data, connection=None)
    if url in ("http://localhost:6379", "https://127.0.0.1:8443", "https://10.0.0.5"):
        assert form.is_valid(), form.errors


def test_sending_to_a_local_address_not_allowlisted_is_refused_before_any_request(
    connected: CpimsConnection,
    primero: FakePrimero,
    persona: Callable[[str], User],
    settings: Any,
) -> None:
    settings.EGIDE_CPIMS_ALLOWED_HOSTS = []
    worker = persona(roles.CASE_WORKER)
    referral = refer_and_run(worker, child_case(persona), ["first_name"])
    assert referral.status == CpimsReferral.Status.FAILED and "127.0.0.1" in referral.error
    assert primero.state.logins == [] and primero.state.case_posts == 0


def test_a_huge_answer_is_not_read(primero: FakePrimero) -> None:
    from egide.interop.primero import PrimeroClient

    client = PrimeroClient(primero.url, 5.0, ["127.0.0.1"])
    login = client.login(primero.state.user_name, primero.state.password)
    primero.state.huge_next = True
    token = login.headers["Authorization"].split()[1]
    answer = client.create_case({"data": {"id": "r-1"}}, token)
    assert answer.status == 422 and answer.body is None


def test_consent_is_checked_again_before_each_attempt(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    from egide.cases.models import Consent
    from egide.cases.services import consent_withdraw

    worker = persona(roles.CASE_WORKER)
    case = child_case(persona)
    referral = services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    primero.state.answer_next = [503]

    def withdraw_while_waiting(_seconds: float) -> None:
        consent_withdraw(actor=worker, consent=Consent.objects.get(case=case, purpose="cpims"))

    with pytest.raises(services.CpimsFailed):
        services.cpims_send(referral_id=referral.pk, sleep=withdraw_while_waiting)
    referral.refresh_from_db()
    assert referral.status == CpimsReferral.Status.FAILED
    assert primero.state.case_posts == 1 and not primero.state.cases
    failed = AuditEvent.objects.get(action="cpims.failed")
    assert failed.details["reason"] == "consent"
    attempt = AuditEvent.objects.get(action="cpims.attempt_failed")
    assert attempt.details["fields"] == ["name_first"]  # what the failed attempt carried


def test_a_refused_attempt_audits_the_fields(
    primero: FakePrimero, connected: CpimsConnection, persona: Callable[[str], User]
) -> None:
    primero.state.answer_next = [403]
    referral = refer_and_run(persona(roles.CASE_WORKER), child_case(persona), ["first_name", "sex"])
    assert referral.status == CpimsReferral.Status.FAILED
    assert AuditEvent.objects.get(action="cpims.failed").details["fields"] == ["name_first", "sex"]


def test_two_first_referrals_at_once_do_not_fail_with_500(
    primero: FakePrimero,
    connected: CpimsConnection,
    persona: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second request did not see the first one's row (same moment, no row to lock): the
    unique constraint refuses its insert, and it answers "already being sent"."""
    from egide.interop.services import cpims as cpims_services

    worker = persona(roles.CASE_WORKER)
    case = child_case(persona)
    services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    monkeypatch.setattr(cpims_services, "_referral_locked", lambda case: None)
    with pytest.raises(CaseError) as second:
        services.cpims_refer(actor=worker, case=case, fields=["first_name"])
    assert str(second.value) == str(services.IN_PROGRESS)
    response = login_verified(Client(), worker).post(
        reverse("interop:cpims_refer", args=[case.pk]), {"fields_sent": ["first_name"]}
    )
    assert response.status_code == 200 and CpimsReferral.objects.count() == 1
