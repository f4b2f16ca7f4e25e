"""The audit page raises an alarm when events wait too long for their seal, and shows the last
checkpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import User
from egide.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _page(client: Client) -> str:
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_audit_page_alarms_on_events_unsealed_for_too_long(
    administrator: User, client_as: Callable[[User], Client], settings: Any
) -> None:
    settings.EGIDE_AUDIT_UNSEALED_ALARM_MINUTES = 5
    AuditEvent.objects.create(
        created_at=timezone.now() - timedelta(minutes=6), action="test.old", details={}
    )
    page = _page(client_as(administrator))
    assert 'role="alert"' in page
    assert "Alarme : 1 événement attend son scellement depuis plus de 5 minutes" in page
    assert "Aucun point de contrôle signé pour l’instant." in page


def test_audit_page_shows_last_checkpoint_and_no_alarm_when_sealed(
    administrator: User,
    client_as: Callable[[User], Client],
    events: Callable[[int], list[AuditEvent]],
    seal_now: Callable[[], int],
) -> None:
    client = client_as(administrator)
    events(3)
    seal_now()
    page = _page(client)  # writes one event (audit.viewed), recent: no alarm
    assert 'role="alert"' not in page
    assert "Dernier point de contrôle signé : 3 événements scellés" in page
    assert "1 événement attend son scellement." in page


@pytest.mark.django_db
def test_audit_search_by_actor_finds_failed_logins_stored_as_digest(reference_data: None) -> None:
    from egide.accounts.services import login_failed
    from egide.audit.selectors import audit_events_filtered

    login_failed(username="fbangoura", reason="password")
    found = audit_events_filtered(actor="fbangoura")
    assert [e.action for e in found] == ["auth.login_failed"]
    assert "fbangoura" not in found[0].actor_username
