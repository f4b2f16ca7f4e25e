"""Issue 8 item 1: no privilege escalation through the web admin; the admin's acts audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import ApiToken, EnrolmentCode, Organisation, RoleAssignment, User
from egide.accounts.services import api_token_create
from egide.audit.models import AuditEvent
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _change_data(user: User, **extra: Any) -> dict[str, Any]:
    """Every field of the admin's user change form, filled, without inline rows."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": "Aminata",
        "last_name": "Kaba",
        "email": "aminata.kaba@demo.egide.invalid",
        "phone": "+224 620 00 00 00",
        "language": "fr",
        "organisation": user.organisation_id or "",
        "is_fictitious": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def _errors(response: Any) -> str:
    context = response.context or {}
    form = context.get("adminform")
    errors = [str(form.form.errors)] if form is not None else []
    errors += [str(context["form"].errors)] if "form" in context else []
    errors += [str(fs.formset.errors) for fs in context.get("inline_admin_formsets", [])]
    return " ".join(errors)


def test_admin_cannot_make_itself_superuser_or_staff(
    client_as: Callable[[User], Client], administrator: User, labe_org: Organisation
) -> None:
    target = make_user("aminata.kaba", None, labe_org)
    client = client_as(administrator)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url).content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page
    response = client.post(
        url,
        _change_data(
            target, is_superuser="on", is_staff="on", groups=["1"], user_permissions=["1"]
        ),
    )
    assert response.status_code == 302, _errors(response)
    target.refresh_from_db()
    assert target.first_name == "Aminata"  # the form was saved…
    assert not target.is_superuser and not target.is_staff  # …without the privileges
    assert not target.user_permissions.exists() and not target.groups.exists()
    assert AuditEvent.objects.filter(
        action="admin.changed", object_id=str(target.pk), actor=administrator
    ).exists()


def test_admin_cannot_change_or_reset_a_superuser(
    client_as: Callable[[User], Client], administrator: User, labe_org: Organisation
) -> None:
    root = make_user("racine", None, labe_org, totp=True, is_superuser=True)
    client = client_as(administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[root.pk]), _change_data(root)
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "Nouveau-mot-2026-x", "password2": "Nouveau-mot-2026-x"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("Un-mot-de-passe-de-test-2026")


def test_admin_has_no_page_for_tokens_devices_groups_or_codes() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    forbidden = {
        "auth.group",
        "authtoken.tokenproxy",
        "otp_totp.totpdevice",
        "knox.authtoken",
        "accounts.apitoken",
        "accounts.authenticator",
        "accounts.enrolmentcode",
    }
    assert not registered & forbidden


def test_admin_password_reset_is_audited_and_revokes_tokens(
    client_as: Callable[[User], Client], administrator: User, caseworker: User
) -> None:
    api_token_create(actor=caseworker, name="téléphone")
    client = client_as(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[caseworker.pk]),
        {
            "usable_password": "true",
            "password1": "Nouveau-mot-2026-x",
            "password2": "Nouveau-mot-2026-x",
        },
    )
    assert response.status_code == 302, _errors(response)
    caseworker.refresh_from_db()
    assert caseworker.check_password("Nouveau-mot-2026-x")
    event = AuditEvent.objects.get(action="account.password_reset", object_id=str(caseworker.pk))
    assert event.actor == administrator
    assert not ApiToken.objects.filter(user=caseworker).exists()


