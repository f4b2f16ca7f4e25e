"""Who records outreach and who reads reach."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role


def can_record_dialogues(user: Any) -> bool:
    return has_role(user, roles.MIGRANT_AMBASSADOR, roles.COORDINATOR, roles.TRAINER)


def can_manage_ambassadors(user: Any) -> bool:
    """Coordinators register ambassadors (their names are personal data)."""
    return has_role(user, roles.COORDINATOR)


def can_read_reach(user: Any) -> bool:
    """Aggregate reach holds no personal data: coordinators, analysts, trainers, admins."""
    return has_role(user, roles.COORDINATOR, roles.ANALYST, roles.TRAINER, roles.ADMINISTRATOR)


def can_read_own_reach(user: Any) -> bool:
    """An ambassador sees the reach of the dialogues they facilitated."""
    return has_role(user, roles.MIGRANT_AMBASSADOR)
