"""A newcomer whose role reads personal data sets up an authenticator with the enrolment code an
administrator gave, on a 360 px phone in French; then creates and revokes an API token."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.models import ApiToken, Authenticator
from egide.accounts.services import enrolment_code_issue
from tests.e2e.conftest import page_width, screenshot
from tests.personas import PASSWORD, make_organisation, make_user


def test_newcomer_enrols_with_code_then_manages_api_tokens(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    org = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    user = make_user(
        "fanta.keita",
        roles.CASE_WORKER,
        org,
        ["GN-L"],
        totp=False,
        first_name="Fanta",
        last_name="Keïta",
    )
    _enrolment, code = enrolment_code_issue(actor=None, user=user)
    page, base = phone_page, live_server.url

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("fanta.keita")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    # The password alone shows no QR code: the page asks for the administrator's code.
    assert page.locator("svg").count() == 0
    page.get_by_label("Code d’inscription donné par votre administrateur").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Continuer").click()
    assert "n’est pas valide" in page.get_by_role("alert").first.inner_text()
    screenshot(page, "enrolment-code-refused-fr-360")
    page.get_by_label("Code d’inscription donné par votre administrateur").fill(code)
    page.get_by_role("button", name="Continuer").click()
    assert page.locator(".qr svg").count() == 1
    assert page_width(page) <= 360
    screenshot(page, "enrolment-qr-fr-360")
    device = Authenticator.objects.get(user=user, confirmed=False)
    page.get_by_label("Code à six chiffres").fill(device.current_code())
    page.get_by_role("button", name="Confirmer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, Fanta Keïta"

    page.goto(f"{base}/accounts/profile/")
    page.get_by_label("Nom du jeton (appareil ou programme)").fill("Tablette de terrain")
    page.get_by_role("button", name="Créer un jeton d’API").click()
    secret = page.locator("code.secret").inner_text()
    token = ApiToken.objects.get(user=user)
    assert secret.startswith(token.token_key)
    assert page_width(page) <= 360
    screenshot(page, "profile-token-created-fr-360", full_page=True)
    page.get_by_role("button", name="Révoquer « Tablette de terrain »").click()
    assert "révoqué" in page.get_by_role("status").first.inner_text() or (
        not ApiToken.objects.filter(user=user).exists()
    )
    assert not ApiToken.objects.filter(user=user).exists()
