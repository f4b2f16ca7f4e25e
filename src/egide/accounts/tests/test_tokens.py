"""Issue 8 item 2: API tokens hashed, named, expiring, revocable, and invalid once the account
changes (deactivated, role lost, password set, authenticator removed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from egide.accounts import roles
from egide.accounts.models import ApiToken, Authenticator, Organisation, RoleAssignment, User
from egide.accounts.services import api_token_create, user_upsert
from egide.audit.models import AuditEvent
from tests.personas import login_verified, make_user

pytestmark = pytest.mark.django_db


def _me(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return int(client.get("/api/v1/me/").status_code)


def test_token_is_stored_as_a_digest_with_only_a_prefix_in_clear(caseworker: User) -> None:
    token, secret = api_token_create(actor=caseworker, name="Tablette")
    assert _me(secret) == 200
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    stored = " ".join(str(value) for row in rows for value in row)
    assert secret not in stored and secret[15:40] not in stored
    assert token.token_key == secret[:15] and token.token_key.startswith("egide_")


def test_token_expires_after_the_configured_days(caseworker: User) -> None:
    token, secret = api_token_create(actor=caseworker, name="Tablette")
    assert token.expiry is not None
    assert abs(token.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _me(secret) == 401


def test_token_records_its_last_use(caseworker: User) -> None:
    token, secret = api_token_create(actor=caseworker, name="Tablette")
    assert token.last_used_at is None
    assert _me(secret) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_invalid_once_account_deactivated(caseworker: User) -> None:
    _token, secret = api_token_create(actor=caseworker, name="Tablette")
    User.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert _me(secret) == 401


def test_token_invalid_once_role_lost_even_without_the_service(caseworker: User) -> None:
    _token, secret = api_token_create(actor=caseworker, name="Tablette")
    RoleAssignment.objects.filter(user=caseworker).delete()
    assert _me(secret) == 401


def test_token_invalid_once_password_changed_even_without_the_service(caseworker: User) -> None:
    _token, secret = api_token_create(actor=caseworker, name="Tablette")
    caseworker.set_password("Un-autre-mot-de-passe-2026")
    caseworker.save()
    assert _me(secret) == 401


def test_token_invalid_once_authenticator_removed(caseworker: User) -> None:
    _token, secret = api_token_create(actor=caseworker, name="Tablette")
    Authenticator.objects.filter(user=caseworker).delete()
    assert _me(secret) == 401


def test_user_reset_deletes_tokens_in_the_same_transaction(labe_org: Organisation) -> None:
    user = make_user("fode.camara", roles.ANALYST, labe_org)
    api_token_create(actor=user, name="script")
    user_upsert(
        actor=None,
        username="fode.camara",
        organisation=labe_org,
        first_name="Fodé",
        last_name="Camara",
        roles=[roles.ANALYST],
        password="Un-autre-mot-de-passe-2026",
    )
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        action="account.api_tokens_revoked", object_id=str(user.pk)
    ).exists()


def test_profile_lists_and_revokes_tokens_with_audit(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    token, secret = api_token_create(actor=caseworker, name="Tablette du bureau")
    client = client_as(caseworker)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Tablette du bureau" in page and token.token_key in page and secret not in page
    response = client.post(
        reverse("accounts:profile"), {"action": "revoke_token", "token": token.token_key}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _me(secret) == 401
    assert AuditEvent.objects.filter(
        action="account.api_token_revoked", actor=caseworker, details__token=token.token_key
    ).exists()


def test_profile_refuses_token_without_a_confirmed_second_factor(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    client.post(reverse("accounts:profile"), {"action": "api_token", "name": "Tablette"})
    assert not ApiToken.objects.filter(user=caseworker).exists()


def test_profile_token_for_role_without_totp(analyst: User) -> None:
    client = login_verified(Client(), analyst)
    response = client.post(reverse("accounts:profile"), {"action": "api_token", "name": "R"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=analyst, name="R").exists()


def test_openapi_describes_the_token_scheme(caseworker: User) -> None:
    client = APIClient()
    client.force_authenticate(caseworker)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert {"apiToken": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
