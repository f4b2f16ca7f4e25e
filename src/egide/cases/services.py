"""Writes on alerts and cases. Each service checks its rule, writes, and audits in one transaction.

Errors are CaseError with a message a person can act on; views show it as is.
"""

from __future__ import annotations

import base64
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.audit.models import AuditEvent
from egide.audit.services import audit_event, audit_record, audit_record_many
from egide.cases.models import (
    SEX_CHOICES,
    Alert,
    Attachment,
    Case,
    CaseCounter,
    CaseMember,
    CaseNameToken,
    CaseStatusChange,
    Consent,
    FollowUp,
    Need,
    Note,
)
from egide.cases.names import name_tokens
from egide.cases.permissions import can_approve_closure, can_open_case_in, can_triage
from egide.core.models import Region
from egide.core.signals import bulk_created

IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "aliases",
    "birth_date",
    "languages",
    "phone",
    "guardian",
)
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "text/plain")

NOT_TRIAGER = _("Only a case supervisor of the alert's region can triage it.")
ALREADY_TRIAGED = _("This alert has already been triaged.")
REASON_REQUIRED = _("Give a reason.")
CASE_CLOSED = _("The case is closed: reopen it first.")
CASE_PURGED = _("The identifying data of this case were purged; it cannot be changed.")
BAD_TRANSITION = _("Use the closure request to close a case.")
NOT_SUPERVISOR = _("Only a case supervisor of this case can approve its closure.")
NO_CLOSURE_REQUEST = _("No closure was requested for this case.")
BID_ONLY_CHILD = _("A best-interests determination replaces consent only for a child.")
ALREADY_WITHDRAWN = _("This consent was already withdrawn.")
FILE_TOO_BIG = _("The file is larger than 5 MB.")
FILE_TYPE = _("Only PDF, JPEG, PNG and plain-text files can be attached.")
MEMBER_ORG = _("Only case workers and supervisors of the owner organisation can join the team.")


NOT_REVIEWER = _("Only a case supervisor of this case can review it.")
ASSESSMENT_HAS_CASE = _("This screening is already attached to a case.")
NOT_YOUR_REGION = _("You can only open a case in a region where you work.")


class CaseError(ValueError):
    """A case rule was not met; the message says what to do."""


def _check_open(case: Case) -> None:
    if case.purged_at:
        raise CaseError(str(CASE_PURGED))
    if case.status == Case.Status.CLOSED:
        raise CaseError(str(CASE_CLOSED))


# --- alerts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertReport:
    """What *actor* reports (the fields of `alert_raise`), for `alerts_raise_many`."""

    actor: Any
    region: Region
    seen_on: date
    person_description: str
    what_was_seen: str
    urgency: str
    child_concerned: bool | None = None
    prefecture: Any = None
    locality: str = ""
    border_point: str = ""
    assessment: Any = None


def _alert_of(report: AlertReport, now: datetime) -> Alert:
    """The new alert, routed to the reporter's organisation (the region's case supervisors see
    it) and due for triage within the urgency's deadline."""
    return Alert(
        created_by=report.actor,
        organisation_id=report.actor.organisation_id,
        region=report.region,
        prefecture=report.prefecture,
        locality=report.locality,
        border_point=report.border_point,
        seen_on=report.seen_on,
        person_description=report.person_description,
        what_was_seen=report.what_was_seen,
        urgency=report.urgency,
        child_concerned=report.child_concerned,
        created_at=now,
        due_at=now + timedelta(hours=settings.EGIDE_ALERT_DEADLINE_HOURS[report.urgency]),
        assessment=report.assessment,
    )


def _alert_raised(report: AlertReport, alert: Alert) -> AuditEvent:
    """The audit event of a raised alert (codes only, never what was reported)."""
    details: dict[str, Any] = {"urgency": report.urgency, "region": report.region.code}
    if report.assessment is not None:
        details["assessment"] = report.assessment.code
    return audit_event(actor=report.actor, action="alert.raised", obj=alert, details=details)


