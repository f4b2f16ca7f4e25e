"""The programme's reach against its targets, computed from the records.

People trained are unique participants (a person trained twice counts once); dialogue reach is
a sum of counts and may overlap (the same person can attend two dialogues).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, Sum

from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Ambassador, Dialogue
from egide.training.models import Participant

# Targets of the joint programme (UN Trust Fund for Human Security programme sheet, Guinea).
TARGETS = {
    "people_trained": 100,
    "community_leaders_reached": 500,
    "webinar_participants": 50,
    "migrant_ambassadors": 20,
    "people_reached_by_dialogues": 1500,
}


def reach(
    *, region_id: int | None = None, date_from: date | None = None, date_to: date | None = None
) -> dict[str, Any]:
    """Totals for a region and period, with targets and the share reached."""
    attended = Q(enrollments__attendance__present=True)
    if region_id:
        attended &= Q(enrollments__session__region_id=region_id)
    if date_from:
        attended &= Q(enrollments__attendance__day__gte=date_from)
    if date_to:
        attended &= Q(enrollments__attendance__day__lte=date_to)
    trained = Participant.objects.filter(attended)
    webinar = trained.filter(enrollments__session__kind="webinar")
    dialogues = Dialogue.objects.all()
    if region_id:
        dialogues = dialogues.filter(region_id=region_id)
    if date_from:
        dialogues = dialogues.filter(held_on__gte=date_from)
    if date_to:
        dialogues = dialogues.filter(held_on__lte=date_to)
    sums = dialogues.aggregate(
        **{f: Sum(f) for f, _s, _a in REACH_FIELDS}, **{f: Sum(f) for f in AUDIENCE_FIELDS}
    )
    sums = {k: v or 0 for k, v in sums.items()}
    ambassadors = Ambassador.objects.filter(is_active=True)
    if region_id:
        ambassadors = ambassadors.filter(prefecture__region_id=region_id)
    if date_to:
        ambassadors = ambassadors.filter(appointed_on__lte=date_to)
    totals = {
        "people_trained": trained.distinct().count(),
        "community_leaders_reached": sums["community_leaders"] + sums["religious_leaders"],
        "webinar_participants": webinar.distinct().count(),
        "migrant_ambassadors": ambassadors.count(),
        "people_reached_by_dialogues": sum(sums[f] for f, _s, _a in REACH_FIELDS),
    }
    return {
        "totals": totals,
        "targets": TARGETS,
        "percent": {k: round(100 * totals[k] / TARGETS[k], 1) for k in TARGETS},
        "dialogue_reach_by_sex_age": {f: sums[f] for f, _s, _a in REACH_FIELDS},
        "dialogue_reach_by_audience": {f: sums[f] for f in AUDIENCE_FIELDS},
        "dialogues": dialogues.count(),
        "dialogue_reach_may_overlap": True,
    }


def own_reach(*, ambassador_id: int) -> dict[str, Any]:
    """The dialogues one ambassador facilitated: how many, and whom they reached."""
    dialogues = Dialogue.objects.filter(ambassador_id=ambassador_id)
    sums = dialogues.aggregate(
        **{f: Sum(f) for f, _s, _a in REACH_FIELDS}, **{f: Sum(f) for f in AUDIENCE_FIELDS}
    )
    sums = {k: v or 0 for k, v in sums.items()}
    return {
        "dialogues": dialogues.count(),
        "people_reached": sum(sums[f] for f, _s, _a in REACH_FIELDS),
        "leaders_reached": sums["community_leaders"] + sums["religious_leaders"],
        "by_audience": {f: sums[f] for f in AUDIENCE_FIELDS},
        "last": dialogues.order_by("-held_on").values_list("held_on", flat=True).first(),
    }
