"""An analyst on a 360 px phone, in French: assesses one element of the 2023 review with a
provision and evidence; a recommendation on it is validated at the workshop, assigned to an
institution with a deadline and moved to « en cours » with a progress note; the element score,
the overall score and the institution's board change; the PDF report holds both. Then the page
weight of the matrix and heat-map pages (demo data) is measured."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from egide.accounts import roles
from egide.policy.models import Review, Workshop
from egide.policy.reference import ensure_reference
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


def test_analyst_follows_a_recommendation_to_the_report(
    live_server: Any, browser: Any, e2e_data: None, tmp_path: Path
) -> None:
    ensure_reference()
    base = live_server.url
    org = make_organisation("Bureau d'analyse (fictif)", ["GN-C"], type="un")
    make_user("nene.toure", roles.ANALYST, org, first_name="Nènè", last_name="Touré")
    review = Review.objects.create(title="Revue 2023", year=2023, held_on=date(2023, 11, 15))
    Workshop.objects.create(review=review, title="Atelier de validation", held_on=date(2023, 12, 5))
    page = _phone(browser)
    login(page, base, "nene.toure")

    page.goto(f"{base}/policy/institutions/cnltppa/")
    assert page.get_by_test_id("board-in_progress").inner_text() == "0"
    nav(page, "Cadre juridique et sécurité humaine")
    page.get_by_role("link", name="Revue 2023").click()
    assert page.get_by_test_id("score-penalties").inner_text() == "—"
    assert "—" in page.get_by_test_id("overall").inner_text()
    page.locator("#el-penalties").get_by_role("link", name="Évaluer").click()
    page.get_by_label("Évaluation").select_option("partial")
    page.locator("label", has_text="Code pénal (2016), art. 323").click()
    page.get_by_label("Éléments de preuve").fill(
        "Code pénal 2016, art. 323 : 3 à 7 ans et/ou amende."
    )
    page.get_by_label("Raisonnement").fill("L’amende peut remplacer la prison.")
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    assert page.get_by_test_id("score-penalties").inner_text() == "50"
    assert "50" in page.get_by_test_id("overall").inner_text()
    assert "partiellement conforme" in page.get_by_test_id("status-penalties").inner_text()

    page.get_by_role("link", name="Proposer une recommandation").click()
    page.get_by_label("Recommandation").fill(
        "Supprimer l’amende en lieu et place de la prison (fictif)."
    )
    page.locator("label", has_text="3. Peines").click()
    page.get_by_label("Date de proposition").fill("2023-11-20")
    page.get_by_label("Priorité").select_option("high")
    page.get_by_role("button", name="Proposer").click()
    assert page.get_by_test_id("item-status").inner_text().startswith("proposée")

    page.get_by_role("link", name="Enregistrer la validation de l’atelier").click()
    page.get_by_label("Résultat de la validation").select_option("validated")
    page.get_by_role("button", name="Enregistrer la validation de l’atelier").click()
    assert page.get_by_test_id("item-status").inner_text().startswith("validée")

    page.get_by_role("link", name="Attribuer").click()
    page.get_by_label("Institution responsable").select_option(label="CNLTPPA")
    page.get_by_label("Échéance").fill("2025-06-30")
    page.get_by_label("Priorité").select_option("high")
    page.get_by_role("button", name="Attribuer").click()

    page.get_by_role("link", name="Enregistrer l’avancement").click()
    page.get_by_label("Date").fill("2024-02-01")
    page.get_by_label("Statut").select_option("in_progress")
    page.get_by_label("Note d’avancement").fill("Avant-projet de loi rédigé (fictif).")
    page.get_by_role("button", name="Enregistrer l’avancement").click()
    assert page.get_by_test_id("item-status").inner_text().startswith("en cours")
    screenshot(page, "policy-recommendation-360")

    page.get_by_role("link", name="CNLTPPA").click()
    assert page.get_by_test_id("board-in_progress").inner_text() == "1"
    assert page.get_by_test_id("board-overdue").inner_text() == "1"

    page.goto(f"{base}/policy/reviews/{review.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Rapport PDF").click()
    pdf = tmp_path / "revue.pdf"
    info.value.save_as(pdf)
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    text = " ".join(raw.decode().split())  # table cells wrap lines
    assert "3. Peines" in text
    assert "partiellement conforme" in text
    assert "Supprimer l’amende en lieu et place de la prison" in text
    assert "en cours" in text
    page.context.close()


def test_matrix_and_heat_map_pages_weigh_under_150_kb(
    live_server: Any, browser: Any, e2e_data: None
) -> None:
    from egide.core.demo import load_accounts
    from egide.policy.demo import load_policy

    load_accounts()
    load_policy()
    base = live_server.url
    review = Review.objects.get(year=2023, is_demo=True)
    page = _phone(browser)
    org = make_organisation("Bureau d'analyse 2 (fictif)", ["GN-C"], type="un")
    make_user("analyste.poids", roles.ANALYST, org)
    login(page, base, "analyste.poids")
    figures = {}
    for name, url in (
        ("matrix", f"/policy/reviews/{review.pk}/"),
        ("heatmap", "/policy/analyses/"),
    ):
        sizes: list[int] = []

        def on_response(response: Any, sizes: list[int] = sizes) -> None:
            if not response.ok:
                return
            try:
                sizes.append(len(response.body()))
            except Exception:  # noqa: BLE001 - a body the browser already dropped: use its header
                sizes.append(int(response.headers.get("content-length", "0")))

        page.on("response", on_response)
        page.goto(base + url, wait_until="networkidle")
        page.remove_listener("response", on_response)
        figures[name] = sum(sizes)
        screenshot(page, f"policy-{name}-360", full_page=True)
    print("page weight at 360 px (bytes):", figures)  # noqa: T201 - reported in the note
    assert page.locator("svg").count() >= 1
    for name, size in figures.items():
        assert 0 < size < LIMIT, (name, size)
    page.context.close()
