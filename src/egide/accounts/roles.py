"""The roles of Égide: codes (a contract, stored as data) and their labels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
COORDINATOR = "coordinator"
CASE_SUPERVISOR = "case_supervisor"
CASE_WORKER = "case_worker"
SERVICE_PROVIDER = "service_provider"
LAW_ENFORCEMENT = "law_enforcement"
TRAINER = "trainer"
MIGRANT_AMBASSADOR = "migrant_ambassador"
ANALYST = "analyst"

# code -> (label, description, may read personal data)
ROLES = {
    ADMINISTRATOR: (
        _("Administrator"),
        _("Manages organisations, users, roles and reference lists."),
        True,
    ),
    COORDINATOR: (
        _("Coordinator (M&E)"),
        _("Follows the programme's results; sees training participants."),
        True,
    ),
    CASE_SUPERVISOR: (
        _("Case supervisor"),
        _("Triages alerts, supervises cases and approves closures."),
        True,
    ),
    CASE_WORKER: (
        _("Case worker"),
        _("Screens, opens and follows cases, refers people to services."),
        True,
    ),
    SERVICE_PROVIDER: (
        _("Service provider"),
        _("Receives the referrals addressed to its organisation."),
        True,
    ),
    LAW_ENFORCEMENT: (
        _("Law-enforcement focal point"),
        _("Receives referrals for investigation and records outcomes."),
        True,
    ),
    TRAINER: (_("Trainer"), _("Runs training sessions, tests and certificates."), True),
    MIGRANT_AMBASSADOR: (
        _("Migrant ambassador"),
        _("Logs community dialogues and raises alerts."),
        False,
    ),
    ANALYST: (_("Analyst"), _("Reads anonymised statistics only; never personal data."), False),
}

ROLE_CHOICES = [(code, label) for code, (label, _d, _p) in ROLES.items()]


def role_label(code: str) -> str:
    """Human label of a role code (the code itself if unknown)."""
    entry = ROLES.get(code)
    return str(entry[0]) if entry else code


def load_roles(role_model: Any) -> None:
    """Store every role as a row (idempotent); used by the data migration and by tests."""
    for code, (_label, _description, personal) in ROLES.items():
        role_model.objects.update_or_create(code=code, defaults={"reads_personal_data": personal})
