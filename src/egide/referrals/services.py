"""Sending and answering referrals. No referral leaves without consent for its purpose, or a
supervisor's recorded override; only the data the worker selects travels with it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.cases.models import Case, Consent, Need
from egide.cases.permissions import can_override_consent
from egide.cases.services import CaseError, active_consent
from egide.directory.models import Service
from egide.referrals.models import Referral

SHAREABLE_FIELDS = ("first_name", "last_name", "age", "sex", "languages", "phone", "guardian")
NO_SHARING_CONSENT = _(
    'No consent in force to share this person\'s data with a "%(service)s" service: record '
    "the person's consent first (or a supervisor may override with a reason)."
)
NO_LAW_ENFORCEMENT_CONSENT = _(
    "No consent in force for a referral to law enforcement: an adult must agree first (or a "
    "supervisor may override with a reason)."
)
NO_CROSS_BORDER_CONSENT = _(
    "This provider is in another country: record the person's consent to a cross-border "
    "referral first."
)
OVERRIDE_NOT_ALLOWED = _("Only a case supervisor of this case can override consent.")
NEED_NOT_ON_CASE = _("This need does not belong to the case.")
SERVICE_MISMATCH = _("This service does not meet the chosen need.")
WRONG_STATE = _("This referral cannot do that in its current status.")
NOT_ADDRESSEE = _("Only the organisation the referral is addressed to can answer it.")
REASON_REQUIRED = _("Give a reason.")
CASE_CLOSED = _("The case is closed: reopen it first.")


class ReferralRefused(CaseError):
    """The referral may not be sent (consent missing, wrong need…)."""


def _is_law_enforcement(service: Service) -> bool:
    return service.need_type == "investigation" or service.provider.type == "police"


def consent_problem(case: Case, service: Service) -> str | None:
    """Why *case* may not be referred to *service* now, or None when consent allows it."""
    if _is_law_enforcement(service):
        # Children: referral to law enforcement is required by law (Child Code), consent or not.
        if not case.child and active_consent(case, Consent.Purpose.LAW_ENFORCEMENT) is None:
            return str(NO_LAW_ENFORCEMENT_CONSENT)
    else:
        sharing = active_consent(case, Consent.Purpose.SHARING)
        if sharing is None or service.need_type not in sharing.service_types:
            return str(NO_SHARING_CONSENT % {"service": service.get_need_type_display()})
    if (
        service.provider.country_id != "GN"
        and active_consent(case, Consent.Purpose.CROSS_BORDER) is None
    ):
        return str(NO_CROSS_BORDER_CONSENT)
    return None


def _shared_data(case: Case, fields: list[str], message: str) -> dict[str, Any]:
    data: dict[str, Any] = {"case_code": case.code}
    for name in fields:
        if name not in SHAREABLE_FIELDS:
            continue
        if name == "age":
            data["age"] = (timezone.localdate().year - case.birth_year) if case.birth_year else None
        elif name == "sex":
            data["sex"] = case.sex
        else:
            data[name] = getattr(case, name)
    if message.strip():
        data["message"] = message.strip()
    return data


def referral_send(
    *,
    actor: Any,
    case: Case,
    need: Need,
    service: Service,
    urgency: str,
    shared_fields: list[str],
    message: str = "",
    override_reason: str = "",
) -> Referral:
    """Refer one need of *case* to *service*; raises ReferralRefused without consent.

    A refusal for lack of consent is itself audited, in its own transaction so that it stays.
    """
    if case.status == Case.Status.CLOSED or case.purged_at:
        raise ReferralRefused(str(CASE_CLOSED))
    if need.case_id != case.pk:
        raise ReferralRefused(str(NEED_NOT_ON_CASE))
    if service.need_type != need.need_type:
        raise ReferralRefused(str(SERVICE_MISMATCH))
    problem = consent_problem(case, service)
    override_by = None
    if problem is not None:
        if not override_reason.strip():
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="referral.refused_no_consent",
                    obj=case,
                    details={"service": service.pk},
                )
            raise ReferralRefused(problem)
        if not can_override_consent(actor, case):
            raise ReferralRefused(str(OVERRIDE_NOT_ALLOWED))
        override_by = actor
    return _referral_create(
        actor=actor,
        case=case,
        need=need,
        service=service,
        urgency=urgency,
        shared_fields=shared_fields,
        message=message,
        override_reason=override_reason,
        override_by=override_by,
    )


@transaction.atomic
def _referral_create(
    *,
    actor: Any,
    case: Case,
    need: Need,
    service: Service,
    urgency: str,
    shared_fields: list[str],
    message: str,
    override_reason: str,
    override_by: Any,
) -> Referral:
    referral = Referral.objects.create(
        case=case,
        need=need,
        service=service,
        provider=service.provider,
        created_by=actor,
        urgency=urgency,
        due_at=timezone.now() + timedelta(hours=settings.EGIDE_REFERRAL_DEADLINE_HOURS[urgency]),
        cross_border=service.provider.country_id != "GN",
        consent_override_reason=override_reason.strip() if override_by else "",
        consent_override_by=override_by,
        shared_json=json.dumps(_shared_data(case, shared_fields, message), ensure_ascii=False),
    )
    if case.status in (Case.Status.OPEN, Case.Status.ASSESSMENT, Case.Status.CASE_PLAN):
        from egide.cases.services import case_change_status

        case_change_status(
            actor=actor, case=case, to_status=Case.Status.SERVICES, note=referral.code
        )
    audit_record(
        actor=actor,
        action="referral.sent",
        obj=referral,
        details={
            "case": case.code,
            "provider": service.provider_id,
            "shared_fields": sorted(set(shared_fields) & set(SHAREABLE_FIELDS)),
            "consent_override": override_by is not None,
            "cross_border": referral.cross_border,
        },
    )
    if override_by is not None:
        audit_record(
            actor=actor,
            action="referral.consent_override",
            obj=referral,
            details={"case": case.code},
        )
    return referral


def _answer(actor: Any, referral: Referral, allowed_from: tuple[str, ...]) -> None:
    if referral.provider_id != actor.organisation_id:
        raise ReferralRefused(str(NOT_ADDRESSEE))
    if referral.status not in allowed_from:
        raise ReferralRefused(str(WRONG_STATE))


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral) -> None:
    _answer(actor, referral, (Referral.Status.SENT,))
    referral.status, referral.answered_by, referral.answered_at = (
        Referral.Status.ACCEPTED,
        actor,
        timezone.now(),
    )
    referral.save()
    audit_record(actor=actor, action="referral.accepted", obj=referral)


@transaction.atomic
def referral_decline(*, actor: Any, referral: Referral, reason: str) -> None:
    if not reason.strip():
        raise ReferralRefused(str(REASON_REQUIRED))
    _answer(actor, referral, (Referral.Status.SENT,))
    referral.status, referral.answered_by, referral.answered_at = (
        Referral.Status.DECLINED,
        actor,
        timezone.now(),
    )
    referral.answer_reason = reason.strip()
    referral.save()
    audit_record(actor=actor, action="referral.declined", obj=referral)


@transaction.atomic
def referral_record_delivery(
    *, actor: Any, referral: Referral, delivered: bool, outcome: str
) -> None:
    if not outcome.strip():
        raise ReferralRefused(str(REASON_REQUIRED))
    _answer(actor, referral, (Referral.Status.ACCEPTED,))
    referral.status = Referral.Status.DELIVERED if delivered else Referral.Status.NOT_DELIVERED
    referral.answer_reason, referral.delivered_at = outcome.strip(), timezone.now()
    referral.save()
    audit_record(
        actor=actor,
        action="referral.delivery_recorded",
        obj=referral,
        details={"delivered": delivered},
    )


@transaction.atomic
def referral_cancel(*, actor: Any, referral: Referral) -> None:
    """The sender cancels a referral not yet answered or served."""
    if referral.status not in (Referral.Status.SENT, Referral.Status.ACCEPTED):
        raise ReferralRefused(str(WRONG_STATE))
    referral.status = Referral.Status.CANCELLED
    referral.save(update_fields=["status"])
    audit_record(actor=actor, action="referral.cancelled", obj=referral)


@transaction.atomic
def referral_close(*, actor: Any, referral: Referral) -> None:
    """The case worker closes a referral once it was served, not served or declined."""
    if referral.status not in (
        Referral.Status.DELIVERED,
        Referral.Status.NOT_DELIVERED,
        Referral.Status.DECLINED,
    ):
        raise ReferralRefused(str(WRONG_STATE))
    referral.status = Referral.Status.CLOSED
    referral.save(update_fields=["status"])
    audit_record(actor=actor, action="referral.closed", obj=referral)


def referral_viewed(*, actor: Any, referral: Referral) -> None:
    """Record a read of the data a referral carries."""
    audit_record(actor=actor, action="referral.viewed", obj=referral)
