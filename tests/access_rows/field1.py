"""Access rows of the field-usability work: the interview's step pages and opening a case
from a screening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row


def _draft(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.screening.services import interview_draft_start

    draft = interview_draft_start(actor=persona(roles.CASE_WORKER))
    return {"draft_id": draft.pk, "step": "consent"}


def _assessment(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.screening.contract import parse_input
    from egide.screening.services import assessment_create

    assessment = assessment_create(
        actor=persona(roles.CASE_WORKER),
        data=parse_input({"person": {"age": 16}, "indicators": ["act.recruited"]}),
        interview={},
        worker_agrees=True,
    )
    return {"pk": assessment.pk}


ROWS: dict[str, Row] = {
    # A draft is its author's only; anyone else (or a non-screener) is sent to a fresh
    # interview (302) or gets a 404.
    "screening:interview_step": Row(
        frozenset({roles.CASE_WORKER}), denied_status=(302, 404), setup=_draft
    ),
    # Without a region in the POST the worker is sent back to the screening with a message.
    "screening:open_case": Row(
        frozenset({roles.CASE_WORKER, roles.CASE_SUPERVISOR}),
        302,
        (404,),
        method="post",
        setup=_assessment,
    ),
}
