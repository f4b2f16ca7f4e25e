"""End to end with monitoring's real computation: known records → live figures (suppressed as
for an analyst) → data value set → the fake DHIS2; no hidden figure leaves, a re-push updates."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command

from egide.accounts import roles
from egide.accounts.models import User
from egide.dhis2 import services
from egide.dhis2.models import ElementMapping, OrgUnitMapping, PeriodMapping, Push
from egide.dhis2.tests.fake_dhis2 import FakeDhis2
from egide.jobs.services import job_run
from egide.monitoring.selectors import figures
from egide.monitoring.tests.records import build

pytestmark = pytest.mark.django_db

ORG_UNITS = {"": "oUGuinea001", "GN-L": "oULabe00001", "GN-K": "oUKankan001", "GN-C": "oUConakry01"}
# (indicator, disaggregation key) → (data element, category option combo)
ELEMENTS = {
    ("I.1", ""): ("dEtRaInEd01", ""),
    ("I.1", "sex=female"): ("dEtRaInEd01", "cOcFemale01"),
    ("I.1", "sex=male"): ("dEtRaInEd01", "cOcMale0001"),
    ("II.6", ""): ("dEvIcTiMs01", ""),
    ("II.6", "sex=female"): ("dEvIcTiMs01", "cOcFemale01"),
    ("II.6", "sex=male"): ("dEvIcTiMs01", "cOcMale0001"),
    ("III.1", ""): ("dErEaChEd01", ""),
}


@pytest.fixture
def fake() -> Iterator[FakeDhis2]:
    elements = {de for de, _coc in ELEMENTS.values()}
    with FakeDhis2(data_elements=elements, org_units=set(ORG_UNITS.values())) as server:
        yield server


@pytest.fixture
def world(persona: Callable[[str], User], fake: FakeDhis2) -> dict[str, Any]:
    records = build(persona)
    admin = persona(roles.ADMINISTRATOR)
    services.connection_save(
        actor=admin, url=fake.url, username=fake.username, password=fake.password, timeout_seconds=5
    )
    services.mapping_save(
        actor=admin, mapping=PeriodMapping(period_type="yearly", dhis2_format="yyyy")
    )
    for area, uid in ORG_UNITS.items():
        services.mapping_save(actor=admin, mapping=OrgUnitMapping(area=area, org_unit=uid))
    for (indicator, cell), (de, coc) in ELEMENTS.items():
        services.mapping_save(
            actor=admin,
            mapping=ElementMapping(
                indicator=indicator,
                disaggregation=cell,
                data_element=de,
                category_option_combo=coc,
            ),
        )
    return {"records": records, "admin": admin}


def _expected(period: str) -> tuple[dict[tuple[str, str, str], str], set[tuple[str, str, str]]]:
    """From monitoring's own figures: the values that may leave, and the cells it hides."""
    shown: dict[tuple[str, str, str], str] = {}
    hidden: set[tuple[str, str, str]] = set()
    for f in figures(period=period, region=None, suppressed=True):
        pairs = dict(f.disaggregation)
        area = pairs.pop("region", f.region or "")
        cell = ";".join(f"{k}={v}" for k, v in sorted(pairs.items()))
        if (f.indicator, cell) not in ELEMENTS or area not in ORG_UNITS:
            continue
        de, coc = ELEMENTS[(f.indicator, cell)]
        key = (de, ORG_UNITS[area], coc)
        if f.value is None:
            hidden.add(key)
        else:
            shown[key] = str(f.value)
    return shown, hidden


def _sent(document: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {
        (v["dataElement"], v["orgUnit"], v.get("categoryOptionCombo", "")): v["value"]
        for v in document["dataValues"]
    }


def test_live_figures_become_the_data_value_set_without_hidden_cells(
    world: dict[str, Any], fake: FakeDhis2, tmp_path: Any
) -> None:
    shown, hidden = _expected("2024")
    assert shown, "the known records give figures to send"
    assert hidden, "the known records hold small counts (1 to 4) that must stay in Égide"
    target = tmp_path / "2024.json"
    call_command("dhis2", "export", "--period", "2024", "--output", str(target))
    document = json.loads(target.read_text())
    assert fake.check_shape(document) == ""
    assert {v["period"] for v in document["dataValues"]} == {"2024"}
    assert _sent(document) == shown
    assert not hidden & set(_sent(document))


def test_live_push_then_repush_updates(world: dict[str, Any], fake: FakeDhis2) -> None:
    shown, hidden = _expected("2024")
    first = services.push_start(actor=world["admin"], period="2024")
    job_run(job_id=first.job_id)
    first.refresh_from_db()
    assert first.status == Push.Status.SENT, first.error
    assert first.values_sent == len(shown)
    assert first.values_withheld == len(hidden)
    assert first.unmapped_total > 0  # the cross breakdowns left unmapped are counted
    assert first.summary["imported"] == len(shown) and first.summary["updated"] == 0
    assert {k[0]: v for k, v in fake.stored.items()} and len(fake.stored) == len(shown)

    second = services.push_start(actor=world["admin"], period="2024")
    job_run(job_id=second.job_id)
    second.refresh_from_db()
    assert second.status == Push.Status.SENT
    assert (second.summary["imported"], second.summary["updated"]) == (0, len(shown))
    assert len(fake.stored) == len(shown)
