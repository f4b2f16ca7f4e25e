"""Access rows of the policy module: analysts and coordinators edit; case workers, case
supervisors and administrators read; trainers, providers, ambassadors and law enforcement see
nothing (pages answer 404, the API 403)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

EDIT = frozenset({roles.ANALYST, roles.COORDINATOR})
READ = EDIT | {roles.CASE_WORKER, roles.CASE_SUPERVISOR, roles.ADMINISTRATOR}
PAGE_DENIED = (302, 404)
API_DENIED = (401, 403)


def _review(persona: Callable[[str], User]) -> Any:
    from egide.policy.models import Review

    return Review.objects.get_or_create(
        title="Revue test (fictive)", defaults={"year": 2023, "held_on": date(2023, 11, 1)}
    )[0]


def _review_pk(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _review(persona).pk}


def _review_report(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _review(persona).pk, "fmt": "xlsx"}


def _item(persona: Callable[[str], User]) -> Any:
    from egide.policy.models import TrackerItem
    from egide.policy.services import item_create

    return item_create(
        actor=persona(roles.ANALYST),
        kind=TrackerItem.Kind.RECOMMENDATION,
        text="Supprimer l'amende en lieu et place de la prison (test)",
        proposed_on=date(2023, 11, 2),
        review=_review(persona),
    )


def _item_pk(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _item(persona).pk}


def _item_action(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _item(persona).pk, "action": "progress"}


def _workshop(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.policy.services import workshop_create

    w = workshop_create(
        actor=persona(roles.ANALYST),
        review=_review(persona),
        title="Atelier de validation (test)",
        held_on=date(2023, 12, 5),
    )
    return {"pk": w.pk}


def _analysis(persona: Callable[[str], User]) -> Any:
    from egide.core.models import Region
    from egide.policy.services import analysis_create

    return analysis_create(
        actor=persona(roles.ANALYST),
        region=Region.objects.get(code="GN-L"),
        prefecture=None,
        boundary_version="ISO 3166-2:GN",
        title="Labé (test)",
        kind="baseline",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
    )


def _analysis_pk(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _analysis(persona).pk}


def _analysis_add(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _analysis(persona).pk, "what": "insecurity"}


def _analysis_report(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _analysis(persona).pk, "fmt": "xlsx"}


def _confirm(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.policy.models import Provision

    return {
        "kind": "provision",
        "pk": Provision.objects.filter(verification="unverified").first().pk,
    }  # type: ignore[union-attr]


INSECURITY = {
    "dimension": "economic",
    "description": "Pauvreté des ménages ruraux (test)",
    "severity": 4,
    "likelihood": 4,
    "affected_groups": "enfants talibés",
    "method": "workshop",
    "evidence": [
        {"indicator": "Pauvreté", "value": "62 %", "source": "adegui.com", "date": "2024"}
    ],
}

ROWS: dict[str, Row] = {
    "policy:home": Row(READ, denied_status=PAGE_DENIED),
    "policy:instruments": Row(READ, denied_status=PAGE_DENIED),
    "policy:confirm": Row(EDIT, denied_status=PAGE_DENIED, setup=_confirm),
    "policy:compare": Row(READ, denied_status=PAGE_DENIED),
    "policy:review_create": Row(EDIT, denied_status=PAGE_DENIED),
    "policy:workshop_create": Row(EDIT, denied_status=PAGE_DENIED, setup=_review_pk),
    "policy:review": Row(READ, denied_status=PAGE_DENIED, setup=_review_pk),
    "policy:assess": Row(EDIT, denied_status=PAGE_DENIED, setup=_review_pk),
    "policy:recommendation_create": Row(EDIT, denied_status=PAGE_DENIED, setup=_review_pk),
    "policy:review_report": Row(READ, denied_status=PAGE_DENIED, setup=_review_report),
    "policy:workshop": Row(READ, denied_status=PAGE_DENIED, setup=_workshop),
    "policy:workshop_seat": Row(EDIT, denied_status=PAGE_DENIED, setup=_workshop),
    "policy:tracker": Row(READ, denied_status=PAGE_DENIED),
    "policy:item": Row(READ, denied_status=PAGE_DENIED, setup=_item_pk),
    "policy:item_action": Row(EDIT, denied_status=PAGE_DENIED, setup=_item_action),
    "policy:institutions": Row(READ, denied_status=PAGE_DENIED),
    "policy:institution": Row(READ, denied_status=PAGE_DENIED, kwargs={"code": "cnltppa"}),
    "policy:analyses": Row(READ, denied_status=PAGE_DENIED),
    "policy:analysis_create": Row(EDIT, denied_status=PAGE_DENIED),
    "policy:analysis": Row(READ, denied_status=PAGE_DENIED, setup=_analysis_pk),
    "policy:analysis_add": Row(EDIT, denied_status=PAGE_DENIED, setup=_analysis_add),
    "policy:analysis_report": Row(READ, denied_status=PAGE_DENIED, setup=_analysis_report),
    "api:policy_instruments": Row(READ, denied_status=API_DENIED),
    "api:policy_reviews": Row(READ, denied_status=API_DENIED),
    "api:policy_review": Row(READ, denied_status=API_DENIED, setup=_review_pk),
    "api:policy_tracker": Row(READ, denied_status=API_DENIED),
    "api:policy_analyses": Row(READ, denied_status=API_DENIED),
    "api:policy_analysis": Row(READ, denied_status=API_DENIED, setup=_analysis_pk),
    "api:policy_insecurity_create": Row(
        EDIT, 201, API_DENIED, method="post", setup=_analysis_pk, json=INSECURITY
    ),
}
