"""Who runs training and who sees participants' personal data."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role


def can_run_training(user: Any) -> bool:
    """Trainers and coordinators (M&E) manage sessions and see participants' contacts."""
    return has_role(user, roles.TRAINER, roles.COORDINATOR)


def can_read_curriculum(user: Any) -> bool:
    """Every role may read the curriculum."""
    return has_role(user, *roles.ROLES)
