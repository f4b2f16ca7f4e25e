"""Access-matrix rows of the background jobs ("My jobs") and the training export job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import ALL_ROLES, Row


def _job_of_another(persona: Callable[[str], User]) -> dict[str, Any]:
    """A job started by a user who is none of the personas: nobody else may see it."""
    from egide.jobs.services import job_start
    from tests.personas import make_user

    owner = make_user("job-owner-fictif", roles.TRAINER, persona(roles.TRAINER).organisation)
    job = job_start(actor=owner, kind="jobs.check", label="check", params={})
    return {"pk": job.pk}


def _session(persona: Callable[[str], User]) -> dict[str, Any]:
    from datetime import date

    from egide.training.services import session_create

    session = session_create(
        actor=persona(roles.TRAINER),
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
        region=None,
    )
    return {"pk": session.pk, "what": "participants.xlsx"}


ROWS: dict[str, Row] = {
    "jobs:list": Row(ALL_ROLES),
    # Another person's job: 404 for everyone (only its starter sees it; tested in egide.jobs).
    "jobs:detail": Row(frozenset(), setup=_job_of_another),
    "jobs:download": Row(frozenset(), setup=_job_of_another),
    "training:export_job": Row(
        frozenset({roles.TRAINER, roles.COORDINATOR}),
        allowed_status=302,
        method="post",
        setup=_session,
    ),
}
