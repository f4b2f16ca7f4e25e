"""Saving screening assessments (audited in the same transaction)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.screening.contract import ScreeningInput
from egide.screening.models import Assessment, AssessmentPurpose, InterviewDraft
from egide.screening.rules import RULE_SET, evaluate, result_purposes

DISAGREE_NEEDS_REASON = _("Explain why you disagree: the justification is required.")
DISAGREE_NEEDS_LEVEL = _("Choose your own determination when you disagree.")


class DeterminationError(ValueError):
    """The worker's determination is incomplete (a disagreement without level or reason)."""


@transaction.atomic
def assessment_create(
    *,
    actor: Any,
    data: ScreeningInput,
    interview: dict[str, Any],
    person_reference: str = "",
    region_id: int | None = None,
    worker_agrees: bool | None,
    worker_level: str = "",
    worker_justification: str = "",
    case: Any = None,
    draft: InterviewDraft | None = None,
) -> Assessment:
    """Evaluate *data* with the current rule set and save it with the worker's determination.

    Raises DeterminationError when the worker disagrees without a level or a justification.
    """
    if worker_agrees is False:
        if not worker_level:
            raise DeterminationError(str(DISAGREE_NEEDS_LEVEL))
        if not worker_justification.strip():
            raise DeterminationError(str(DISAGREE_NEEDS_REASON))
    result = evaluate(data, "fr")
    assessment = Assessment.objects.create(
        created_by=actor,
        case=case,
        organisation_id=actor.organisation_id,
        region_id=region_id,
        rule_set=RULE_SET,
        catalogue_version=str(result["catalogue"]),
        person_reference=person_reference.strip(),
        input_json=json.dumps(data.as_document(), sort_keys=True),
        result_json=json.dumps(result, sort_keys=True, ensure_ascii=False),
        interview_json=json.dumps(interview, sort_keys=True),
        trafficking_level=result["trafficking"]["level"],
        smuggling_level=result["smuggling"]["level"],
        gbv_level=result["gbv"]["level"],
        child=result["child"],
        urgent=result["urgent"],
        worker_agrees=worker_agrees,
        worker_level=worker_level if worker_agrees is False else "",
        worker_justification=worker_justification.strip() if worker_agrees is False else "",
    )
    assessment_purposes_store(assessment=assessment, result=result)
    audit_record(
        actor=actor,
        action="screening.assessment_created",
        obj=assessment,
        details={
            "rule_set": RULE_SET,
            "level": assessment.trafficking_level,
            "worker_agrees": worker_agrees,
            "from_draft": draft is not None,
        },
    )
    if draft is not None:
        # The answers now live (encrypted) in the assessment: the draft keeps none of them.
        InterviewDraft.objects.filter(pk=draft.pk).update(state_json="", assessment=assessment)
    return assessment


def assessment_purposes_store(*, assessment: Assessment, result: dict[str, Any]) -> None:
    """Keep the purposes of exploitation of *result* beside *assessment* (in clear, for
    statistics), replacing those of an earlier result. Call it wherever the result is set."""
    codes = result_purposes(result)
    AssessmentPurpose.objects.filter(assessment=assessment).exclude(purpose__in=codes).delete()
    have = set(
        AssessmentPurpose.objects.filter(assessment=assessment).values_list("purpose", flat=True)
    )
    added = AssessmentPurpose.objects.bulk_create(
        [AssessmentPurpose(assessment=assessment, purpose=c) for c in codes if c not in have]
    )
    if added and assessment.case_id is not None:
        from egide.monitoring.freshness import mark_case

        mark_case(assessment.case_id)  # presumed victims by purpose (bulk: no signal)


def assessment_viewed(*, actor: Any, assessment: Assessment) -> None:
    """Record that *actor* read the personal data of *assessment*."""
    audit_record(actor=actor, action="screening.assessment_viewed", obj=assessment)


# Drafts live this long after their last step: a day in the field with breaks and bad network.
DRAFT_LIFETIME = timedelta(hours=12)


def interview_draft_start(*, actor: Any, case: Any = None) -> InterviewDraft:
    """Start an interview for *actor* (optionally for *case*); expired drafts are purged."""
    now = timezone.now()
    interview_drafts_purge()
    return InterviewDraft.objects.create(
        author=actor, case=case, expires_at=now + DRAFT_LIFETIME, state_json="{}"
    )


def interview_draft_store(*, draft: InterviewDraft, state: dict[str, Any]) -> InterviewDraft:
    """Keep the answers so far (encrypted) and push the expiry back."""
    draft.state_json = json.dumps(state, sort_keys=True)
    draft.expires_at = timezone.now() + DRAFT_LIFETIME
    draft.save(update_fields=["state_json", "expires_at", "updated_at"])
    return draft


def interview_drafts_purge() -> int:
    """Delete the interview drafts past their expiry (also run by `egide retention purge`)."""
    deleted, _by_model = InterviewDraft.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
