"""Interoperability pages and the SMS webhooks. Views parse input, call one service or selector,
and render. The webhooks answer JSON: 401 without the channel's secret (nothing is read or
created), 400 with a clear message for a request that cannot be read, 429 past the rate."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egide.cases.selectors import get_case_for_user_or_404
from egide.cases.services import CaseError
from egide.interop import selectors, services, webhooks
from egide.interop.forms import (
    EGIDE_FIELD_LABELS,
    CpimsConnectionForm,
    CpimsReferForm,
    SmsChannelForm,
)
from egide.interop.models import CpimsReferral, SmsChannel
from egide.interop.permissions import (
    can_manage_interop,
    can_refer_to_cpims,
    can_view_sms_channels,
)

AT_SECRET_PARAMETER = "k"  # noqa: S105 - the name of the query parameter, not a secret
SAVED = _("Saved.")
NO_SECRET = _("Unknown channel or wrong secret.")
BAD_REQUEST = {
    webhooks.TOO_BIG: _("The request is larger than 64 KB."),
    webhooks.NOT_UTF8: _("The request is not valid UTF-8."),
    webhooks.NOT_JSON: _("The request is not a JSON object."),
    webhooks.NOT_FORM: _("Send the message as a form (application/x-www-form-urlencoded)."),
    webhooks.MISSING: _("Missing field(s): %(fields)s."),
    webhooks.TOO_LONG: _("The message is longer than %(n)s characters."),
    webhooks.BAD_DATE: _(
        "The field date is not a date (2017-05-03T06:04:45Z or 2017-05-03 06:04:45)."
    ),
    webhooks.BAD_FIELD: _("The field %(name)s is too long or not text."),
}


# --- webhooks -----------------------------------------------------------------------------------


def _answer(status: int, detail: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"detail": detail, **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _header_secret(request: HttpRequest) -> str:
    """``Authorization: Token <secret>`` (as a RapidPro action sets it) or ``X-Egide-Secret``."""
    value = request.headers.get("Authorization", "")
    scheme, _sep, token = value.partition(" ")
    if scheme.lower() == "token" and token.strip():
        return token.strip()
    return request.headers.get("X-Egide-Secret", "").strip()


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _receive(request: HttpRequest, channel: SmsChannel | None, kind: str) -> HttpResponse:
    # Gateways get the system's language (French first), whatever they send.
    with translation.override("fr"):
        if channel is None:
            return _answer(401, str(NO_SECRET))
        if _declared_length(request) > webhooks.MAX_BODY:
            # Refused before the body is read (Django would refuse past its own limit in HTML).
            return _answer(400, str(BAD_REQUEST[webhooks.TOO_BIG]))
        try:
            if kind == SmsChannel.Kind.RAPIDPRO:
                message = webhooks.read_rapidpro(request.body)
            else:
                message = webhooks.read_africastalking(request.body, request.content_type or "")
        except webhooks.BadPayload as bad:
            return _answer(400, str(BAD_REQUEST[bad.code]) % bad.params)
        except RequestDataTooBig:
            return _answer(400, str(BAD_REQUEST[webhooks.TOO_BIG]))
        inbound = services.Inbound(
            message_id=message.message_id,
            sender=message.sender,
            text=message.text,
            seen_on=message.seen_on,
            results=message.results,
            derived_id=message.derived_id,
        )
        try:
            received = services.sms_receive(channel=channel, inbound=inbound)
        except services.SmsRefused as refused:
            response = _answer(429, str(refused))
            response["Retry-After"] = "3600"
            return response
        return _answer(
            200,
            received.reply,
            ref=received.alert.code,
            message=received.reply,
            duplicate=received.duplicate,
        )


@csrf_exempt
@require_POST
def rapidpro_webhook(request: HttpRequest, channel: Any) -> HttpResponse:
    """A RapidPro/TextIt flow's "Call Webhook" action; the secret in a header."""
    found = services.sms_channel_authenticate(
        channel, _header_secret(request), SmsChannel.Kind.RAPIDPRO
    )
    return _receive(request, found, SmsChannel.Kind.RAPIDPRO)


@csrf_exempt
@require_POST
def africastalking_webhook(request: HttpRequest, channel: Any) -> HttpResponse:
    """Africa's Talking's inbound-SMS callback. It sets no header, so the secret travels in the
    query string (``?k=<secret>``), never in the path: access logs (gunicorn's ``%(U)s``) and
    Django's request warnings write the path only."""
    secret = request.GET.get(AT_SECRET_PARAMETER, "") or request.headers.get("X-Egide-Secret", "")
    found = services.sms_channel_authenticate(
        channel, secret.strip(), SmsChannel.Kind.AFRICASTALKING
    )
    return _receive(request, found, SmsChannel.Kind.AFRICASTALKING)


# --- SMS channels -------------------------------------------------------------------------------


