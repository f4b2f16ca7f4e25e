"""Who may read the audit trail."""

from __future__ import annotations

from typing import Any

from egide.accounts.permissions import has_role
from egide.accounts.roles import ADMINISTRATOR


def can_view_audit_trail(user: Any) -> bool:
    """Only administrators browse the audit trail."""
    return has_role(user, ADMINISTRATOR)
