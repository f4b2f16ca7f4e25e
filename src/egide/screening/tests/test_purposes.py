"""Issue 12, item 1: the purposes of exploitation a screening found are kept in clear beside
the encrypted result (``AssessmentPurpose``), written and replaced with the result, and filled
in for the assessments saved before them by the migration."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from egide.accounts import roles
from egide.accounts.models import User
from egide.screening.contract import parse_input
from egide.screening.models import Assessment, AssessmentPurpose
from egide.screening.rules import evaluate, result_purposes
from egide.screening.services import assessment_create, assessment_purposes_store

pytestmark = pytest.mark.django_db

CHILD = {
    "person": {"age": 15},
    "indicators": ["act.recruited", "purpose.domestic_servitude", "purpose.forced_begging"],
}


def _codes(assessment: Assessment) -> set[str]:
    return set(assessment.purposes.values_list("purpose", flat=True))


def _create(author: User, document: dict[str, Any]) -> Assessment:
    return assessment_create(
        actor=author, data=parse_input(document), interview={}, worker_agrees=True
    )


def test_the_purposes_found_are_written_with_the_assessment(
    persona: Callable[[str], User],
) -> None:
    assessment = _create(persona(roles.CASE_WORKER), CHILD)
    assert assessment.trafficking_level == "presumed"
    assert _codes(assessment) == {"purpose.domestic_servitude", "purpose.forced_begging"}
    assert _codes(assessment) == set(result_purposes(assessment.result_document))
    nothing = _create(persona(roles.CASE_WORKER), {"person": {"age": 30}, "indicators": []})
    assert _codes(nothing) == set()


def test_a_new_result_replaces_the_purposes(persona: Callable[[str], User]) -> None:
    assessment = _create(persona(roles.CASE_WORKER), CHILD)
    result = evaluate(
        parse_input(
            {
                "person": {"age": 15},
                "indicators": ["purpose.forced_begging", "purpose.forced_labour"],
            }
        ),
        "fr",
    )
    assessment_purposes_store(assessment=assessment, result=result)
    assert _codes(assessment) == {"purpose.forced_begging", "purpose.forced_labour"}
    assessment_purposes_store(assessment=assessment, result={})
    assert _codes(assessment) == set()


def test_the_migration_fills_in_earlier_assessments(persona: Callable[[str], User]) -> None:
    assessment = _create(persona(roles.CASE_WORKER), CHILD)
    older = _create(persona(roles.CASE_WORKER), CHILD)
    Assessment.objects.filter(pk=older.pk).update(result_json="{}")  # a result without elements
    AssessmentPurpose.objects.all().delete()
    migration = importlib.import_module("egide.screening.migrations.0004_assessment_purpose")
    migration.backfill(apps, None)
    assert _codes(assessment) == {"purpose.domestic_servitude", "purpose.forced_begging"}
    assert _codes(older) == set()
    migration.backfill(apps, None)  # run again: nothing twice
    assert AssessmentPurpose.objects.count() == 2
    # What is in clear is a catalogue code, never the person's answers.
    assert all(
        p.startswith("purpose.")
        for p in AssessmentPurpose.objects.values_list("purpose", flat=True)
    )
    assert json.loads(assessment.result_json)["trafficking"]["elements"]["purpose"]
