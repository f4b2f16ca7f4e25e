"""Filled submission of the audit trail's filters."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, case_ctx


def _events(persona: Persona) -> Ctx:
    from egide.audit.services import audit_record

    ctx = case_ctx(persona)
    worker = persona(roles.CASE_WORKER)
    audit_record(actor=worker, action="case.viewed", obj=ctx["case"])
    return {**ctx, "worker": worker}


def _check(ctx: Ctx, response: Any) -> None:
    page = list(response.context["page"])
    assert page and all(e.action.startswith("case.") for e in page)
    assert all(e.object_id == str(ctx["case"].pk) for e in page)


ENTRIES: dict[str, Entry] = {
    "egide.audit.forms.AuditFilterForm": Entry(
        persona=roles.ADMINISTRATOR,
        setup=_events,
        url=lambda ctx: reverse("audit:list"),
        method="get",
        values=lambda ctx: {
            "action": "case.",
            "actor": ctx["worker"].username,
            "object_type": "cases.case",
            "object_id": str(ctx["case"].pk),
            "date_from": "2020-01-01",
            "date_to": "2099-12-31",
        },
        status=(200,),
        check=_check,
    ),
}
