"""Values every page needs: the menu of the signed-in user and the demo banner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from egide.core.navigation import modules_for


def egide(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_modules": modules_for(user) if user is not None and user.is_authenticated else [],
        "demo_banner": settings.EGIDE_DEMO_BANNER,
        # Before login the page follows the browser unless the person chose a language here.
        "language_chosen": settings.LANGUAGE_COOKIE_NAME in request.COOKIES,
    }
