"""Every form of the project, submitted through its page with EVERY field filled.

Forms are found as the access matrix finds URLs: every ``egide`` module that can hold one (the
apps' ``forms`` and ``views`` modules, and whatever the URL configuration imports) is imported
and every subclass of Django's ``BaseForm`` defined in ``egide`` is listed. A form class without
an entry in ``tests/forms_filled/`` fails ``test_every_form_has_a_filled_submission``.

During the submission the form class is watched: the test fails when the page did not bind
the form, when a field was left empty, when the form came back with errors, or when what was
saved is wrong (each entry's ``check``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import get_resolver
from django.utils.module_loading import import_string

from egide.accounts.models import User
from tests.forms_filled import entries
from tests.personas import login_verified

ENTRIES = entries()
# Forms Django provides that the project's own pages use.
PROJECT_USES = {"django.contrib.auth.forms.AuthenticationForm"}


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def project_forms() -> set[str]:
    """Dotted paths of every form class defined in the project."""
    get_resolver().url_patterns  # noqa: B018 — imports every view, hence every form it uses
    for config in apps.get_app_configs():
        if not config.name.startswith("egide."):
            continue
        for module in ("forms", "views"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module}":
                    raise
    return {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("egide.") and "<locals>" not in cls.__qualname__
    } | PROJECT_USES


def test_every_form_has_a_filled_submission() -> None:
    found = project_forms()
    missing = found - set(ENTRIES)
    stale = set(ENTRIES) - found
    assert not missing, f"Forms without an entry in tests/forms_filled/: {sorted(missing)}"
    assert not stale, f"Entries for forms that no longer exist: {sorted(stale)}"


def _filled(form: Any, name: str) -> bool:
    value = form[name].data
    if isinstance(value, list | tuple):
        return any(v not in (None, "") for v in value)
    return value not in (None, "", False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_form_submitted_with_every_field_filled(
    name: str, persona: Callable[[str], User], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = ENTRIES[name]
    cls = import_string(name)
    bound: list[Any] = []
    original = cls.full_clean

    def watched(self: Any) -> None:
        original(self)
        if type(self) is cls and self.is_bound:
            bound.append(self)

    monkeypatch.setattr(cls, "full_clean", watched)
    ctx = entry.setup(persona) if entry.setup else {}
    client = Client() if entry.persona is None else login_verified(Client(), persona(entry.persona))
    if entry.prepare is not None:
        entry.prepare(client, ctx)
        bound.clear()
    values = entry.values(ctx)
    response = getattr(client, entry.method)(entry.url(ctx), values)
    assert response.status_code in entry.status, (name, response.status_code)
    assert bound, f"{name}: the page did not bind the form to the submitted data"
    form = bound[-1]
    assert not form.errors, f"{name}: the filled form was refused: {form.errors.as_data()}"
    empty = [f for f in form.fields if f not in entry.exempt and not _filled(form, f)]
    assert not empty, f"{name}: fields left empty: {empty}"
    entry.check(ctx, response)