@transaction.atomic
def alerts_raise_many(*, reports: Sequence[AlertReport]) -> list[Alert]:
    """Record several alerts in one transaction (field imports): each is routed, due for triage
    and audited exactly as by `alert_raise`, with one multi-row INSERT per table."""
    now = timezone.now()
    alerts = Alert.objects.bulk_create([_alert_of(report, now) for report in reports])
    audit_record_many(
        [_alert_raised(report, alert) for report, alert in zip(reports, alerts, strict=True)]
    )
    bulk_created.send(sender=Alert, instances=alerts)
    return alerts


def alert_raise(
    *,
    actor: Any,
    region: Region,
    seen_on: date,
    person_description: str,
    what_was_seen: str,
    urgency: str,
    child_concerned: bool | None = None,
    prefecture: Any = None,
    locality: str = "",
    border_point: str = "",
    assessment: Any = None,
) -> Alert:
    """Record an alert; it is due for triage within the urgency's deadline (the one-alert case
    of `alerts_raise_many`: same routing, deadline and audit event)."""
    report = AlertReport(
        actor=actor,
        region=region,
        seen_on=seen_on,
        person_description=person_description,
        what_was_seen=what_was_seen,
        urgency=urgency,
        child_concerned=child_concerned,
        prefecture=prefecture,
        locality=locality,
        border_point=border_point,
        assessment=assessment,
    )
    return alerts_raise_many(reports=[report])[0]


def _attach_assessment(alert: Alert, case: Case) -> None:
    """The screening an alert came from follows it into the case (if it has none yet)."""
    if alert.assessment_id is not None:
        from egide.screening.models import Assessment

        if Assessment.objects.filter(pk=alert.assessment_id, case__isnull=True).update(case=case):
            from egide.monitoring.freshness import mark_case

            mark_case(case.pk)  # presumed victims count the case's screenings


def _triage(actor: Any, alert: Alert) -> None:
    if not can_triage(actor, alert):
        raise CaseError(str(NOT_TRIAGER))
    if alert.status != Alert.Status.NEW:
        raise CaseError(str(ALREADY_TRIAGED))
    alert.triaged_by = actor
    alert.triaged_at = timezone.now()


@transaction.atomic
def alert_open_case(*, actor: Any, alert: Alert, owner: Any) -> Case:
    """Triage: open a case from the alert, owned by *owner* (a worker of the actor's agency)."""
    _triage(actor, alert)
    case = case_open(
        actor=actor,
        region=alert.region,
        prefecture=alert.prefecture,
        owner=owner,
        child=bool(alert.child_concerned),
    )
    alert.status, alert.case = Alert.Status.CASE_OPENED, case
    alert.save()
    _attach_assessment(alert, case)
    audit_record(actor=actor, action="alert.case_opened", obj=alert, details={"case": case.code})
    return case


@transaction.atomic
def alert_merge(*, actor: Any, alert: Alert, case: Case) -> None:
    """Triage: the alert concerns a person who already has a case."""
    _triage(actor, alert)
    alert.status, alert.case = Alert.Status.MERGED, case
    alert.save()
    _attach_assessment(alert, case)
    audit_record(actor=actor, action="alert.merged", obj=alert, details={"case": case.code})


@transaction.atomic
def alert_close(*, actor: Any, alert: Alert, reason: str) -> None:
    """Triage: close the alert without a case, saying why."""
    if not reason.strip():
        raise CaseError(str(REASON_REQUIRED))
    _triage(actor, alert)
    alert.status, alert.triage_reason = Alert.Status.CLOSED, reason.strip()
    alert.save()
    audit_record(actor=actor, action="alert.closed", obj=alert)


# --- cases --------------------------------------------------------------------------------------


def _next_code(region: Region, year: int) -> str:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        region=region, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GN-{region.slug}-{year}-{counter.last:05d}"


def _index_names(case: Case) -> None:
    CaseNameToken.objects.filter(case=case).delete()
    tokens = name_tokens(case.first_name, case.last_name, case.aliases)
    CaseNameToken.objects.bulk_create([CaseNameToken(case=case, token=t) for t in tokens])


def _status(case: Case, actor: Any, to_status: str, note: str = "") -> None:
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status if case.pk else "",
        to_status=to_status,
        changed_by=actor,
        note=note[:300],
    )
    case.status = to_status


