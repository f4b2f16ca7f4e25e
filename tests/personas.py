"""Fictitious persona users and logged-in clients for tests."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from egide.accounts import roles
from egide.accounts.models import Authenticator, Organisation, Role, RoleAssignment, User
from egide.core.models import Region

PASSWORD = "Un-mot-de-passe-de-test-2026"


def make_organisation(name: str, region_codes: list[str], type: str = "ngo") -> Organisation:
    org = Organisation.objects.create(name=name, type=type, is_fictitious=True)
    org.regions.set(Region.objects.filter(code__in=region_codes))
    return org


def make_user(
    username: str,
    role: str | None,
    organisation: Organisation | None = None,
    regions: list[str] | None = None,
    totp: bool | None = None,
    **fields: Any,
) -> User:
    """A fictitious user holding *role*; a confirmed TOTP device when the role needs one."""
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        organisation=organisation,
        first_name=fields.pop("first_name", "Mariama"),
        last_name=fields.pop("last_name", "Camara"),
        is_fictitious=True,
        **fields,
    )
    if role is not None:
        assignment = RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role))
        if regions:
            assignment.regions.set(Region.objects.filter(code__in=regions))
    needs = role is not None and roles.ROLES[role][2]
    if totp if totp is not None else needs:
        Authenticator.objects.create(user=user, name="test", confirmed=True)
    return user


def login_verified(client: Client, user: User) -> Client:
    """Log *client* in as *user*, with the second factor confirmed when the user has a device."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
