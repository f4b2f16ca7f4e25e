"""Filled submissions of the monitoring dashboard's filters and of the donor report request."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry


def _check_filters(ctx: Ctx, response: Any) -> None:
    board = response.context["board"]
    assert board is not None and board.period_text == "2024"
    assert board.region.code == "GN-L" and (board.sex, board.age_band) == ("female", "25_59")


def _check_report(ctx: Ctx, response: Any) -> None:
    from egide.jobs.models import Job

    job = Job.objects.get(kind="monitoring.donor_report")
    assert job.params["period"] == "2024" and job.params["region"] == "GN-L"
    assert job.params["format"] == "pdf" and job.params["suppressed"] is True


ENTRIES: dict[str, Entry] = {
    "egide.monitoring.forms.DashboardFilterForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("monitoring:dashboard"),
        method="get",
        values=lambda ctx: {
            "period": "2024",
            "region": "GN-L",
            "sex": "female",
            "age_band": "25_59",
        },
        status=(200,),
        check=_check_filters,
    ),
    "egide.monitoring.forms.DonorReportForm": Entry(
        persona=roles.ANALYST,
        url=lambda ctx: reverse("monitoring:report"),
        values=lambda ctx: {"period": "2024", "region": "GN-L", "format": "pdf"},
        status=(302,),
        check=_check_report,
    ),
}
