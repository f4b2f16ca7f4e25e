"""Filled submission of the service directory's filters."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, labe


def _services(persona: Persona) -> Ctx:
    from egide.directory.models import Service

    org = persona(roles.SERVICE_PROVIDER).organisation
    match = Service.objects.create(provider=org, need_type="shelter", name="Abri Espoir (fictif)")
    match.regions.add(labe())
    other = Service.objects.create(
        provider=org, need_type="shelter", name="Abri Lumière (fictif)", accepts_men=False
    )
    other.regions.add(labe())
    return {"match": match, "other": other}


def _check(ctx: Ctx, response: Any) -> None:
    body = response.content.decode()
    assert "Abri Espoir" in body and "Abri Lumière" not in body


ENTRIES: dict[str, Entry] = {
    "egide.directory.views.DirectoryFilterForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_services,
        url=lambda ctx: reverse("directory:list"),
        method="get",
        values=lambda ctx: {
            "need": "shelter",
            "region": labe().pk,
            "child": "on",
            "man": "on",
            "text": "Abri",
        },
        status=(200,),
        check=_check,
    ),
}
