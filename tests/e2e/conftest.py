"""Browser tests: Playwright drives Debian's headless Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("EGIDE_SCREENSHOTS", "var/screenshots"))
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  if (window.__egideAxeChecked || !window.axe) return null;
  if (document.contentType !== 'text/html' || location.href === 'about:blank') return null;
  window.__egideAxeChecked = true;
  const result = await window.axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


class AxeRecorder:
    """axe-core's serious and critical violations on every page a browser test visits.

    axe is added to every browser context as an init script (not subject to the page's CSP);
    each document is checked once, just before the test leaves it (a click, a key press, a
    navigation, closing the page) and at the end of the test, so no visited page is missed.
    """

    def __init__(self) -> None:
        self.violations: list[dict[str, Any]] = []
        self.checked: list[str] = []
        self.pages: list[Any] = []

    def check(self, page: Any) -> None:
        try:
            if page.is_closed():
                return
            found = page.evaluate(AXE_RUN)
            url = page.url
        except Exception:  # noqa: BLE001, S110 - page navigating or gone: its successor is checked
            return
        if found is None:
            return
        self.checked.append(url)
        for violation in found:
            self.violations.append({"url": url, **violation})

    def report(self) -> str:
        return "\n".join(
            f"{v['impact']}: {v['id']} ({v['help']}) on {v['url']} at {v['targets']}"
            for v in self.violations
        )


AXE_RECORDER = AxeRecorder()


def _install_axe_hooks() -> None:
    """Check the current document with axe before any action that may leave it."""
    from playwright.sync_api import BrowserContext, Locator, Page

    if getattr(Page, "_egide_axe", False):
        return

    def before(method: Any, page_of: Any) -> Any:
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            page = page_of(self)
            if page is not None:
                AXE_RECORDER.check(page)
            return method(self, *args, **kwargs)

        return wrapped

    for name in ("click", "press", "dispatch_event", "tap", "set_input_files"):
        setattr(Locator, name, before(getattr(Locator, name), lambda loc: loc.page))
    for name in ("click", "press", "goto", "reload", "go_back", "go_forward", "close"):
        setattr(Page, name, before(getattr(Page, name), lambda page: page))

    original_close = BrowserContext.close

    def close_context(self: Any, *args: Any, **kwargs: Any) -> Any:
        for page in self.pages:
            AXE_RECORDER.check(page)
        return original_close(self, *args, **kwargs)

    BrowserContext.close = close_context  # type: ignore[method-assign]
    Page._egide_axe = True  # type: ignore[attr-defined]


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
        _install_axe_hooks()
        if AXE.exists():
            original_new_context = browser.new_context

            def new_context(*args: Any, **kwargs: Any) -> Any:
                context = original_new_context(*args, **kwargs)
                context.add_init_script(path=str(AXE))
                return context

            browser.new_context = new_context
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def axe_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every page a browser test visits has no serious or critical axe-core violation."""
    if "/e2e/" not in str(request.node.path):
        yield
        return
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run 'npm ci' in tests/e2e")
    AXE_RECORDER.violations.clear()
    AXE_RECORDER.checked.clear()
    yield
    for context in list(getattr(request.getfixturevalue("browser"), "contexts", [])):
        for page in context.pages:
            AXE_RECORDER.check(page)
    assert AXE_RECORDER.checked, "axe-core checked no page"
    assert not AXE_RECORDER.violations, "axe-core found:\n" + AXE_RECORDER.report()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page the size of a cheap Android phone (360 px wide)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def demo_banner_on(request: pytest.FixtureRequest) -> None:
    """Browser tests show the demonstration banner, so that axe-core checks it on every page."""
    if "/e2e/" in str(request.node.path):
        request.getfixturevalue("settings").EGIDE_DEMO_BANNER = True


@pytest.fixture
def e2e_data(transactional_db: None) -> None:
    """Reference data and roles again: the live server's database is flushed between tests."""
    from egide.accounts.models import Role
    from egide.accounts.roles import load_roles
    from egide.core.reference import ensure_reference_data

    ensure_reference_data()
    load_roles(Role)


def page_width(page: Any) -> int:
    """The page's scroll width once the document after a click has fully loaded (evaluated any
    earlier, during the swap of documents, ``documentElement`` can still be null)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "document.documentElement !== null && document.readyState === 'complete'"
    )
    return int(page.evaluate("document.documentElement.scrollWidth"))


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


def open_menu(page: Any) -> None:
    """Open the phone's menu (a <details> element: no JavaScript needed)."""
    menu = page.locator("details.menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def nav(page: Any, name: str) -> None:
    """Follow a link of the main menu, opening the phone's menu button first."""
    open_menu(page)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=name, exact=True
    ).click()


SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
    'nav a, button, summary, a.button, td.actions a, .pager a, select, '
    + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), .check')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.tagName + ' ' + (e.innerText || e.name || '').trim().slice(0, 30),
             Math.round(e.getBoundingClientRect().height)])
  .filter(([, h]) => h < 44)"""


def small_tap_targets(page: Any) -> list[Any]:
    """Visible controls of the page under 44 px tall (menu links, buttons, fields…)."""
    return list(page.evaluate(SMALL_TARGETS_JS))
