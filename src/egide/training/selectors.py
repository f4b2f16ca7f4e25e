"""Reading training sessions: what the session page, its exports and jobs show."""

from __future__ import annotations

from datetime import date
from typing import Any

from egide.training import scoring, services
from egide.training.models import TrainingSession


def session_rows(session: TrainingSession, days: list[date] | None = None) -> list[dict[str, Any]]:
    """One row per participant of *session*: attendance per day, scores, certificate and
    eligibility (the session page, its exports and the export job read the same rows)."""
    days = session.days if days is None else days
    rows = []
    # One query per list whatever the number of participants (the certificate comes with the
    # enrollment: it used to cost one query per participant without one).
    enrollments = session.enrollments.select_related("participant", "certificate").prefetch_related(
        "attendance", "attempts__test"
    )
    for enrollment in enrollments:
        present = {a.day for a in enrollment.attendance.all() if a.present}
        scores = services.scores_from(enrollment.attempts.all())
        rows.append(
            {
                "enrollment": enrollment,
                "participant": enrollment.participant,
                "days": [(day, day in present) for day in days],
                "present": len(present),
                "pre": scores["pre"],
                "post": scores["post"],
                "gain": scoring.gain(scores["pre"], scores["post"]),
                "certificate": getattr(enrollment, "certificate", None),
                "eligible": services.eligible(len(present), len(days), scores["post"]),
                "shortfall": services.certificate_shortfalls(
                    len(present), len(days), scores["post"]
                ),
            }
        )
    return rows
