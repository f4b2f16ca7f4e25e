"""Every form of the project, submitted through its page with every field filled.

One small declarative entry per form class, in ``tests/forms_filled/<area>.py`` (``ENTRIES``,
keyed by the form's dotted path): who submits it, on which page, after which setup, with which
values, and what must then be saved. ``tests/test_forms_filled.py`` finds every form class of
the project (as the access matrix finds every URL) and fails for a form without an entry, for a
field left empty, for a form that comes back with errors, or for a saved object that is wrong.

To add a form: add an ``Entry`` to the module of its area (copy the nearest one).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse

from egide.accounts import roles
from egide.accounts.models import User

Persona = Callable[[str], User]
Ctx = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """How one form is filled and submitted, and what its submission must save."""

    # Role of the persona who submits (None: an anonymous visitor).
    persona: str | None
    # The page the form is posted (or, for filters, sent by GET) to, from the setup's context.
    url: Callable[[Ctx], str]
    # Every field's value (lists for multiple choices, an upload for a file).
    values: Callable[[Ctx], dict[str, Any]]
    # Checks what was saved (or, for a filter, what the page shows); raises AssertionError.
    check: Callable[[Ctx, Any], None]
    # Makes what the page needs (a case, a referral…); returns the context.
    setup: Callable[[Persona], Ctx] | None = None
    method: str = "post"
    status: tuple[int, ...] = (200, 302)
    # Runs in the client before the submission (e.g. the first login step).
    prepare: Callable[[Any, Ctx], None] | None = None
    # Fields that may stay empty, each with the reason (should be rare).
    exempt: dict[str, str] = field(default_factory=dict)


def entries() -> dict[str, Entry]:
    """The entries of every module of this package; a form named twice raises."""
    merged: dict[str, Entry] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, entry in getattr(module, "ENTRIES", {}).items():
            if name in merged:
                raise ValueError(f"Filled forms: {name} has two entries ({info.name}).")
            merged[name] = entry
    return merged


# --- shared set-ups (fictitious data) -------------------------------------------------------

# Dates in the past (forms refuse future dates), computed in the project's time zone.
YESTERDAY = datetime.now(tz=ZoneInfo("Africa/Conakry")).date() - timedelta(days=1)


def url(name: str, **keys: str) -> Callable[[Ctx], str]:
    """The URL *name* with its arguments taken from the context (keys: URL kwarg → ctx key)."""
    return lambda ctx: reverse(name, kwargs={k: ctx[v] for k, v in keys.items()})


def labe() -> Any:
    from egide.core.models import Region

    return Region.objects.get(code="GN-L")


def labe_prefecture() -> Any:
    return labe().prefectures.order_by("name").first()


def labe_case(persona: Persona, **identity: Any) -> Any:
    from egide.cases.services import case_open

    worker = persona(roles.CASE_WORKER)
    return case_open(
        actor=worker,
        region=labe(),
        owner=worker,
        first_name=identity.pop("first_name", "Fatoumata"),
        last_name=identity.pop("last_name", "Diallo"),
        **identity,
    )


def case_ctx(persona: Persona) -> Ctx:
    case = labe_case(persona)
    return {"pk": case.pk, "case": case}


def sharing_case(persona: Persona) -> Ctx:
    """A case with consent to share with shelters, a shelter need and a shelter service."""
    from egide.cases.services import consent_record, need_add
    from egide.directory.models import Service

    worker = persona(roles.CASE_WORKER)
    case = labe_case(persona)
    consent_record(
        actor=worker,
        case=case,
        purpose="sharing",
        decision="granted",
        given_by="person",
        language="pular",
        decided_on=YESTERDAY,
        service_types=["shelter"],
    )
    need = need_add(actor=worker, case=case, need_type="shelter", priority="high")
    service = Service.objects.create(
        provider=worker.organisation, need_type="shelter", name="Maison d'accueil (fictive)"
    )
    service.regions.add(labe())
    return {"pk": case.pk, "case": case, "need": need, "service": service}


def referral_ctx(persona: Persona, accept: bool = False) -> Ctx:
    from egide.referrals.services import referral_accept, referral_send

    ctx = sharing_case(persona)
    referral = referral_send(
        actor=persona(roles.CASE_WORKER),
        case=ctx["case"],
        need=ctx["need"],
        service=ctx["service"],
        urgency="urgent",
        shared_fields=["first_name"],
    )
    if accept:
        referral_accept(actor=persona(roles.SERVICE_PROVIDER), referral=referral)
    return {**ctx, "pk": referral.pk, "referral": referral}
