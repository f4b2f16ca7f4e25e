"""Who uses the DHIS2 link. Administrators keep the connection and the mapping; administrators
and coordinators (M&E) export a period's data value set and push it. Nothing here is personal
data: figures are aggregates, small counts withheld."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role

CONFIGURERS = frozenset({roles.ADMINISTRATOR})
USERS = CONFIGURERS | {roles.COORDINATOR}


def can_configure_dhis2(user: Any) -> bool:
    """Edits the DHIS2 connection and the mapping."""
    return has_role(user, *CONFIGURERS)


def can_use_dhis2(user: Any) -> bool:
    """Sees the DHIS2 page, exports a data value set, pushes a period."""
    return has_role(user, *USERS)
