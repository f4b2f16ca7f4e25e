"""The audit trail page, for administrators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from egide.audit.forms import AuditFilterForm
from egide.audit.permissions import can_view_audit_trail
from egide.audit.selectors import audit_events_filtered, audit_filter_summary, audit_seal_status
from egide.audit.services import audit_record


def audit_list_view(request: HttpRequest) -> HttpResponse:
    """Browse and filter the audit trail (the search itself is audited)."""
    if not can_view_audit_trail(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_filtered(**filters).select_related(None)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
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