def test_admin_removing_a_role_is_audited_and_revokes_tokens(
    client_as: Callable[[User], Client], administrator: User, caseworker: User
) -> None:
    api_token_create(actor=caseworker, name="téléphone")
    assignment = RoleAssignment.objects.get(user=caseworker)
    data = _change_data(caseworker)
    data.update(
        {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": str(assignment.pk),
            "role_assignments-0-user": str(caseworker.pk),
            "role_assignments-0-role": str(assignment.role_id),
            "role_assignments-0-DELETE": "on",
        }
    )
    client = client_as(administrator)
    response = client.post(reverse("admin:accounts_user_change", args=[caseworker.pk]), data)
    assert response.status_code == 302, _errors(response)
    assert not RoleAssignment.objects.filter(user=caseworker).exists()
    assert AuditEvent.objects.filter(
        action="admin.deleted", object_type="accounts.roleassignment", object_id=str(assignment.pk)
    ).exists()
    assert not ApiToken.objects.filter(user=caseworker).exists()
    assert AuditEvent.objects.filter(
        action="account.api_tokens_revoked", details__reason="role_removed"
    ).exists()


def test_admin_deactivating_an_account_revokes_its_tokens(
    client_as: Callable[[User], Client], administrator: User, analyst: User
) -> None:
    api_token_create(actor=analyst, name="script")
    assignment = RoleAssignment.objects.get(user=analyst)
    data = _change_data(analyst)
    data.pop("is_active")
    data.update(
        {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": str(assignment.pk),
            "role_assignments-0-user": str(analyst.pk),
            "role_assignments-0-role": str(assignment.role_id),
        }
    )
    response = client_as(administrator).post(
        reverse("admin:accounts_user_change", args=[analyst.pk]), data
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert not analyst.is_active
    assert not ApiToken.objects.filter(user=analyst).exists()


def test_admin_issues_enrolment_code_shown_once_and_audited(
    client_as: Callable[[User], Client], administrator: User, labe_org: Organisation
) -> None:
    newcomer = make_user("kadiatou.conde", roles.CASE_WORKER, labe_org, totp=False)
    client = client_as(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_code", "_selected_action": [str(newcomer.pk)]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    code = page.split("<code>")[1].split("</code>")[0]
    assert len(code.replace("-", "")) == 12
    stored = EnrolmentCode.objects.get(user=newcomer)
    assert code not in stored.digest and stored.issued_by == administrator
    assert AuditEvent.objects.filter(
        action="account.enrolment_code_issued", object_id=str(newcomer.pk), actor=administrator
    ).exists()


def test_admin_add_page_title_reads_correctly_in_french(
    client_as: Callable[[User], Client], administrator: User
) -> None:
    page = client_as(administrator).get(reverse("admin:accounts_user_add")).content.decode()
    assert "Ajout de utilisateur" not in page
    assert "Ajout d’utilisateur" in page
    page = client_as(administrator).get(reverse("admin:core_region_add")).content.decode()
    assert "Ajout de région" in page
    page = client_as(administrator).get(reverse("admin:accounts_organisation_add")).content
    assert "Ajout d’organisation" in page.decode()


def test_admin_cannot_switch_off_the_second_factor_of_a_role(
    client_as: Callable[[User], Client], administrator: User
) -> None:
    from egide.accounts.models import Role

    role = Role.objects.get(code=roles.CASE_WORKER)
    response = client_as(administrator).post(
        reverse("admin:accounts_role_change", args=[role.pk]), {"code": role.code}
    )
    assert response.status_code == 403
    role.refresh_from_db()
    assert role.reads_personal_data


def test_admin_adds_an_account_audited_without_privileges(
    client_as: Callable[[User], Client], administrator: User, labe_org: Organisation
) -> None:
    response = client_as(administrator).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ousmane.toure",
            "usable_password": "true",
            "password1": "Premier-mot-2026-x",
            "password2": "Premier-mot-2026-x",
            "first_name": "Ousmane",
            "last_name": "Touré",
            "email": "ousmane.toure@demo.egide.invalid",
            "language": "fr",
            "organisation": str(labe_org.pk),
            "is_fictitious": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, _errors(response)
    created = User.objects.get(username="ousmane.toure")
    assert created.last_name == "Touré" and created.organisation == labe_org
    assert not created.is_superuser and not created.is_staff
    assert AuditEvent.objects.filter(
        action="admin.added", object_id=str(created.pk), actor=administrator
    ).exists()
