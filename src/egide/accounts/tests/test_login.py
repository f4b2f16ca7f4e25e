"""Login: password, then TOTP for roles that read personal data; lock-out; audit of it all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import ApiToken, Authenticator, User
from egide.accounts.services import enrolment_code_issue
from egide.audit.models import AuditEvent
from tests.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _code(user: User) -> str:
    return Authenticator.objects.get(user=user, confirmed=True).current_code()


def _password_step(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_caseworker_needs_totp_then_reaches_home(caseworker: User) -> None:
    client = Client()
    response = _password_step(client, caseworker.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_otp")
    # Between the two steps the person is not logged in.
    assert client.get(reverse("core:home")).status_code == 302
    response = client.post(reverse("accounts:login_otp"), {"token": _code(caseworker)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action="auth.login", actor=caseworker, details__method="password+totp"
    ).exists()


def test_login_wrong_totp_is_refused_with_message_and_audited(caseworker: User) -> None:
    client = Client()
    _password_step(client, caseworker.username)
    wrong = "000000" if _code(caseworker) != "000000" else "111111"
    response = client.post(reverse("accounts:login_otp"), {"token": wrong})
    assert response.status_code == 200
    assert "Ce code n’est pas valide" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    event = AuditEvent.objects.get(action="auth.login_failed", object_id=str(caseworker.pk))
    assert event.details == {"reason": "bad_totp"}


def test_login_analyst_without_device_logs_in_with_password_only(analyst: User) -> None:
    client = Client()
    response = _password_step(client, analyst.username)
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_login_role_needing_totp_without_device_must_enrol(labe_org) -> None:  # type: ignore[no-untyped-def]
    user = make_user("new_worker", roles.CASE_WORKER, labe_org, totp=False)
    _enrolment, enrolment_code = enrolment_code_issue(actor=None, user=user)
    client = Client()
    response = _password_step(client, user.username)
    assert response["Location"] == reverse("accounts:totp_enrol")
    response = client.post(reverse("accounts:totp_enrol"), {"code": enrolment_code.lower()})
    assert response.status_code == 302
    page = client.get(reverse("accounts:totp_enrol"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = Authenticator.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:totp_enrol"), {"token": device.current_code()})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, confirmed=True).count() == 1
    assert client.get(reverse("core:home")).status_code == 200


def test_login_bad_password_is_audited_and_repeated_failures_lock_out(caseworker: User) -> None:
    client = Client()
    for _ in range(3):  # AXES_FAILURE_LIMIT in test settings
        response = _password_step(client, caseworker.username, "wrong-password")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3
    # Now even the right password is refused.
    response = _password_step(client, caseworker.username)
    assert response.status_code == 429 or response.status_code == 403
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.login_failed", details__reason="locked_out"
    ).exists()


def test_login_session_without_second_factor_is_ended(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)  # password only, no verified device
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logout_is_post_only_and_audited(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=caseworker).exists()


def test_language_switch_is_remembered_on_the_account(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    assert client.get(reverse("core:home"))["Content-Language"] == "fr"
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.language == "en"
    # Another device (no cookie) gets English too once logged in.
    other = client_as(caseworker)
    assert other.get(reverse("core:home"))["Content-Language"] == "en"


def test_language_switch_rejects_unknown_language(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.language == "fr"


def test_next_redirect_refuses_other_hosts(caseworker: User) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_profile_creates_api_token_shown_once(
    client_as: Callable[[User], Client], caseworker: User
) -> None:
    client = client_as(caseworker)
    response = client.post(
        reverse("accounts:profile"), {"action": "api_token", "name": "Tablette du bureau"}
    )
    token = ApiToken.objects.get(user=caseworker)
    page = response.content.decode()
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith(token.token_key) and len(secret) > 60
    again = client.get(reverse("accounts:profile")).content.decode()
    assert secret not in again
    assert "Tablette du bureau" in again and token.token_key in again
    assert AuditEvent.objects.filter(action="account.api_token_created", actor=caseworker).exists()
