"""Every page: the inlined stylesheet allowed by its CSP hash, compression, the compact menu,
messages next to the section they belong to, and the language said on the login page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User
from egide.core.feedback import section_of
from egide.core.navigation import modules_for
from egide.core.stylesheet import inline_css, inline_css_hash


def test_stylesheet_is_inline_and_allowed_by_its_hash(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    body = response.content.decode()
    assert f"<style>{inline_css()}</style>" in body
    assert 'rel="stylesheet"' not in body  # no second round trip before the first render
    assert inline_css_hash() in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_are_compressed(db: None) -> None:
    response = Client().get(reverse("accounts:login"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_login_page_says_its_language_and_offers_the_other(db: None) -> None:
    body = Client().get(reverse("accounts:login"), headers={"accept-language": "fr"})
    text = body.content.decode()
    assert "Langue : français (celle de votre navigateur)" in text
    assert 'value="en" lang="en">English</button>' in text
    english = Client().get(reverse("accounts:login"), headers={"accept-language": "en-GB"})
    assert "Language: English (your browser" in english.content.decode()


def test_api_documentation_leaves_the_field_roles_menus(persona: Callable[[str], User]) -> None:
    field = [
        roles.MIGRANT_AMBASSADOR,
        roles.CASE_WORKER,
        roles.SERVICE_PROVIDER,
        roles.LAW_ENFORCEMENT,
        roles.TRAINER,
    ]
    for role in field:
        assert "api" not in {m.key for m in modules_for(persona(role))}, role
    assert "api" in {m.key for m in modules_for(persona(roles.ADMINISTRATOR))}


def test_menu_is_a_details_button_and_messages_keep_their_list_role(
    persona: Callable[[str], User], client_as: Callable[[User], Client], settings: Any
) -> None:
    settings.EGIDE_DEMO_BANNER = True
    client = client_as(persona(roles.TRAINER))
    body = client.get(reverse("core:home")).content.decode()
    assert '<details class="menu">' in body and "<summary>Menu</summary>" in body
    assert 'aria-current="page"' in body
    header = body.split('<header class="top">')[1].split("</header>")[0]
    assert '<p class="demo-banner">' in header  # inside the banner landmark
    assert '<ul class="messages"' not in body


def test_section_tag_of_messages() -> None:
    assert section_of(Message(constants.SUCCESS, "ok", extra_tags="at-attendance")) == "attendance"
    assert section_of(Message(constants.SUCCESS, "ok")) is None