@transaction.atomic
def case_open(
    *,
    actor: Any,
    region: Region,
    owner: Any,
    child: bool = False,
    prefecture: Any = None,
    sex: str = "unknown",
    **identity: Any,
) -> Case:
    """Open a case with a new pseudonymous code; the owner joins its team."""
    now = timezone.now()
    case = Case.objects.create(
        code=_next_code(region, now.year),
        region=region,
        prefecture=prefecture,
        owner_organisation_id=owner.organisation_id,
        owner=owner,
        child=child,
        sex=sex,
        opened_at=now,
        **{k: v for k, v in identity.items() if k in IDENTITY_FIELDS},
    )
    CaseMember.objects.create(case=case, user=owner, added_by=actor)
    CaseStatusChange.objects.create(case=case, to_status=Case.Status.OPEN, changed_by=actor)
    _index_names(case)
    audit_record(
        actor=actor,
        action="case.opened",
        obj=case,
        details={"code": case.code, "owner": owner.username},
    )
    return case


@transaction.atomic
def case_open_from_assessment(*, actor: Any, assessment: Any, region: Region) -> Case:
    """Open a case straight from a saved screening, owned by *actor*, in a region where the
    actor works; the screening is attached to it and the region's supervisors are told (by
    e-mail, codes only) so that they can review it.

    Raises CaseError when the screening already has a case or the region is not the actor's.
    """
    if assessment.case_id is not None:
        raise CaseError(str(ASSESSMENT_HAS_CASE))
    if not can_open_case_in(actor, region.pk):
        raise CaseError(str(NOT_YOUR_REGION))
    sex = assessment.input_document.get("person", {}).get("sex", "unknown")
    case = case_open(
        actor=actor,
        region=region,
        owner=actor,
        child=assessment.child,
        sex=sex if sex in dict(SEX_CHOICES) else "unknown",
    )
    case.review_pending = True
    case.save(update_fields=["review_pending"])
    assessment.case = case
    assessment.save(update_fields=["case"])
    supervisors = case_supervisors_of(case)
    audit_record(
        actor=actor,
        action="case.opened_from_screening",
        obj=case,
        details={"assessment": assessment.code, "supervisors_notified": len(supervisors)},
    )
    transaction.on_commit(lambda: _notify_supervisors(supervisors, case, assessment.code))
    return case


@transaction.atomic
def case_review(*, actor: Any, case: Case) -> None:
    """A supervisor of the case's region has reviewed a case opened without triage.

    Raises CaseError when the actor is not a supervisor of this case.
    """
    if not can_approve_closure(actor, case):
        raise CaseError(str(NOT_REVIEWER))
    if case.review_pending:
        case.review_pending = False
        case.save(update_fields=["review_pending"])
        audit_record(actor=actor, action="case.reviewed", obj=case)


def case_supervisors_of(case: Case) -> list[Any]:
    """Active supervisors of the case's owner organisation who supervise its region."""
    from egide.accounts import roles
    from egide.accounts.models import User
    from egide.cases.permissions import supervised_region_ids

    candidates = User.objects.filter(
        is_active=True,
        organisation_id=case.owner_organisation_id,
        role_assignments__role__code=roles.CASE_SUPERVISOR,
    ).distinct()
    return [u for u in candidates if case.region_id in supervised_region_ids(u)]


def _notify_supervisors(supervisors: list[Any], case: Case, assessment_code: str) -> None:
    """One short e-mail per supervisor, naming codes only (never personal data)."""
    from django.core.mail import send_mass_mail
    from django.utils import translation
    from django.utils.translation import gettext

    mails = []
    for user in supervisors:
        if not user.email:
            continue
        with translation.override(user.language or "fr"):
            subject = gettext("Égide: case %(case)s opened from screening %(scr)s") % {
                "case": case.code,
                "scr": assessment_code,
            }
            body = gettext(
                "A case worker opened case %(case)s directly from screening %(scr)s. "
                "Open Égide to review it."
            ) % {"case": case.code, "scr": assessment_code}
        mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if mails:
        send_mass_mail(mails, fail_silently=True)


