"""An analyst on a 360 px phone, in French: imports a partner's CTDC file (a bad one first: the
rejected rows are listed and nothing is imported), sees the partner's counts beside Guinea's,
then starts a k-anonymised CTDC export, which a worker runs, and downloads it from « Mes
travaux ». axe-core checks every page on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from egide.accounts import roles
from egide.sharing.ctdc import V2024_COLUMNS
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user


def _csv(path: Path, citizenship: str, rows: int) -> Path:
    line = dict.fromkeys(V2024_COLUMNS, "")
    line.update(
        yearOfRegistration="2022", gender="Woman", ageBroad="9--17", citizenship=citizenship
    )
    line["isForcedLabour"] = "1"
    body = [",".join(V2024_COLUMNS)] + [",".join(line.values())] * rows
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def test_analyst_imports_a_partner_dataset_and_exports(
    live_server: Any, browser: Any, e2e_data: None, tmp_path: Path, monkeypatch: Any
) -> None:
    from datetime import date

    from egide.cases.models import Case
    from egide.cases.services import case_open, consent_record
    from egide.core.models import Region
    from egide.jobs.models import Job
    from egide.jobs.services import job_run, job_start
    from egide.screening.contract import parse_input
    from egide.screening.services import assessment_create

    base = live_server.url
    org = make_organisation("Bureau d'analyse (fictif)", ["GN-L"], type="un")
    make_user("awa.bah", roles.ANALYST, org, first_name="Awa", last_name="Bah")
    worker = make_user("w.sharing", roles.CASE_WORKER, org, regions=["GN-L"])
    for _i in range(6):
        case = case_open(
            actor=worker, region=Region.objects.get(code="GN-L"), owner=worker, sex="female"
        )
        consent_record(
            actor=worker,
            case=case,
            purpose="statistics",
            decision="granted",
            given_by="person",
            language="pular",
            decided_on=date(2024, 5, 2),
        )
        assessment_create(
            case=case,
            actor=worker,
            data=parse_input({"indicators": ["purpose.forced_labour"], "person": {}}),
            interview={},
            worker_agrees=True,
        )
        Case.objects.filter(pk=case.pk).update(birth_year=2008, nationality_id="GN")

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "awa.bah")
    nav(page, "Partage de données anonymisées")

    page.get_by_label("Nom du jeu de données").fill("Partenaire régional (fictif)")
    page.get_by_label("Source").fill("Publication test, 2024 (fictive)")
    page.get_by_label("Fichier CSV CTDC v2024").set_input_files(
        str(_csv(tmp_path / "bad.csv", "GUI", 3))
    )
    page.get_by_role("button", name="Importer").click()
    report = page.get_by_test_id("import-report")
    assert "3 ligne(s) rejetée(s)" in report.inner_text()
    assert "code pays inconnu" in report.inner_text()

    page.get_by_label("Nom du jeu de données").fill("Partenaire régional (fictif)")
    page.get_by_label("Source").fill("Publication test, 2024 (fictive)")
    page.get_by_label("Fichier CSV CTDC v2024").set_input_files(
        str(_csv(tmp_path / "ok.csv", "GIN", 9))
    )
    page.get_by_role("button", name="Importer").click()
    assert "9 ligne(s) importée(s)" in page.content()
    assert page.get_by_test_id("compare-1").get_by_role("cell", name="6").count() >= 1
    assert page.get_by_test_id("compare-2").get_by_role("cell", name="9").count() >= 1
    screenshot(page, "sharing-compare", full_page=True)

    # A worker takes the job at once (the job page of a queued job refreshes itself, which
    # axe-core flags; this flow looks at the finished job).
    from egide.sharing import views

    def start_and_run(**kwargs: Any) -> Any:
        started = job_start(**kwargs)
        job_run(job_id=started.pk)
        return started

    monkeypatch.setattr(views, "job_start", start_and_run)
    nav(page, "Partage de données anonymisées")
    page.get_by_label("k (chaque combinaison publiée est partagée par au moins k cas)").fill("3")
    page.get_by_role("button", name="Lancer l’export").click()
    job = Job.objects.get(kind="sharing.ctdc_export")
    assert job.status == Job.Status.SUCCEEDED
    assert "6 ligne(s) écrite(s)" in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ctdc-v2024-k3.csv").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert content.splitlines()[0] == ",".join(V2024_COLUMNS)
    assert content.count("GIN") == 6
    context.close()
