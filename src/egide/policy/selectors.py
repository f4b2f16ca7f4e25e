"""Reads of the policy module: the review matrix and its scores, two reviews compared, the
tracker and the board by institution, the heat map, and Égide's own evidence per locality.

Nothing here reads a person's name: counts only, and every count of 1 to 4 is shown as "<5".
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from egide.policy import rules
from egide.policy.models import (
    Analysis,
    Assessment,
    Element,
    Insecurity,
    Institution,
    Review,
    TrackerItem,
)


@dataclass
class MatrixRow:
    """One element of a review: its assessment (if any), its score, the recommendations on it."""

    element: Element
    assessment: Assessment | None
    score: int | None
    recommendations: list[TrackerItem] = field(default_factory=list)


@dataclass
class Matrix:
    """A review's matrix and the overall score computed by the stated method."""

    review: Review
    rows: list[MatrixRow]
    overall: float | None
    assessed: int
    points: int


def review_matrix(review: Review) -> Matrix:
    """Every element with the review's assessment, score and recommendations (fixed queries)."""
    assessments = {
        a.element_id: a
        for a in review.assessments.select_related("assessed_by").prefetch_related(
            "provisions__instrument"
        )
    }
    items = list(review.recommendations.select_related("institution").prefetch_related("elements"))
    rows = []
    for element in Element.objects.prefetch_related("standards__instrument", "facts"):
        a = assessments.get(element.pk)
        status = a.status if a else rules.NOT_ASSESSED
        rows.append(
            MatrixRow(
                element=element,
                assessment=a,
                score=rules.element_score(status),
                recommendations=[i for i in items if element in i.elements.all()],
            )
        )
    scored = [r.score for r in rows if r.score is not None]
    return Matrix(
        review=review,
        rows=rows,
        overall=rules.overall_score(
            r.assessment.status if r.assessment else rules.NOT_ASSESSED for r in rows
        ),
        assessed=len(scored),
        points=sum(scored),
    )


def reviews_with_overall() -> list[tuple[Review, float | None]]:
    """Every review with its overall score, in three queries whatever the number of reviews
    (the score of :func:`review_matrix`, from the assessments' statuses alone)."""
    elements = Element.objects.count()
    statuses: dict[int, list[str]] = {}
    for review_id, status in Assessment.objects.values_list("review_id", "status"):
        statuses.setdefault(review_id, []).append(status)
    result = []
    for review in Review.objects.all():
        mine = statuses.get(review.pk, [])
        padded = [*mine, *[rules.NOT_ASSESSED] * max(0, elements - len(mine))]
        result.append((review, rules.overall_score(padded)))
    return result


@dataclass
class CompareRow:
    element: Element
    before: int | None
    after: int | None
    change: int | None
    before_status: str
    after_status: str


def reviews_compare(
    first: Review, second: Review
) -> tuple[list[CompareRow], float | None, float | None]:
    """Per element, the score in *first* and in *second* and the change; both overall scores."""
    a = review_matrix(first)
    b = review_matrix(second)
    rows = []
    for ra, rb in zip(a.rows, b.rows, strict=True):
        rows.append(
            CompareRow(
                element=ra.element,
                before=ra.score,
                after=rb.score,
                change=rules.score_change(ra.score, rb.score),
                before_status=ra.assessment.status if ra.assessment else rules.NOT_ASSESSED,
                after_status=rb.assessment.status if rb.assessment else rules.NOT_ASSESSED,
            )
        )
    return rows, a.overall, b.overall


def tracker_items(
    *, kind: str = "", status: str = "", institution: Institution | None = None
) -> QuerySet[TrackerItem]:
    """Tracker items, filtered; with what the list shows fetched in the same queries."""
    qs = TrackerItem.objects.select_related(
        "institution", "review", "analysis__locality__region"
    ).prefetch_related("elements")
    if kind == "recommendation":
        qs = qs.filter(kind=TrackerItem.Kind.RECOMMENDATION)
    elif kind == "measure":
        qs = qs.exclude(kind=TrackerItem.Kind.RECOMMENDATION)
    if status:
        qs = qs.filter(status=status)
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


@dataclass
class BoardRow:
    institution: Institution
    counts: dict[str, int]
    overdue: int
    total: int


_OVERDUE = "overdue_count"


def institution_board(today: date | None = None) -> list[BoardRow]:
    """For each institution, its tracker items by status and how many are overdue."""
    day = today or timezone.localdate()
    annotations: dict[str, Any] = {
        s: Count("items", filter=Q(items__status=s)) for s in rules.STATUSES
    }
    annotations[_OVERDUE] = Count(
        "items",
        filter=Q(items__status__in=rules.OPEN_STATUSES, items__deadline__lt=day),
    )
    rows = []
    for inst in Institution.objects.annotate(**annotations):
        counts = {s: getattr(inst, s) for s in rules.STATUSES}
        rows.append(BoardRow(inst, counts, getattr(inst, _OVERDUE), sum(counts.values())))
    return rows