@transaction.atomic
def case_update_identity(*, actor: Any, case: Case, **fields: Any) -> Case:
    """Change the person's identity and profile; names are re-indexed for search."""
    if case.purged_at:
        raise CaseError(str(CASE_PURGED))
    changed = []
    for name, value in fields.items():
        if (
            name
            in (
                *IDENTITY_FIELDS,
                "sex",
                "child",
                "nationality_id",
                "birth_year",
                "prefecture_id",
                "flags",
            )
            and getattr(case, name) != value
        ):
            setattr(case, name, value)
            changed.append(name)
    if changed:
        case.save()
        _index_names(case)
        audit_record(
            actor=actor,
            action="case.identity_changed",
            obj=case,
            details={"fields": sorted(changed)},
        )
    return case


def case_viewed(*, actor: Any, case: Case, shown: Iterable[str] = ()) -> None:
    """Record a read of the case file (identity; *shown*: the parts read on demand, notes...)."""
    parts = sorted(shown)
    audit_record(
        actor=actor, action="case.viewed", obj=case, details={"shown": parts} if parts else None
    )


@transaction.atomic
def case_change_status(*, actor: Any, case: Case, to_status: str, note: str = "") -> None:
    """Move an open case along its workflow (closing goes through closure approval)."""
    _check_open(case)
    if to_status == Case.Status.CLOSED or to_status not in Case.Status.values:
        raise CaseError(str(BAD_TRANSITION))
    old = case.status
    _status(case, actor, to_status, note)
    case.save(update_fields=["status"])
    audit_record(
        actor=actor, action="case.status_changed", obj=case, details={"from": old, "to": to_status}
    )


@transaction.atomic
def case_add_member(*, actor: Any, case: Case, user: Any) -> None:
    """Add a case worker or supervisor of the owner organisation to the team."""
    from egide.accounts.permissions import has_role
    from egide.cases.permissions import CASE_ROLES

    _check_open(case)
    if user.organisation_id != case.owner_organisation_id or not has_role(user, *CASE_ROLES):
        raise CaseError(str(MEMBER_ORG))
    CaseMember.objects.get_or_create(case=case, user=user, defaults={"added_by": actor})
    audit_record(actor=actor, action="case.member_added", obj=case, details={"user": user.username})


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    case: Case,
    purpose: str,
    decision: str,
    given_by: str,
    language: str,
    decided_on: date,
    service_types: list[str] | None = None,
    note: str = "",
) -> Consent:
    """Record an informed-consent decision for one purpose."""
    _check_open(case)
    if decision == Consent.Decision.BEST_INTERESTS and not case.child:
        raise CaseError(str(BID_ONLY_CHILD))
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        decision=decision,
        given_by=given_by,
        language=language,
        explained_by=actor,
        decided_on=decided_on,
        service_types=sorted(service_types or []),
        note=note,
    )
    audit_record(
        actor=actor,
        action="case.consent_recorded",
        obj=case,
        details={"purpose": purpose, "decision": decision, "service_types": consent.service_types},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> None:
    """Record the withdrawal of a consent; from now on it no longer allows anything."""
    if consent.withdrawn_at is not None:
        raise CaseError(str(ALREADY_WITHDRAWN))
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="case.consent_withdrawn",
        obj=consent.case,
        details={"purpose": consent.purpose, "consent": consent.pk},
    )


def active_consent(case: Case, purpose: str) -> Consent | None:
    """The consent in force for *purpose*: the latest decision, unless refused or withdrawn."""
    latest = case.consents.filter(purpose=purpose).order_by("-recorded_at", "-id").first()
    return latest if latest is not None and latest.is_active else None


@transaction.atomic
def need_add(
    *,
    actor: Any,
    case: Case,
    need_type: str,
    priority: str,
    action: str = "",
    responsible: str = "",
    due_on: date | None = None,
) -> Need:
    """Add a need and its planned action to the case plan."""
    _check_open(case)
    need = Need.objects.create(
        case=case,
        need_type=need_type,
        priority=priority,
        action=action,
        responsible=responsible,
        due_on=due_on,
    )
    audit_record(
        actor=actor,
        action="case.need_added",
        obj=case,
        details={"need": need_type, "priority": priority},
    )
    return need


