"""The provider's inbox: waiting count on the home page, deadline column, search, paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from tests.forms_filled import referral_ctx
from tests.personas import login_verified

pytestmark = pytest.mark.django_db


def test_provider_home_shows_the_referrals_waiting_for_an_answer(
    persona: Callable[[str], User],
) -> None:
    from egide.referrals.services import referral_accept

    first = referral_ctx(persona)
    referral_ctx(persona)
    provider = login_verified(Client(), persona(roles.SERVICE_PROVIDER))
    home = provider.get(reverse("core:home")).content.decode()
    assert "2 orientations attendent votre réponse" in home
    referral_accept(actor=persona(roles.SERVICE_PROVIDER), referral=first["referral"])
    home = provider.get(reverse("core:home")).content.decode()
    assert "1 orientation attend votre réponse" in home
    worker_home = login_verified(Client(), persona(roles.CASE_WORKER)).get(reverse("core:home"))
    assert "attend votre réponse" not in worker_home.content.decode()


def test_inbox_has_a_deadline_column_and_searches_by_code(persona: Callable[[str], User]) -> None:
    ctx = referral_ctx(persona)
    other = referral_ctx(persona)
    provider = login_verified(Client(), persona(roles.SERVICE_PROVIDER))
    page = provider.get(reverse("referrals:list")).content.decode()
    assert "Répondre avant" in page and ctx["referral"].code in page
    found = provider.get(reverse("referrals:list"), {"q": other["case"].code})
    assert [r.pk for r in found.context["page"]] == [other["pk"]]
    found = provider.get(reverse("referrals:list"), {"q": "ref 999999"})
    assert "Aucune orientation ne correspond." in found.content.decode()


def test_lists_query_count_does_not_grow_with_rows(
    persona: Callable[[str], User], django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        referral_ctx(persona)
    provider = login_verified(Client(), persona(roles.SERVICE_PROVIDER))
    supervisor = login_verified(Client(), persona(roles.CASE_SUPERVISOR))
    with django_assert_max_num_queries(14):
        provider.get(reverse("referrals:list"), {"status": "sent"})
    with django_assert_max_num_queries(14):
        supervisor.get(reverse("cases:alert_list"), {"urgency": "urgent"})
