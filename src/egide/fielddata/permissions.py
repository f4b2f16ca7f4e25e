"""Who downloads the field forms, who imports field data and whose outcomes each one sees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from egide.accounts import roles
from egide.accounts.permissions import has_role

if TYPE_CHECKING:
    from egide.fielddata.models import ImportRun, SubmissionRecord

# Those who collect in the field with ODK Collect or KoboCollect.
COLLECTORS = (
    roles.MIGRANT_AMBASSADOR,
    roles.CASE_WORKER,
    roles.CASE_SUPERVISOR,
    roles.LAW_ENFORCEMENT,
    roles.TRAINER,
    roles.COORDINATOR,
    roles.ADMINISTRATOR,
)
MANAGERS = (roles.COORDINATOR, roles.ADMINISTRATOR)


def can_download_forms(user: Any) -> bool:
    """Everyone who collects, and those who set up the field servers."""
    return has_role(user, *COLLECTORS)


def can_manage_imports(user: Any) -> bool:
    """Coordinators (M&E) and administrators pull, upload exports, fix and re-apply."""
    return has_role(user, *MANAGERS)


def can_see_own_outcomes(user: Any) -> bool:
    return has_role(user, *COLLECTORS)


def runs_visible_to(user: Any, queryset: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
    """Administrators see every run; coordinators those of their organisation."""
    if has_role(user, roles.ADMINISTRATOR):
        return queryset
    if has_role(user, roles.COORDINATOR) and user.organisation_id is not None:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def records_visible_to(
    user: Any, queryset: QuerySet[SubmissionRecord]
) -> QuerySet[SubmissionRecord]:
    """Managers see the submissions of their organisation (administrators: all, including
    those held because their sender is unknown); everyone else only their own."""
    if has_role(user, roles.ADMINISTRATOR):
        return queryset
    if has_role(user, roles.COORDINATOR) and user.organisation_id is not None:
        from django.db.models import Q

        mine = Q(organisation_id=user.organisation_id) | Q(
            connection__organisation_id=user.organisation_id
        )
        return queryset.filter(mine)
    if can_see_own_outcomes(user):
        return queryset.filter(user=user)
    return queryset.none()


# Answers held or rejected are not in any record yet: the managers see them to correct them.
TO_CORRECT = ("held", "rejected")


def answers_visible_to(user: Any, record: SubmissionRecord) -> bool:
    """May *user* read the answers of *record*? Its submitter always; managers while it waits
    for their correction (held, rejected); otherwise only those the owning app lets see the
    record it created or updated (an applied screening is read as a screening is, not as a
    submission: status, outcome and counts are all a manager sees of it)."""
    if record.user_id is not None and record.user_id == getattr(user, "pk", None):
        return True
    if record.status in TO_CORRECT:
        return can_manage_imports(user)
    if record.target_id is None:
        return False
    return _target_visible(user, record.target_type, record.target_id)


TARGET_URLS = {
    "cases.alert": "cases:alert_detail",
    "screening.assessment": "screening:detail",
    "training.trainingsession": "training:session",
}


def target_url_for(user: Any, record: SubmissionRecord) -> str:
    """The page of the record *record* made, when *user* may open it (else "")."""
    from django.urls import reverse

    name = TARGET_URLS.get(record.target_type)
    if not name or record.target_id is None:
        return ""
    if not _target_visible(user, record.target_type, record.target_id):
        return ""
    return reverse(name, args=[record.target_id])


def _target_visible(user: Any, target_type: str, target_id: int) -> bool:
    if target_type == "cases.alert":
        from egide.cases.models import Alert
        from egide.cases.permissions import alerts_visible_to

        alerts = alerts_visible_to(user, Alert.objects.filter(pk=target_id))
        return alerts.exists()
    if target_type == "screening.assessment":
        from egide.screening.models import Assessment
        from egide.screening.permissions import assessments_visible_to

        found = assessments_visible_to(user, Assessment.objects.filter(pk=target_id))
        return found.exists()
    if target_type == "outreach.dialogue":
        from egide.outreach.models import Dialogue
        from egide.outreach.permissions import can_record_dialogues

        # The dialogue pages show every dialogue to those who record dialogues.
        return can_record_dialogues(user) and Dialogue.objects.filter(pk=target_id).exists()
    if target_type == "training.trainingsession":
        from egide.training.models import TrainingSession
        from egide.training.permissions import sessions_visible_to

        sessions = sessions_visible_to(user, TrainingSession.objects.filter(pk=target_id))
        return sessions.exists()
    return False
