"""Dashboard pages, suppression as an analyst sees it, the donor report job."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse

from egide.accounts import roles
from egide.monitoring.selectors import figures
from egide.monitoring.tests.records import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(persona: Any) -> dict[str, Any]:
    return build(persona)


def _value(html: str, code: str) -> str:
    match = re.search(rf'data-testid="value-{re.escape(code)}">([^<]*)<', html)
    assert match, code
    return match.group(1).strip()


def test_coordinator_sees_the_overview_with_charts_and_tables(
    records: Any, persona: Any, client_as: Any
) -> None:
    client = client_as(persona(roles.COORDINATOR))
    response = client.get(reverse("monitoring:dashboard"), {"period": "2024", "region": "GN-L"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<table" in html
    assert _value(html, "III.2") == "20"
    # The coordinator cannot read cases: Labé's 2 presumed victims (3 nationally, "<5") are
    # hidden, and so is the whole national table of which they are a cell.
    assert _value(html, "II.6") == "x"
    assert len(response.content) < 150_000


def test_every_page_answers(records: Any, persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.ANALYST))
    for url in (
        reverse("monitoring:dashboard"),
        reverse("monitoring:objective", args=["ii"]),
        reverse("monitoring:region", args=["GN-K"]),
        reverse("monitoring:indicator", args=["G.1"]),
        reverse("monitoring:report"),
    ):
        response = client.get(url, {"period": "2024"})
        assert response.status_code == 200, url
        assert len(response.content) < 150_000, url
    page = client.get(reverse("monitoring:indicator", args=["G.1"])).content.decode()
    assert "compte une fois" in page  # the counting rule is stated


def test_unknown_objective_region_indicator_are_404(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.ANALYST))
    assert client.get(reverse("monitoring:objective", args=["v"])).status_code == 404
    assert client.get(reverse("monitoring:region", args=["GN-Z"])).status_code == 404
    assert client.get(reverse("monitoring:indicator", args=["Z.9"])).status_code == 404


def test_bad_period_is_a_clear_error_not_a_500(persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.ANALYST))
    for bad in ("2024Q5", "abc", "202413", "1800", "2024-01"):
        response = client.get(reverse("monitoring:dashboard"), {"period": bad})
        assert response.status_code == 200
        assert "2024Q3" in response.content.decode()  # the message says what to write
    response = client.get(reverse("monitoring:dashboard"), {"region": "GN-Z"})
    assert response.status_code == 200


def test_analyst_sees_less_than_5_for_a_count_of_3_and_no_total_gives_it_back(
    records: Any, persona: Any, client_as: Any
) -> None:
    # Services delivered in 2024: 3 (shelter 1, medical 1, legal aid 1; all in Labé).
    client = client_as(persona(roles.ANALYST))
    html = client.get(reverse("monitoring:dashboard"), {"period": "2024"}).content.decode()
    assert _value(html, "II.4") == "&lt;5"
    found = {(f.indicator, f.disaggregation): f for f in figures(period="2024")}
    assert found[("II.4", ())].shown == "<5" and found[("II.4", ())].value is None
    # Leaders reached: community 3, religious 3 (total 6); Labé 5, Kankan 1. Kankan's 1 is
    # "<5", so Labé's 5 is hidden too — otherwise 6 − 5 gives Kankan back.
    assert found[("III.1", (("region", "GN-K"),))].shown == "<5"
    assert found[("III.1", (("region", "GN-L"),))].shown == "x"
    assert found[("III.1", ())].shown == "6"
    # ...and Labé's own page does not give the 5 back either.
    labe = {(f.indicator, f.disaggregation): f for f in figures(period="2024", region="GN-L")}
    assert labe[("III.1", ())].value is None
    # No line anywhere hides exactly one cell while its total shows.
    for region in (None, "GN-L", "GN-K"):
        _assert_no_lone_hidden_cell(figures(period="2024", region=region))


def _assert_no_lone_hidden_cell(found: list[Any]) -> None:
    totals = {f.indicator: f for f in found if f.disaggregation == ()}
    lines: dict[tuple[str, str], list[Any]] = {}
    for f in found:
        if len(f.disaggregation) == 1:
            lines.setdefault((f.indicator, f.disaggregation[0][0]), []).append(f)
    for (code, dim), cells in lines.items():
        total = totals[code]
        if not isinstance(total.value, int) or dim == "region" and code in ("II.1", "IV.1", "G.1"):
            continue
        if sum(c.value or 0 for c in cells) == total.value and all(
            c.value is not None for c in cells
        ):
            continue
        hidden = [c for c in cells if c.value is None]
        assert len(hidden) != 1, (code, dim, cells)


def test_case_supervisor_sees_exact_counts(records: Any, persona: Any, client_as: Any) -> None:
    client = client_as(persona(roles.CASE_SUPERVISOR))
    html = client.get(reverse("monitoring:dashboard"), {"period": "2024"}).content.decode()
    assert _value(html, "II.4") == "3"


def test_donor_report_xlsx_has_the_dashboards_values(
    records: Any, persona: Any, client_as: Any
) -> None:
    from openpyxl import load_workbook

    from egide.jobs.models import Job
    from egide.jobs.services import job_run

    coordinator = persona(roles.COORDINATOR)
    client = client_as(coordinator)
    response = client.post(
        reverse("monitoring:report"), {"period": "2024", "region": "GN-L", "format": "xlsx"}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="monitoring.donor_report")
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content)
    ).worksheets[0]
    in_file = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    html = client.get(
        reverse("monitoring:dashboard"), {"period": "2024", "region": "GN-L"}
    ).content.decode()
    for code, value in in_file.items():
        page = _value(html, code).replace("&lt;", "<").replace(" %", "").split(" ")[0]
        assert str(value) == page or float(value) == float(page), (code, value, page)


def test_donor_report_pdf_and_bad_requests(records: Any, persona: Any, client_as: Any) -> None:
    from egide.jobs.models import Job
    from egide.jobs.services import job_run

    client = client_as(persona(roles.ANALYST))
    bad = client.post(reverse("monitoring:report"), {"period": "202403", "format": "pdf"})
    assert bad.status_code == 200 and "2024Q3" in bad.content.decode()
    assert not Job.objects.exists()
    quarter = client.post(reverse("monitoring:report"), {"period": "2024Q1", "format": "pdf"})
    assert quarter.status_code == 200 and "années entières" in quarter.content.decode()
    assert not Job.objects.exists()
    client.post(reverse("monitoring:report"), {"period": "2024", "format": "pdf"})
    job = Job.objects.get()
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert job.result_filename.endswith(".pdf")


def test_administrator_sets_a_target_in_the_admin(persona: Any, client_as: Any) -> None:
    from egide.core.models import Region
    from egide.monitoring.models import Target

    client = client_as(persona(roles.ADMINISTRATOR))
    labe = Region.objects.get(code="GN-L")
    values = {
        "indicator": "III.2",
        "period": "2024Q3",
        "region": labe.pk,
        "value": "400",
        "source": "Plan de travail 2024 (fictif)",
    }
    bad = client.post(reverse("admin:monitoring_target_add"), {**values, "period": "2024Q7"})
    assert bad.status_code == 200 and not Target.objects.exists()
    response = client.post(reverse("admin:monitoring_target_add"), values)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.indicator, target.period, target.region, target.value) == (
        "III.2",
        "2024Q3",
        labe,
        400,
    )


def test_a_hidden_total_hides_its_whole_table() -> None:
    """Four "<5" cells under a total of 4 would all be 1: the table is hidden as a whole (the
    total too: four "<5" at least 1 each under a "<5" total pin it to 4)."""
    from collections import Counter

    from egide.monitoring.computation import count_table

    cube = Counter(
        {
            ("female", "u18"): 1,
            ("female", "25_59"): 1,
            ("male", "u18"): 1,
            ("male", "25_59"): 1,
        }
    )
    table = count_table(("sex", "age_band"), cube, suppressed=True)
    assert table.total.value is None and table.total.text == "x"
    cells = [*table.cross.values(), *(v for m in table.margins.values() for v in m.values())]
    assert all(v.value is None and v.text == "x" for v in cells)
    exact = count_table(("sex", "age_band"), cube, suppressed=False)
    assert exact.total.value == 4 and exact.cross[("female", "u18")].value == 1
