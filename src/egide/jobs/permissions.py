"""Who may see a job: its starter only (a job's result may hold personal data)."""

from __future__ import annotations

from typing import Any


def can_see_job(user: Any, job: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and job.started_by_id is not None
        and job.started_by_id == user.pk
    )
