"""Blank forms written once (egide.core.blank_forms): the same HTML as writing them each time,
per language and initial values; a bound form and a form that depends on data are never reused."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

import egide
from egide.cases import forms as case_forms
from egide.core import blank_forms
from egide.core.blank_forms import BlankForm, fields_html


def _fresh(form: object) -> str:
    return render_to_string("egide/fields.html", {"form": form})


@pytest.mark.parametrize("language", ["fr", "en"])
def test_written_once_is_what_writing_gives(language: str) -> None:
    blank_forms._WRITTEN.clear()
    with translation.override(language):
        for form_class in (case_forms.ConsentForm, case_forms.NoteForm, case_forms.ClosureForm):
            expected = _fresh(form_class(auto_id="x-%s"))
            assert fields_html(BlankForm(form_class, "x-%s")) == expected  # written
            assert fields_html(BlankForm(form_class, "x-%s")) == expected  # reused
            assert fields_html(form_class(auto_id="x-%s")) == expected  # a built form: anew
    assert len(blank_forms._WRITTEN) == 3


def test_a_built_form_or_an_object_as_initial_value_is_written_anew() -> None:
    """A form given as such may carry a prefix or changed fields; an object's repr is not its
    value: neither is reused."""
    blank_forms._WRITTEN.clear()
    with translation.override("en"):
        prefixed = fields_html(case_forms.NoteForm(prefix="x"))
        assert 'name="x-text"' in prefixed
        fields_html(BlankForm(case_forms.StatusForm, "s-%s", {"status": object()}))
    assert not blank_forms._WRITTEN


def test_language_ids_and_initial_values_are_part_of_the_key() -> None:
    blank_forms._WRITTEN.clear()
    with translation.override("fr"):
        french = fields_html(BlankForm(case_forms.NoteForm, "note-%s"))
    with translation.override("en"):
        english = fields_html(BlankForm(case_forms.NoteForm, "note-%s"))
        other_ids = fields_html(BlankForm(case_forms.NoteForm, "other-%s"))
        open_status = fields_html(BlankForm(case_forms.StatusForm, "s-%s", {"status": "open"}))
        services = fields_html(BlankForm(case_forms.StatusForm, "s-%s", {"status": "services"}))
    assert "Sensibilité" in french and "Sensitivity" in english
    assert 'id="note-text"' in english and 'id="other-text"' in other_ids
    assert 'value="open" selected' in open_status and 'value="services" selected' in services
    assert 'value="open" selected' not in services


def test_a_bound_form_is_written_anew() -> None:
    blank_forms._WRITTEN.clear()
    with translation.override("en"):
        bound = case_forms.ReopenForm({"note": ""})
        assert not bound.is_valid()
        html = fields_html(bound)
    assert "This field is required." in html
    assert not blank_forms._WRITTEN


def test_only_forms_that_show_the_same_to_everyone_are_reused() -> None:
    """A form whose class does not say so is written each time; BlankForm refuses it."""

    class Dynamic(forms.Form):
        name = forms.CharField()

    blank_forms._WRITTEN.clear()
    fields_html(Dynamic())
    assert not blank_forms._WRITTEN
    with pytest.raises(TypeError):
        BlankForm(Dynamic)


def _egide_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(egide.__path__, "egide."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("egide."):
                found.append(sub)
    return found


def test_forms_said_the_same_for_everyone_read_nothing() -> None:
    """A form reused across people must not show anything read from the database: no model
    choices, no choices computed when the form is built."""
    said = [cls for cls in _egide_form_classes() if getattr(cls, "same_for_everyone", False)]
    assert len(said) >= 8
    for form_class in said:
        form = form_class()
        for name, field in form.fields.items():
            assert not isinstance(field, forms.ModelChoiceField), (form_class, name)
            assert not callable(getattr(field, "_choices", None)), (form_class, name)
        assert form_class.__init__ is forms.Form.__init__, form_class  # nothing built per person
