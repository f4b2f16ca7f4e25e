"""The axe-core hook of the browser tests can fail."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import AXE_RECORDER


def test_axe_hook_reports_a_serious_violation(browser: Any) -> None:
    """The hook is not a no-op: a page with an unlabelled field fails the check."""
    context = browser.new_context()
    page = context.new_page()
    page.route(
        "http://axe.test/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!DOCTYPE html><html lang="fr"><title>t</title><main><input></main></html>',
        ),
    )
    page.goto("http://axe.test/")
    AXE_RECORDER.check(page)
    found = [v["id"] for v in AXE_RECORDER.violations]
    AXE_RECORDER.violations.clear()
    context.close()
    assert "label" in found
