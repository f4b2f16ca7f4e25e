"""Confirmations and errors shown where the person is looking.

A view that saves one section of a page and redirects back to it (``page#section``) adds its
message with :func:`message_at`; the page shows it inside that section, right under the
section's heading, with ``{% messages_at "section" %}`` (``{% load egide %}``). The browser then
jumps to the section and the message is in sight, not at the top of a long page. Messages
without a section keep showing at the top of ``<main>`` (base.html).

    return saved_at(request, reverse("training:session", args=[pk]), "attendance", SAVED)
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

SECTION_TAG = "at-"


def message_at(
    request: HttpRequest, section: str, text: str, level: int = messages.SUCCESS
) -> None:
    """Queue *text* for display inside the page section whose id is *section*."""
    messages.add_message(request, level, text, extra_tags=f"{SECTION_TAG}{section}")


def redirect_to_section(url: str, section: str) -> HttpResponseRedirect:
    """Back to *url*, scrolled to *section* (the id of the section element)."""
    return HttpResponseRedirect(f"{url}#{section}")


def saved_at(
    request: HttpRequest, url: str, section: str, text: str, level: int = messages.SUCCESS
) -> HttpResponseRedirect:
    """Queue the message for *section* and redirect to it."""
    message_at(request, section, text, level)
    return redirect_to_section(url, section)


def section_of(message: object) -> str | None:
    """The section a message belongs to, or None for a page-level message."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith(SECTION_TAG):
            return tag[len(SECTION_TAG) :]
    return None
