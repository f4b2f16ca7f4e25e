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


def _newcomer(persona: Persona) -> Ctx:
    """A case worker without an authenticator yet, with the one-time code an admin gave."""
    from egide.accounts.services import enrolment_code_issue
    from tests.personas import make_user

    user = make_user(
        "kadiatou.sylla",
        roles.CASE_WORKER,
        persona(roles.CASE_WORKER).organisation,
        ["GN-L"],
        totp=False,
        first_name="Kadiatou",
        last_name="Sylla",
    )
    enrolment, code = enrolment_code_issue(actor=None, user=user)
    return {"user": user, "enrolment": enrolment, "code": code}


def _password_step(client: Any, ctx: Ctx) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": ctx["user"].username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:totp_enrol")


def _code_accepted(ctx: Ctx, response: Any) -> None:
    from egide.accounts.views import PENDING_ENROLMENT

    # The code is accepted: the next step (the QR code of a new authenticator) is shown.
    assert response["Location"] == reverse("accounts:totp_enrol")
    assert response.wsgi_request.session[PENDING_ENROLMENT] == ctx["enrolment"].pk


def _token_created(ctx: Ctx, response: Any) -> None:
    from egide.accounts.models import ApiToken

    token = ApiToken.objects.get(user__username=f"test_{roles.ANALYST}")
    assert token.name == "Tablette du bureau de Labé"
    # The secret (it starts with the token's key) is shown once, on the page that created it.
    assert f'<code class="secret">{token.token_key}' in response.content.decode()


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
    "egide.accounts.forms.EnrolmentCodeForm": Entry(
        persona=None,
        setup=_newcomer,
        prepare=_password_step,
        url=lambda ctx: reverse("accounts:totp_enrol"),
        values=lambda ctx: {"code": ctx["code"]},
        status=(302,),
        check=_code_accepted,
    ),
    "egide.accounts.forms.ApiTokenForm": Entry(
        persona=roles.ANALYST,
        url=lambda ctx: reverse("accounts:profile"),
        values=lambda ctx: {"action": "api_token", "name": "Tablette du bureau de Labé"},
        status=(200,),
        check=_token_created,
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
