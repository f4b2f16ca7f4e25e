"""An ambassador records a dialogue on a 360 px phone: the form is theirs already (name,
organisation, region, the region's prefectures), lists no other region's ambassador, and the
ambassador then sees their own reach."""

from __future__ import annotations

from datetime import date
from typing import Any

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.core.models import Prefecture
from egide.outreach import services
from egide.outreach.models import Dialogue
from tests.e2e.conftest import login, nav, open_menu, screenshot, small_tap_targets
from tests.personas import make_organisation, make_user


def test_ambassador_dialogue_form_is_prefilled_and_scoped(
    live_server: Any, browser: Any, e2e_data: None
) -> None:
    base = live_server.url
    forest = make_organisation("Réseau communautaire Forêt (fictif)", ["GN-N"], type="cbo")
    labe = make_organisation("Association de Labé (fictive)", ["GN-L"])
    coordinator = make_user(
        "coord", roles.COORDINATOR, labe, first_name="Ibrahima", last_name="Sow"
    )
    alpha = make_user(
        "alpha.barry",
        roles.MIGRANT_AMBASSADOR,
        forest,
        ["GN-N"],
        first_name="Alpha",
        last_name="Barry",
    )
    nzerekore = Prefecture.objects.filter(region__code="GN-N").order_by("name").first()
    other = Prefecture.objects.filter(region__code="GN-L").first()
    assert nzerekore is not None and other is not None
    services.ambassador_register(
        actor=coordinator,
        full_name="Fanta Barry (fictive)",
        prefecture=other,
        appointed_on=date(2023, 6, 1),
        organisation=labe,
        is_fictitious=True,
    )
    services.ambassador_register(
        actor=coordinator,
        full_name="Alpha Barry",
        prefecture=nzerekore,
        appointed_on=date(2023, 6, 1),
        organisation=forest,
        user=alpha,
        is_fictitious=True,
    )

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "alpha.barry")
    # A compact header: the banner and the menu button take little of the 740 px.
    assert page.locator("header").bounding_box()["height"] < 110
    assert page.get_by_role("link", name="Documentation de l’API").count() == 0
    open_menu(page)
    assert small_tap_targets(page) == []
    screenshot(page, "menu-open-360")
    nav(page, "Dialogues communautaires")
    page.get_by_role("link", name="Enregistrer un dialogue").click()

    ambassador = page.get_by_label("Ambassadeur")
    assert ambassador.locator("option:checked").inner_text() == "Alpha Barry"
    options = ambassador.locator("option").all_inner_texts()
    assert "Fanta Barry (fictive)" not in options
    assert page.get_by_label("Région").locator("option:checked").inner_text() == "Nzérékoré"
    organisation = page.get_by_label("Organisation").locator("option:checked").inner_text()
    assert organisation == "Réseau communautaire Forêt (fictif)"
    prefectures = page.get_by_label("Préfecture").locator("option").all_inner_texts()
    expected = set(Prefecture.objects.filter(region__code="GN-N").values_list("name", flat=True))
    assert set(prefectures) - {"---------"} == expected
    assert AuditEvent.objects.filter(
        action="outreach.ambassador_names_listed", actor_username="alpha.barry"
    ).exists()
    assert small_tap_targets(page) == []
    screenshot(page, "dialogue-form-prefilled-360")

    page.get_by_label("Format").select_option("dialogue")
    page.get_by_label("Thèmes").fill("risques de la migration irrégulière (fictif)")
    page.locator("#id_language").fill("kissi")
    page.get_by_label("Jeunes").fill("12")
    page.get_by_label("Femmes 18–24 ans").fill("7")
    page.get_by_role("button", name="Enregistrer le dialogue").click()
    assert page.get_by_role("status").get_by_text("Dialogue enregistré.").is_visible()
    dialogue = Dialogue.objects.get()
    assert dialogue.ambassador is not None and dialogue.ambassador.user == alpha
    assert dialogue.region.code == "GN-N" and dialogue.organisation == forest

    page.get_by_text("Rechercher et filtrer").click()
    page.get_by_label("Mots (thèmes, localité)").fill("migration")
    page.get_by_label("Seulement les miens").check()
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_role(
        "cell", name="risques de la migration irrégulière (fictif)"
    ).is_visible()
    screenshot(page, "dialogue-list-search-360")

    nav(page, "Portée")
    assert page.get_by_role("heading", level=1).inner_text() == "Ma portée"
    assert page.get_by_test_id("my-dialogues").inner_text() == "1"
    assert page.get_by_test_id("my-people").inner_text() == "7"
    screenshot(page, "my-reach-360", full_page=True)
    context.close()
