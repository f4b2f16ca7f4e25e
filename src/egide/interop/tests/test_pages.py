"""The SMS channels page (no message text for those who cannot read the alert), the channel
administration (secret shown once, rotation) and the CPIMS+ connection page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.interop.models import SmsChannel, SmsDelivery
from egide.interop.services import sms_channel_authenticate
from tests.personas import login_verified

pytestmark = pytest.mark.django_db
TEXT = "ALERTE LABE URGENT fillette au marché (fictif)"


def _deliver(channel: Any, secret: str) -> None:
    url = reverse("interop:africastalking_webhook", args=[channel.public_id]) + f"?k={secret}"
    form = {
        "from": "+224620000007",
        "to": "38383",
        "text": TEXT,
        "date": "2026-11-20 08:00:00",
        "id": "x1",
    }
    response = Client().post(url, urlencode(form), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_channels_page_hides_text_from_roles_that_cannot_read_the_alert(
    channel_of: Callable[[str], Any], persona: Callable[[str], User]
) -> None:
    channel, secret = channel_of("africastalking")
    _deliver(channel, secret)
    url = reverse("interop:sms_channels")
    supervisor_page = login_verified(Client(), persona(roles.CASE_SUPERVISOR)).get(url)
    assert TEXT in supervisor_page.content.decode()
    assert "+224620000007" in supervisor_page.content.decode()
    viewed = AuditEvent.objects.get(action="sms.deliveries_viewed")
    assert viewed.details["deliveries"] == [
        SmsDelivery.objects.get().pk
    ]  # which ones, not only how many
    for role in (roles.ADMINISTRATOR, roles.COORDINATOR):
        page = login_verified(Client(), persona(role)).get(url).content.decode()
        assert channel.name in page and "ALR-" in page
        assert TEXT not in page and "+224620000007" not in page


def test_admin_creates_a_channel_sees_the_secret_once_and_rotates_it(
    persona: Callable[[str], User],
) -> None:
    from egide.core.models import Region

    admin = persona(roles.ADMINISTRATOR)
    client = login_verified(Client(), admin)
    response = client.post(
        reverse("interop:sms_channel_create"),
        {
            "name": "TextIt Labé (fictif)",
            "kind": "rapidpro",
            "organisation": admin.organisation_id,
            "default_region": Region.objects.get(code="GN-L").pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    channel = SmsChannel.objects.get()
    secret = response.context["secret"]
    assert sms_channel_authenticate(channel.public_id, secret, "rapidpro") == channel
    assert secret not in client.get(reverse("interop:sms_channels")).content.decode()
    assert not channel.account.has_usable_password() and not channel.account.is_active
    rotated = client.post(reverse("interop:sms_channel_secret", args=[channel.pk]))
    new_secret = rotated.context["secret"]
    assert new_secret != secret
    assert sms_channel_authenticate(channel.public_id, secret, "rapidpro") is None
    assert sms_channel_authenticate(channel.public_id, new_secret, "rapidpro") == channel
    assert AuditEvent.objects.filter(action="sms.secret_rotated").count() == 1


def test_cpims_connection_keeps_the_password_when_left_empty(
    persona: Callable[[str], User],
) -> None:
    from egide.interop.models import CpimsConnection

    client = login_verified(Client(), persona(roles.ADMINISTRATOR))
    url = reverse("interop:cpims_connection")
    page = client.get(url).content.decode()
    assert "name_first" in page and "primeromodule-cp" in page  # the documented defaults
    values = {
        "base_url": "https://cpims.example.org",
        "username": "egide-api",
        "password": "",
        "module_id": "primeromodule-cp",
        "protection_concerns": "trafficked",
        "logins_per_minute": "3",
        "enabled": "on",
        "map_first_name": "name_first",
    }
    refused = client.post(url, values)
    assert refused.status_code == 200 and not CpimsConnection.objects.exists()
    client.post(url, {**values, "password": "Premier-2026"})
    client.post(url, {**values, "username": "egide-api-2"})
    connection = CpimsConnection.objects.get()
    assert connection.password == "Premier-2026" and connection.username == "egide-api-2"
    assert connection.field_map["last_name"] == ""  # emptied: never sent
    plain = client.post(url, {**values, "base_url": "http://cpims.example.org"})
    assert plain.status_code == 200 and "https" in plain.content.decode()
