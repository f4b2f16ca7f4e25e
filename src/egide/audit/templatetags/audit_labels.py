"""Template filter: an audit action code in words."""

from __future__ import annotations

from django import template

from egide.audit.labels import action_label as label_of

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return label_of(code)
