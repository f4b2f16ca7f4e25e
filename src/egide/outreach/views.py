"""Outreach pages: ambassadors, dialogues and the programme's reach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.audit.services import audit_record
from egide.cases.selectors import alerts_for
from egide.core.models import Region
from egide.core.paging import page_without_count
from egide.outreach import selectors, services
from egide.outreach.forms import (
    AmbassadorForm,
    DialogueForm,
    DialogueSearchForm,
    ReachFilterForm,
    TeamForm,
)
from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Ambassador, Dialogue, Team
from egide.outreach.permissions import (
    can_manage_ambassadors,
    can_read_own_reach,
    can_read_reach,
    can_record_dialogues,
)
from egide.outreach.reach import own_reach, reach


def dialogue_list_view(request: HttpRequest) -> HttpResponse:
    """Dialogues (counts, no names), searchable, paged without COUNT(*)."""
    if not can_record_dialogues(request.user):
        raise Http404
    form = DialogueSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"].strip(),
            "region_id": data["region"].pk if data["region"] else None,
            "format": data["format"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "mine": data["mine"],
        }
    dialogues = selectors.dialogues_search(request.user, **filters)
    page = page_without_count(dialogues, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/dialogue_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "searched": bool(filters)},
    )


def _dialogue_initial(user: Any, mine: Ambassador | None) -> dict[str, Any]:
    """The facilitator, organisation and region of the account, ready in the form."""
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if mine is not None:
        initial["ambassador"] = mine
        initial["region"] = mine.prefecture.region
        initial["prefecture"] = mine.prefecture
    if user.organisation_id:
        initial["organisation"] = user.organisation
    if "region" not in initial:
        regions = selectors.acting_region_ids(user)
        if len(regions) == 1:
            initial["region"] = Region.objects.filter(pk__in=regions).first()
    return initial


def dialogue_create_view(request: HttpRequest) -> HttpResponse:
    if not can_record_dialogues(request.user):
        raise Http404
    alerts = alerts_for(request.user).filter(created_by=request.user)
    mine = selectors.own_ambassador(request.user)
    ambassadors = selectors.ambassadors_listable_by(request.user)
    form = DialogueForm(
        request.POST or None,
        alerts=alerts,
        ambassadors=ambassadors,
        initial=_dialogue_initial(request.user, mine),
    )
    # The select shows ambassadors' full names (personal data): an audited read.
    audit_record(
        actor=request.user,
        action="outreach.ambassador_names_listed",
        details={"count": ambassadors.count(), "page": "dialogue_form"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        counts = {f: data[f] or 0 for f in [f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS}
        try:
            services.dialogue_record(
                actor=request.user,
                held_on=data["held_on"],
                region=data["region"],
                prefecture=data["prefecture"],
                locality=data["locality"],
                ambassador=data["ambassador"],
                team=data["team"],
                organisation=data["organisation"],
                format=data["format"],
                topics=data["topics"],
                language=data["language"],
                counts=counts,
                follow_up=data["follow_up"],
                alerts=list(data["alerts"]),
            )
        except services.OutreachError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dialogue recorded."))
            return redirect("outreach:dialogues")
    if request.method == "POST" and form.errors:
        messages.error(request, _("The dialogue is not saved yet: correct the fields marked."))
    return render(request, "outreach/dialogue_form.html", {"form": form})


def ambassador_list_view(request: HttpRequest) -> HttpResponse:
    """Ambassadors and their teams (names: coordinators only; the read is audited)."""
    if not can_manage_ambassadors(request.user):
        raise Http404
    is_team = request.POST.get("form") == "team"
    form = AmbassadorForm(request.POST if request.method == "POST" and not is_team else None)
    team_form = TeamForm(request.POST if is_team else None)
    if request.method == "POST" and not is_team and form.is_valid():
        services.ambassador_register(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Ambassador registered."))
        return redirect("outreach:ambassadors")
    if is_team and team_form.is_valid():
        services.team_create(
            actor=request.user,
            name=team_form.cleaned_data["name"],
            region=team_form.cleaned_data["region"],
            members=list(team_form.cleaned_data["members"]),
        )
        messages.success(request, _("Team created."))
        return redirect("outreach:ambassadors")
    audit_record(actor=request.user, action="outreach.ambassadors_viewed")
    ambassadors = Ambassador.objects.select_related("prefecture", "organisation")
    teams = Team.objects.select_related("region").prefetch_related("members")
    return render(
        request,
        "outreach/ambassadors.html",
        {"ambassadors": ambassadors, "form": form, "team_form": team_form, "teams": teams},
    )


def reach_view(request: HttpRequest) -> HttpResponse:
    """Totals against the programme's targets, by region and period (no personal data); an
    ambassador sees the reach of their own dialogues."""
    if not can_read_reach(request.user):
        mine = selectors.own_ambassador(request.user)
        if not can_read_own_reach(request.user) or mine is None:
            raise Http404
        return render(
            request,
            "outreach/my_reach.html",
            {
                "ambassador": mine,
                "reach": (data := own_reach(ambassador_id=mine.pk)),
                "audiences": [
                    (Dialogue._meta.get_field(f).verbose_name, n)
                    for f, n in data["by_audience"].items()
                ],
            },
        )
    form = ReachFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "region_id": data["region"].pk if data["region"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    from egide.monitoring.permissions import suppressed_for

    return render(
        request,
        "outreach/reach.html",
        {"form": form, "reach": reach(**filters, suppressed=suppressed_for(request.user))},
    )


class CanReadReach(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_read_reach(request.user)


class ReachApi(APIView):
    """The programme's totals against targets; `region` (ISO code), `from`, `to` filter."""

    permission_classes = [CanReadReach]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("region", str, description="Region ISO code, e.g. GN-L."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (1900–2100)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (1900–2100)."),
        ],
    )
    def get(self, request: Request) -> Response:
        from datetime import date

        from egide.core.limits import DATE_MAX, DATE_MIN
        from egide.core.models import Region

        params = request.query_params
        region = Region.objects.filter(code=params.get("region", "")).first()
        try:
            date_from = date.fromisoformat(params["from"]) if params.get("from") else None
            date_to = date.fromisoformat(params["to"]) if params.get("to") else None
        except ValueError:
            return Response({"errors": {"from/to": ["Use dates as YYYY-MM-DD."]}}, status=400)
        for value in (date_from, date_to):
            if value is not None and not DATE_MIN <= value <= DATE_MAX:
                return Response(
                    {"errors": {"from/to": ["Give dates between 1900 and 2100."]}}, status=400
                )
        from egide.monitoring.permissions import suppressed_for

        return Response(
            reach(
                region_id=region.pk if region else None,
                date_from=date_from,
                date_to=date_to,
                suppressed=suppressed_for(request.user),
            )
        )
