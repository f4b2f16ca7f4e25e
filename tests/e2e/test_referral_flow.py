"""The national referral mechanism end to end, as the people who use it would, on phones.

An ambassador raises an urgent alert in Labé; the Labé supervisor opens a case; the case worker
records consent and a need and refers "shelter" to a provider; the provider sees only that
referral, accepts it and records delivery; the worker asks to close; the supervisor approves.
"""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.cases.models import Case
from egide.directory.models import Service
from egide.referrals.models import Referral
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user


def _as(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, username)
    return page


def test_alert_to_case_to_referral_to_closure(
    live_server: Any, browser: Any, e2e_data: None
) -> None:
    base = live_server.url
    ngo = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    community = make_organisation("Relais communautaire Labé (fictif)", ["GN-L"], type="cbo")
    shelter_org = make_organisation(
        "Maison d'accueil du Fouta (fictive)", ["GN-L"], type="provider"
    )
    other_provider = make_organisation("Clinique de Kankan (fictive)", ["GN-K"], type="provider")
    make_user(
        "alpha.barry",
        roles.MIGRANT_AMBASSADOR,
        community,
        ["GN-L"],
        first_name="Alpha",
        last_name="Barry",
    )
    make_user(
        "fatoumata.diallo",
        roles.CASE_SUPERVISOR,
        ngo,
        ["GN-L"],
        first_name="Fatoumata",
        last_name="Diallo",
    )
    make_user(
        "aissatou.bah", roles.CASE_WORKER, ngo, ["GN-L"], first_name="Aïssatou", last_name="Bah"
    )
    make_user(
        "mamadou.kouyate",
        roles.SERVICE_PROVIDER,
        shelter_org,
        first_name="Mamadou",
        last_name="Kouyaté",
    )
    service = Service.objects.create(
        provider=shelter_org,
        need_type="shelter",
        name="Foyer d'accueil du Fouta (fictif)",
        capacity=8,
    )
    other_service = Service.objects.create(
        provider=other_provider, need_type="medical", name="Soins Kankan (fictif)"
    )

    # 1. The ambassador raises an urgent alert in Labé.
    page = _as(browser, base, "alpha.barry")
    nav(page, "Signalements")
    page.get_by_role("link", name="Faire un signalement").click()
    page.get_by_label("Région").select_option(label="Labé")
    page.get_by_label("Préfecture").select_option(label="Labé")
    page.get_by_label("Localité").fill("Gare routière (fictive)")
    page.get_by_label("Date des faits observés").fill("2026-11-20")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_label("Un enfant est-il concerné ?").select_option("no")
    page.get_by_label("Personne concernée").fill("Femme d'environ 20 ans, parle pular (fictive)")
    page.get_by_label("Ce qui a été observé").fill(
        "Dit travailler sans salaire, papiers confisqués par son patron (fictif)."
    )
    page.get_by_role("button", name="Envoyer le signalement").click()
    assert "envoyé" in page.get_by_role("status").inner_text()
    page.context.close()

    # 2. The Labé supervisor opens a case from it.
    page = _as(browser, base, "fatoumata.diallo")
    nav(page, "Signalements")
    page.get_by_role("link", name="ALR-").first.click()
    page.get_by_label("Ouvrir un dossier").check()
    page.get_by_label("Travailleur social").select_option(label="Aïssatou Bah")
    page.get_by_role("button", name="Enregistrer la décision").click()
    case = Case.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Dossier {case.code}"
    supervisor_page = page  # kept open: a TOTP code cannot be used twice in one time step

    # 3. The case worker records consent and a need, then refers "shelter".
    page = _as(browser, base, "aissatou.bah")
    nav(page, "Dossiers")
    page.get_by_role("link", name=case.code).click()
    page.get_by_text("Enregistrer une décision de consentement").click()
    consent = page.locator(
        "form", has=page.get_by_role("button", name="Enregistrer le consentement")
    )
    consent.get_by_label("Finalité").select_option("sharing")
    consent.get_by_label("Hébergement").check()
    consent.locator("select[name=decision]").select_option("granted")
    consent.get_by_label("Décision prise par").select_option("person")
    consent.get_by_label("Langue dans laquelle cela a été expliqué").fill("pular")
    consent.get_by_label("Date").fill("2026-11-21")
    consent.get_by_role("button", name="Enregistrer le consentement").click()
    assert "Accordé" in page.locator("#consent").inner_text()
    page.get_by_text("Ajouter un besoin").click()
    need_form = page.locator("form", has=page.get_by_role("button", name="Ajouter le besoin"))
    need_form.locator("select[name=need_type]").select_option("shelter")
    need_form.get_by_label("Priorité").select_option("high")
    need_form.get_by_label("Action prévue").fill("Hébergement sûr (fictif)")
    need_form.get_by_role("button", name="Ajouter le besoin").click()
    page.get_by_role("link", name="Orienter", exact=True).click()
    page.locator("select[name=service]").select_option(str(service.pk))
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_role("button", name="Envoyer l’orientation").click()
    assert "envoyée" in page.get_by_role("status").inner_text()
    screenshot(page, "case-after-referral-360")
    worker_page = page
    referral = Referral.objects.get()

    # 4. The provider sees only that referral, accepts it and records delivery.
    page = _as(browser, base, "mamadou.kouyate")
    nav(page, "Orientations")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and referral.code in rows.first.inner_text()
    page.get_by_role("link", name=referral.code).click()
    shared = page.get_by_test_id("shared-data").inner_text()
    assert case.code in shared and "papiers" not in shared
    page.get_by_role("button", name="Accepter l’orientation").click()
    page.get_by_label("Oui").check()
    page.get_by_label("Résultat").fill("Hébergée 7 nuits au foyer (fictif)")
    page.get_by_role("button", name="Enregistrer la prestation").click()
    assert page.get_by_test_id("referral-status").inner_text() == "Service fourni"
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    page.context.close()
    assert other_service.referrals.count() == 0

    # 5. The worker asks to close; the supervisor approves.
    page = worker_page
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_label("Motif de clôture").select_option("goals_met")
    page.get_by_role("button", name="Demander la clôture").click()
    page.context.close()
    page = supervisor_page
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("button", name="Approuver la clôture").click()
    assert "Clos le" in page.locator("#closure").inner_text()
    screenshot(page, "case-closed-360", full_page=True)
    page.context.close()

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "alert.raised",
        "alert.case_opened",
        "case.opened",
        "case.consent_recorded",
        "case.need_added",
        "referral.sent",
        "referral.viewed",
        "referral.accepted",
        "referral.delivery_recorded",
        "case.closure_requested",
        "case.closed",
        "case.viewed",
    } <= actions
    from egide.audit.services import audit_verify

    assert audit_verify()[1] is None
