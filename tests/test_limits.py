"""One set of limits per field (issue 8, item 13): every form, API serializer and the import
apply the limits the models declare (``max_length``, or ``egide.core.limits`` for encrypted
text), and every date a person types lies within 1900–2100.

Data-driven: every ``ModelSerializer`` and every form class of every ``egide.*.forms`` module is
walked, so that a new one is checked without editing this test.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from typing import Any

import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

import egide
from egide.core.limits import TEXT_LIMITS, BoundedDateField

# Plain forms that edit a model, field by field (same names).
FORM_MODELS = {
    "egide.cases.forms.AlertForm": "cases.Alert",
    "egide.training.forms.SessionForm": "training.TrainingSession",
    "egide.training.forms.ParticipantForm": "training.Participant",
    "egide.outreach.forms.AmbassadorForm": "outreach.Ambassador",
    "egide.outreach.forms.DialogueForm": "outreach.Dialogue",
}
# Search filters of the audit page belong to the audit trail's own redesign.
NOT_WALKED = {"egide.audit.forms"}


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _form_classes() -> list[type[forms.BaseForm]]:
    for info in pkgutil.iter_modules(egide.__path__):
        try:
            importlib.import_module(f"egide.{info.name}.forms")
        except ModuleNotFoundError:
            continue
    return sorted(
        (
            c
            for c in _subclasses(forms.BaseForm)
            if c.__module__.startswith("egide.") and c.__module__ not in NOT_WALKED
        ),
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def _model_limit(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    return getattr(field, "max_length", None)


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def test_every_encrypted_limit_names_a_real_field() -> None:
    for label in TEXT_LIMITS:
        app_model, _dot, field = label.rpartition(".")
        model = _model(app_model)
        assert _model_limit(model, field) == TEXT_LIMITS[label], label


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__name__)
def test_forms_agree_with_the_model_limits_and_bound_dates(form_class: type[Any]) -> None:
    path = f"{form_class.__module__}.{form_class.__name__}"
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None) or (
        _model(FORM_MODELS[path]) if path in FORM_MODELS else None
    )
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DateField):
            assert isinstance(field, BoundedDateField), f"{path}.{name} is not bounded"
            for outside in ("0001-01-01", "9999-12-31"):
                with pytest.raises(ValidationError):
                    field.clean(outside)
        if model is None or not isinstance(field, forms.CharField):
            continue
        try:
            limit = _model_limit(model, name)
        except FieldDoesNotExist:  # a form field with no model field of that name
            continue
        if limit is not None:
            assert field.max_length == limit, (path, name, field.max_length, limit)


def _serializer_classes() -> list[type[serializers.ModelSerializer[Any]]]:
    get_resolver().url_patterns  # noqa: B018 - imports every API module
    return sorted(
        (c for c in _subclasses(serializers.ModelSerializer) if c.__module__.startswith("egide.")),
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def test_the_walk_finds_the_api_serializers() -> None:
    names = {c.__name__ for c in _serializer_classes()}
    assert {"AlertSerializer", "CaseDetailSerializer"} <= names


@pytest.mark.parametrize("serializer_class", _serializer_classes(), ids=lambda c: c.__name__)
def test_api_serializers_agree_with_the_model_limits(serializer_class: type[Any]) -> None:
    model = serializer_class.Meta.model
    for name, field in serializer_class().fields.items():
        if field.read_only:
            continue
        source = field.source if field.source and field.source != "*" else name
        try:
            model_field = model._meta.get_field(source)
        except FieldDoesNotExist:  # computed or related fields
            continue
        limit = getattr(model_field, "max_length", None)
        if isinstance(field, serializers.CharField) and limit is not None:
            assert field.max_length == limit, (serializer_class.__name__, name)
        if isinstance(field, serializers.DateField):
            for outside in (date(1, 1, 1), date(9999, 12, 31)):
                with pytest.raises(DRFValidationError):
                    field.run_validators(outside)


def test_import_uses_the_participant_form() -> None:
    from egide.training import spreadsheets

    source = importlib.import_module(spreadsheets.__name__).__loader__.get_source(  # type: ignore[union-attr]
        spreadsheets.__name__
    )
    assert "ParticipantForm(" in (source or "")