@transaction.atomic
def need_set_status(*, actor: Any, need: Need, status: str) -> None:
    _check_open(need.case)
    need.status = status
    need.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="case.need_status",
        obj=need.case,
        details={"need": need.pk, "status": status},
    )


@transaction.atomic
def note_add(*, actor: Any, case: Case, text: str, sensitivity: str) -> Note:
    _check_open(case)
    if not text.strip():
        raise CaseError(str(REASON_REQUIRED))
    note = Note.objects.create(case=case, author=actor, text=text.strip(), sensitivity=sensitivity)
    audit_record(
        actor=actor, action="case.note_added", obj=case, details={"sensitivity": sensitivity}
    )
    return note


@transaction.atomic
def attachment_add(
    *, actor: Any, case: Case, filename: str, content_type: str, content: bytes
) -> Attachment:
    """Attach a file (kept encrypted); size and type are checked first."""
    _check_open(case)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise CaseError(str(FILE_TOO_BIG))
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise CaseError(str(FILE_TYPE))
    attachment = Attachment.objects.create(
        case=case,
        uploaded_by=actor,
        filename=filename[:200],
        content_type=content_type,
        size=len(content),
        data=base64.b64encode(content).decode("ascii"),
    )
    audit_record(
        actor=actor,
        action="case.attachment_added",
        obj=case,
        details={"attachment": attachment.pk, "size": len(content)},
    )
    return attachment


def attachment_read(*, actor: Any, attachment: Attachment) -> bytes:
    """The decrypted content of an attachment; the download is audited."""
    audit_record(
        actor=actor,
        action="case.attachment_downloaded",
        obj=attachment.case,
        details={"attachment": attachment.pk},
    )
    return base64.b64decode(attachment.data)


@transaction.atomic
def follow_up_plan(*, actor: Any, case: Case, due_on: date, note: str = "") -> FollowUp:
    _check_open(case)
    follow_up = FollowUp.objects.create(case=case, due_on=due_on, planned_by=actor, note=note)
    audit_record(
        actor=actor,
        action="case.follow_up_planned",
        obj=case,
        details={"due_on": due_on.isoformat()},
    )
    return follow_up


@transaction.atomic
def follow_up_done(*, actor: Any, follow_up: FollowUp, note: str = "") -> None:
    follow_up.done_at = timezone.now()
    if note:
        follow_up.note = note
    follow_up.save(update_fields=["done_at", "note"])
    audit_record(
        actor=actor,
        action="case.follow_up_done",
        obj=follow_up.case,
        details={"follow_up": follow_up.pk},
    )


@transaction.atomic
def closure_request(*, actor: Any, case: Case, reason: str, note: str = "") -> None:
    """The worker proposes to close the case; a supervisor must approve."""
    _check_open(case)
    if reason not in Case.ClosureReason.values:
        raise CaseError(str(REASON_REQUIRED))
    case.closure_reason, case.closure_note = reason, note
    case.closure_requested_by, case.closure_requested_at = actor, timezone.now()
    case.save()
    audit_record(actor=actor, action="case.closure_requested", obj=case, details={"reason": reason})


@transaction.atomic
def closure_approve(*, actor: Any, case: Case) -> None:
    """A supervisor approves the closure; identifying data will be purged after retention."""
    if not can_approve_closure(actor, case):
        raise CaseError(str(NOT_SUPERVISOR))
    if not case.closure_pending:
        raise CaseError(str(NO_CLOSURE_REQUEST))
    now = timezone.now()
    _status(case, actor, Case.Status.CLOSED, str(case.closure_reason))
    case.closure_approved_by, case.closed_at = actor, now
    case.retention_until = (now + timedelta(days=365 * settings.EGIDE_RETENTION_YEARS)).date()
    case.save()
    audit_record(
        actor=actor,
        action="case.closed",
        obj=case,
        details={
            "reason": case.closure_reason,
            "retention_until": case.retention_until.isoformat(),
        },
    )


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, note: str) -> None:
    """Reopen a closed case (not after its identifying data were purged)."""
    if case.purged_at:
        raise CaseError(str(CASE_PURGED))
    if not note.strip():
        raise CaseError(str(REASON_REQUIRED))
    _status(case, actor, Case.Status.OPEN, note)
    case.closure_reason, case.closure_requested_at, case.closure_requested_by = "", None, None
    case.closure_approved_by, case.closed_at, case.retention_until = None, None, None
    case.save()
    audit_record(actor=actor, action="case.reopened", obj=case)


