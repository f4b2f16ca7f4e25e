"""Access rows of the DHIS2 link: administrators configure (connection, mapping);
administrators and coordinators see the page, export and push; every other role and anonymous
visitors get 404 (existence does not leak)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

CONFIGURE = frozenset({roles.ADMINISTRATOR})
USE = CONFIGURE | {roles.COORDINATOR}
DENIED = (302, 404)


def _element(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.dhis2.models import ElementMapping

    mapping = ElementMapping.objects.create(
        indicator="protection.victims_identified", data_element="dEvIcTiMs01"
    )
    return {"kind": "element", "pk": mapping.pk}


def _push(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.dhis2.models import Push

    push = Push.objects.create(period="2024Q3", started_by=persona(roles.COORDINATOR))
    return {"pk": push.pk}


ROWS: dict[str, Row] = {
    "dhis2:home": Row(USE, denied_status=DENIED),
    "dhis2:connection": Row(CONFIGURE, denied_status=DENIED),
    "dhis2:mapping_create": Row(CONFIGURE, denied_status=DENIED, kwargs={"kind": "org-unit"}),
    "dhis2:mapping_edit": Row(CONFIGURE, denied_status=DENIED, setup=_element),
    "dhis2:mapping_delete": Row(CONFIGURE, 302, DENIED, method="post", setup=_element),
    "dhis2:export": Row(USE, denied_status=DENIED),
    # An empty period is refused with the form again (400), never a 500.
    "dhis2:push_start": Row(USE, 400, DENIED, method="post"),
    "dhis2:push": Row(USE, denied_status=DENIED, setup=_push),
}
