"""Access rows of anonymised data sharing: coordinators and analysts only; every other role and
anonymous visitors get 404 (the pages' existence does not leak). POSTs without data come back
as the page with the form's errors (200) for those allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

SHARERS = frozenset({roles.COORDINATOR, roles.ANALYST})
DENIED = (302, 404)


def _dataset(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.sharing.models import PartnerDataset

    dataset, _created = PartnerDataset.objects.get_or_create(
        name="Partenaire test (fictif)",
        defaults={"source": "test", "imported_by": persona(roles.ANALYST)},
    )
    return {"pk": dataset.pk}


ROWS: dict[str, Row] = {
    "sharing:home": Row(SHARERS, denied_status=DENIED),
    "sharing:export": Row(SHARERS, denied_status=DENIED, method="post"),
    "sharing:table": Row(SHARERS, denied_status=DENIED, method="post"),
    "sharing:import": Row(SHARERS, denied_status=DENIED, method="post"),
    "sharing:dataset": Row(SHARERS, denied_status=DENIED, setup=_dataset),
}
