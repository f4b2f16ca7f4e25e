"""Alert and case pages. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.services import audit_record
from egide.cases import forms, services
from egide.cases.models import Alert, Case
from egide.cases.permissions import (
    can_approve_closure,
    can_open_cases,
    can_raise_alert,
    can_triage,
    is_case_supervisor,
)
from egide.cases.selectors import (
    ON_DEMAND,
    alerts_search,
    case_file_for,
    case_list_rows,
    cases_for,
    cases_search,
    get_alert_for_user_or_404,
    get_case_for_user_or_404,
)
from egide.core.blank_forms import BlankForm
from egide.core.feedback import message_at, redirect_to_section
from egide.core.numbers import whole_number
from egide.core.paging import page_without_count
from egide.directory.models import Service
from egide.referrals.services import SHAREABLE_FIELDS

SAVED = _("Saved.")


def _workers_of(user: Any) -> Any:
    return User.objects.filter(
        organisation_id=user.organisation_id,
        is_active=True,
        role_assignments__role__code__in=[roles.CASE_WORKER, roles.CASE_SUPERVISOR],
    ).distinct()


# --- alerts -------------------------------------------------------------------------------------


def alert_list_view(request: HttpRequest) -> HttpResponse:
    """Alerts I raised and, for supervisors, those of my regions (overdue first)."""
    if not can_raise_alert(request.user):
        raise Http404
    form = forms.AlertFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "status": data["status"],
            "urgency": data["urgency"],
            "region_id": data["region"].pk if data["region"] else None,
            "overdue": data["overdue"],
        }
    page = page_without_count(alerts_search(request.user, **filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for key in [k for k, v in query.items() if not v]:
        del query[key]  # empty fields are no filter (and need not travel with the pager)
    return render(
        request,
        "cases/alert_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "filtered": bool(query)},
    )


def _assessment_of(request: HttpRequest) -> Any:
    """The screening an alert is raised from (?assessment=), if the user may see it."""
    raw = request.POST.get("assessment") or request.GET.get("assessment") or ""
    pk = whole_number(raw)
    if pk is None:
        return None
    from egide.screening.selectors import get_assessment_for_user_or_404

    return get_assessment_for_user_or_404(request.user, pk)


def _alert_initial(assessment: Any) -> dict[str, Any]:
    """An alert pre-filled from a saved screening: no name, only what triage needs."""
    from django.utils.translation import gettext

    from egide.screening.summary import assessment_summary

    if assessment is None:
        return {}
    summary = assessment_summary(assessment)
    return {
        "region": assessment.region_id,
        "seen_on": timezone.localtime(assessment.created_at).date(),
        "urgency": "immediate"
        if assessment.urgent
        else ("urgent" if assessment.trafficking_level == "presumed" else "normal"),
        "child_concerned": "yes" if assessment.child else "",
        "person_description": gettext("Person screened in %(code)s: %(person)s")
        % {"code": assessment.code, "person": summary["person"]},
        "what_was_seen": "\n".join(summary["reasons"]),
    }


def alert_create_view(request: HttpRequest) -> HttpResponse:
    if not can_raise_alert(request.user):
        raise Http404
    assessment = _assessment_of(request)
    if assessment is not None and request.method != "POST":
        # The form is pre-filled from the screening: that is a read of it.
        from egide.screening.services import assessment_viewed

        assessment_viewed(actor=request.user, assessment=assessment)
    form = forms.AlertForm(request.POST or None, initial=_alert_initial(assessment))
    if request.method == "POST" and form.is_valid():
        alert = services.alert_raise(actor=request.user, assessment=assessment, **form.cleaned_data)
        messages.success(
            request,
            _("Alert %(code)s raised. The case supervisors of the region will triage it.")
            % {"code": alert.code},
        )
        return redirect("cases:alert_detail", pk=alert.pk)
    return render(request, "cases/alert_form.html", {"form": form, "assessment": assessment})


def alert_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_user_or_404(request.user, pk)
    triager = can_triage(request.user, alert) and alert.status == Alert.Status.NEW
    form = forms.TriageForm(request.POST or None, owners=_workers_of(request.user))
    if request.method == "POST":
        if not triager:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "open":
                    case = services.alert_open_case(
                        actor=request.user, alert=alert, owner=data["owner"]
                    )
                    messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
                    return redirect("cases:detail", pk=case.pk)
                if data["decision"] == "merge":
                    case = (
                        cases_for(request.user)
                        .filter(code__iexact=data["case_code"].strip())
                        .first()
                    )
                    if case is None:
                        form.add_error("case_code", _("No case of yours has this code."))
                    else:
                        services.alert_merge(actor=request.user, alert=alert, case=case)
                        return redirect("cases:detail", pk=case.pk)
                else:
                    services.alert_close(actor=request.user, alert=alert, reason=data["reason"])
                    messages.success(request, SAVED)
                    return redirect("cases:alert_list")
            except services.CaseError as exc:
                form.add_error(None, str(exc))
    audit_record(actor=request.user, action="alert.viewed", obj=alert)
    return render(
        request, "cases/alert_detail.html", {"alert": alert, "form": form, "triager": triager}
    )


# --- cases --------------------------------------------------------------------------------------


def case_list_view(request: HttpRequest) -> HttpResponse:
    """Cases I may see, with filters; name search through the blind index."""
    if not can_open_cases(request.user):
        raise Http404
    # The owner filter shows names only: the rest of each user's row is not read.
    owners = _workers_of(request.user).only("pk", "username", "first_name", "last_name")
    form = forms.CaseFilterForm(request.GET or None, owners=owners)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "status": data["status"],
            "region_id": data["region"].pk if data["region"] else None,
            "owner_id": data["owner"].pk if data["owner"] else None,
            "need": data["need"],
            "overdue": data["overdue"],
            "child": {"yes": True, "no": False}.get(data["child"]),
            "opened_from": data["opened_from"],
            "opened_to": data["opened_to"],
        }
    cases = case_list_rows(cases_search(request.user, **filters))
    page = page_without_count(cases, request.GET.get("page"))
    if filters.get("q"):
        audit_record(
            actor=request.user,
            action="case.searched",
            details={
                "by": "code" if "GN-" in filters["q"].upper() else "name",
                "results": len(page),
            },
        )
    query = request.GET.copy()
    query.pop("page", None)
    for key in [k for k, v in query.items() if not v]:
        del query[key]  # empty fields are no filter (and need not travel with the pager)
    return render(
        request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _shown(request: HttpRequest) -> frozenset[str]:
    """The parts of the case file asked for (`?show=notes&show=history`; `all`: every part)."""
    asked = {part for value in request.GET.getlist("show") for part in value.split(",")}
    if "all" in asked:
        return frozenset(ON_DEMAND)
    return frozenset(asked.intersection(ON_DEMAND))


def _show_links(case: Case, shown: frozenset[str]) -> dict[str, str]:
    """For each part shown on demand, the address of the page with that part shown too."""
    return {
        part: f"{case_url(case)}?{urlencode({'show': ','.join(sorted(shown | {part}))})}"
        for part in ON_DEMAND
    }


def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file: identity, status, consents, needs, referrals, follow-ups; the status
    history, notes, files and the team form when asked for (their counts always)."""
    shown = _shown(request)
    file = case_file_for(request.user, pk, shown)
    case = file.case
    services.case_viewed(actor=request.user, case=case, shown=shown)
    supervisor = is_case_supervisor(request.user, case)
    team_ids = {member.user_id for member in file.team}
    context = {
        "case": case,
        "shown": shown,
        "show_links": _show_links(case, shown),
        "supervisor": supervisor,
        "can_approve": can_approve_closure(request.user, case) and case.closure_pending,
        # Each form its own ids: several have a "note" field, and a label must name its own.
        "status_form": BlankForm(forms.StatusForm, "status-%s", {"status": case.status}),
        "consent_form": BlankForm(forms.ConsentForm, "consent-%s"),
        "need_form": BlankForm(forms.NeedForm, "need-%s"),
        "note_form": BlankForm(forms.NoteForm, "note-%s"),
        "attachment_form": BlankForm(forms.AttachmentForm, "attachment-%s"),
        "follow_up_form": BlankForm(forms.FollowUpForm, "follow-up-%s"),
        "closure_form": BlankForm(forms.ClosureForm, "closure-%s"),
        "reopen_form": BlankForm(forms.ReopenForm, "reopen-%s"),
        "team": file.team,
        "consents": file.consents,
        "needs": file.needs,
        "referrals": file.referrals,
        "follow_ups": file.follow_ups,
        "assessments": file.assessments,
        "history": file.history,
        "notes": file.notes,
        "attachments": file.attachments,
    }
    if "team" in shown:  # the candidates of "add to the team": one query, when asked for
        context["member_form"] = forms.MemberForm(
            candidates=_workers_of(request.user).exclude(pk__in=team_ids)
        )
    return render(request, "cases/case_detail.html", context)


