"""Answers of an applied submission are read as the record it made is read: a coordinator or an
administrator sees status and outcome only; held or rejected answers stay open to the managers
who must correct them, with a note; every display is audited (review of session 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.fielddata.tests.test_mapping import (  # noqa: F401
    SCENARIOS,
    apply,
    screening_answers,
    source,
)

pytestmark = pytest.mark.django_db

SECRET = "fictif-secret-mot"


def test_an_applied_screening_hides_its_answers_from_managers(
    source: Any,  # noqa: F811
    persona: Any,
    client_as: Any,
) -> None:
    record = apply(
        source,
        "egide_depistage",
        {**screening_answers(SCENARIOS[0]), "note_secret": SECRET},
        who=roles.CASE_WORKER,
    )
    assert record.status == "created", record.reason
    for role in (roles.COORDINATOR, roles.ADMINISTRATOR):
        client = client_as(persona(role))
        before = AuditEvent.objects.filter(action="fielddata.submission_viewed").count()
        page = client.get(reverse("fielddata:record", args=[record.pk]))
        if page.status_code == 404:  # not even listed for this manager: fine
            continue
        html = page.content.decode()
        assert SECRET not in html and record.get_status_display() in html
        after = AuditEvent.objects.filter(action="fielddata.submission_viewed").count()
        assert after == before
    # The worker who sent it still reads it, and the display is audited.
    worker = client_as(persona(roles.CASE_WORKER))
    html = worker.get(reverse("fielddata:record", args=[record.pk])).content.decode()
    assert SECRET in html
    assert reverse("screening:detail", args=[record.target_id]) in html
    assert AuditEvent.objects.filter(action="fielddata.submission_viewed").exists()


def test_a_rejected_submission_shows_its_answers_to_correct(
    source: Any,  # noqa: F811
    persona: Any,
    client_as: Any,
) -> None:
    record = apply(
        source, "egide_depistage", screening_answers(SCENARIOS[0], age="150"), who=roles.CASE_WORKER
    )
    assert record.status in ("held", "rejected")
    admin = client_as(persona(roles.ADMINISTRATOR))
    html = admin.get(reverse("fielddata:record", args=[record.pk])).content.decode()
    assert "150" in html and "corriger" in html
    assert AuditEvent.objects.filter(action="fielddata.submission_viewed").exists()
