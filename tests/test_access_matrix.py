"""Every URL and API endpoint, requested by an anonymous visitor and by every role.

The expected table is data: a new URL without a row here makes ``test_every_url_has_a_row``
fail. A row gives the method, the URL arguments, the roles allowed, and the status codes that
allowed and refused visitors get (pages refuse with 404 so that existence does not leak; the API
answers 401/403; login-only pages redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import ALL_ROLES, ANON, EVERYONE, Row, extra_rows
from tests.personas import login_verified


def _assessment_by_labe_caseworker(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.screening.contract import parse_input
    from egide.screening.services import assessment_create

    assessment = assessment_create(
        actor=persona(roles.CASE_WORKER),
        data=parse_input({"person": {"age": 16}, "indicators": ["act.recruited"]}),
        interview={},
        worker_agrees=True,
    )
    return {"pk": assessment.pk}


def _labe_case(persona: Callable[[str], User]) -> Any:
    from egide.cases.services import case_open
    from egide.core.models import Region

    worker = persona(roles.CASE_WORKER)
    return case_open(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        owner=worker,
        first_name="Mariama",
        last_name="Sow",
    )


def _case(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _labe_case(persona).pk}


def _case_action(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _labe_case(persona).pk, "action": "note"}


def _follow_up_done(persona: Callable[[str], User]) -> dict[str, Any]:
    from datetime import date

    from egide.cases.services import follow_up_plan

    case = _labe_case(persona)
    item = follow_up_plan(actor=persona(roles.CASE_WORKER), case=case, due_on=date(2026, 1, 5))
    return {"pk": case.pk, "action": "follow_up_done", "item": item.pk}


def _attachment(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.cases.services import attachment_add

    case = _labe_case(persona)
    item = attachment_add(
        actor=persona(roles.CASE_WORKER),
        case=case,
        filename="note.txt",
        content_type="text/plain",
        content=b"fictitious",
    )
    return {"pk": case.pk, "item": item.pk}


def _alert(persona: Callable[[str], User]) -> dict[str, Any]:
    from datetime import date

    from egide.cases.services import alert_raise
    from egide.core.models import Region

    alert = alert_raise(
        actor=persona(roles.MIGRANT_AMBASSADOR),
        region=Region.objects.get(code="GN-L"),
        seen_on=date(2026, 11, 1),
        person_description="fille d'environ 14 ans (fictive)",
        what_was_seen="travaille la nuit (fictif)",
        urgency="urgent",
        child_concerned=True,
    )
    return {"pk": alert.pk}


def _referral(persona: Callable[[str], User]) -> Any:
    from datetime import date

    from egide.cases.services import consent_record, need_add
    from egide.directory.models import Service
    from egide.referrals.services import referral_send

    worker = persona(roles.CASE_WORKER)
    case = _labe_case(persona)
    consent_record(
        actor=worker,
        case=case,
        purpose="sharing",
        decision="granted",
        given_by="person",
        language="pular",
        decided_on=date(2026, 11, 2),
        service_types=["shelter"],
    )
    need = need_add(actor=worker, case=case, need_type="shelter", priority="high")
    service = Service.objects.create(
        provider=worker.organisation, need_type="shelter", name="Abri test (fictif)"
    )
    return referral_send(
        actor=worker,
        case=case,
        need=need,
        service=service,
        urgency="urgent",
        shared_fields=["first_name"],
    )


def _referral_detail(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _referral(persona).pk}


def _referral_accept(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _referral(persona).pk, "action": "accept"}


def _session(persona: Callable[[str], User]) -> Any:
    from datetime import date

    from egide.training.services import participant_register, session_create, tests_prepare

    trainer = persona(roles.TRAINER)
    session = session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier test (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
    )
    enrollment = participant_register(
        actor=trainer,
        session=session,
        full_name="Nènè Sylla",
        sex="female",
        age_band="25_59",
        actor_type="cso",
    )
    tests_prepare(actor=trainer, session=session)
    return session, enrollment


def _session_pk(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _session(persona)[0].pk}


def _paper(persona: Callable[[str], User]) -> dict[str, Any]:
    session, enrollment = _session(persona)
    return {"pk": session.pk, "enrollment_id": enrollment.pk, "kind": "pre"}


def _certificate(persona: Callable[[str], User]) -> dict[str, Any]:
    session, enrollment = _session(persona)
    return {"pk": session.pk, "enrollment_id": enrollment.pk}


def _export(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _session(persona)[0].pk, "what": "participants.xlsx"}


def _token(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"token": _session(persona)[1].token}


TRAINING = frozenset({roles.TRAINER, roles.COORDINATOR})
DIALOGUE_RECORDERS = frozenset({roles.MIGRANT_AMBASSADOR, roles.COORDINATOR, roles.TRAINER})
REACH_READERS = frozenset({roles.COORDINATOR, roles.ANALYST, roles.TRAINER, roles.ADMINISTRATOR})
CASE_TEAM = frozenset({roles.CASE_WORKER, roles.CASE_SUPERVISOR})
RECEIVERS = frozenset({roles.SERVICE_PROVIDER, roles.LAW_ENFORCEMENT})
SCREENERS = frozenset(
    {roles.CASE_WORKER, roles.CASE_SUPERVISOR, roles.LAW_ENFORCEMENT, roles.MIGRANT_AMBASSADOR}
)
SCREENING_DOC = {"person": {"age": 16}, "indicators": ["act.recruited"]}


MATRIX: dict[str, Row] = {
    "core:home": Row(ALL_ROLES, denied_status=(302,)),
    "accounts:login": Row(frozenset({ANON}), denied_status=(302,)),
    "accounts:login_otp": Row(frozenset(), denied_status=(302,)),
    "accounts:totp_enrol": Row(frozenset(), denied_status=(302,)),
    "accounts:logout": Row(frozenset(), denied_status=(405,)),
    "accounts:set_language": Row(frozenset(), denied_status=(405,)),
    "accounts:profile": Row(ALL_ROLES, denied_status=(302,)),
    "audit:list": Row(frozenset({roles.ADMINISTRATOR}), denied_status=(404,)),
    "admin:index": Row(frozenset({roles.ADMINISTRATOR}), denied_status=(302,)),
    "api:schema": Row(ALL_ROLES, denied_status=(401, 403)),
    "api:docs": Row(ALL_ROLES, denied_status=(401, 403)),
    "api:me": Row(ALL_ROLES, denied_status=(401, 403)),
    "screening:list": Row(SCREENERS, denied_status=(404,)),
    # The first step is served at once (no draft, no redirect): 200.
    "screening:interview": Row(SCREENERS, 200, (404,)),
    # Same organisation: case workers and supervisors see it; others, even screeners, get 404.
    "screening:detail": Row(
        frozenset({roles.CASE_WORKER, roles.CASE_SUPERVISOR}),
        denied_status=(404,),
        setup=_assessment_by_labe_caseworker,
    ),
    "api:screening_evaluate": Row(
        SCREENERS, denied_status=(401, 403), method="post", json=SCREENING_DOC
    ),
    "api:screening_catalogue": Row(ALL_ROLES, denied_status=(401, 403)),
    "cases:list": Row(CASE_TEAM, denied_status=(404,)),
    "cases:detail": Row(CASE_TEAM, denied_status=(404,), setup=_case),
    "cases:identity": Row(CASE_TEAM, denied_status=(404,), setup=_case),
    "cases:refer": Row(CASE_TEAM, denied_status=(404,), setup=_case),
    "cases:action": Row(CASE_TEAM, 302, (404,), method="post", setup=_case_action),
    "cases:item_action": Row(CASE_TEAM, 302, (404,), method="post", setup=_follow_up_done),
    "cases:attachment": Row(CASE_TEAM, denied_status=(404,), setup=_attachment),
    "cases:alert_list": Row(ALL_ROLES, denied_status=(404,)),
    "cases:alert_create": Row(ALL_ROLES, denied_status=(404,)),
    # The ambassador raised it; the Labé supervisors triage it; nobody else learns it exists.
    "cases:alert_detail": Row(
        frozenset({roles.MIGRANT_AMBASSADOR, roles.CASE_SUPERVISOR}),
        denied_status=(404,),
        setup=_alert,
    ),
    "referrals:list": Row(CASE_TEAM | RECEIVERS, denied_status=(404,)),
    "referrals:detail": Row(CASE_TEAM | RECEIVERS, denied_status=(404,), setup=_referral_detail),
    "referrals:action": Row(RECEIVERS, 302, (404,), method="post", setup=_referral_accept),
    "directory:list": Row(ALL_ROLES, denied_status=(302, 404)),
    "api:alerts": Row(ALL_ROLES, denied_status=(401, 403)),
    "api:cases": Row(CASE_TEAM, denied_status=(401, 403)),
    "api:case_detail": Row(CASE_TEAM, denied_status=(401, 403, 404), setup=_case),
    "api:referrals": Row(ALL_ROLES, denied_status=(401, 403)),
    "api:referral_answer": Row(
        RECEIVERS,
        denied_status=(401, 403, 404),
        method="post",
        json={"action": "accept"},
        setup=_referral_detail,
    ),
    "api:services": Row(ALL_ROLES, denied_status=(401, 403)),
    "api:reach": Row(REACH_READERS, denied_status=(401, 403)),
    "training:list": Row(TRAINING, denied_status=(404,)),
    "training:curriculum": Row(ALL_ROLES, denied_status=(404,)),
    "training:module": Row(ALL_ROLES, denied_status=(404,), kwargs={"code": "M1"}),
    "training:session_create": Row(TRAINING, denied_status=(404,)),
    "training:session": Row(TRAINING, denied_status=(404,), setup=_session_pk),
    "training:participant_add": Row(TRAINING, 302, (404,), method="post", setup=_session_pk),
    "training:import": Row(TRAINING, 302, (404,), method="post", setup=_session_pk),
    "training:attendance": Row(TRAINING, 302, (404,), method="post", setup=_session_pk),
    "training:tests": Row(TRAINING, 302, (404,), method="post", setup=_session_pk),
    "training:paper": Row(TRAINING, denied_status=(404,), setup=_paper),
    # Not eligible yet: the trainer is sent back with a message.
    "training:certificate": Row(TRAINING, 302, (404,), setup=_certificate),
    "training:export": Row(TRAINING, denied_status=(404,), setup=_export),
    # Public pages: a participant's own test (secret link) and certificate verification.
    "training:take_test": Row(EVERYONE, setup=_token),
    "training:verify": Row(EVERYONE),
    "training:verify_code": Row(EVERYONE, kwargs={"code": "EG-FORGED0000"}),
    "outreach:dialogues": Row(DIALOGUE_RECORDERS, denied_status=(404,)),
    "outreach:dialogue_create": Row(DIALOGUE_RECORDERS, denied_status=(404,)),
    "outreach:ambassadors": Row(frozenset({roles.COORDINATOR}), denied_status=(404,)),
    "outreach:reach": Row(REACH_READERS, denied_status=(404,)),
}
# Rows of the other areas live beside their tests in tests/access_rows/<area>.py.
MATRIX.update(extra_rows(MATRIX))


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace == "admin":
                names.add("admin:index")  # the admin is one row: the whole site is gated at once
                continue
            names |= _url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_url_has_a_row() -> None:
    names = _url_names()
    missing = names - set(MATRIX)
    stale = set(MATRIX) - names
    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EVERYONE))
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(name: str, who: str, persona: Callable[[str], User]) -> None:
    row = MATRIX[name]
    kwargs = row.setup(persona) if row.setup else row.kwargs
    client = Client() if who == ANON else login_verified(Client(), persona(who))
    url = reverse(name, kwargs=kwargs)
    if row.json is not None:
        response = getattr(client, row.method)(url, row.json, content_type="application/json")
    else:
        response = getattr(client, row.method)(url)
    if who in row.allowed:
        assert response.status_code == row.allowed_status, (name, who, response.status_code)
    else:
        assert response.status_code in row.denied_status, (name, who, response.status_code)
