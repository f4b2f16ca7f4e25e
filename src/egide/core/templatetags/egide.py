"""Template tags of every page: the inlined stylesheet, messages shown next to a section, and
the fields of a form."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.messages import get_messages
from django.utils.safestring import SafeString, mark_safe

from egide.core.blank_forms import fields_html
from egide.core.feedback import section_of
from egide.core.stylesheet import favicon_data_uri, inline_css

register = template.Library()


@register.simple_tag
def inline_stylesheet() -> SafeString:
    """The site's stylesheet in a <style> element (allowed by its hash in the CSP)."""
    return mark_safe(f"<style>{inline_css()}</style>")  # noqa: S308 - our own file, no input


@register.simple_tag
def favicon() -> str:
    """The site icon as a data: URI (escaped by the template engine in the attribute)."""
    return favicon_data_uri()


@register.inclusion_tag("egide/messages.html", takes_context=True)
def messages_at(context: Any, section: str) -> dict[str, Any]:
    """The messages queued for *section* (see egide.core.feedback)."""
    request = context.get("request")
    found = [m for m in get_messages(request) if section_of(m) == section] if request else []
    return {"message_list": found, "section": section}


@register.inclusion_tag("egide/messages.html", takes_context=True)
def page_messages(context: Any) -> dict[str, Any]:
    """The messages without a section: shown at the top of the page."""
    request = context.get("request")
    found = [m for m in get_messages(request) if section_of(m) is None] if request else []
    return {"message_list": found, "section": ""}


@register.simple_tag
def fields_of(form: Any) -> SafeString:
    """The fields of *form* (a form or a BlankForm): see egide.core.blank_forms."""
    return fields_html(form)
