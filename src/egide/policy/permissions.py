"""Who reads and who edits the policy module (framework reviews, tracker, human security).

Analysts and coordinators edit. Case workers, case supervisors and administrators read (the
administrators keep the reference lists; nothing here is personal data). Trainers, service
providers, migrant ambassadors and law enforcement do not see these pages.
"""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role

EDITORS = frozenset({roles.ANALYST, roles.COORDINATOR})
READERS = EDITORS | {roles.CASE_WORKER, roles.CASE_SUPERVISOR, roles.ADMINISTRATOR}


def can_read_policy(user: Any) -> bool:
    """Reads reviews, the tracker, institutions and human-security analyses."""
    return has_role(user, *READERS)


def can_edit_policy(user: Any) -> bool:
    """Assesses elements, writes recommendations and analyses, moves tracker items."""
    return has_role(user, *EDITORS)
