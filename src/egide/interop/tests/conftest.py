"""Fixtures of the interoperability tests: SMS channels of the Labé organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from egide.accounts import roles
from egide.accounts.models import User
from egide.core.models import Region


@pytest.fixture(autouse=True)
def _fake_primero_allowed(settings: Any) -> None:
    """The fake Primero servers listen on this machine: allowlisted, as production would list
    a CPIMS+ on a private network."""
    settings.EGIDE_CPIMS_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def channel_of(persona: Callable[[str], User]) -> Callable[[str], Any]:
    """Factory: channel_of("rapidpro") → (channel, secret), Conakry as the default region."""
    from egide.interop.services import sms_channel_create

    def factory(kind: str) -> Any:
        admin = persona(roles.ADMINISTRATOR)
        return sms_channel_create(
            actor=admin,
            name={"rapidpro": "TextIt Labé", "africastalking": "Code court 38383"}[kind]
            + " (fictif)",
            kind=kind,
            organisation=admin.organisation,
            default_region=Region.objects.get(code="GN-C"),
        )

    return factory