@transaction.atomic
def case_purge(*, case: Case) -> None:
    """Erase the identifying data of a closed case; its code and anonymous facts remain."""
    for name in (*IDENTITY_FIELDS, "closure_note"):
        setattr(case, name, "")
    case.purged_at = timezone.now()
    case.save()
    CaseNameToken.objects.filter(case=case).delete()
    case.notes.all().delete()
    case.attachments.all().delete()
    case.consents.update(note="")
    case.needs.update(action="")
    case.follow_ups.update(note="")
    for alert in case.alerts.all():
        alert.person_description, alert.what_was_seen = "", ""
        alert.save(update_fields=["person_description", "what_was_seen"])
    from egide.interop.services import sms_deliveries_purge

    sms_deliveries_purge(case=case)  # the SMS its alerts came from: number and text
    from egide.referrals.models import Referral

    Referral.objects.filter(case=case).update(
        shared_json="{}", answer_reason="", consent_override_reason=""
    )
    from egide.screening.models import Assessment

    screenings = Assessment.objects.filter(case=case)
    _field_answers_forget(
        alerts=case.alerts.values_list("pk", flat=True),
        assessments=screenings.values_list("pk", flat=True),
    )
    screenings.update(person_reference="", worker_justification="")
    audit_record(actor=None, action="case.purged", obj=case)


def _field_answers_forget(*, alerts: Iterable[int], assessments: Iterable[int]) -> None:
    """The answers field servers sent for these alerts and screenings (see fielddata)."""
    from egide.fielddata.retention import answers_forget

    answers_forget(target_type="cases.alert", target_ids=alerts)
    answers_forget(target_type="screening.assessment", target_ids=assessments)


@transaction.atomic
def alert_purge(*, alert: Alert) -> None:
    """Erase what an alert closed without a case says of the person — its description, the
    triage reason, the SMS it came from (number and text), its screening's reference and the
    field answers behind them; its place, date, urgency and outcome remain for the figures."""
    if alert.case_id is not None:
        raise CaseError("an alert that led to a case is purged with the case")
    alert.person_description, alert.what_was_seen, alert.triage_reason = "", "", ""
    alert.purged_at = timezone.now()
    alert.save(update_fields=["person_description", "what_was_seen", "triage_reason", "purged_at"])
    from egide.interop.services import sms_deliveries_purge

    sms_deliveries_purge(alert=alert)  # the SMS it came from: number and text
    from egide.screening.models import Assessment

    screenings = Assessment.objects.filter(
        pk__in=[alert.assessment_id] if alert.assessment_id else [], case__isnull=True
    )
    _field_answers_forget(alerts=[alert.pk], assessments=screenings.values_list("pk", flat=True))
    screenings.update(person_reference="", worker_justification="")
    audit_record(actor=None, action="alert.purged", obj=alert)


def retention_purge(*, today: date | None = None) -> int:
    """Purge every closed case whose retention date has passed; return how many."""
    day = today or timezone.localdate()
    due = Case.objects.filter(
        status=Case.Status.CLOSED, retention_until__lt=day, purged_at__isnull=True
    )
    count = 0
    for case in due.iterator():
        case_purge(case=case)
        count += 1
    return count


def alerts_retention_purge(*, today: date | None = None) -> int:
    """Purge every alert closed without a case more than EGIDE_ALERT_RETENTION_MONTHS ago
    (from its triage: closed on 31 January, 12 months, purged from 1 February a year later);
    return how many."""
    day = today or timezone.localdate()
    year, month = divmod(day.year * 12 + day.month - 1 - settings.EGIDE_ALERT_RETENTION_MONTHS, 12)
    cutoff = date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))
    due = Alert.objects.filter(
        status=Alert.Status.CLOSED,
        case__isnull=True,
        purged_at__isnull=True,
        triaged_at__date__lt=cutoff,
    )
    count = 0
    for alert in due.iterator():
        alert_purge(alert=alert)
        count += 1
    return count
