"""Numbers typed into forms and addresses: digits of other scripts, superscripts or a number
longer than Python reads are refused with a page, never a 500 (``egide.core.numbers``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.core.numbers import whole_number
from tests.personas import login_verified
from tests.test_access_matrix import _assessment_by_labe_caseworker, _session

ODD = ["²", "٣", "1" * 5000, "-1", "1.5", " "]

pytestmark = pytest.mark.django_db


def test_whole_number_takes_ascii_digits_only() -> None:
    assert whole_number("42") == 42 and whole_number(" 7 ") == 7
    assert [whole_number(v) for v in ODD] == [None] * len(ODD)


@pytest.mark.parametrize("value", ODD[:3])
def test_public_test_page_refuses_odd_digits(value: str, persona: Callable[[str], User]) -> None:
    session, enrollment = _session(persona)
    url = reverse("training:take_test", kwargs={"token": enrollment.token})
    test = session.tests.first() if hasattr(session, "tests") else None
    field = f"q_{test.question_codes[0]}" if test is not None else "q"
    response = Client().post(url, {field: value})
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("value", ODD[:3])
def test_case_worker_pages_refuse_odd_digits(value: str, persona: Callable[[str], User]) -> None:
    worker = persona(roles.CASE_WORKER)
    client = login_verified(Client(), worker)
    assert client.get(reverse("cases:alert_list"), {"q": value}).status_code == 200
    assert client.get(reverse("cases:alert_create"), {"assessment": value}).status_code == 200
    # An odd digit is no case number: the interview's first step opens for no case.
    assert client.get(reverse("screening:interview"), {"case": value}).status_code == 200
    pk = _assessment_by_labe_caseworker(persona)["pk"]
    response = client.post(reverse("screening:open_case", kwargs={"pk": pk}), {"region": value})
    assert response.status_code in (200, 302)
