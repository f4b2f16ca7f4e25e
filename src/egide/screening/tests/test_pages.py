"""The guided interview and the assessment pages, through the Django test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.screening.models import Assessment
from tests.personas import make_organisation, make_user

pytestmark = pytest.mark.django_db
URL = "/screening/interview/"


def _state(response: Any) -> str:
    match = re.search(r'name="state" value="([^"]+)"', response.content.decode())
    assert match, "no interview state in the page"
    return match.group(1)


def post_step(
    client: Client, response: Any, step: str, data: dict[str, Any], action: str = "next"
) -> Any:
    payload = {"state": _state(response), "step": step, "go": action, **data}
    return client.post(URL, payload)


CONSENT = {
    "consent": "yes",
    "interview_language": "ff",
    "age": "15",
    "sex": "female",
    "person_reference": "F.C. (fictive)",
}


def run_interview(
    client: Client,
    *,
    safety: list[str] | None = None,
    conditions: list[str] | None = None,
    agrees: str = "yes",
    extra: dict[str, str] | None = None,
) -> Any:
    page = client.get(URL)
    page = post_step(client, page, "consent", {**CONSENT, "safety": safety or []})
    if safety:
        page = post_step(client, page, "urgent", {}, action="continue")
    page = post_step(
        client,
        page,
        "movement",
        {"crossed_border": "no", "irregular_entry": "unknown", "paid_facilitator": "unknown"},
    )
    page = post_step(client, page, "recruitment", {"act": ["act.recruited"]})
    page = post_step(
        client,
        page,
        "conditions",
        {
            "exploitative_conditions": conditions
            or ["exploitative_conditions.excessive_working_hours"]
        },
    )
    page = post_step(client, page, "control", {})
    page = post_step(client, page, "purpose", {"purpose": ["purpose.domestic_servitude"]})
    page = post_step(client, page, "gbv", {})
    assert "presumed" in page.content.decode() or "présumée" in page.content.decode()
    return post_step(client, page, "result", {"agrees": agrees, **(extra or {})}, action="save")


def test_interview_saves_an_assessment_with_codes_result_and_determination(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = run_interview(client)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("screening:detail", args=[assessment.pk])
    assert assessment.trafficking_level == "presumed" and assessment.child
    assert assessment.rule_set == "1.0" and assessment.worker_agrees is True
    assert "act.recruited" in assessment.input_document["indicators"]
    assert assessment.interview["language"] == "ff"
    assert AuditEvent.objects.filter(
        action="screening.assessment_created", object_id=str(assessment.pk)
    ).exists()
    detail = client.get(response["Location"])
    assert "Servitude domestique" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action="screening.assessment_viewed", object_id=str(assessment.pk)
    ).exists()


def test_interview_answers_are_encrypted_at_rest(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    run_interview(client_as(caseworker))
    with connection.cursor() as cursor:
        cursor.execute("SELECT input_json, result_json, person_reference FROM screening_assessment")
        raw = " ".join(cursor.fetchone())
    assert "domestic_servitude" not in raw and "F.C." not in raw


def test_interview_without_consent_stops_and_saves_nothing(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL)
    page = post_step(client, page, "consent", {**CONSENT, "consent": "no"})
    assert "consentement éclairé" in page.content.decode()
    assert Assessment.objects.count() == 0


def test_interview_urgent_stops_and_offers_to_save_now(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL)
    page = post_step(
        client, page, "consent", {**CONSENT, "safety": ["safety.no_safe_place_tonight"]}
    )
    body = page.content.decode()
    assert "Urgence : arrêtez et orientez maintenant" in body and "116" in body
    page = post_step(client, page, "urgent", {}, action="save_now")
    response = post_step(client, page, "result", {"agrees": "yes"}, action="save")
    assert response.status_code == 302
    assert Assessment.objects.get().urgent is True


def test_interview_disagreement_needs_level_and_justification(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = run_interview(client, agrees="no")
    assert response.status_code == 200
    assert "justification est obligatoire" in response.content.decode()
    assert Assessment.objects.count() == 0
    response = run_interview(
        client,
        agrees="no",
        extra={"worker_level": "possible", "justification": "Récit incohérent, à revoir (fictif)."},
    )
    assessment = Assessment.objects.get()
    assert assessment.worker_agrees is False and assessment.worker_level == "possible"
    assert assessment.trafficking_level == "presumed"  # both are kept


def test_interview_tampered_state_restarts(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = client.post(
        URL, {"state": "forged:state", "step": "result", "go": "save", "agrees": "yes"}
    )
    assert response.status_code == 200
    assert Assessment.objects.count() == 0


def test_interview_bad_age_is_refused_with_the_field_named(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    page = client.get(URL)
    page = post_step(client, page, "consent", {**CONSENT, "age": "200"})
    assert 'id="id_age_error"' in page.content.decode()


def test_assessment_of_another_organisation_is_404(
    client_as: Callable[[User], Client], caseworker: User, other_org: Any
) -> None:
    run_interview(client_as(caseworker))
    assessment = Assessment.objects.get()
    outsider = make_user("kankan_worker", roles.CASE_WORKER, other_org, ["GN-K"])
    client = client_as(outsider)
    assert client.get(reverse("screening:detail", args=[assessment.pk])).status_code == 404
    assert assessment.code not in client.get(reverse("screening:list")).content.decode()


def test_assessment_list_query_count_is_constant(
    client_as: Callable[[User], Client],
    caseworker: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as(caseworker)
    run_interview(client)
    run_interview(client)
    with django_assert_max_num_queries(12):
        client.get(reverse("screening:list"))
    make_organisation("Autre ONG (fictive)", ["GN-L"])
    for _ in range(3):
        run_interview(client)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("screening:list"))
    assert response.content.decode().count("SCR-") == 5
