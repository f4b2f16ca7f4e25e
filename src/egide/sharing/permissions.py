"""Who may export anonymised data and import partner datasets: coordinators and analysts."""

from __future__ import annotations

from typing import Any

from egide.accounts.permissions import has_role
from egide.accounts.roles import ANALYST, COORDINATOR

SHARING_ROLES = (COORDINATOR, ANALYST)


def can_share(user: Any) -> bool:
    """Coordinators and analysts run exports, import partner data and compare."""
    return has_role(user, *SHARING_ROLES)


def may_read_export(user: Any, job: Any) -> bool:
    """The person who ran an export downloads it, while they still may share."""
    return bool(job.started_by_id is not None and job.started_by_id == user.pk and can_share(user))
