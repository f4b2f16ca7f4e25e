"""GET /api/v1/indicators/ and `egide indicators`: the dashboard's figures, same suppression."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from egide.accounts import roles
from egide.monitoring.tests.records import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(persona: Any) -> dict[str, Any]:
    return build(persona)


def _by_code(data: dict[str, Any]) -> dict[str, Any]:
    return {i["code"]: i for i in data["indicators"]}


def test_api_gives_values_targets_and_disaggregations_suppressed_for_an_analyst(
    records: Any, persona: Any, client_as: Any
) -> None:
    client = client_as(persona(roles.ANALYST))
    response = client.get(reverse("api:indicators"), {"period": "2024"})
    assert response.status_code == 200
    data = _by_code(response.json())
    assert data["III.2"]["value"] == 25 and data["III.2"]["target"] == 1500
    assert data["II.4"]["value"] is None and data["II.4"]["shown"] == "<5"
    cells = {(d["dimension"], d["category"]): d for d in data["III.2"]["disaggregations"]}
    assert cells[("sex", "female")]["value"] == 14
    assert cells[("region", "GN-K")]["value"] == 5


def test_api_exact_for_a_case_supervisor_and_400_on_bad_input(
    records: Any, persona: Any, client_as: Any
) -> None:
    client = client_as(persona(roles.CASE_SUPERVISOR))
    data = _by_code(client.get(reverse("api:indicators"), {"period": "2024"}).json())
    assert data["II.4"]["value"] == 3
    bad = client.get(reverse("api:indicators"), {"period": "2024Q9"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    bad = client.get(reverse("api:indicators"), {"period": "2024", "region": "XX"})
    assert bad.status_code == 400 and "region" in bad.json()["errors"]


def test_api_refuses_roles_without_access(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.MIGRANT_AMBASSADOR))
    assert client.get(reverse("api:indicators")).status_code == 403


def test_command_prints_the_dashboards_numbers_as_json(records: Any) -> None:
    out = io.StringIO()
    call_command("indicators", "--period", "2024", "--region", "GN-L", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["region"] == "GN-L" and data["suppressed"] is True
    by_code = _by_code(data)
    assert by_code["III.2"]["value"] == 20
    assert by_code["II.6"]["shown"] == "<5"
    text = io.StringIO()
    call_command("indicators", "--period", "2024", stdout=text)
    assert "III.2" in text.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--period", "2024Q5"], "2024Q3"), (["--period", "2024", "--region", "GN-Z"], "GN-Z")],
)
def test_command_bad_period_or_region_exits_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as info:
        call_command("indicators", *args)
    assert info.value.returncode == 2
