"""Retention of field answers: what a field server sent is kept only as long as the Égide
record it became (an alert or a screening purged by the retention rules loses its answers)."""

from __future__ import annotations

from collections.abc import Iterable

from egide.fielddata.models import SubmissionRecord


def answers_forget(*, target_type: str, target_ids: Iterable[int]) -> int:
    """Erase the answers of the submissions that became these records (``cases.alert``,
    ``screening.assessment``…); returns how many submissions lost them. Called inside the
    purge's transaction; the submission's key and outcome remain (a re-pull stays a no-op)."""
    ids = list(target_ids)
    if not ids:
        return 0
    return SubmissionRecord.objects.filter(target_type=target_type, target_id__in=ids).update(
        payload_json="{}", reason=""
    )
