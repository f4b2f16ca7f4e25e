"""The contract: `egide screen` and the API give identical JSON, and refuse bad input alike."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from egide.accounts.models import User
from egide.screening.catalogue import load_catalogue
from egide.screening.models import Assessment
from egide.screening.tests.test_rules import doc

EXAMPLE = {
    "person": {"age": 16, "may_be_child": False, "sex": "female"},
    "indicators": [
        "act.recruited",
        "purpose.domestic_servitude",
        "exploitative_conditions.excessive_working_hours",
    ],
    "movement": {"crossed_border": False, "irregular_entry": None, "paid_facilitator": None},
    "gbv": [],
}


def cli(document: Any, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the real `egide screen --json -` in a subprocess."""
    text = document if isinstance(document, str) else json.dumps(document)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "egide.cli", "screen", "--json", "-", *extra],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            "DJANGO_SETTINGS_MODULE": "egide.settings.test",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
        },
    )


def cli_in_process(document: Any) -> dict[str, Any]:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(json.dumps(document))
    try:
        call_command("screen", "--json", "-", stdout=out)
    finally:
        sys.stdin = old
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


@pytest.fixture
def api(persona: Callable[[str], User]) -> APIClient:
    client = APIClient()
    client.force_authenticate(persona("case_worker"))
    return client


def test_cli_screens_the_issue_example() -> None:
    result = cli(EXAMPLE)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["rule_set"] == "1.0" and out["child"] is True
    assert out["trafficking"]["level"] == "presumed"
    assert out["referrals"][:2] == ["child_protection", "protection_case"]


def test_cli_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out = io.StringIO()
    call_command("screen", "--json", str(path), stdout=out)
    assert json.loads(out.getvalue())["trafficking"]["level"] == "presumed"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"person": {"age": -1}}, "person.age"),
        ({"person": {"age": 200}}, "person.age"),
        ({"indicators": []}, "person"),
        ({"person": {}, "indicators": ["act.unknown"]}, "indicators[0]"),
        ({"person": {"age": "seize"}}, "person.age"),
        ("{not json", "document"),
    ],
)
def test_cli_bad_input_exits_2_naming_the_field(document: Any, field: str) -> None:
    result = cli(document)
    assert result.returncode == 2
    assert f"invalid input: {field}:" in result.stderr
    assert result.stdout == ""


@pytest.mark.django_db
def test_api_evaluate_matches_cli(api: APIClient) -> None:
    response = api.post("/api/v1/screening/evaluate", EXAMPLE, format="json")
    assert response.status_code == 200
    assert response.json() == json.loads(cli(EXAMPLE).stdout)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"person": {"age": -1}}, "person.age"),
        ({"person": {"age": 200}}, "person.age"),
        ({"indicators": []}, "person"),
        ({"person": {}, "indicators": ["act.unknown"]}, "indicators[0]"),
        ({"person": {"sex": 3}}, "person.sex"),
    ],
)
def test_api_bad_input_is_400_naming_the_field_and_saves_nothing(
    api: APIClient, document: Any, field: str
) -> None:
    response = api.post("/api/v1/screening/evaluate", document, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_api_evaluate_refuses_roles_that_do_not_screen(persona: Callable[[str], User]) -> None:
    client = APIClient()
    client.force_authenticate(persona("analyst"))
    assert client.post("/api/v1/screening/evaluate", EXAMPLE, format="json").status_code == 403


@pytest.mark.django_db
def test_api_catalogue_lists_every_code(api: APIClient) -> None:
    response = api.get("/api/v1/screening/catalogue")
    assert response.status_code == 200
    codes = [i["code"] for g in response.json()["groups"] for i in g["indicators"]]
    assert len(codes) == len(load_catalogue().by_code)


CODES = sorted(load_catalogue().indicator_codes())


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    codes=st.sets(st.sampled_from(CODES), max_size=15),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    gbv=st.sets(st.sampled_from(sorted(load_catalogue().gbv_codes())), max_size=2),
)
def test_property_cli_and_api_agree(
    api: APIClient, codes: set[str], age: int | None, gbv: set[str]
) -> None:
    document = doc(*sorted(codes), age=age, gbv=sorted(gbv))
    response = api.post("/api/v1/screening/evaluate", document, format="json")
    assert response.json() == cli_in_process(document)
