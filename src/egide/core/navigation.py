"""The modules of Égide and who may use them: the home page and the menu are built from this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egide.accounts import roles
from egide.accounts.permissions import can_use_admin, has_role
from egide.audit.permissions import can_view_audit_trail
from egide.cases.permissions import can_open_cases, can_raise_alert
from egide.dhis2.permissions import can_use_dhis2
from egide.fielddata.permissions import can_see_own_outcomes
from egide.interop.permissions import can_view_sms_channels
from egide.outreach.permissions import (
    can_manage_ambassadors,
    can_read_own_reach,
    can_read_reach,
    can_record_dialogues,
)
from egide.policy.permissions import can_read_policy
from egide.screening.permissions import can_screen
from egide.sharing.permissions import can_share
from egide.training.permissions import can_read_curriculum, can_run_training


@dataclass(frozen=True)
class Module:
    """A module shown on the home page and in the menu to the roles it serves."""

    key: str
    label: str | Promise
    description: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]


def _authenticated(user: Any) -> bool:
    return bool(user.is_authenticated)


def _reads_api_documentation(user: Any) -> bool:
    """The API documentation (2 MB, English, blank without JavaScript) is for the people who
    connect other systems, not for the field roles' menus on a phone."""
    return has_role(
        user, roles.ADMINISTRATOR, roles.COORDINATOR, roles.CASE_SUPERVISOR, roles.ANALYST
    )


def _can_read_monitoring(user: Any) -> bool:
    from egide.monitoring.permissions import can_read_monitoring

    return can_read_monitoring(user)


def _can_read_some_reach(user: Any) -> bool:
    """The programme's reach, or an ambassador's own (when an ambassador record is theirs)."""
    if can_read_reach(user):
        return True
    from egide.outreach.selectors import own_ambassador

    return can_read_own_reach(user) and own_ambassador(user) is not None


def _can_refer_or_receive(user: Any) -> bool:
    from egide.referrals.views import RECEIVING_ROLES

    return has_role(user, *RECEIVING_ROLES)


MODULES: list[Module] = [
    Module(
        "alerts",
        _("Alerts"),
        _("Raise an alert about a person at risk; triage alerts."),
        "cases:alert_list",
        can_raise_alert,
    ),
    Module(
        "cases",
        _("Cases"),
        _("Protection cases: consent, needs, referrals, follow-up."),
        "cases:list",
        can_open_cases,
    ),
    Module(
        "referrals",
        _("Referrals"),
        _("Referrals sent for my cases or addressed to my organisation."),
        "referrals:list",
        _can_refer_or_receive,
    ),
    Module(
        "training",
        _("Training"),
        _("Sessions, participants, tests and certificates."),
        "training:list",
        can_run_training,
    ),
    Module(
        "curriculum",
        _("Curriculum"),
        _("The five modules of the training cycle."),
        "training:curriculum",
        can_read_curriculum,
    ),
    Module(
        "dialogues",
        _("Community dialogues"),
        _("Dialogues and awareness sessions, and the people they reached."),
        "outreach:dialogues",
        can_record_dialogues,
    ),
    Module(
        "ambassadors",
        _("Migrant ambassadors"),
        _("The ambassadors and their teams."),
        "outreach:ambassadors",
        can_manage_ambassadors,
    ),
    Module(
        "reach",
        _("Reach"),
        _("The programme's totals against its targets."),
        "outreach:reach",
        _can_read_some_reach,
    ),
    Module(
        "field",
        _("Field data"),
        _("Forms for ODK Collect and KoboCollect, and what became of the field's submissions."),
        "fielddata:imports",
        can_see_own_outcomes,
    ),
    Module(
        "monitoring",
        _("Programme results"),
        _("Results framework, indicators, dashboards and donor reports."),
        "monitoring:dashboard",
        _can_read_monitoring,
    ),
    Module(
        "policy",
        _("Legal framework and human security"),
        _("Framework reviews, recommendations follow-up, human security by locality."),
        "policy:home",
        can_read_policy,
    ),
    Module(
        "dhis2",
        _("DHIS2 link"),
        _("Send the programme's indicators to the ministries' DHIS2."),
        "dhis2:home",
        can_use_dhis2,
    ),
    Module(
        "sharing",
        _("Anonymised data sharing"),
        _("CTDC exports protected by k-anonymity, suppressed tables, partner datasets."),
        "sharing:home",
        can_share,
    ),
    Module(
        "directory",
        _("Service directory"),
        _("Who provides which service, where."),
        "directory:list",
        _authenticated,
    ),
    Module(
        "screening",
        _("Screening"),
        _("Guided interview that tells trafficking apart from smuggling and GBV."),
        "screening:list",
        can_screen,
    ),
    Module(
        "interop",
        _("SMS alerts and CPIMS+"),
        _("SMS channels of basic phones and their messages; the CPIMS+ connection."),
        "interop:sms_channels",
        can_view_sms_channels,
    ),
    Module(
        "audit",
        _("Audit trail"),
        _("Who read, changed or exported what, and when; tamper-evident."),
        "audit:list",
        can_view_audit_trail,
    ),
    Module(
        "admin",
        _("Administration"),
        _("Organisations, users, roles and reference lists."),
        "admin:index",
        can_use_admin,
    ),
    Module(
        "api",
        _("API documentation"),
        _("The REST API for other systems, with its OpenAPI document."),
        "api:docs",
        _reads_api_documentation,
    ),
    Module(
        "jobs",
        _("My jobs"),
        _("Exports and reports running in the background, and their files."),
        "jobs:list",
        _authenticated,
    ),
    Module(
        "profile",
        _("My profile"),
        _("My organisation, roles, language, second factor and API token."),
        "accounts:profile",
        _authenticated,
    ),
]


def modules_for(user: Any) -> list[Module]:
    """The modules *user* may use, in menu order."""
    return [m for m in MODULES if m.allowed(user)]
