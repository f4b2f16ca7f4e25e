"""Periods in DHIS2's syntax: parsing, bounds, succession (property tests, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.monitoring import periods
from egide.monitoring.periods import Period, PeriodError, PeriodType

years = st.integers(min_value=periods.MIN_YEAR + 1, max_value=periods.MAX_YEAR - 1)
any_period = st.one_of(
    years.map(lambda y: Period(y, 0, PeriodType.YEARLY)),
    st.builds(lambda y, q: Period(y, q, PeriodType.QUARTERLY), years, st.integers(1, 4)),
    st.builds(lambda y, m: Period(y, m, PeriodType.MONTHLY), years, st.integers(1, 12)),
)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("202402", date(2024, 2, 1), date(2024, 2, 29)),
        ("202312", date(2023, 12, 1), date(2023, 12, 31)),
    ],
)
def test_bounds(text: str, start: date, end: date) -> None:
    p = periods.parse(text)
    assert (p.start, p.end, p.id) == (start, end, text)


@pytest.mark.parametrize(
    "bad", ["", "24", "2024Q0", "2024Q5", "202400", "202413", "2024-03", "2024W1", "1999", "x"]
)
def test_bad_periods_are_refused_with_a_clear_message(bad: str) -> None:
    with pytest.raises(PeriodError, match="2024Q3"):
        periods.parse(bad)
    assert not periods.is_valid(bad)


@given(any_period)
def test_id_round_trips(p: Period) -> None:
    assert periods.parse(p.id) == p


@given(any_period)
def test_periods_follow_each_other_without_gap(p: Period) -> None:
    assert p.next().start == p.end + timedelta(days=1)
    assert p.previous().next() == p
    assert p.start <= p.end and p.contains(p.start) and p.contains(p.end)
    assert periods.containing(p.start, p.type) == p


@given(any_period)
def test_children_tile_their_parent(p: Period) -> None:
    kids = p.children()
    if kids:
        assert kids[0].start == p.start and kids[-1].end == p.end
        for a, b in zip(kids, kids[1:], strict=False):
            assert a.next() == b


def test_trend_is_oldest_first() -> None:
    assert [p.id for p in periods.parse("2024Q1").trend(3)] == ["2023Q3", "2023Q4", "2024Q1"]
    assert [p.id for p in periods.parse("202401").trend(2)] == ["202312", "202401"]
