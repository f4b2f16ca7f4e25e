"""The interoperability pages, rendered in French, show labels, never raw codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egide.accounts import roles
from egide.accounts.models import User
from tests.personas import login_verified
from tests.test_raw_codes import raw_codes, raw_codes_in

pytestmark = pytest.mark.django_db


def test_interop_pages_show_no_raw_code(
    channel_of: Callable[[str], Any], persona: Callable[[str], User]
) -> None:
    from egide.cases.services import case_open
    from egide.core.models import Region
    from egide.interop.models import CpimsReferral

    channel, secret = channel_of("africastalking")
    url = reverse("interop:africastalking_webhook", args=[channel.public_id]) + f"?k={secret}"
    form = {"from": "+2246", "to": "1", "text": "bonjour", "date": "2026-11-20 08:00:00", "id": "a"}
    Client().post(url, urlencode(form), content_type="application/x-www-form-urlencoded")
    worker = persona(roles.CASE_WORKER)
    case = case_open(actor=worker, region=Region.objects.get(code="GN-L"), owner=worker, child=True)
    CpimsReferral.objects.create(
        case=case, fields=["first_name", "birth_date"], status="failed", requested_by=worker
    )
    pages = [
        (roles.CASE_SUPERVISOR, reverse("interop:sms_channels")),
        (roles.ADMINISTRATOR, reverse("interop:sms_channels")),
        (roles.ADMINISTRATOR, reverse("interop:sms_channel_edit", args=[channel.pk])),
        (roles.ADMINISTRATOR, reverse("interop:cpims_connection")),
        (roles.CASE_WORKER, reverse("interop:cpims_refer", args=[case.pk])),
    ]
    codes = raw_codes()
    with translation.override("fr"):
        for role, page in pages:
            response = login_verified(Client(), persona(role)).get(page, HTTP_ACCEPT_LANGUAGE="fr")
            assert response.status_code == 200
            assert raw_codes_in(response.content.decode(), codes) == [], (role, page)
