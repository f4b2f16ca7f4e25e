"""Daily reminders of overdue steps, by e-mail, naming codes only (never personal data)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts import roles
from egide.accounts.models import User
from egide.accounts.permissions import region_ids_for_role
from egide.audit.services import audit_record
from egide.cases.models import Alert, FollowUp
from egide.referrals.models import Referral


def overdue_by_user() -> dict[User, list[str]]:
    """For each user, the overdue alerts, referrals and follow-ups they should act on."""
    now, today = timezone.now(), timezone.localdate()
    todo: dict[User, list[str]] = defaultdict(list)
    late_alerts = list(Alert.objects.filter(status=Alert.Status.NEW, due_at__lt=now))
    if late_alerts:
        supervisors = User.objects.filter(
            is_active=True, role_assignments__role__code=roles.CASE_SUPERVISOR
        ).distinct()
        for supervisor in supervisors:
            regions = region_ids_for_role(supervisor, roles.CASE_SUPERVISOR)
            for alert in late_alerts:
                if alert.region_id in regions:
                    todo[supervisor].append(_("alert %(code)s to triage") % {"code": alert.code})
    receivers_of: dict[int, list[User]] = {}  # one query per provider, not per referral
    late_referrals = Referral.objects.filter(status=Referral.Status.SENT, due_at__lt=now)
    for referral in late_referrals.select_related("created_by", "case"):
        todo[referral.created_by].append(
            _("referral %(code)s (case %(case)s) not answered")
            % {"code": referral.code, "case": referral.case.code}
        )
        if referral.provider_id not in receivers_of:
            receivers_of[referral.provider_id] = list(
                User.objects.filter(
                    is_active=True,
                    organisation_id=referral.provider_id,
                    role_assignments__role__code__in=[
                        roles.SERVICE_PROVIDER,
                        roles.LAW_ENFORCEMENT,
                    ],
                ).distinct()
            )
        for receiver in receivers_of[referral.provider_id]:
            todo[receiver].append(_("referral %(code)s to answer") % {"code": referral.code})
    late_follow_ups = FollowUp.objects.filter(done_at__isnull=True, due_on__lt=today).exclude(
        case__status="closed"
    )
    for follow_up in late_follow_ups.select_related("case__owner"):
        todo[follow_up.case.owner].append(
            _("follow-up of case %(case)s due on %(date)s")
            % {"case": follow_up.case.code, "date": follow_up.due_on.isoformat()}
        )
    return todo


def reminders_send() -> dict[str, Any]:
    """Send one e-mail per person with something overdue; audited with counts only."""
    messages = []
    todo = overdue_by_user()
    for user, items in todo.items():
        if not user.email:
            continue
        with translation.override(user.language or "fr"):
            subject = _("Égide: %(n)s overdue step(s)") % {"n": len(items)}
            body = "\n".join(f"- {item}" for item in items)
            body += "\n\n" + _("Open Égide to act on them.")
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    summary = {
        "people": len(todo),
        "emails": sent,
        "items": sum(len(items) for items in todo.values()),
    }
    audit_record(actor=None, action="reminders.sent", details=summary)
    return summary
