"""Browser tests: Playwright drives Debian's headless Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("EGIDE_SCREENSHOTS", "var/screenshots"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page the size of a cheap Android phone (360 px wide)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def e2e_data(transactional_db: None) -> None:
    """Reference data and roles again: the live server's database is flushed between tests."""
    from egide.accounts.models import Role
    from egide.accounts.roles import load_roles
    from egide.core.reference import ensure_reference_data

    ensure_reference_data()
    load_roles(Role)


def screenshot(page: Any, name: str, full_page: bool = False) -> None:
    """Save a picture of the page for people to look at (var/screenshots/).

    Full-page captures only at the end of a flow: in headless Chromium a later click on a form
    button can then fail to submit.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def current_totp(username: str) -> str:
    """The current TOTP code of a test account (read from its confirmed device)."""
    from egide.accounts.models import Authenticator

    return Authenticator.objects.get(user__username=username, confirmed=True).current_code()


def login(page: Any, base: str, username: str) -> None:
    """Log in through the real pages (French), with the TOTP step when the account has one."""
    from tests.personas import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    if "/login/code/" in page.url:
        page.get_by_label("Code à six chiffres").fill(current_totp(username))
        page.get_by_role("button", name="Confirmer").click()
