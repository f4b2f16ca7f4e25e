"""The home page: the modules the signed-in user's roles may use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.accounts.permissions import has_role, role_codes
from egide.accounts.roles import (
    CASE_SUPERVISOR,
    CASE_WORKER,
    LAW_ENFORCEMENT,
    SERVICE_PROVIDER,
    role_label,
)
from egide.cases.selectors import overdue_for


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Home page listing the modules of the user's roles."""
    roles = [role_label(code) for code in sorted(role_codes(request.user))]
    overdue = None
    if has_role(request.user, CASE_WORKER, CASE_SUPERVISOR, SERVICE_PROVIDER, LAW_ENFORCEMENT):
        overdue = overdue_for(request.user)
    to_review = None
    if has_role(request.user, CASE_SUPERVISOR):
        from egide.cases.permissions import supervised_region_ids
        from egide.cases.selectors import cases_for

        to_review = list(
            cases_for(request.user).filter(
                review_pending=True, region_id__in=supervised_region_ids(request.user)
            )[:20]
        )
    waiting = None
    if has_role(request.user, SERVICE_PROVIDER, LAW_ENFORCEMENT):
        from egide.referrals.selectors import waiting_count

        waiting = waiting_count(request.user)
    return render(
        request,
        "core/home.html",
        {"roles": roles, "overdue": overdue, "waiting": waiting, "to_review": to_review},
    )
