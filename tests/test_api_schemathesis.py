"""Property-based test of the API against its own OpenAPI document (schemathesis).

The document is loaded from the app (``/api/v1/schema/``); every operation is called in-process
(WSGI) by a signed-in case supervisor who also holds every other role that uses the API, so
that most operations answer with data rather than 403. Session authentication, with the CSRF
cookie and header, is used so that the test depends on no token scheme.

Each operation gets a bounded, derandomised number of examples. The checks: no 5xx, no status
code the document does not list, no undocumented content type, every body valid against its
schema. Valid-looking input that the API refuses with a documented 400 is not a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from egide.accounts import roles
from egide.accounts.models import Role, RoleAssignment, User
from egide.core.models import Region
from tests.personas import login_verified

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def api_auth(persona: Callable[[str], User], db: Any) -> dict[str, Any]:
    """Session and CSRF cookies, and the CSRF header, of a verified user holding the API's
    roles."""
    user = persona(roles.CASE_SUPERVISOR)
    for code in (roles.CASE_WORKER, roles.SERVICE_PROVIDER, roles.COORDINATOR):
        assignment = RoleAssignment.objects.create(user=user, role=Role.objects.get(code=code))
        assignment.regions.set(Region.objects.filter(code="GN-L"))
    client = login_verified(Client(), user)
    secret = _get_new_csrf_string()
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert document.status_code == 200
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": secret},
        "headers": {
            "X-CSRFToken": _mask_cipher_secret(secret),
            # The in-process WSGI transport does not decompress: ask for plain answers.
            "Accept-Encoding": "identity",
        },
        "document": document.json(),
    }


@pytest.fixture
def api_schema(api_auth: dict[str, Any]) -> Iterator[Any]:
    loaded = schemathesis.openapi.from_dict(api_auth["document"])
    loaded.app = WSGIHandler()  # called in-process, as from_wsgi would
    # As Django's test client does: the test's transaction must outlive each request, so the
    # handler must not close the database connection when a request starts or ends.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_operation(operation: Any, mode: Any, auth: dict[str, Any], failures: list[str]) -> int:
    calls = 0

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(headers=auth["headers"], cookies=auth["cookies"], checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation runs
            failures.append(f"{operation.label} [{mode.value}]: {exc}"[:1500])

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid (an operation with no parameter and no body).
        assert mode == GenerationMode.NEGATIVE, operation.label
    return calls


@pytest.mark.django_db
def test_api_matches_its_openapi_document(api_schema: Any, api_auth: dict[str, Any]) -> None:
    failures: list[str] = []
    calls = 0
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, [op.label for op in operations]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls += _run_operation(operation, mode, api_auth, failures)
    assert calls >= len(operations) * 2
    assert not failures, "\n\n".join(failures)
