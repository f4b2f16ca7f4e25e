"""Fixtures of the policy tests: an analyst, a coordinator, a review with a workshop, Labé."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from egide.accounts import roles
from egide.accounts.models import User
from egide.policy.models import Review, Workshop
from egide.policy.reference import ensure_reference


@pytest.fixture
def policy_ref(reference_data: None) -> None:
    ensure_reference()


@pytest.fixture
def review(policy_ref: None) -> Review:
    return Review.objects.create(title="Revue 2023 (test)", year=2023, held_on=date(2023, 11, 15))


@pytest.fixture
def workshop(review: Review) -> Workshop:
    return Workshop.objects.create(
        review=review, title="Atelier de validation (test)", held_on=date(2023, 12, 5)
    )


@pytest.fixture
def coordinator(persona: Callable[[str], User]) -> User:
    return persona(roles.COORDINATOR)


@pytest.fixture
def analyst_client(analyst: User, client_as: Callable[[User], Client]) -> Client:
    return client_as(analyst)


def fr(client: Client, url: str, data: Any = None, post: bool = False) -> Any:
    """A request in French."""
    if post:
        return client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="fr")
    return client.get(url, data or {}, HTTP_ACCEPT_LANGUAGE="fr")
