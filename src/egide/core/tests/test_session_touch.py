"""Idle sessions still expire, but a page no longer writes the session on every request
(issue 10: one UPDATE less per page); the expiry moves forward at most once a minute."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts import roles
from egide.accounts.models import User
from egide.core.middleware import SESSION_TOUCHED_KEY

pytestmark = pytest.mark.django_db


def _writes(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/cases/").status_code == 200
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    ]


def _backdate(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - seconds
    session.save()


def test_pages_do_not_write_the_session_every_time(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.CASE_WORKER))
    client.get("/cases/")  # the first page after login marks the session
    assert _writes(client) == []
    assert _writes(client) == []


def test_the_expiry_moves_forward_once_a_minute(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.CASE_WORKER))
    client.get("/cases/")
    key = client.session.session_key
    _backdate(client, 61)
    before = Session.objects.get(session_key=key).expire_date
    assert len(_writes(client)) == 1
    assert Session.objects.get(session_key=key).expire_date > before  # now + the idle time
    assert _writes(client) == []


def test_an_idle_session_still_ends(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.CASE_WORKER))
    client.get("/cases/")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=Session.objects.get(session_key=key).expire_date.replace(year=2000)
    )
    response = client.get("/cases/")
    assert response.status_code in (302, 404)  # signed out: the case list is not shown
    assert "_auth_user_id" not in client.session
