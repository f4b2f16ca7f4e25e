"""Policy rules without Django: the scoring method of a review, the ranking of measures, the
dimension scores of a locality, small-count suppression and the tracker's status machine.

Every formula here is also stated in words on the pages that show its result (METHOD_* texts):
a reader can recompute any score by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from egide.core import suppression

# Assessment codes (a contract: stored in the database and served by the API).
COMPLIANT = "compliant"
PARTIAL = "partial"
GAP = "gap"
NOT_ASSESSED = "not_assessed"
ASSESSMENTS = (COMPLIANT, PARTIAL, GAP, NOT_ASSESSED)

# Points per assessment; "not assessed" counts for nothing and is left out of the mean.
POINTS: Mapping[str, int] = {COMPLIANT: 100, PARTIAL: 50, GAP: 0}

DIMENSIONS = (
    "economic",
    "food",
    "health",
    "environmental",
    "personal",
    "community",
    "political",
)

SCALE_MIN, SCALE_MAX = 1, 5
SMALL_COUNT_LIMIT = suppression.THRESHOLD

# Tracker statuses and the moves allowed between them.
PROPOSED = "proposed"
VALIDATED = "validated"
IN_PROGRESS = "in_progress"
DONE = "done"
ABANDONED = "abandoned"
STATUSES = (PROPOSED, VALIDATED, IN_PROGRESS, DONE, ABANDONED)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    PROPOSED: frozenset({VALIDATED, ABANDONED}),
    VALIDATED: frozenset({IN_PROGRESS, DONE, ABANDONED}),
    IN_PROGRESS: frozenset({DONE, ABANDONED}),
    DONE: frozenset(),
    ABANDONED: frozenset(),
}
OPEN_STATUSES = frozenset({PROPOSED, VALIDATED, IN_PROGRESS})


def element_score(assessment: str) -> int | None:
    """Score of one element: 100 compliant, 50 partially compliant, 0 gap, None not assessed."""
    if assessment not in ASSESSMENTS:
        raise ValueError(f"unknown assessment {assessment!r}")
    return POINTS.get(assessment)


def overall_score(assessments: Iterable[str]) -> float | None:
    """Mean of the element scores of the assessed elements (equal weights), one decimal.

    None when no element is assessed yet.
    """
    scores = [s for s in (element_score(a) for a in assessments) if s is not None]
    if not scores:
        return None
    return round(sum(scores) / len(scores), 1)


def score_change(before: int | None, after: int | None) -> int | None:
    """Per-element change between two reviews (None when either side is not assessed)."""
    if before is None or after is None:
        return None
    return after - before


def in_scale(value: int) -> bool:
    """Severity, likelihood and feasibility are scored 1 (lowest) to 5 (highest)."""
    return SCALE_MIN <= value <= SCALE_MAX


def risk(severity: int, likelihood: int) -> int:
    """Risk of an insecurity: severity × likelihood (1–25)."""
    if not (in_scale(severity) and in_scale(likelihood)):
        raise ValueError("severity and likelihood are scored 1 to 5")
    return severity * likelihood


def priority(severity: int, likelihood: int, feasibility: int) -> int:
    """Priority of a measure: severity × likelihood addressed × feasibility (1–125)."""
    if not in_scale(feasibility):
        raise ValueError("feasibility is scored 1 to 5")
    return risk(severity, likelihood) * feasibility


@dataclass(frozen=True)
class RankedItem:
    """A measure with its priority and its rank (1 = do first; equal priorities share a rank)."""

    key: int
    priority: int
    rank: int


def rank_measures(items: Iterable[tuple[int, int, int, int]]) -> list[RankedItem]:
    """Rank (key, severity, likelihood, feasibility) tuples by priority, highest first.

    Ties keep the lower key first and share the same rank (competition ranking: 1, 1, 3).
    """
    scored = sorted(
        ((key, priority(s, lk, f)) for key, s, lk, f in items), key=lambda kp: (-kp[1], kp[0])
    )
    ranked: list[RankedItem] = []
    for position, (key, prio) in enumerate(scored, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].priority == prio else position
        ranked.append(RankedItem(key, prio, rank))
    return ranked


def dimension_scores(insecurities: Iterable[tuple[str, int, int]]) -> dict[str, int | None]:
    """Per dimension, the highest risk (severity × likelihood) among its insecurities, or None."""
    scores: dict[str, int | None] = dict.fromkeys(DIMENSIONS)
    for dimension, severity, likelihood in insecurities:
        if dimension not in scores:
            raise ValueError(f"unknown dimension {dimension!r}")
        value = risk(severity, likelihood)
        current = scores[dimension]
        scores[dimension] = value if current is None else max(current, value)
    return scores


def heat_level(score: int | None) -> int:
    """Colour band of a heat-map cell: 0 none, 1 low (1–5), 2 moderate (6–11), 3 high (12–19),
    4 very high (20–25)."""
    if score is None:
        return 0
    if score <= 5:
        return 1
    if score <= 11:
        return 2
    if score <= 19:
        return 3
    return 4


def small_count(n: int) -> str:
    """A count as shown: 0 as 0, 1 to 4 as "<5" (nobody can be singled out), otherwise the count.
    The rule itself lives in ``egide.core.suppression``, shared by every figure Égide shows."""
    return suppression.shown(n)


def whole_months(start: date, end: date) -> tuple[date, date]:
    """The period widened to whole calendar months: the first day of *start*'s month to the last
    day of *end*'s.

    Égide's own counts are computed on these bins only. With periods free to the day, two
    analyses one day apart would give, by difference, the exact count of one day in one place
    (one alert, one case) even though each figure alone is shown as "<5" or 5 and more.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    first = start.replace(day=1)
    after = date(end.year + (end.month == 12), end.month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def can_move(current: str, target: str) -> bool:
    """True when the tracker allows moving from *current* to *target*."""
    return target in TRANSITIONS.get(current, frozenset())
