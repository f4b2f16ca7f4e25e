"""django-axes, locking per username and per client address independently.

Axes sums failures per lock-out parameter and compares the largest sum with one limit. Égide
wants two limits: ``AXES_FAILURE_LIMIT`` failures for one username (from any address: spraying
one account from many addresses is stopped) and ``EGIDE_LOGIN_IP_FAILURE_LIMIT`` for one address
(many usernames from one address; higher, because an office or a mobile operator's NAT puts many
honest people behind one address). A successful login clears its username's failures only: an
attacker holding one valid account cannot reset the count of their address.

What axes keeps of a username is the same keyed hash the audit trail keeps
(``typed_username_digest``): a password typed in the username field never lands in its tables.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the keyed hash of the typed username (None when none was typed)."""
    from egide.accounts.services import typed_username_digest

    data = credentials if credentials is not None else getattr(request, "POST", {})
    username = data.get("username") if data else None
    return typed_username_digest(str(username)) if username else None


def _sum(queryset: Any) -> int:
    return int(queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """The database handler with one limit per username and another per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limit = int(get_failure_limit(request, credentials))
        ip_limit = int(settings.EGIDE_LOGIN_IP_FAILURE_LIMIT)
        username = get_client_username(request, credentials)
        recent = self._recent(request)
        by_user = _sum(recent.filter(username=username)) if username else 0
        by_ip = _sum(recent.filter(ip_address=request.axes_ip_address))  # type: ignore[attr-defined]
        if by_user >= limit or by_ip >= ip_limit:
            return max(limit, by_user)
        return min(max(by_user, by_ip), limit - 1)

    def _recent(self, request: HttpRequest) -> Any:
        from axes.attempts import get_cool_off_threshold

        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is None:
            return attempts
        return attempts.filter(attempt_time__gte=get_cool_off_threshold(request))

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
