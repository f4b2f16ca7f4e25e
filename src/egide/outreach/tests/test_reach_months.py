"""The reach page counts over whole calendar months: with dates to the day, two figures one day
apart would give a one-day count by difference (review finding)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from egide.accounts import roles
from egide.outreach.reach import month_bounds, reach

pytestmark = pytest.mark.django_db


def test_month_bounds_widen_to_whole_months() -> None:
    assert month_bounds(date(2026, 3, 15), date(2026, 3, 16)) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert month_bounds(date(2026, 2, 20), None) == (date(2026, 2, 1), None)
    assert month_bounds(None, date(2024, 2, 3)) == (None, date(2024, 2, 29))
    assert month_bounds(date(2026, 5, 2), date(2026, 3, 9)) == (date(2026, 3, 1), date(2026, 5, 31))
    assert month_bounds(None, None) == (None, None)


def test_reach_one_day_apart_gives_the_same_figures() -> None:
    one = reach(date_from=date(2026, 3, 15), date_to=date(2026, 3, 15), suppressed=True)
    two = reach(date_from=date(2026, 3, 14), date_to=date(2026, 3, 15), suppressed=True)
    assert (one["date_from"], one["date_to"]) == (date(2026, 3, 1), date(2026, 3, 31))
    assert one == two


def test_reach_page_states_the_months(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.ANALYST))
    response = client.get(
        reverse("outreach:reach"), {"date_from": "2026-03-15", "date_to": "2026-03-16"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 mars 2026" in page and "31 mars 2026" in page and "mois civils entiers" in page
