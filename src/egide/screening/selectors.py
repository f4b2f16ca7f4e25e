"""Reading screening assessments, starting from what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from egide.screening.models import Assessment, InterviewDraft
from egide.screening.permissions import assessments_visible_to


def assessments_for(user: Any) -> QuerySet[Assessment]:
    """The assessments *user* may see, newest first."""
    return assessments_visible_to(user, Assessment.objects.select_related("created_by", "case"))


def get_assessment_for_user_or_404(user: Any, pk: int) -> Assessment:
    """One visible assessment; 404 whether it is missing or not visible (no existence leak)."""
    assessment = assessments_for(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def get_draft_for_user_or_404(user: Any, draft_id: Any) -> InterviewDraft:
    """The user's own interview in progress; someone else's, or an expired one, is a 404."""
    draft = (
        InterviewDraft.objects.filter(
            pk=draft_id, author_id=user.pk, expires_at__gte=timezone.now()
        )
        .select_related("case")
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def drafts_of(user: Any) -> QuerySet[InterviewDraft]:
    """The user's own interviews in progress that have not expired, latest first."""
    return InterviewDraft.objects.filter(
        author_id=user.pk, expires_at__gte=timezone.now(), assessment__isnull=True
    ).order_by("-updated_at")[:10]
