"""Issue 8, items 9, 11–14: bad input answers 400 (never 500), one set of limits, audited API
searches, JSON-only production API, throttles and key checks."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client, override_settings
from rest_framework.throttling import UserRateThrottle

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.cases.models import Alert
from egide.core.tests.test_settings import PROD_ENV, _egide

DEEP = "[" * 100_000 + "]" * 100_000
ALERT = {
    "region": "GN-L",
    "seen_on": "2026-11-01",
    "person_description": "garçon d'environ 12 ans (fictif)",
    "what_was_seen": "vend de l'eau la nuit (fictif)",
    "urgency": "urgent",
}


# --- 12. NUL bytes, deep JSON, egide screen ------------------------------------------------

NUL_URLS = [
    "/training/verify/?code=%00",
    "/training/test/a%00b/",
    "/training/verify/a%00b/",
    "/cases/?q=%00",
    "/cases/alerts/?q=a%00",
    "/api/v1/cases/?q=%00",
    "/api/v1/services/?need=%00&region=%00",
    "/api/v1/reach/?region=%00",
    "/directory/?q=%00",
    "/screening/?ref=%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_path_or_query_answers_400_with_a_clear_message(
    url: str, persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    for client in (Client(), client_as(persona(roles.CASE_SUPERVISOR))):
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert "NUL" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/alerts/", "/api/v1/screening/evaluate"])
def test_deeply_nested_json_answers_400(
    url: str, persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.CASE_WORKER))
    response = client.post(url, DEEP, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert "nested" in response.json()["detail"]
    # An ordinary document still works.
    ok = client.post(
        url,
        ALERT if "alerts" in url else {"person": {"age": 16}, "indicators": []},
        content_type="application/json",
    )
    assert ok.status_code in (200, 201), ok.content


def test_egide_screen_refuses_deep_json_with_exit_2_and_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("screen", "--json", str(path))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "egide screen: invalid input: document" in err and "nested" in err
    assert "Traceback" not in err


# --- Schema conformance: the `lang` enum is enforced ---------------------------------------


@pytest.mark.django_db
def test_evaluate_refuses_a_language_outside_its_enum(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.CASE_WORKER))
    doc = {"person": {"age": 16}, "indicators": ["act.recruited"]}
    bad = client.post("/api/v1/screening/evaluate?lang=de", doc, content_type="application/json")
    assert bad.status_code == 400 and "lang" in bad.json()
    good = client.post("/api/v1/screening/evaluate?lang=en", doc, content_type="application/json")
    assert good.status_code == 200


# --- 13. One limit per field: the API's alert is the form's alert ------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [
        ("person_description", "x" * 2_000_000),
        ("person_description", "x" * 1001),
        ("what_was_seen", "x" * 4001),
        ("seen_on", "0001-01-01"),
    ],
)
def test_api_alert_applies_the_forms_limits(
    field: str, value: str, persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(persona(roles.MIGRANT_AMBASSADOR))
    response = client.post(
        "/api/v1/alerts/", {**ALERT, field: value}, content_type="application/json"
    )
    assert response.status_code == 400, response.status_code
    assert field in response.json()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_identity_form_caps_names(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    from egide.cases.forms import IdentityForm
    from egide.cases.services import case_open
    from egide.core.models import Region

    worker = persona(roles.CASE_WORKER)
    case = case_open(actor=worker, region=Region.objects.get(code="GN-L"), owner=worker)
    form = IdentityForm(
        {"first_name": "A" * 2_800_000, "last_name": "Bah", "sex": "male"}, instance=case
    )
    assert not form.is_valid()
    assert "first_name" in form.errors
    form = IdentityForm({"birth_date": "9999-12-31", "sex": "male"}, instance=case)
    assert not form.is_valid() and "birth_date" in form.errors


# --- 9. API name searches are audited ----------------------------------------------------


@pytest.mark.django_db
def test_api_name_search_writes_an_audit_event(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    worker = persona(roles.CASE_WORKER)
    client = client_as(worker)
    assert client.get("/api/v1/cases/", {"q": "Mariama Sow"}).status_code == 200
    event = AuditEvent.objects.filter(actor=worker, action="case.searched").get()
    assert event.details["by"] == "name" and "Mariama" not in json.dumps(event.details)


# --- 14. Production: JSON only, throttles, keys ------------------------------------------


def test_production_api_renders_json_only() -> None:
    result = _egide(
        [
            "shell",
            "-c",
            "from django.conf import settings; "
            "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])",
        ],
        PROD_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "JSONRenderer" in result.stdout and "Browsable" not in result.stdout


@pytest.mark.django_db
def test_api_throttles_signed_in_users(
    persona: Callable[[str], User],
    client_as: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    client = client_as(persona(roles.CASE_WORKER))
    codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.django_db
@override_settings(EGIDE_PUBLIC_PAGE_RATE="3/minute")
@pytest.mark.parametrize("url", ["/training/verify/?code=EG-AAAA", "/training/test/no-such-token/"])
def test_public_pages_are_throttled_with_a_french_message(url: str) -> None:
    from django.core.cache import cache

    cache.clear()
    client = Client()
    codes = [client.get(url).status_code for _ in range(3)]
    assert 429 not in codes
    response = client.get(url)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    cache.clear()


@pytest.mark.parametrize(
    "variable,value",
    [("EGIDE_FIELD_KEYS", "dummy"), ("EGIDE_BLIND_INDEX_KEY", "k")],
)
def test_production_refuses_weak_keys_naming_the_variable(variable: str, value: str) -> None:
    result = _egide(["check"], {**PROD_ENV, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_reports_weak_keys() -> None:
    from egide.core.checks import check_keys

    with override_settings(EGIDE_FIELD_KEYS=["dummy"], EGIDE_BLIND_INDEX_KEY="k"):
        errors = check_keys()
    text = " ".join(e.msg for e in errors)
    assert "EGIDE_FIELD_KEYS" in text and "EGIDE_BLIND_INDEX_KEY" in text
    good = Fernet.generate_key().decode()
    with override_settings(EGIDE_FIELD_KEYS=[good], EGIDE_BLIND_INDEX_KEY="b" * 32):
        assert check_keys() == []
    out = io.StringIO()
    with (
        override_settings(EGIDE_FIELD_KEYS=["dummy"]),
        pytest.raises(Exception, match="egide.E001"),
    ):
        call_command("check", "--deploy", stdout=out, stderr=out)
