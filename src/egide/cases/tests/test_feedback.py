"""Saving one section of the case page shows its confirmation or error inside that section."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.cases import services
from egide.cases.models import Case
from egide.core.models import Region
from tests.personas import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(persona: Callable[[str], User]) -> User:
    return persona(roles.CASE_WORKER)


@pytest.fixture
def case(worker: User) -> Case:
    return services.case_open(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        owner=worker,
        first_name="Kadiatou",
        last_name="Sylla",
    )


def _section(html: str, section: str) -> str:
    match = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert match, section
    return match.group(1)


def test_saved_need_is_confirmed_inside_the_needs_section(worker: User, case: Case) -> None:
    client = login_verified(Client(), worker)
    url = reverse("cases:action", args=[case.pk, "need"])
    response = client.post(url, {"need_type": "medical", "priority": "high"})
    assert response.status_code == 302 and response["Location"].endswith("#need")
    page = client.get(response["Location"]).content.decode()
    assert "Enregistré." in _section(page, "need")
    assert "Enregistré." not in page.split('<section id="identity">')[0]


def test_consent_error_shows_in_the_consent_section(worker: User, case: Case) -> None:
    client = login_verified(Client(), worker)
    url = reverse("cases:action", args=[case.pk, "consent"])
    response = client.post(url, {})  # nothing ticked, no method: the form refuses it
    assert response["Location"].endswith("#consent")
    page = client.get(response["Location"]).content.decode()
    assert 'class="msg-error"' in _section(page, "consent")


def test_alert_prefilled_from_a_screening_audits_the_read(
    worker: User, persona: Callable[[str], User]
) -> None:
    from egide.audit.models import AuditEvent
    from tests.test_access_matrix import _assessment_by_labe_caseworker

    pk = _assessment_by_labe_caseworker(persona)["pk"]
    client = login_verified(Client(), worker)
    viewed = AuditEvent.objects.filter(action="screening.assessment_viewed", object_id=str(pk))
    before = viewed.count()
    assert client.get(reverse("cases:alert_create"), {"assessment": pk}).status_code == 200
    assert viewed.count() == before + 1


def test_an_empty_list_says_no_filter_matched_only_when_one_was_set(worker: User) -> None:
    client = Client()
    login_verified(client, worker)
    url = reverse("cases:alert_list")
    assert (
        "Aucun signalement."
        in client.get(url, {"page": "1"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    assert (
        "Aucun signalement."
        in client.get(url, {"q": "", "status": ""}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    filtered = client.get(url, {"q": "Introuvable"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aucun signalement ne correspond." in filtered
