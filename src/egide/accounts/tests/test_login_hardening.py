"""Issue 8 items 7, 10 and 15: lock-out per username and per address, trusted proxy, TOTP
seeds encrypted at rest, ?next= for every role, typed usernames never stored in clear."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.client_ip import client_address
from egide.accounts.models import Authenticator, Organisation, User
from egide.accounts.services import typed_username_digest
from egide.audit.models import AuditEvent
from egide.core.services import encryption_keys_rotate
from tests.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, ip: str, **extra: Any) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def _logged_in(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/" not in response["Location"]


# --- item 7: lock-out ---------------------------------------------------------------------


def test_failures_spread_over_many_addresses_lock_the_username(analyst: User) -> None:
    for i in range(20):
        for _ in range(4):  # fewer than the limit from each address
            _login(Client(), analyst.username, "mauvais-mot", f"198.51.100.{i + 1}")
    response = _login(Client(), analyst.username, PASSWORD, "203.0.113.77")
    assert not _logged_in(response)


@override_settings(EGIDE_LOGIN_IP_FAILURE_LIMIT=10)
def test_many_usernames_from_one_address_lock_the_address(
    analyst: User, labe_org: Organisation
) -> None:
    for i in range(10):
        _login(Client(), f"inconnu{i}", "mauvais-mot", "198.51.100.9")
    assert not _logged_in(_login(Client(), analyst.username, PASSWORD, "198.51.100.9"))
    # The account itself is not locked: from another address it logs in.
    assert _logged_in(_login(Client(), analyst.username, PASSWORD, "198.51.100.10"))


def test_attempts_during_a_lockout_do_not_extend_it(analyst: User) -> None:
    for _ in range(3):
        _login(Client(), analyst.username, "mauvais-mot", "198.51.100.1")
    before = list(AccessAttempt.objects.values_list("pk", "attempt_time", "failures_since_start"))
    for _ in range(3):
        _login(Client(), analyst.username, "mauvais-mot", "198.51.100.1")
    after = list(AccessAttempt.objects.values_list("pk", "attempt_time", "failures_since_start"))
    assert after == before


def test_client_address_behind_trusted_proxies() -> None:
    assert client_address(peer="10.0.0.2", forwarded_for="203.0.113.5", proxies=0) == "10.0.0.2"
    assert client_address(peer="10.0.0.2", forwarded_for="203.0.113.5", proxies=1) == (
        "203.0.113.5"
    )
    # The client can prepend anything; only what the trusted proxies appended counts.
    spoofed = "1.2.3.4, 203.0.113.5"
    assert client_address(peer="10.0.0.2", forwarded_for=spoofed, proxies=1) == "203.0.113.5"
    assert client_address(peer="10.0.0.2", forwarded_for=spoofed, proxies=2) == "1.2.3.4"
    assert client_address(peer="10.0.0.2", forwarded_for="nonsense", proxies=1) == "10.0.0.2"
    assert client_address(peer="10.0.0.2", forwarded_for="203.0.113.5", proxies=2) == "10.0.0.2"


@override_settings(EGIDE_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_lockout_and_audit_use_the_forwarded_address(analyst: User) -> None:
    for _ in range(3):
        _login(Client(), "quelquun", "mauvais-mot", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.ip_address == "203.0.113.5"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    response = _login(
        Client(), analyst.username, PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert _logged_in(response)
    assert AuditEvent.objects.filter(action="auth.login").latest("id").ip_address == ("203.0.113.6")


# --- item 10: TOTP seeds encrypted at rest --------------------------------------------------


def test_totp_seed_is_not_in_the_database_in_clear(caseworker: User) -> None:
    device = Authenticator.objects.get(user=caseworker)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Authenticator._meta.db_table} WHERE id = %s",  # noqa: S608
            [device.pk],
        )
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert device.key not in stored.lower()
    assert device.secret_base32 not in stored.upper()
    assert Authenticator.objects.get(pk=device.pk).key == device.key  # still usable


def test_key_rotation_covers_totp_seeds(caseworker: User) -> None:
    counts = encryption_keys_rotate(actor=None)
    assert counts["accounts.Authenticator"] >= 1


def test_old_clear_devices_are_moved_encrypted_and_their_table_dropped(caseworker: User) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "egide.accounts.migrations.0004_move_authenticators_drop_clear_tokens"
    )
    seed = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id bigint, "
            "name varchar(64), confirmed boolean, key varchar(80), step smallint, t0 bigint, "
            "digits smallint, tolerance smallint, drift smallint, last_t bigint)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (1, %s, 'old', %s, %s, 30, 0, 6, 1, 0, -1)",
            [caseworker.pk, True, seed],
        )
    # The function only uses the editor's connection (SQLite refuses a real editor in a test).
    migration.move_devices_and_drop_clear_secrets(apps, SimpleNamespace(connection=connection))
    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
    moved = Authenticator.objects.get(user=caseworker, name="old")
    assert moved.key == seed and moved.confirmed
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key FROM {Authenticator._meta.db_table} WHERE id = %s",  # noqa: S608
            [moved.pk],
        )
        assert seed not in cursor.fetchone()[0]


# --- item 15: ?next= and typed usernames ------------------------------------------------------


def test_next_is_honoured_for_a_role_without_totp(analyst: User) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/profile/",
        {"username": analyst.username, "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/profile/"


def test_next_to_another_site_is_ignored(labe_org: Organisation) -> None:
    user = make_user("sekou.bangoura", roles.ANALYST, labe_org)
    response = Client().post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": user.username, "password": PASSWORD},
    )
    assert response["Location"] == reverse("core:home")


def test_typed_username_of_a_failed_login_is_stored_as_a_keyed_hash() -> None:
    typed = "Mon-Mot-De-Passe-Secret-2026"
    _login(Client(), typed, "x", "198.51.100.3")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert typed.lower() not in str(event.actor_username).lower()
    assert typed.lower() not in str(event.details).lower()
    assert event.actor_username == typed_username_digest(typed)
    assert typed_username_digest(typed) != typed_username_digest("autre")
    # django-axes, counting failures per username, keeps the same hash, never the typed text.
    attempt = AccessAttempt.objects.get()
    assert attempt.username == typed_username_digest(typed)
    assert typed.lower() not in (attempt.post_data + attempt.get_data).lower()
