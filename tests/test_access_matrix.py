"""Every URL and API endpoint, requested by an anonymous visitor and by every role.

The expected table is data: a new URL without a row here makes ``test_every_url_has_a_row``
fail. A row gives the method, the URL arguments, the roles allowed, and the status codes that
allowed and refused visitors get (pages refuse with 404 so that existence does not leak; the API
answers 401/403; login-only pages redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from egide.accounts import roles
from egide.accounts.models import User
from tests.personas import login_verified

ANON = "anonymous"
ALL_ROLES = frozenset(roles.ROLES)
EVERYONE = ALL_ROLES | {ANON}


@dataclass(frozen=True)
class Row:
    allowed: frozenset[str]
    allowed_status: int = 200
    denied_status: tuple[int, ...] = (302, 404)
    method: str = "get"
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Makes the object the URL points at; returns the URL kwargs.
    setup: Callable[[Callable[[str], User]], dict[str, Any]] | None = None
    json: dict[str, Any] | None = None


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
    "screening:interview": Row(SCREENERS, denied_status=(404,)),
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
}


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
