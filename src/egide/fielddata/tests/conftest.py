from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from egide.accounts import roles
from egide.fielddata.tests.fakes import FakeCentral, FakeKobo, serve

YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def alert_answers(**changes: Any) -> dict[str, Any]:
    """Answers of the generated alert form, nested by group as Central's OData gives them."""
    answers: dict[str, Any] = {
        "egide_version": "e1-c1.0-r1.0",
        "region": "GN-L",
        "prefecture": "GN-LA",
        "locality": "Daralabé",
        "border_point": "",
        "seen_on": YESTERDAY,
        "urgency": "urgent",
        "child_concerned": "yes",
        "person_description": "fille d'environ 14 ans, parle pular (fictive)",
        "what_was_seen": "attend un passeur à la gare routière (fictif)",
        "photo": None,
    }
    answers.update(changes)
    return answers


@pytest.fixture
def central() -> Iterator[tuple[FakeCentral, str]]:
    fake = FakeCentral()
    with serve(fake) as url:
        yield fake, url


@pytest.fixture
def kobo() -> Iterator[tuple[FakeKobo, str]]:
    fake = FakeKobo()
    with serve(fake) as url:
        yield fake, url


@pytest.fixture
def ambassador(persona: Callable[[str], Any]) -> Any:
    return persona(roles.MIGRANT_AMBASSADOR)


@pytest.fixture
def connection(
    central: tuple[FakeCentral, str], persona: Callable[[str], Any], ambassador: Any
) -> Any:
    from egide.fielddata.models import Connection, FieldAccount

    _fake, url = central
    conn = Connection.objects.create(
        name="central-labe",
        kind=Connection.Kind.ODK_CENTRAL,
        organisation=persona(roles.COORDINATOR).organisation,
        base_url=url,
        project="1",
        username="egide@example.org",
        secret="secret-de-test",
        timeout_seconds=2,
    )
    FieldAccount.objects.create(connection=conn, remote_id="5", user=ambassador)
    return conn
