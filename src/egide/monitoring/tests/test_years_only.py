"""Suppressed readers get whole years only: each period is suppressed on its own, so a year of
33 with Q2–Q4 at 10 each would give a hidden Q1 of 3 back (review finding)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from egide.accounts import roles
from egide.monitoring import periods
from egide.monitoring.computation import dashboard
from egide.monitoring.selectors import figures
from egide.monitoring.tests.records import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(persona: Any) -> dict[str, Any]:
    return build(persona)


@pytest.mark.parametrize("period", ["2024Q1", "202403"])
def test_suppressed_figures_of_a_quarter_or_month_are_refused(records: Any, period: str) -> None:
    with pytest.raises(periods.YearsOnlyError, match="2024"):
        figures(period=period, suppressed=True)
    assert figures(period=period, suppressed=False)  # exact-count roles keep them


def test_suppressed_trend_is_years_only(records: Any) -> None:
    trend = dashboard(period="2024", suppressed=True).result("II.6").trend
    assert all(len(r.key) == 4 for r in trend)


def test_api_refuses_a_quarter_to_an_analyst(records: Any, persona: Any, client_as: Any) -> None:
    analyst = client_as(persona(roles.ANALYST))
    response = analyst.get(reverse("api:indicators"), {"period": "2024Q1"})
    assert response.status_code == 400
    assert "2024" in response.json()["errors"]["period"][0]


def test_command_refuses_a_quarter(records: Any) -> None:
    with pytest.raises(CommandError, match="2024") as info:
        call_command("indicators", "--period", "2024Q1", "--language", "en")
    assert info.value.returncode == 2
    assert "whole years" in str(info.value)
    out = io.StringIO()
    call_command("indicators", "--period", "2024", "--json", stdout=out)
    assert json.loads(out.getvalue())["suppressed"] is True


def test_dashboard_says_why_a_quarter_is_refused(
    records: Any, persona: Any, client_as: Any
) -> None:
    analyst = client_as(persona(roles.ANALYST))
    html = analyst.get(reverse("monitoring:dashboard"), {"period": "2024Q1"}).content.decode()
    assert "années entières" in html and 'data-testid="value-' not in html


def test_region_page_says_breakdowns_are_reserved(
    records: Any, persona: Any, client_as: Any
) -> None:
    analyst = client_as(persona(roles.ANALYST))
    html = analyst.get(reverse("monitoring:region", args=["GN-L"]), {"period": "2024"})
    page = html.content.decode()
    assert 'data-testid="region-withheld"' in page
    assert 'data-testid="table-III.2-sex"' not in page
