"""Property tests of the policy rules (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.policy import rules

statuses = st.sampled_from(rules.ASSESSMENTS)
scale = st.integers(min_value=1, max_value=5)


@given(st.lists(statuses, max_size=30))
def test_overall_score_is_the_mean_of_assessed_elements(assessments: list[str]) -> None:
    overall = rules.overall_score(assessments)
    assessed = [a for a in assessments if a != rules.NOT_ASSESSED]
    if not assessed:
        assert overall is None
        return
    by_hand = sum({"compliant": 100, "partial": 50, "gap": 0}[a] for a in assessed) / len(assessed)
    assert overall == round(by_hand, 1)
    assert 0 <= overall <= 100


@given(st.lists(statuses, min_size=1, max_size=20), statuses)
def test_not_assessed_elements_do_not_move_the_score(assessments: list[str], extra: str) -> None:
    if extra == rules.NOT_ASSESSED:
        assert rules.overall_score([*assessments, extra]) == rules.overall_score(assessments)


@given(st.lists(st.tuples(scale, scale, scale), max_size=25))
def test_measures_ranked_by_priority_highest_first(triples: list[tuple[int, int, int]]) -> None:
    ranked = rules.rank_measures((k, s, lk, f) for k, (s, lk, f) in enumerate(triples))
    assert len(ranked) == len(triples)
    priorities = [r.priority for r in ranked]
    assert priorities == sorted(priorities, reverse=True)
    for r in ranked:
        s, lk, f = triples[r.key]
        assert r.priority == s * lk * f
        assert 1 <= r.priority <= 125
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert (a.rank == b.rank) == (a.priority == b.priority)
        assert a.rank <= b.rank
    if ranked:
        assert ranked[0].rank == 1


@given(st.lists(st.tuples(st.sampled_from(rules.DIMENSIONS), scale, scale), max_size=20))
def test_dimension_score_is_the_highest_risk(rows: list[tuple[str, int, int]]) -> None:
    scores = rules.dimension_scores(rows)
    assert set(scores) == set(rules.DIMENSIONS)
    for dim in rules.DIMENSIONS:
        risks = [s * lk for d, s, lk in rows if d == dim]
        assert scores[dim] == (max(risks) if risks else None)
        assert rules.heat_level(scores[dim]) in range(5)


@given(st.integers(min_value=0, max_value=10_000))
def test_small_counts_are_hidden(n: int) -> None:
    shown = rules.small_count(n)
    assert shown == ("<5" if 1 <= n <= 4 else str(n))


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_scores_outside_one_to_five_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        rules.risk(bad, 3)
    with pytest.raises(ValueError):
        rules.priority(3, 3, bad)


@given(st.sampled_from(rules.STATUSES), st.sampled_from(rules.STATUSES))
def test_closed_items_never_move(current: str, target: str) -> None:
    if current in {rules.DONE, rules.ABANDONED}:
        assert not rules.can_move(current, target)
    if rules.can_move(current, target):
        assert target != rules.PROPOSED


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 800))
def test_whole_months_cover_the_period_with_month_bounds(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    first, last = rules.whole_months(start, end)
    assert first.day == 1 and first <= start <= end <= last
    assert (last + timedelta(days=1)).day == 1 and (last.year, last.month) == (end.year, end.month)
