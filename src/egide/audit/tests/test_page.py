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


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Africa/Conakry", "Europe/Paris"])
def test_date_filters_keep_whole_local_days(zone: str) -> None:
    """From and to are whole days of the site's time zone, both included; the bounds are on the
    time itself, so the index on it serves the search."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.test import override_settings
    from django.utils import timezone as tz

    from egide.audit.selectors import audit_events_filtered
    from egide.audit.services import audit_event, audit_record_many

    with override_settings(TIME_ZONE=zone), tz.override(zone):
        local = ZoneInfo(zone)
        times = {
            "before": datetime(2026, 3, 9, 23, 59, 59, tzinfo=local),
            "first": datetime(2026, 3, 10, 0, 0, tzinfo=local),
            "last": datetime(2026, 3, 11, 23, 59, 59, tzinfo=local),
            "after": datetime(2026, 3, 12, 0, 0, tzinfo=local),
        }
        events = []
        for name, moment in times.items():
            event = audit_event(actor=None, action=f"test.{name}", object_type="t", object_id=1)
            event.created_at = moment
            events.append(event)
        audit_record_many(events)
        found = audit_events_filtered(
            action="test.", date_from=date(2026, 3, 10), date_to=date(2026, 3, 11)
        )
        assert sorted(e.action for e in found) == ["test.first", "test.last"]
        sql = str(found.query)
        assert "created_at" in sql and "::date" not in sql.lower() and "django_date" not in sql
        assert len(audit_events_filtered(date_to=date.max)) >= 4  # no overflow past year 9999


def test_audit_filter_refuses_dates_out_of_bounds() -> None:
    """A year 1 or 9999 is refused with the form's message, not turned into a time the
    database cannot hold."""
    from egide.audit.forms import AuditFilterForm

    for field in ("date_from", "date_to"):
        for typed in ("0001-01-01", "9999-12-31"):
            form = AuditFilterForm({field: typed})
            assert not form.is_valid() and field in form.errors
    assert AuditFilterForm({"date_from": "2026-03-10", "date_to": "2026-03-11"}).is_valid()
