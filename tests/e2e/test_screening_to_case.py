"""From a screening to a case to a referral, on a 360×740 phone in French.

The case worker screens a fictitious young woman, uses the phone's Back button twice in the
interview (the earlier steps come back with their answers), saves the assessment (and sees it
said), opens a case straight from it, records her identity with a nationality, her consent
and a need, and refers her to a shelter. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.cases.models import Case
from egide.directory.models import Service
from egide.referrals.models import Referral
from egide.screening.models import Assessment, InterviewDraft
from tests.e2e.conftest import login, page_width, screenshot
from tests.personas import make_organisation, make_user

HEIGHT = 740


def _in_view(locator: Any) -> bool:
    """The element's top is on the first screen (the person sees it without scrolling)."""
    box = locator.bounding_box()
    return box is not None and -1 <= box["y"] < HEIGHT


def test_screening_back_twice_then_case_identity_consent_referral(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    from django.core import mail

    ngo = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    make_user(
        "aissatou.bah", roles.CASE_WORKER, ngo, ["GN-L"], first_name="Aïssatou", last_name="Bah"
    )
    make_user(
        "fatoumata.diallo",
        roles.CASE_SUPERVISOR,
        ngo,
        ["GN-L"],
        first_name="Fatoumata",
        last_name="Diallo",
        email="fatoumata.diallo@example.org",
    )
    shelter_org = make_organisation("Maison d'accueil du Fouta (fictive)", ["GN-L"], "provider")
    service = Service.objects.create(
        provider=shelter_org, need_type="shelter", name="Foyer du Fouta (fictif)", capacity=8
    )
    page, base = phone_page, live_server.url
    login(page, base, "aissatou.bah")

    page.get_by_role("link", name="Identification").first.click()
    page.get_by_role("link", name="Commencer un entretien d’identification").click()

    # 1. Consent: "Continue" without the consent answer names the missing answer on screen.
    page.get_by_role("button", name="Continuer").click()
    problem = page.locator("#problem")
    assert "Une réponse manque" in problem.inner_text()
    assert _in_view(problem), "the missing-answer message is off-screen"
    screenshot(page, "interview-missing-answer-360")
    page.get_by_label("Oui, après explication").check()
    page.get_by_label("Langue de l’entretien").select_option("sus")
    page.get_by_label("Référence (initiales ou pseudonyme, jamais le nom complet)").fill(
        "A.K. (fictive)"
    )
    page.get_by_label("Âge (en années), s’il est connu").fill("19")
    page.get_by_label("Sexe").select_option("female")
    page.get_by_label("Région").select_option(label="Labé")
    page.get_by_role("button", name="Continuer").click()

    # 2. Movement: she crossed from Sierra Leone with a paid facilitator.
    page.wait_for_url(re.compile("/movement/#step$"))
    page.get_by_role(
        "group", name="La personne a-t-elle franchi une frontière internationale ?"
    ).get_by_label("Oui").check()
    page.get_by_role("group", name=re.compile("Quelqu’un a-t-il été payé")).get_by_label(
        "Oui"
    ).check()
    page.get_by_role("button", name="Continuer").click()

    # 3. Recruitment, 4. conditions.
    page.get_by_label("Recrutée").check()
    page.get_by_label("Transportée").check()
    screenshot(page, "interview-recruitment-360")
    page.get_by_role("button", name="Continuer").click()
    strong = "Journées ou heures de travail excessives (indice fort)"
    page.get_by_label(strong).check()
    page.get_by_label("Salaire faible ou inexistant (indice moyen)").check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile("/control/#step$"))

    # The phone's Back, twice: each earlier step comes back with its answers, no resubmission.
    page.go_back()
    assert page.url.endswith("/conditions/#step")
    assert page.get_by_role("heading", name="4. Conditions de travail et de vie").is_visible()
    assert page.get_by_label(strong).is_checked()
    page.go_back()
    assert page.url.endswith("/recruitment/#step")
    assert (
        page.get_by_label("Recrutée").is_checked() and page.get_by_label("Transportée").is_checked()
    )
    page.get_by_label("Recrutée").scroll_into_view_if_needed()
    screenshot(page, "interview-back-twice-360")
    # A reload on a bad connection re-asks nothing either.
    page.reload()
    assert page.get_by_label("Recrutée").is_checked()
    page.get_by_role("button", name="Continuer").click()
    assert page.get_by_label(strong).is_checked()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Isolement, enfermement ou surveillance (indice fort)").first.check()
    page.get_by_role("button", name="Continuer").click()  # 5. control
    page.get_by_label("Servitude domestique").check()  # 6. purpose
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Continuer").click()  # 7. GBV

    # Result, determination, save: the confirmation is on screen.
    assert page.get_by_test_id("trafficking-level").inner_text() == "victime présumée"
    assert page_width(page) <= 360
    page.get_by_label("Je suis d’accord").check()
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    page.wait_for_url(
        re.compile(r"/screening/\d+/(#.*)?$")
    )  # the save is done before reading the DB
    assessment = Assessment.objects.get()
    status = page.get_by_role("status")
    assert f"Évaluation {assessment.code} enregistrée." in status.inner_text()
    assert _in_view(status), "the saved confirmation is off-screen"
    assert InterviewDraft.objects.get().state_json == ""  # the answers left the draft
    screenshot(page, "screening-saved-360")

    # From the screening: open a case in her region directly.
    next_steps = page.locator("#next")
    assert "Faire un signalement avec cette identification" in next_steps.inner_text()
    assert page.get_by_label("Région du dossier").input_value()  # the screening's region
    next_steps.scroll_into_view_if_needed()
    screenshot(page, "screening-next-steps-360")
    page.get_by_role("button", name="Ouvrir un dossier de protection maintenant").click()
    page.wait_for_url(re.compile(r"/cases/\d+/identity/(#.*)?$"))
    case = Case.objects.get()
    assert case.region.code == "GN-L" and case.owner.username == "aissatou.bah"
    assessment.refresh_from_db()
    assert assessment.case == case
    assert f"Dossier {case.code} ouvert depuis l’identification {assessment.code}" in (
        page.get_by_role("status").inner_text()
    )
    assert [m.to for m in mail.outbox] == [["fatoumata.diallo@example.org"]]

    # Identity, with a nationality (this was a server error).
    page.get_by_label("Prénom").fill("Aminata")
    page.get_by_label("Nom", exact=True).fill("Kamara")
    page.get_by_label("Nationalité").select_option("SL")
    page.get_by_label("Nationalité").scroll_into_view_if_needed()
    screenshot(page, "identity-360")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/cases/\d+/(#.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Dossier {case.code}"
    assert "Enregistré." in page.get_by_role("status").inner_text()
    case.refresh_from_db()
    assert case.nationality_id == "SL" and case.first_name == "Aminata"
    assert assessment.code in page.locator("#screening").inner_text()

    # Consent to share with a shelter; the need; the referral.
    page.get_by_text("Enregistrer une décision de consentement").click()
    consent = page.locator(
        "form", has=page.get_by_role("button", name="Enregistrer le consentement")
    )
    consent.get_by_label("Finalité").select_option("sharing")
    consent.get_by_label("Hébergement").check()
    consent.locator("select[name=decision]").select_option("granted")
    consent.get_by_label("Décision prise par").select_option("person")
    consent.get_by_label("Langue dans laquelle cela a été expliqué").fill("soussou")
    consent.get_by_label("Date").fill("2026-11-21")
    consent.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.locator("#consent")).to_contain_text("Accordé")
    consents = page.locator("#consent").inner_text()
    assert "Accordé" in consents and "(Hébergement)" in consents and "shelter" not in consents
    page.get_by_text("Ajouter un besoin").click()
    need_form = page.locator("form", has=page.get_by_role("button", name="Ajouter le besoin"))
    need_form.locator("select[name=need_type]").select_option("shelter")
    need_form.get_by_label("Priorité").select_option("high")
    need_form.get_by_role("button", name="Ajouter le besoin").click()
    page.get_by_role("link", name="Orienter", exact=True).click()
    page.locator("select[name=service]").select_option(str(service.pk))
    page.get_by_label("Urgent", exact=True).check()
    screenshot(page, "refer-360")
    page.get_by_role("button", name="Envoyer l’orientation").click()
    page.wait_for_url(re.compile(r"/cases/\d+/(#.*)?$"))
    referral = Referral.objects.get()
    assert f"Orientation {referral.code} envoyée." in page.get_by_role("status").inner_text()
    assert "Ouvert" in page.locator("#status").inner_text()
    # The status history is shown on demand (the case file stays within its query budget).
    page.get_by_role("link", name=re.compile("Afficher l’historique")).click()
    history = page.locator("#status .history").inner_text()
    assert "Ouvert" in history and " open" not in history
    screenshot(page, "case-after-screening-referral-360", full_page=True)

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "screening.assessment_created",
        "case.opened_from_screening",
        "case.identity_changed",
        "case.consent_recorded",
        "referral.sent",
    } <= actions


