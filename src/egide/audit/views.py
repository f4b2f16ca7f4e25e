"""The audit trail page, for administrators."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from egide.audit.forms import AuditFilterForm
from egide.audit.permissions import can_view_audit_trail
from egide.audit.selectors import audit_events_filtered, audit_filter_summary, audit_seal_status
from egide.audit.services import audit_record
from egide.core.paging import page_without_count


def audit_list_view(request: HttpRequest) -> HttpResponse:
    """Browse and filter the audit trail (the search itself is audited)."""
    if not can_view_audit_trail(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_filtered(**filters).select_related(None)
    # No COUNT(*): the trail is the biggest table, and nearly every page view adds to it.
    page = page_without_count(events, request.GET.get("page"), per_page=50)
    audit_record(
        actor=request.user,
        action="audit.viewed",
        details={"filters": audit_filter_summary(filters), "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "seal": audit_seal_status(),
        },
    )
