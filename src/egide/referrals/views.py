"""Referral pages: the provider's inbox and answers, the sender's follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from egide.accounts import roles
from egide.accounts.permissions import has_role
from egide.core.paging import page_without_count
from egide.referrals import services
from egide.referrals.forms import SHARED_CHOICES, DeclineForm, DeliveryForm, ReferralFilterForm
from egide.referrals.permissions import can_answer, can_manage
from egide.referrals.selectors import get_referral_for_user_or_404, referrals_search

RECEIVING_ROLES = (
    roles.SERVICE_PROVIDER,
    roles.LAW_ENFORCEMENT,
    roles.CASE_WORKER,
    roles.CASE_SUPERVISOR,
)


def referral_list_view(request: HttpRequest) -> HttpResponse:
    """Referrals addressed to my organisation, or sent for my cases."""
    if not has_role(request.user, *RECEIVING_ROLES):
        raise Http404
    form = ReferralFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = dict(form.cleaned_data)
    page = page_without_count(referrals_search(request.user, **filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for key in [k for k, v in query.items() if not v]:
        del query[key]  # empty fields are no filter (and need not travel with the pager)
    return render(
        request,
        "referrals/list.html",
        {"page": page, "form": form, "query": query.urlencode(), "filtered": bool(query)},
    )


def shared_rows(shared: dict[str, Any]) -> list[tuple[str, Any]]:
    """The data sent with a referral as (label, value) in the reader's language: providers
    and police read "Prénom: Aminata", never `first_name` or `sex: female`."""
    from egide.cases.models import SEX_CHOICES

    labels = {"case_code": _("Case code"), "message": _("Message"), **dict(SHARED_CHOICES)}
    sexes = dict(SEX_CHOICES)
    rows = []
    for key, value in shared.items():
        shown = sexes.get(value, value) if key == "sex" else value
        rows.append((str(labels.get(key, _("Other information"))), shown))
    return rows


def referral_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One referral and the data it carries (the read is audited)."""
    referral = get_referral_for_user_or_404(request.user, pk)
    services.referral_viewed(actor=request.user, referral=referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "shared_rows": shared_rows(referral.shared),
            "answerer": can_answer(request.user, referral),
            "manager": can_manage(request.user, referral),
            "decline_form": DeclineForm(),
            "delivery_form": DeliveryForm(),
        },
    )


def referral_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline, record delivery (addressee); cancel or close (sender's team)."""
    if request.method != "POST":
        raise Http404
    referral = get_referral_for_user_or_404(request.user, pk)
    user = request.user
    try:
        if action in ("accept", "decline", "deliver"):
            if not can_answer(user, referral):
                raise Http404
            if action == "accept":
                services.referral_accept(actor=user, referral=referral)
            elif action == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    raise services.ReferralRefused(str(services.REASON_REQUIRED))
                services.referral_decline(
                    actor=user, referral=referral, reason=form.cleaned_data["reason"]
                )
            else:
                delivery = DeliveryForm(request.POST)
                if not delivery.is_valid():
                    raise services.ReferralRefused(str(services.REASON_REQUIRED))
                services.referral_record_delivery(
                    actor=user,
                    referral=referral,
                    delivered=delivery.cleaned_data["delivered"] == "yes",
                    outcome=delivery.cleaned_data["outcome"],
                )
        elif action in ("cancel", "close"):
            if not can_manage(user, referral):
                raise Http404
            if action == "cancel":
                services.referral_cancel(actor=user, referral=referral)
            else:
                services.referral_close(actor=user, referral=referral)
        else:
            raise Http404
    except services.ReferralRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("referrals:detail", pk=referral.pk)
