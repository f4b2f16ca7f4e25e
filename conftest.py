"""Shared fixtures: persona users (one per role), logged-in clients, reference data."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts import roles
from egide.accounts.models import Organisation, Role, User
from egide.accounts.roles import load_roles
from egide.core.reference import ensure_reference_data
from tests.personas import login_verified, make_organisation, make_user

if os.environ.get("EGIDE_E2E"):
    # Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
    # test itself are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def reference_data(db: Any) -> None:
    """Regions, prefectures, countries and roles (needed again after a transactional flush)."""
    ensure_reference_data()
    load_roles(Role)


@pytest.fixture
def labe_org(reference_data: None) -> Organisation:
    return make_organisation("ONG Test Labé (fictive)", ["GN-L"])


@pytest.fixture
def other_org(reference_data: None) -> Organisation:
    return make_organisation("ONG Test Kankan (fictive)", ["GN-K"])


@pytest.fixture
def persona(labe_org: Organisation) -> Callable[[str], User]:
    """Factory: persona('case_worker') gives a user of the Labé organisation with that role."""
    made: dict[str, User] = {}

    def factory(role: str) -> User:
        if role not in made:
            made[role] = make_user(f"test_{role}", role, labe_org, ["GN-L"])
        return made[role]

    return factory


@pytest.fixture
def caseworker(persona: Callable[[str], User]) -> User:
    return persona(roles.CASE_WORKER)


@pytest.fixture
def administrator(persona: Callable[[str], User]) -> User:
    return persona(roles.ADMINISTRATOR)


@pytest.fixture
def analyst(persona: Callable[[str], User]) -> User:
    return persona(roles.ANALYST)


@pytest.fixture
def client_as() -> Callable[[User], Client]:
    """Factory: a fresh test client logged in (2FA-verified) as the given user."""

    def factory(user: User) -> Client:
        return login_verified(Client(), user)

    return factory


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test writes audit checkpoints to its own file: the database is reset between tests,
    a shared checkpoint file would not be (and would then rightly report truncation)."""
    directory = tmp_path_factory.mktemp("audit-checkpoints", numbered=True)
    settings.EGIDE_AUDIT_CHECKPOINT_FILE = str(directory / "checkpoints.jsonl")