def test_urgent_stop_is_at_the_top_of_the_phone_screen(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    """A danger sign at the consent step: the urgent stop is the first thing on the screen."""
    ngo = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    make_user("ibrahima.sow", roles.CASE_WORKER, ngo, ["GN-L"], first_name="Ibrahima")
    page, base = phone_page, live_server.url
    login(page, base, "ibrahima.sow")
    page.goto(f"{base}/screening/interview/")
    page.get_by_label("Oui, après explication").check()
    page.get_by_label("Sexe").select_option("female")
    page.locator("input[name=safety]").first.check()
    page.get_by_role("button", name="Continuer").click()
    stop = page.locator("#urgent")
    assert "Urgence : arrêtez et orientez maintenant" in stop.inner_text()
    assert _in_view(stop) and stop.bounding_box()["y"] < 120, stop.bounding_box()
    assert _in_view(page.get_by_role("button", name="Enregistrer maintenant et orienter"))
    assert _in_view(page.get_by_role("button", name=re.compile("La personne est en sécurité")))
    screenshot(page, "interview-urgent-stop-360")
    page.get_by_role("button", name="Enregistrer maintenant et orienter").click()
    page.wait_for_url(re.compile("/result/#step$"))
    page.get_by_label("Je suis d’accord").check()
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    page.wait_for_url(re.compile(r"/screening/\d+/(#.*)?$"))
    assert Assessment.objects.get().urgent