def analyses_with_scores(region_code: str = "") -> list[tuple[Analysis, dict[str, int | None]]]:
    """The latest analysis of each locality (optionally of one region) and its dimension scores,
    ranked by the sum of its dimension scores, highest first."""
    qs = (
        Analysis.objects.select_related("locality__region", "locality__prefecture")
        .prefetch_related(
            Prefetch(
                "insecurities",
                queryset=Insecurity.objects.only(
                    "id", "analysis_id", "dimension", "severity", "likelihood"
                ),
            )
        )
        .order_by("locality_id", "-period_end", "-id")
    )
    if region_code:
        qs = qs.filter(locality__region__code=region_code)
    latest: dict[int, Analysis] = {}
    for analysis in qs:
        latest.setdefault(analysis.locality_id, analysis)
    result = [
        (
            a,
            rules.dimension_scores(
                (i.dimension, i.severity, i.likelihood) for i in a.insecurities.all()
            ),
        )
        for a in latest.values()
    ]
    result.sort(key=lambda pair: (-sum(v or 0 for v in pair[1].values()), str(pair[0].locality)))
    return result


def analysis_scores(analysis: Analysis) -> dict[str, int | None]:
    return rules.dimension_scores(
        (i.dimension, i.severity, i.likelihood) for i in analysis.insecurities.all()
    )


def ranked_measures(analysis: Analysis) -> list[tuple[TrackerItem, rules.RankedItem]]:
    """The analysis's measures ranked by severity × likelihood × feasibility."""
    measures = {
        m.pk: m
        for m in analysis.measures.select_related("insecurity", "institution").exclude(
            insecurity=None
        )
    }
    ranked = rules.rank_measures(
        (m.pk, m.insecurity.severity, m.insecurity.likelihood, m.feasibility or 1)  # type: ignore[union-attr]
        for m in measures.values()
    )
    return [(measures[r.key], r) for r in ranked]


def _period_bounds(analysis: Analysis) -> tuple[datetime, datetime]:
    """The analysis period in whole calendar months (see rules.whole_months), as datetimes."""
    tz = timezone.get_current_timezone()
    first, last = rules.whole_months(analysis.period_start, analysis.period_end)
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last, time.max, tzinfo=tz)
    return start, end


def live_evidence(analysis: Analysis) -> dict[str, Any]:
    """Égide's own counts for the analysis's locality and period, computed now.

    Counts are returned raw under "raw" (for tests and the API's suppression) and as shown
    (0, "<5" for 1 to 4, else the number) under "shown". No name is read.
    """
    from egide.cases.models import Alert, Case
    from egide.outreach.models import REACH_FIELDS, Dialogue
    from egide.referrals.models import Referral
    from egide.screening.models import Assessment as Screening

    region_id = analysis.locality.region_id
    prefecture_id = analysis.locality.prefecture_id
    start, end = _period_bounds(analysis)
    place = Q(region_id=region_id)
    if prefecture_id:
        place &= Q(prefecture_id=prefecture_id)
    alerts = Alert.objects.filter(place, created_at__range=(start, end)).count()
    cases = Case.objects.filter(place, opened_at__range=(start, end)).count()
    screenings = Screening.objects.filter(region_id=region_id, created_at__range=(start, end)).only(
        "input_json"
    )
    purposes: Counter[str] = Counter()
    screening_total = 0
    for s in screenings.iterator(chunk_size=500):
        screening_total += 1
        try:
            codes = json.loads(s.input_json).get("indicators", [])
        except (ValueError, AttributeError):
            continue
        for code in {c for c in codes if isinstance(c, str) and c.startswith("purpose.")}:
            purposes[code.split(".", 1)[1]] += 1
    referral_place = Q(case__region_id=region_id)
    if prefecture_id:
        referral_place &= Q(case__prefecture_id=prefecture_id)
    referrals = dict(
        Referral.objects.filter(referral_place, created_at__range=(start, end))
        .values_list("need__need_type")
        .annotate(n=Count("id"))
        .values_list("need__need_type", "n")
    )
    dialogue_place = Q(region_id=region_id)
    if prefecture_id:
        dialogue_place &= Q(prefecture_id=prefecture_id)
    sums = Dialogue.objects.filter(
        dialogue_place, held_on__range=(start.date(), end.date())
    ).aggregate(**{f: Sum(f) for f, _s, _a in REACH_FIELDS})
    reach = sum(v or 0 for v in sums.values())
    raw = {
        "alerts": alerts,
        "cases_opened": cases,
        "screenings": screening_total,
        "screenings_by_purpose": dict(purposes),
        "referrals_by_need": referrals,
        "dialogue_reach": reach,
    }
    shown = {
        "alerts": rules.small_count(alerts),
        "cases_opened": rules.small_count(cases),
        "screenings": rules.small_count(screening_total),
        "screenings_by_purpose": {k: rules.small_count(v) for k, v in purposes.items()},
        "referrals_by_need": {k: rules.small_count(v) for k, v in referrals.items()},
        "dialogue_reach": rules.small_count(reach),
    }
    return {"raw": raw, "shown": shown}
