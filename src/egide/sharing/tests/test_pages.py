"""The sharing pages in French show labels, never raw codes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egide.accounts import roles
from egide.sharing.ctdc import V2024_COLUMNS
from egide.sharing.services import partner_import
from tests.personas import login_verified
from tests.test_raw_codes import raw_codes, raw_codes_in

pytestmark = pytest.mark.django_db


def _dataset(analyst: Any) -> Any:
    row = dict.fromkeys(V2024_COLUMNS, "")
    row.update(yearOfRegistration="2021", gender="Woman", ageBroad="9--17", citizenship="GIN")
    row["isForcedLabour"] = "1"
    content = (",".join(V2024_COLUMNS) + "\n" + ",".join(row.values()) + "\n").encode()
    return partner_import(
        actor=analyst, name="Partenaire", source="test", stream=io.BytesIO(content), size=None
    ).dataset


def test_pages_show_no_raw_code(make_case: Any, persona: Any) -> None:
    for _i in range(6):
        make_case()
    analyst = persona(roles.ANALYST)
    dataset = _dataset(analyst)
    client = login_verified(Client(), analyst)
    codes = raw_codes()
    with translation.override("fr"):
        client.cookies["django_language"] = "fr"
        for url, params in [
            (reverse("sharing:home"), {}),
            (reverse("sharing:dataset", args=[dataset.pk]), {}),
            (
                reverse("sharing:dataset", args=[dataset.pk]),
                {"rows": "age", "column": "exploitation"},
            ),
        ]:
            response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="fr")
            assert response.status_code == 200
            assert raw_codes_in(response.content.decode(), codes) == [], url
