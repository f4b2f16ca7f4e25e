"""Access rows of the trainers' test entry pages (grid, scores, participant link)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

TRAINING = frozenset({roles.TRAINER, roles.COORDINATOR})


def _session_kind(persona: Callable[[str], User]) -> dict[str, Any]:
    from tests.test_access_matrix import _session

    return {"pk": _session(persona)[0].pk, "kind": "post"}


def _link(persona: Callable[[str], User]) -> dict[str, Any]:
    from tests.test_access_matrix import _session

    session, enrollment = _session(persona)
    return {"pk": session.pk, "enrollment_id": enrollment.pk}


ROWS: dict[str, Row] = {
    "training:paper_grid": Row(TRAINING, denied_status=(404,), setup=_session_kind),
    "training:paper_scores": Row(TRAINING, denied_status=(404,), setup=_session_kind),
    "training:participant_link": Row(TRAINING, denied_status=(404,), setup=_link),
}
