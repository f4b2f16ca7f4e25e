"""Form widgets rendered fast: Django's own widget templates in their Jinja2 version, the
template language for the rest (the admin's widget wrappers, a project's own templates).

The template-language renderer spent 30-45 % of the case list's and the case file's time in
widgets (a select renders one template per option); Jinja2 gives the same HTML in less time.
The select itself comes from ``egide/core/widgets`` (Django's template with its options written
in place instead of included one by one: the same HTML, a long select renders twice as fast)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist

# Égide's versions of some of Django's Jinja2 widget templates, found before Django's own.
WIDGETS_DIR = Path(__file__).resolve().parent / "widgets"
DJANGO_WIDGETS_DIR = Path(django.forms.__file__).resolve().parent / "jinja2"


class _Widgets(Jinja2):
    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [WIDGETS_DIR, DJANGO_WIDGETS_DIR],
                "NAME": "egidewidgets",
                "OPTIONS": {},
            }
        )


class FastFormRenderer(BaseRenderer):
    @cached_property
    def _jinja2(self) -> Jinja2:
        return _Widgets()

    @cached_property
    def _templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._templates.get_template(template_name)