def case_identity_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the person's identity (the case's team only)."""
    case = get_case_for_user_or_404(request.user, pk)
    if request.method != "POST":
        services.case_viewed(actor=request.user, case=case)  # the form shows the identity
    form = forms.IdentityForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if "nationality" in data:
            nationality = data.pop("nationality")
            # The foreign key points at Country.code (to_field), not at its primary key.
            data["nationality_id"] = nationality.code if nationality else None
        if "prefecture" in data:
            prefecture = data.pop("prefecture")
            data["prefecture_id"] = prefecture.pk if prefecture else None
        fresh = Case.objects.get(pk=case.pk)  # the form already changed `case` in memory
        try:
            services.case_update_identity(actor=request.user, case=fresh, **data)
        except services.CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, SAVED)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_identity.html", {"case": case, "form": form})


def _consent(request: HttpRequest, case: Case, item: int | None) -> None:
    if item is not None:
        consent = case.consents.filter(pk=item).first()
        if consent is None:
            raise Http404
        services.consent_withdraw(actor=request.user, consent=consent)
        return
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        raise _FormInvalid(form)
    services.consent_record(actor=request.user, case=case, **form.cleaned_data)


class _FormInvalid(Exception):
    def __init__(self, form: Any) -> None:
        super().__init__("form invalid")
        self.form = form


def _simple(form_class: Any, service: Callable[..., Any], **fixed: Any) -> Callable[..., None]:
    def action(request: HttpRequest, case: Case, item: int | None) -> None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            raise _FormInvalid(form)
        service(actor=request.user, case=case, **form.cleaned_data, **fixed)

    return action


def _attachment(request: HttpRequest, case: Case, item: int | None) -> None:
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _FormInvalid(form)
    upload = form.cleaned_data["file"]
    services.attachment_add(
        actor=request.user,
        case=case,
        filename=upload.name,
        content_type=upload.content_type or "",
        content=upload.read(),
    )


def _need_status(request: HttpRequest, case: Case, item: int | None) -> None:
    need = case.needs.filter(pk=item).first()
    status = request.POST.get("status", "")
    if need is None or status not in need.Status.values:
        raise Http404
    services.need_set_status(actor=request.user, need=need, status=status)


def _follow_up_done(request: HttpRequest, case: Case, item: int | None) -> None:
    follow_up = case.follow_ups.filter(pk=item, done_at__isnull=True).first()
    if follow_up is None:
        raise Http404
    services.follow_up_done(
        actor=request.user, follow_up=follow_up, note=request.POST.get("note", "")[:500]
    )


def _member(request: HttpRequest, case: Case, item: int | None) -> None:
    form = forms.MemberForm(request.POST, candidates=_workers_of(request.user))
    if not form.is_valid():
        raise _FormInvalid(form)
    services.case_add_member(actor=request.user, case=case, user=form.cleaned_data["user"])


def _approve(request: HttpRequest, case: Case, item: int | None) -> None:
    services.closure_approve(actor=request.user, case=case)


def _review(request: HttpRequest, case: Case, item: int | None) -> None:
    services.case_review(actor=request.user, case=case)


def _status(request: HttpRequest, case: Case, item: int | None) -> None:
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        raise _FormInvalid(form)
    services.case_change_status(
        actor=request.user,
        case=case,
        to_status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
    )


ACTIONS: dict[str, Callable[[HttpRequest, Case, int | None], None]] = {
    "status": _status,
    "consent": _consent,
    "need": _simple(forms.NeedForm, services.need_add),
    "need_status": _need_status,
    "note": _simple(forms.NoteForm, services.note_add),
    "attachment": _attachment,
    "follow_up": _simple(forms.FollowUpForm, services.follow_up_plan),
    "follow_up_done": _follow_up_done,
    "member": _member,
    "closure_request": _simple(forms.ClosureForm, services.closure_request),
    "closure_approve": _approve,
    "reopen": _simple(forms.ReopenForm, services.case_reopen),
    "review": _review,
}


# The page section (its id) each action of the case page belongs to, when not the action's name.
ACTION_SECTIONS = {
    "need_status": "need",
    "follow_up_done": "follow_up",
    "member": "identity",
    "closure_request": "closure",
    "closure_approve": "closure",
    "reopen": "closure",
    "review": "status",
}


# After these actions the page comes back with the part they changed shown (on demand).
ACTION_SHOWS = {
    "status": "history",
    "note": "notes",
    "attachment": "attachments",
    "member": "team",
}


@require_POST
def case_action_view(
    request: HttpRequest, pk: int, action: str, item: int | None = None
) -> HttpResponse:
    """One small form of the case page; errors come back as messages, nothing half-saved."""
    case = get_case_for_user_or_404(request.user, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    # The message shows inside the section that was saved, where the page scrolls to.
    section = ACTION_SECTIONS.get(action, action)
    try:
        handler(request, case, item)
    except services.CaseError as exc:
        message_at(request, section, str(exc), messages.ERROR)
    except _FormInvalid as invalid:
        for field, errors in invalid.form.errors.items():
            label = invalid.form.fields[field].label if field in invalid.form.fields else ""
            for error in errors:
                text = f"{label} : {error}" if label else str(error)
                message_at(request, section, text, messages.ERROR)
    else:
        message_at(request, section, str(SAVED))
    part = ACTION_SHOWS.get(action)
    url = f"{case_url(case)}?{urlencode({'show': part})}" if part else case_url(case)
    return redirect_to_section(url, section)


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def attachment_download_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    case = get_case_for_user_or_404(request.user, pk)
    attachment = case.attachments.filter(pk=item).first()
    if attachment is None:
        raise Http404
    content = services.attachment_read(actor=request.user, attachment=attachment)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    response["Cache-Control"] = "no-store"
    return response


def refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer one need of the case to a service of the directory."""
    from egide.referrals.forms import ReferralForm
    from egide.referrals.services import ReferralRefused, referral_send

    case = get_case_for_user_or_404(request.user, pk)
    need_id = request.GET.get("need") or request.POST.get("need")
    form = ReferralForm(
        request.POST or None,
        case=case,
        initial={"need": need_id, "shared_fields": ["first_name", "sex", "age"]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_send(
                actor=request.user,
                case=case,
                need=data["need"],
                service=data["service"],
                urgency=data["urgency"],
                shared_fields=data["shared_fields"],
                message=data["message"],
                override_reason=data["override_reason"],
            )
        except ReferralRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral %(code)s sent.") % {"code": referral.code})
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/refer.html",
        {
            "case": case,
            "form": form,
            "shareable": SHAREABLE_FIELDS,
            "supervisor": is_case_supervisor(request.user, case),
            "services_count": Service.objects.filter(is_active=True).count(),
        },
    )
