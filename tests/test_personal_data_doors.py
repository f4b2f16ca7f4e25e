"""Every door to personal data, walked as the access matrix walks them.

* ``test_api_reads_of_personal_data_are_audited``: every API GET endpoint of the access matrix
  (``tests/test_access_matrix.py`` and ``tests/access_rows/``) is requested by every role allowed
  on it, with an alert, a case and a referral in the database. A response *carries personal
  data* when it contains the clear text of a value stored in an encrypted field
  (``egide.core.fields.EncryptedTextField``, the fields the serializers expose as personal:
  names, descriptions, contacts, shared referral data…), found by decrypting every encrypted
  value in the database. Such a response must have written an audit event by that user. The
  rule is data-driven: a new endpoint, or a new encrypted field, is covered without editing
  this test.
* ``test_every_page_and_api_answer_says_no_store``: every URL of the matrix, requested by one
  allowed visitor, answers ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts.models import User
from egide.audit.models import AuditEvent
from egide.cases.models import Case
from egide.core.fields import encrypted_fields
from tests.access_rows import ANON
from tests.personas import login_verified
from tests.test_access_matrix import MATRIX, _alert, _referral

MIN_LENGTH = 3  # shorter values ("m", "fr") would match by chance


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [str(value)] if value not in (None, "") else []


def personal_values() -> set[str]:
    """The clear text of every encrypted value in the database (JSON documents: their leaves)."""
    found: set[str] = set()
    for model, fields in encrypted_fields():
        for row in model._default_manager.all():
            for field in fields:
                value = getattr(row, field.attname)
                if not value:
                    continue
                try:
                    leaves = _leaves(json.loads(value))
                except (ValueError, TypeError):
                    leaves = [value]
                found.update(v for v in leaves if len(v) >= MIN_LENGTH)
    # Case codes are pseudonyms, shown wherever a case is named (and copied into referrals).
    found -= set(Case.objects.values_list("code", flat=True))
    return found


def carried(response: Any, values: set[str]) -> set[str]:
    """The personal values that *response*'s body shows."""
    try:
        body = _leaves(response.json())
    except (ValueError, TypeError):
        body = [response.content.decode("utf-8", errors="replace")]
    return {v for v in values if any(v in leaf for leaf in body)}


API_READS = sorted(
    name
    for name, row in MATRIX.items()
    if name.startswith("api:") and row.method == "get" and row.json is None
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", API_READS)
def test_api_reads_of_personal_data_are_audited(name: str, persona: Callable[[str], User]) -> None:
    row = MATRIX[name]
    _alert(persona)
    _referral(persona)
    kwargs = row.setup(persona) if row.setup else row.kwargs
    # The personas share first names with the fictitious people; staff accounts are renamed so
    # that a caller's own name (``/me``) is not taken for someone else's personal data.
    for who in row.allowed - {ANON}:
        persona(who)
    User.objects.update(first_name="Agent", last_name="Fictif")
    values = personal_values()
    assert values, "the set-up stored no personal data: the walk would prove nothing"
    checked = 0
    for who in sorted(row.allowed - {ANON}):
        user = persona(who)
        client = login_verified(Client(), user)
        before = AuditEvent.objects.filter(actor=user).count()
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == row.allowed_status, (name, who, response.status_code)
        shown = carried(response, values)
        if shown:
            checked += 1
            print(name, who, sorted(shown))  # noqa: T201 - shown on failure
            after = AuditEvent.objects.filter(actor=user).count()
            assert after > before, f"{name} as {who} shows personal data without an audit event"
    if name in ("api:alerts", "api:case_detail", "api:referrals"):
        assert checked, f"{name}: no role saw personal data; the walk checked nothing"


NO_STORE_ROWS = sorted(
    name
    for name, row in MATRIX.items()
    if row.method == "get" and row.allowed_status == 200 and row.allowed
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", NO_STORE_ROWS)
def test_every_page_and_api_answer_says_no_store(name: str, persona: Callable[[str], User]) -> None:
    row = MATRIX[name]
    kwargs = row.setup(persona) if row.setup else row.kwargs
    who = sorted(row.allowed)[0]
    client = Client() if who == ANON else login_verified(Client(), persona(who))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, (name, who, response.status_code)
    assert "no-store" in response.get("Cache-Control", ""), (name, response.get("Cache-Control"))
