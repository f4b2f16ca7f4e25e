"""A case worker screens a fictitious child domestic worker on a 360 px phone."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.cases.services import case_open
from egide.core.models import Region
from egide.screening.models import Assessment
from tests.e2e.conftest import login, nav, page_width, screenshot
from tests.personas import make_organisation, make_user


def test_caseworker_screens_child_domestic_worker(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    org = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    worker = make_user(
        "aissatou.bah", roles.CASE_WORKER, org, ["GN-L"], first_name="Aïssatou", last_name="Bah"
    )
    case = case_open(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        owner=worker,
        child=True,
        first_name="Kadiatou",
        last_name="Sylla",
    )
    page, base = phone_page, live_server.url
    login(page, base, "aissatou.bah")

    nav(page, "Dossiers")
    page.get_by_role("link", name=case.code).click()
    page.get_by_role("link", name="Faire l’entretien d’identification").click()
    assert page.get_by_text("Cette identification sera rattachée au dossier.").is_visible()

    # 1. Consent and safety: a 15-year-old girl (fictitious), no immediate danger.
    page.get_by_label("Oui, après explication").check()
    page.get_by_label("Langue de l’entretien").select_option("ff")
    page.get_by_label("Référence (initiales ou pseudonyme, jamais le nom complet)").fill(
        "K.S. (fictive)"
    )
    page.get_by_label("Âge (en années), s’il est connu").fill("15")
    page.get_by_label("Sexe").select_option("female")
    page.get_by_label("Région").select_option(label="Labé")
    assert page.get_by_text("Posez des questions ouvertes").is_visible()
    screenshot(page, "screening-consent-360")
    page.get_by_role("button", name="Continuer").click()

    # The phone's Back from the second step: the first step with its answers, not a blank form.
    page.get_by_role("group", name="La personne a-t-elle franchi une frontière internationale ?")
    page.go_back()
    reference = page.get_by_label("Référence (initiales ou pseudonyme, jamais le nom complet)")
    assert reference.input_value() == "K.S. (fictive)"
    assert page.get_by_text("Les réponses déjà données sont conservées.").is_visible()
    screenshot(page, "screening-back-to-consent-360")
    page.get_by_role("button", name="Continuer").click()

    # 2. Movement: stayed in Guinea.
    page.get_by_role(
        "group", name="La personne a-t-elle franchi une frontière internationale ?"
    ).get_by_label("Non").check()
    page.get_by_role("button", name="Continuer").click()

    # 3. Recruitment: recruited and transported by a relative's acquaintance.
    assert page.get_by_text("Enfant :").first.is_visible()  # child-friendly prompts
    page.get_by_label("Recrutée").check()
    page.get_by_label("Transportée").check()
    page.get_by_label("Tromperie sur l'accès à l'éducation (indice faible)").check()
    page.get_by_role("button", name="Continuer").click()

    # 4. Work and living conditions.
    page.get_by_label("Journées ou heures de travail excessives (indice fort)").check()
    page.get_by_label("Salaire faible ou inexistant (indice moyen)").check()
    page.get_by_label("Pas d'accès à l'éducation (indice faible)").check()
    page.get_by_role("button", name="Continuer").click()

    # 5. Control, 6. purpose, 7. GBV.
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Servitude domestique").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Continuer").click()

    # Result: presumed, with reasons, and the worker agrees.
    assert page.get_by_test_id("trafficking-level").inner_text() == "victime présumée"
    reasons = page.locator(".reasons").inner_text()
    assert "Enfant – victime présumée" in reasons
    assert "aucun moyen n'est requis" in reasons
    assert page_width(page) <= 360
    screenshot(page, "screening-result-360")
    page.get_by_label("Je suis d’accord").check()
    page.get_by_role("button", name="Enregistrer l’évaluation").click()

    assessment = Assessment.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Identification {assessment.code}"
    assert "Le travailleur est d’accord" in page.get_by_test_id("determination").inner_text()
    assert assessment.trafficking_level == "presumed" and assessment.child
    screenshot(page, "screening-detail-360", full_page=True)
    assert assessment.case == case
    page.get_by_role("link", name=case.code).click()
    screening = page.locator("#screening").inner_text()
    assert assessment.code in screening and "victime présumée" in screening
    assert AuditEvent.objects.filter(action="screening.assessment_created").count() == 1