def _webhook_url(request: HttpRequest, channel: SmsChannel, secret: str = "") -> str:
    if channel.kind == SmsChannel.Kind.RAPIDPRO:
        path = reverse("interop:rapidpro_webhook", args=[channel.public_id])
    else:
        path = reverse("interop:africastalking_webhook", args=[channel.public_id])
        path += "?" + urlencode({AT_SECRET_PARAMETER: secret or "SECRET"})
    return request.build_absolute_uri(path)


def sms_channels_view(request: HttpRequest) -> HttpResponse:
    """The SMS channels and their latest deliveries (message and number only for the readers
    of the alert)."""
    if not can_view_sms_channels(request.user):
        raise Http404
    channels = selectors.channels_for(request.user)
    rows = selectors.recent_deliveries_for(request.user)
    services.sms_deliveries_viewed(
        actor=request.user, deliveries=[r.delivery.pk for r in rows if r.readable]
    )
    manager = can_manage_interop(request.user)
    return render(
        request,
        "interop/sms_channels.html",
        {
            "channels": [(c, _webhook_url(request, c) if manager else "") for c in channels],
            "rows": rows,
            "manager": manager,
            "cpims": selectors.cpims_connection() if manager else None,
        },
    )


def _secret_page(request: HttpRequest, channel: SmsChannel, secret: str) -> HttpResponse:
    response = render(
        request,
        "interop/sms_channel_secret.html",
        {"channel": channel, "secret": secret, "url": _webhook_url(request, channel, secret)},
    )
    response["Cache-Control"] = "no-store"
    return response


def sms_channel_create_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_interop(request.user):
        raise Http404
    form = SmsChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel, secret = services.sms_channel_create(actor=request.user, **form.cleaned_data)
        return _secret_page(request, channel, secret)
    return render(request, "interop/sms_channel_form.html", {"form": form, "channel": None})


def sms_channel_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.get_channel_for_admin_or_404(request.user, pk)
    form = SmsChannelForm(request.POST or None, instance=SmsChannel.objects.get(pk=channel.pk))
    if request.method == "POST" and form.is_valid():
        services.sms_channel_update(actor=request.user, channel=channel, **form.cleaned_data)
        messages.success(request, SAVED)
        return redirect("interop:sms_channels")
    return render(request, "interop/sms_channel_form.html", {"form": form, "channel": channel})


@require_POST
def sms_channel_secret_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A new secret for the channel, shown once."""
    channel = selectors.get_channel_for_admin_or_404(request.user, pk)
    secret = services.sms_channel_rotate_secret(actor=request.user, channel=channel)
    return _secret_page(request, channel, secret)


# --- CPIMS+ -------------------------------------------------------------------------------------


def cpims_connection_view(request: HttpRequest) -> HttpResponse:
    """The administrator's CPIMS+ connection: address, account, field mapping."""
    if not can_manage_interop(request.user):
        raise Http404
    connection = selectors.cpims_connection()
    form = CpimsConnectionForm(
        request.POST or None,
        connection=connection,
        initial=CpimsConnectionForm.initial_for(connection),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cpims_connection_save(
                actor=request.user,
                base_url=data["base_url"],
                username=data["username"],
                password=data["password"],
                module_id=data["module_id"],
                protection_concerns=data["protection_concerns"],
                field_map=data["field_map"],
                logins_per_minute=data["logins_per_minute"],
                enabled=data["enabled"],
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, SAVED)
            return redirect("interop:cpims_connection")
    return render(
        request, "interop/cpims_connection.html", {"form": form, "connection": connection}
    )


def cpims_refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Refer to CPIMS+" on a child's case: tick the fields, Égide checks consent and queues
    the sending; the page then shows where it stands."""
    if not can_refer_to_cpims(request.user):
        raise Http404
    case = get_case_for_user_or_404(request.user, pk)
    referral = selectors.cpims_referral_of(case)
    form = CpimsReferForm(
        request.POST or None,
        initial={"fields_sent": referral.fields if referral else ["first_name", "last_name"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.cpims_refer(
                actor=request.user, case=case, fields=form.cleaned_data["fields_sent"]
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext("The case is being sent to CPIMS+; this page shows the result."),
            )
            return redirect("interop:cpims_refer", pk=case.pk)
    problem = services.cpims_problem(case)
    return render(
        request,
        "interop/cpims_refer.html",
        {
            "case": case,
            "form": form,
            "referral": referral,
            "problem": problem[1] if problem else "",
            "configured": selectors.cpims_connection() is not None,
            "sent_labels": [
                str(EGIDE_FIELD_LABELS[f]) for f in (referral.fields if referral else [])
            ],
            "done": referral is not None and referral.done,
            "pending": referral is not None and referral.status == CpimsReferral.Status.QUEUED,
        },
    )
