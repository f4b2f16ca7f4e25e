"""Who manages the interoperability settings, who follows the SMS channels, who refers to
CPIMS+. Forbidden and missing look the same (404) in the views."""

from __future__ import annotations

from typing import Any

from egide.accounts import roles
from egide.accounts.permissions import has_role
from egide.cases.permissions import CASE_ROLES

CHANNEL_READERS = (roles.ADMINISTRATOR, roles.CASE_SUPERVISOR, roles.COORDINATOR)


def can_manage_interop(user: Any) -> bool:
    """Administrators set up SMS channels and the CPIMS+ connection."""
    return has_role(user, roles.ADMINISTRATOR)


def can_view_sms_channels(user: Any) -> bool:
    """Administrators, coordinators and case supervisors follow the channels; the message and
    the number of a delivery show only to those who may read its alert (see selectors)."""
    return has_role(user, *CHANNEL_READERS)


def can_refer_to_cpims(user: Any) -> bool:
    """Case workers and supervisors, on the cases they see (the view fetches the case)."""
    return has_role(user, *CASE_ROLES)
