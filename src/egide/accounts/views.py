"""Login with password then TOTP, enrolment of an authenticator, logout, profile, language."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from egide.accounts import services
from egide.accounts.forms import ApiTokenForm, EnrolmentCodeForm, LanguageForm, TokenForm
from egide.accounts.models import ApiToken, Authenticator, User
from egide.accounts.permissions import requires_second_factor, role_codes
from egide.accounts.roles import role_label

PENDING_USER = "egide_pending_user"
PENDING_SINCE = "egide_pending_since"
PENDING_BACKEND = "egide_pending_backend"
PENDING_ENROLMENT = "egide_pending_enrolment_code"
PENDING_NEXT = "egide_next"
PENDING_MAX_SECONDS = 300

MSG_BAD_TOKEN = gettext_lazy(
    "This code is not valid. Check the time on your phone and type the current code."
)
MSG_THROTTLED = gettext_lazy("Too many wrong codes: wait a moment before trying again.")
MSG_PENDING_EXPIRED = gettext_lazy("Your login has expired: type your password again.")
MSG_TOKEN_SECOND_FACTOR = gettext_lazy(
    "API tokens are created only after a login confirmed with your authenticator."
)
MSG_TOKEN_REVOKED = gettext_lazy("The token was revoked: it no longer works.")


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if user_id is None or time.time() - float(since) > PENDING_MAX_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _complete_login(
    request: HttpRequest, user: User, device: Authenticator | None, next_url: str | None = None
) -> HttpResponse:
    backend = request.session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[-1]
    next_url = next_url or request.session.get(PENDING_NEXT)
    for key in (PENDING_USER, PENDING_SINCE, PENDING_BACKEND, PENDING_NEXT, PENDING_ENROLMENT):
        request.session.pop(key, None)
    auth_login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    services.login_succeeded(user=user, method="password+totp" if device else "password")
    response = redirect(_safe_next(request, next_url))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password (login attempts are throttled by django-axes)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            next_url = request.POST.get("next") or request.GET.get("next", "")
            has_device = Authenticator.objects.filter(user=user, confirmed=True).exists()
            if not (has_device or requires_second_factor(user)):
                return _complete_login(request, user, None, next_url)
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_SINCE] = time.time()
            request.session[PENDING_BACKEND] = getattr(user, "backend", "")
            request.session[PENDING_NEXT] = next_url
            return redirect("accounts:login_otp" if has_device else "accounts:totp_enrol")
        username = request.POST.get("username", "")
        locked = getattr(request, "axes_locked_out", False)
        services.login_failed(
            username=username,
            reason="locked_out" if locked else "bad_credentials",
            user=User.objects.filter(username=username).first(),
        )
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _pending_or_restart(request: HttpRequest) -> User | HttpResponseRedirect:
    user = _pending_user(request)
    if user is None:
        messages.warning(request, MSG_PENDING_EXPIRED)
        return redirect("accounts:login")
    return user


@never_cache
def login_otp_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code; a wrong code is refused and audited."""
    user = _pending_or_restart(request)
    if isinstance(user, HttpResponseRedirect):
        return user
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        throttled = False
        for device in Authenticator.objects.filter(user=user, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                return _complete_login(request, user, device)
        services.login_failed(username=user.username, reason="bad_totp", user=user, typed=False)
        form.add_error("token", MSG_THROTTLED if throttled else MSG_BAD_TOKEN)
    return render(request, "accounts/login_otp.html", {"form": form})


@never_cache
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """First login of a role that needs a second factor: with the one-time enrolment code an
    administrator gave, set up an authenticator. The password alone is not enough."""
    user = _pending_or_restart(request)
    if isinstance(user, HttpResponseRedirect):
        return user
    if Authenticator.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:login_otp")
    enrolment_id = request.session.get(PENDING_ENROLMENT)
    if enrolment_id is None:
        code_form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and code_form.is_valid():
            enrolment = services.enrolment_code_find(user=user, code=code_form.cleaned_data["code"])
            if enrolment is not None:
                request.session[PENDING_ENROLMENT] = enrolment.pk
                return redirect("accounts:totp_enrol")
            services.login_failed(
                username=user.username, reason="bad_enrolment_code", user=user, typed=False
            )
            code_form.add_error("code", services.ENROLMENT_CODE_INVALID)
        return render(request, "accounts/totp_enrol_code.html", {"form": code_form})
    device = services.authenticator_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            try:
                services.authenticator_confirm(
                    user=user, device=device, enrolment_code_id=int(enrolment_id)
                )
            except services.EnrolmentCodeInvalid:
                request.session.pop(PENDING_ENROLMENT, None)
                messages.error(request, services.ENROLMENT_CODE_INVALID)
                return redirect("accounts:totp_enrol")
            return _complete_login(request, user, device)
        services.login_failed(
            username=user.username, reason="bad_totp_enrolment", user=user, typed=False
        )
        form.add_error("token", MSG_BAD_TOKEN)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
    raw = device.secret_base32
    secret = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    return render(
        request, "accounts/totp_enrol.html", {"form": form, "qr_svg": qr_svg, "secret": secret}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so that a link cannot log someone out)."""
    if request.user.is_authenticated:
        services.logout_done(user=request.user)  # type: ignore[arg-type]
    auth_logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    """Who I am, my organisation, my roles and regions, my second factor, my API tokens."""
    user: User = request.user  # type: ignore[assignment]
    token_form = ApiTokenForm()
    new_token: str | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        verified = bool(getattr(user, "is_verified", lambda: False)())
        if action == "api_token":
            token_form = ApiTokenForm(request.POST)
            if requires_second_factor(user) and not verified:
                token_form.add_error(None, MSG_TOKEN_SECOND_FACTOR)
            elif token_form.is_valid():
                try:
                    _token, new_token = services.api_token_create(
                        actor=user, name=token_form.cleaned_data["name"]
                    )
                    token_form = ApiTokenForm()
                except (ValueError, services.TokenNotAllowed) as exc:
                    token_form.add_error(None, str(exc))
        elif action == "revoke_token":
            if services.api_token_revoke(actor=user, token_key=request.POST.get("token", "")):
                messages.success(request, MSG_TOKEN_REVOKED)
            return redirect("accounts:profile")
    assignments = user.role_assignments.select_related("role").prefetch_related("regions")
    context: dict[str, Any] = {
        "profile_user": user,
        "roles": [
            (role_label(a.role.code), [r.name for r in a.regions.all()]) for a in assignments
        ],
        "role_codes": sorted(role_codes(user)),
        "language_form": LanguageForm(initial={"language": user.language}),
        "has_totp": Authenticator.objects.filter(user=user, confirmed=True).exists(),
        "token_form": token_form,
        "tokens": list(ApiToken.objects.filter(user=user).order_by("-created")),
        "new_token": new_token,
        "now": timezone.now(),
        "api_token_days": settings.EGIDE_API_TOKEN_DAYS,
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        messages.error(request, services.UNKNOWN_LANGUAGE)
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(actor=request.user, language=language)  # type: ignore[arg-type]
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        max_age=365 * 24 * 3600,
    )
    return response
