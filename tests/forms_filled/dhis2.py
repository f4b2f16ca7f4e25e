"""Filled submissions of the DHIS2 forms: the connection, the three mapping tables (an
administrator), a period pushed (a coordinator). All values fictitious."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona

PASSWORD = "Mot-de-passe-DHIS2-fictif"


def _connection(persona: Persona) -> Ctx:
    from egide.dhis2.services import connection_save

    connection_save(
        actor=persona(roles.ADMINISTRATOR),
        url="https://dhis2.example.org",
        username="egide",
        password=PASSWORD,
        timeout_seconds=30,
    )
    return {}


def _check_connection(ctx: Ctx, response: Any) -> None:
    from egide.dhis2.models import Connection

    saved = Connection.objects.get()
    assert saved.url == "https://dhis2.example.gn"
    assert saved.username == "egide-sync"
    assert saved.password == "Nouveau-mot-de-passe-fictif"
    assert saved.timeout_seconds == 45


def _check_element(ctx: Ctx, response: Any) -> None:
    from egide.dhis2.models import ElementMapping

    saved = ElementMapping.objects.get()
    assert saved.disaggregation == "age_band=u18;sex=female"
    assert (saved.data_element, saved.category_option_combo) == ("dEvIcTiMs01", "cOcFemale01")


def _check_org_unit(ctx: Ctx, response: Any) -> None:
    from egide.dhis2.models import OrgUnitMapping

    assert OrgUnitMapping.objects.get().area == "GN-L"


def _check_period(ctx: Ctx, response: Any) -> None:
    from egide.dhis2.models import PeriodMapping

    saved = PeriodMapping.objects.get()
    assert (saved.period_type, saved.dhis2_format) == ("monthly", "yyyyMM")


def _check_push(ctx: Ctx, response: Any) -> None:
    from egide.dhis2.models import Push

    push = Push.objects.get()
    assert push.period == "2024" and push.job is not None
    assert response["Location"] == reverse("dhis2:push", args=[push.pk])


def _create(kind: str) -> Any:
    return lambda ctx: reverse("dhis2:mapping_create", args=[kind])


ENTRIES: dict[str, Entry] = {
    "egide.dhis2.forms.ConnectionForm": Entry(
        persona=roles.ADMINISTRATOR,
        setup=_connection,
        url=lambda ctx: reverse("dhis2:connection"),
        values=lambda ctx: {
            "url": "https://dhis2.example.gn/",
            "username": "egide-sync",
            "password": "Nouveau-mot-de-passe-fictif",
            "timeout_seconds": "45",
        },
        status=(302,),
        check=_check_connection,
    ),
    "egide.dhis2.forms.ElementMappingForm": Entry(
        persona=roles.ADMINISTRATOR,
        url=_create("element"),
        values=lambda ctx: {
            "indicator": "II.6",
            "disaggregation": "sex=female; age_band=u18",
            "data_element": "dEvIcTiMs01",
            "category_option_combo": "cOcFemale01",
        },
        status=(302,),
        check=_check_element,
    ),
    "egide.dhis2.forms.OrgUnitMappingForm": Entry(
        persona=roles.ADMINISTRATOR,
        url=_create("org-unit"),
        values=lambda ctx: {"area": "GN-L", "org_unit": "oULabe00001"},
        status=(302,),
        check=_check_org_unit,
    ),
    "egide.dhis2.forms.PeriodMappingForm": Entry(
        persona=roles.ADMINISTRATOR,
        url=_create("period"),
        values=lambda ctx: {"period_type": "monthly", "dhis2_format": "yyyyMM"},
        status=(302,),
        check=_check_period,
    ),
    "egide.dhis2.forms.PeriodForm": Entry(
        persona=roles.COORDINATOR,
        setup=_connection,
        url=lambda ctx: reverse("dhis2:push_start"),
        values=lambda ctx: {"push-period": "2024"},
        status=(302,),
        check=_check_push,
    ),
}
