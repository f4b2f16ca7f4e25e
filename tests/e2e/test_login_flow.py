"""A case worker logs in with password + TOTP, sees French, switches to English, logs out."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.audit.models import AuditEvent
from tests.e2e.conftest import current_totp, open_menu, page_width, screenshot
from tests.personas import PASSWORD, make_organisation, make_user


def _password_step(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Username")).fill(username)
    page.get_by_label("Mot de passe").or_(page.get_by_label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Continuer").or_(
        page.get_by_role("button", name="Continue")
    ).click()


def test_caseworker_login_totp_language_logout(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    org = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    make_user(
        "aissatou.bah", roles.CASE_WORKER, org, ["GN-L"], first_name="Aïssatou", last_name="Bah"
    )
    page, base = phone_page, live_server.url

    _password_step(page, base, "aissatou.bah")
    page.get_by_label("Code à six chiffres").fill(current_totp("aissatou.bah"))
    page.get_by_role("button", name="Confirmer").click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Bienvenue, Aïssatou Bah"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Mon profil").first.is_visible()
    # Nothing overflows a 360 px screen.
    assert page_width(page) <= 360
    screenshot(page, "home-fr-360")

    open_menu(page)
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Aïssatou Bah"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en-360")

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"
    assert AuditEvent.objects.filter(action="auth.logout", actor_username="aissatou.bah").exists()


def test_wrong_totp_refused_with_clear_message_and_audited(
    live_server: Any, phone_page: Any, e2e_data: None
) -> None:
    org = make_organisation("Association Solidarité Labé (fictive)", ["GN-L"])
    user = make_user("mamadou.diallo", roles.CASE_WORKER, org, ["GN-L"])
    page, base = phone_page, live_server.url

    _password_step(page, base, "mamadou.diallo")
    wrong = "000000" if current_totp("mamadou.diallo") != "000000" else "111111"
    page.get_by_label("Code à six chiffres").fill(wrong)
    page.get_by_role("button", name="Confirmer").click()

    alert = page.get_by_role("alert")
    assert "Ce code n’est pas valide" in alert.inner_text()
    screenshot(page, "otp-refused-fr-360")
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    assert AuditEvent.objects.filter(
        action="auth.login_failed", object_id=str(user.pk), details__reason="bad_totp"
    ).exists()
