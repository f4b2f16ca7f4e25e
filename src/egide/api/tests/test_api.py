"""API base: token authentication, /me, the OpenAPI document."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from egide.accounts.models import User
from egide.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_api_me_with_token_returns_account_and_roles(caseworker: User) -> None:
    _token, secret = api_token_create(actor=caseworker, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == caseworker.username
    assert response.json()["roles"] == ["case_worker"]


def test_api_me_refuses_missing_and_bad_token() -> None:
    client = APIClient()
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me/").status_code == 401


def test_api_schema_is_openapi_3_and_lists_me(caseworker: User) -> None:
    client = APIClient()
    client.force_authenticate(caseworker)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
