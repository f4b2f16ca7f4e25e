"""Issue 8 item 6: setting up an authenticator needs a one-time code from an administrator."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.accounts import roles
from egide.accounts.models import Authenticator, EnrolmentCode, Organisation, User
from egide.accounts.services import enrolment_code_issue
from egide.audit.models import AuditEvent
from tests.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(labe_org: Organisation) -> User:
    return make_user("mariama.soumah", roles.CASE_WORKER, labe_org, totp=False)


def _password_step(client: Client, user: User) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:totp_enrol")


def _enrol(client: Client, user: User, code: str) -> int:
    client.post(reverse("accounts:totp_enrol"), {"code": code})
    client.get(reverse("accounts:totp_enrol"))
    device = Authenticator.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return 0
    response = client.post(reverse("accounts:totp_enrol"), {"token": device.current_code()})
    return int(response.status_code)


def test_password_alone_cannot_enrol_an_authenticator(newcomer: User) -> None:
    client = Client()
    _password_step(client, newcomer)
    page = client.get(reverse("accounts:totp_enrol"))
    # No QR code and no secret (the inlined stylesheet names both classes: look for elements).
    assert b'class="qr"' not in page.content and b'class="secret"' not in page.content
    response = client.post(reverse("accounts:totp_enrol"), {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 200
    assert "Ce code d’inscription n’est pas valide" in response.content.decode()
    assert not Authenticator.objects.filter(user=newcomer).exists()
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.login_failed", details__reason="bad_enrolment_code"
    ).exists()


def test_enrolment_code_enrols_once_then_is_used_up(newcomer: User) -> None:
    enrolment, code = enrolment_code_issue(actor=None, user=newcomer)
    client = Client()
    _password_step(client, newcomer)
    assert _enrol(client, newcomer, code) == 302
    assert client.get(reverse("core:home")).status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None
    assert AuditEvent.objects.filter(action="auth.totp_enrolled", actor=newcomer).exists()
    # Someone else with the password and the same code cannot enrol a second authenticator.
    Authenticator.objects.filter(user=newcomer).delete()
    other = Client()
    _password_step(other, newcomer)
    assert _enrol(other, newcomer, code) == 0
    assert not Authenticator.objects.filter(user=newcomer).exists()


def test_expired_enrolment_code_is_refused(newcomer: User) -> None:
    enrolment, code = enrolment_code_issue(actor=None, user=newcomer)
    EnrolmentCode.objects.filter(pk=enrolment.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    _password_step(client, newcomer)
    assert _enrol(client, newcomer, code) == 0


def test_enrolment_code_expires_after_72_hours_and_is_stored_hashed(newcomer: User) -> None:
    enrolment, code = enrolment_code_issue(actor=None, user=newcomer)
    expected = timezone.now() + timedelta(hours=72)
    assert abs(enrolment.expires_at - expected) < timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {EnrolmentCode._meta.db_table}")  # noqa: S608
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert code not in stored and code.replace("-", "") not in stored
    assert AuditEvent.objects.filter(
        action="account.enrolment_code_issued", object_id=str(newcomer.pk)
    ).exists()


def test_enrolment_code_command_prints_a_code(newcomer: User) -> None:
    out = StringIO()
    call_command("enrolment_code", newcomer.username, stdout=out)
    code = out.getvalue().split(": ")[1].split()[0]
    client = Client()
    _password_step(client, newcomer)
    assert _enrol(client, newcomer, code) == 302


def test_demo_accounts_keep_their_printed_secret_and_log_in(reference_data: None) -> None:
    import base64

    from django_otp.oath import totp

    from egide.core.demo import DEMO_PASSWORD, load_accounts

    accounts = dict((user.username, secret) for user, secret in load_accounts())
    secret = accounts["travailleur"]
    assert secret is not None and accounts["analyste"] is None
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    out = StringIO()
    call_command("totp", "travailleur", stdout=out)
    assert out.getvalue().strip() == f"{totp(key):06d}"
    client = Client()
    client.post(reverse("accounts:login"), {"username": "travailleur", "password": DEMO_PASSWORD})
    response = client.post(reverse("accounts:login_otp"), {"token": f"{totp(key):06d}"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
