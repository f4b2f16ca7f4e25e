"""The home page: the modules the signed-in user's roles may use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.accounts.permissions import role_codes
from egide.accounts.roles import role_label


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Home page listing the modules of the user's roles."""
    roles = [role_label(code) for code in sorted(role_codes(request.user))]
    return render(request, "core/home.html", {"roles": roles})
