"""Who reads the programme's figures, and who sees them without small-count suppression."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role
from egide.cases.permissions import CASE_ROLES

READERS = (
    roles.COORDINATOR,
    roles.ANALYST,
    roles.ADMINISTRATOR,
    roles.CASE_SUPERVISOR,
    roles.TRAINER,
)


def can_read_monitoring(user: Any) -> bool:
    """Aggregate figures hold no personal data: coordinators, analysts, administrators, case
    supervisors and trainers read them."""
    return has_role(user, *READERS)


def sees_exact_counts(user: Any) -> bool:
    """Only those who may read cases see counts of 1 to 4; everyone else gets the suppressed
    figures (egide.core.suppression)."""
    return has_role(user, *CASE_ROLES)


def suppressed_for(user: Any) -> bool:
    return not sees_exact_counts(user)
