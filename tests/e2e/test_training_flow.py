"""A trainer runs a Labé workshop: modules 1–5, participants, attendance, pre/post tests taken on
phones, knowledge gain, certificate PDF; the public page verifies the code and rejects a forgery."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from egide.accounts import roles
from egide.training.curriculum import question_index
from egide.training.models import Enrollment, KnowledgeTest
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user


def _phone(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _take_test(browser: Any, url: str, right: bool) -> str:
    """A participant answers every question on a phone (all right, or all the first choice)."""
    page = _phone(browser)
    page.goto(url)
    bank = question_index()
    codes = page.eval_on_selector_all(
        "input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    for code in codes:
        choice = bank[code]["answer"] if right else 0
        page.check(f"input[name='{code}'][value='{choice}']")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    text = page.get_by_test_id("test-done").inner_text()
    page.context.close()
    return text


def test_trainer_runs_a_workshop_to_certificates(
    live_server: Any, browser: Any, e2e_data: None, tmp_path: Path
) -> None:
    base = live_server.url
    org = make_organisation(
        "Direction régionale de l'Action sociale de Labé (fictive)", ["GN-L"], type="public"
    )
    make_user(
        "kadiatou.sylla", roles.TRAINER, org, ["GN-L"], first_name="Kadiatou", last_name="Sylla"
    )
    page = _phone(browser)
    login(page, base, "kadiatou.sylla")

    nav(page, "Formation")
    page.get_by_role("link", name="Nouvelle session").click()
    page.get_by_label("Type").select_option("workshop")
    page.get_by_label("Intitulé").fill("Atelier de Labé — cycle 1 (fictif)")
    for number in range(1, 6):
        page.locator(f"input[name=modules][value=M{number}]").check()
    page.get_by_label("Premier jour").fill("2026-07-19")
    page.get_by_label("Dernier jour").fill("2026-07-20")
    page.get_by_label("Région").select_option(label="Labé")
    page.get_by_label("Lieu").fill("Salle de la préfecture (fictive)")
    page.get_by_role("button", name="Créer la session").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Atelier de Labé — cycle 1 (fictif)"

    for name, actor in (("Mamadou Saliou Diallo", "cso"), ("Fatoumata Binta Barry", "cbo")):
        page.get_by_text("Inscrire un participant").click()
        form = page.locator("form", has=page.get_by_role("button", name="Inscrire"))
        form.get_by_label("Nom complet").fill(name)
        form.get_by_label("Sexe").select_option("male" if "Mamadou" in name else "female")
        form.get_by_label("Tranche d’âge").select_option("25_59")
        form.get_by_label("Type d’acteur").select_option(actor)
        form.get_by_role("button", name="Inscrire").click()
    assert page.get_by_text("Fatoumata Binta Barry").first.is_visible()

    # Attendance: both present both days.
    for day in ("19 juillet", "20 juillet"):
        form = page.locator(
            "form", has=page.get_by_role("button", name=f"Enregistrer les présences du {day}")
        )
        for box in form.locator("input[name=present]").all():
            box.check()
        form.get_by_role("button", name=f"Enregistrer les présences du {day}").click()

    page.get_by_role("button", name="Préparer le pré-test et le post-test").click()
    links = [f"{base}/training/test/{e.token}/" for e in Enrollment.objects.order_by("id")]
    # Pre-test on the participants' phones: everyone picks the first choice.
    for link in links:
        assert "Votre score" in _take_test(browser, link, right=False)
    # The trainer closes the pre-test and opens the post-test.
    page.reload()
    page.locator("form:has(input[value=close_pre]) button").click()
    page.locator("form:has(input[value=open_post]) button").click()
    for link in links:
        assert "100,0" in _take_test(browser, link, right=True)

    page.reload()
    gain = page.get_by_test_id("mean-gain").inner_text()
    pre = KnowledgeTest.objects.get(kind="pre")
    assert gain.startswith("Gain moyen de connaissances") and pre.attempts.count() == 2
    screenshot(page, "training-results-360", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Certificat (PDF)").first.click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    enrollment = Enrollment.objects.order_by("id").first()
    assert enrollment is not None
    code = enrollment.certificate.code
    assert "Mamadou Saliou Diallo" in text and code in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(pdf), "var/screenshots/certificate"], check=True
    )

    public = _phone(browser)
    public.goto(f"{base}/training/verify/")
    public.get_by_label("Code de vérification").fill(code)
    public.get_by_role("button", name="Vérifier").click()
    result = public.get_by_test_id("verify-result").inner_text()
    assert result.startswith(f"Certificat authentique {code}") and "Mamadou" not in result
    public.get_by_label("Code de vérification").fill("EG-FAUX2345678")
    public.get_by_role("button", name="Vérifier").click()
    assert "n’est pas authentique" in public.get_by_test_id("verify-result").inner_text()
    public.context.close()
    page.context.close()
