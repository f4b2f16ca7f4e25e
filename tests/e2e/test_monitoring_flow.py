"""A coordinator on a 360 px phone, in French: opens the programme's results, filters to Labé
for 2024, sees a chart and its data table, asks for the XLSX donor report, follows it on the
job page and downloads it; the workbook's values equal the page's (read back here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from egide.accounts import roles
from egide.accounts.models import User
from egide.monitoring.tests.records import build
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user

LIMIT = 150 * 1024


def _phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_coordinator_filters_labe_2024_and_downloads_the_report(
    live_server: Any, browser: Any, e2e_data: None, tmp_path: Path
) -> None:
    from egide.jobs.models import Job
    from egide.jobs.services import job_run

    org = make_organisation("Coordination du programme (fictive)", ["GN-L", "GN-K", "GN-C"])
    made: dict[str, User] = {}

    def persona(role: str) -> User:
        if role not in made:
            made[role] = make_user(f"e2e_{role}", role, org, ["GN-L"])
        return made[role]

    build(persona)
    make_user("aissatou.bah", roles.COORDINATOR, org, first_name="Aïssatou", last_name="Bah")
    base = live_server.url
    page = _phone(browser)
    login(page, base, "aissatou.bah")

    nav(page, "Résultats du programme")
    page.get_by_label("Période", exact=True).fill("2024")
    page.get_by_label("Région", exact=True).select_option(label="Labé")
    page.get_by_role("button", name="Filtrer").click()
    assert "Labé" in page.get_by_test_id("scope").inner_text()
    assert "2024" in page.get_by_test_id("scope").inner_text()

    # A chart and its data table: people reached by dialogues in Labé, by period.
    card = page.get_by_test_id("card-III.2")
    card.scroll_into_view_if_needed()
    assert card.locator("svg[role=img]").first.is_visible()
    table = card.locator("table").first
    assert table.is_visible()
    assert "2024" in table.inner_text() and "20" in table.inner_text()
    assert page.get_by_test_id("value-III.2").inner_text() == "20"
    # The coordinator cannot read cases: Labé's 2 presumed victims are hidden ("x": the
    # country's 3 show as "<5", so no region's share of them is shown either).
    assert page.get_by_test_id("value-II.6").inner_text() == "x"
    weight = len(page.content().encode())
    assert weight < LIMIT, weight
    shown = {
        row.get_attribute("data-indicator"): row.get_by_role("cell").first.inner_text()
        for row in page.locator("tr[data-indicator]").all()
    }
    screenshot(page, "monitoring-labe-2024")

    page.get_by_role("link", name="Rapport au bailleur").click()
    page.locator("#id_period").fill("2024")  # required: its label ends with "*"
    page.get_by_label("Région", exact=True).select_option(label="Labé")
    page.locator("#id_format").select_option(label="Tableur (XLSX)")

    page.get_by_role("button", name="Préparer le rapport").click()
    job = Job.objects.get(kind="monitoring.donor_report")
    assert f"/jobs/{job.pk}/" in page.url
    # The job waits for a worker; the person follows it with "Actualiser" (no self-reload).
    assert page.get_by_role("link", name="Actualiser").is_visible()
    screenshot(page, "monitoring-report-queued")
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    page.get_by_role("link", name="Actualiser").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger").click()
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    screenshot(page, "monitoring-report-job")

    sheet = load_workbook(path).worksheets[0]
    in_file = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(in_file) == set(shown)
    for code, value in in_file.items():
        text = shown[code].replace("\u202f", " ").split(" ")[0]
        if isinstance(value, int | float):
            assert float(text) == float(value), (code, text, value)
        else:
            assert text == value, (code, text, value)
