"""Filled submissions of the login, second-factor and language forms."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona
from tests.personas import PASSWORD


def _login_ctx(persona: Persona) -> Ctx:
    return {"user": persona(roles.CASE_WORKER)}


def _first_step(client: Any, ctx: Ctx) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": ctx["user"].username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_otp")


def _code(ctx: Ctx) -> dict[str, Any]:
    from tests.e2e.conftest import current_totp

    return {"token": current_totp(ctx["user"].username)}


def _logged_in(ctx: Ctx, response: Any) -> None:
    assert response.status_code == 302
    assert int(response.wsgi_request.session["_auth_user_id"]) == ctx["user"].pk


def _language(ctx: Ctx, response: Any) -> None:
    from egide.accounts.models import User

    assert User.objects.get(username=f"test_{roles.ANALYST}").language == "en"


ENTRIES: dict[str, Entry] = {
    "django.contrib.auth.forms.AuthenticationForm": Entry(
        persona=None,
        setup=_login_ctx,
        url=lambda ctx: reverse("accounts:login"),
        values=lambda ctx: {"username": ctx["user"].username, "password": PASSWORD},
        status=(302,),
        check=lambda ctx, response: _pending(ctx, response),
    ),
    "egide.accounts.forms.TokenForm": Entry(
        persona=None,
        setup=_login_ctx,
        prepare=_first_step,
        url=lambda ctx: reverse("accounts:login_otp"),
        values=_code,
        status=(302,),
        check=_logged_in,
    ),
    "egide.accounts.forms.LanguageForm": Entry(
        persona=roles.ANALYST,
        url=lambda ctx: reverse("accounts:set_language"),
        values=lambda ctx: {"language": "en", "next": "/"},
        status=(302,),
        check=_language,
    ),
}


def _pending(ctx: Ctx, response: Any) -> None:
    # Password accepted: the second step (the authenticator code) is next.
    assert response["Location"] == reverse("accounts:login_otp")
