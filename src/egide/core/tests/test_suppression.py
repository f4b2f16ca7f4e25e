"""The small-count suppression rule (``egide.core.suppression``), property-tested: every count of
1 to 4 is hidden, no line hides a lone cell, and no hidden small count can be recomputed from what
is shown."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.core.suppression import (
    SMALL_TEXT,
    Cell,
    State,
    is_small,
    shown,
    suppress,
    suppress_line,
    suppress_table,
)

counts = st.integers(min_value=0, max_value=30)
small_biased = st.one_of(st.integers(0, 6), counts)


def test_lone_counts():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == ["0", SMALL_TEXT, SMALL_TEXT, "5", "12"]
    assert Cell(3, State.SMALL).public_value is None
    assert Cell(7, State.HIDDEN).text("masqué") == "masqué"
    with pytest.raises(ValueError):
        is_small(-1)


def test_a_breakdown_whose_total_gives_back_a_small_count():
    # 3 women, 40 men, 9 unknown; total 52 shown: hiding 3 alone, 52 - 40 - 9 = 3 gives it back.
    line = suppress_line({"f": 3, "m": 40, "u": 9})
    assert line.cells["f"].state is State.SMALL
    assert line.cells["u"].state is State.HIDDEN  # the smallest non-zero visible cell
    assert line.cells["m"].shown and line.total.shown
    assert line.total.text() == "52"


def test_a_table_hides_a_complement_in_the_row_and_the_column():
    table = suppress_table(
        ["labe", "kankan"],
        ["f", "m"],
        {("labe", "f"): 3, ("labe", "m"): 20, ("kankan", "f"): 11, ("kankan", "m"): 30},
    )
    assert table.cell("labe", "f").state is State.SMALL
    hidden = {k for k, c in table.cells.items() if not c.shown}
    assert hidden == {("labe", "f"), ("labe", "m"), ("kankan", "f"), ("kankan", "m")}
    assert table.total.text() == "64"


def _lines_ok(states: list[State], lines: list[list[int]]) -> bool:
    return all(sum(states[i] is not State.SHOWN for i in line) != 1 for line in lines)


def _recoverable(values: list[int], states: list[State], lines: list[list[int]], x: int) -> bool:
    """Can a reader who sees the shown values, knows each line's sum and that a "<5" cell is
    1 to 4, tell the true value of cell *x*? Looks for another assignment, moving hidden cells by
    -1, 0 or +1, that keeps every line balanced and every bound: none means the value is pinned
    (for these small tables a ±1 move exists whenever any move does). A line's last index is its
    total."""
    hidden = [i for i, s in enumerate(states) if s is not State.SHOWN]
    pos = {i: k for k, i in enumerate(hidden)}
    for moves in itertools.product((-1, 0, 1), repeat=len(hidden)):
        if moves[pos[x]] == 0:
            continue
        ok = True
        for i, d in zip(hidden, moves, strict=True):
            v = values[i] + d
            if v < 0 or (states[i] is State.SMALL and not 1 <= v <= 4):
                ok = False
                break
        if ok and all(_balanced(line, moves, pos) for line in lines):
            return False
    return True


def _balanced(line: list[int], moves: tuple[int, ...], pos: dict[int, int]) -> bool:
    """The cells of *line* (its last index is their total) still add up after *moves*."""
    *parts, total = line
    move = {i: moves[pos[i]] if i in pos else 0 for i in line}
    return sum(move[i] for i in parts) == move[total]


@given(st.lists(small_biased, min_size=1, max_size=6))
def test_line_property(values):
    line = suppress_line(dict(enumerate(values)))
    states = [c.state for c in line.cells.values()] + [line.total.state]
    every = [*values, sum(values)]
    lines = [list(range(len(every)))]
    assert all(s is not State.SHOWN for v, s in zip(every, states, strict=True) if is_small(v))
    assert all(is_small(v) for v, s in zip(every, states, strict=True) if s is State.SMALL)
    assert _lines_ok(states, lines)
    for x, s in enumerate(states):
        if s is State.SMALL:
            assert not _recoverable(every, states, lines, x), (x, every)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 3).flatmap(
        lambda r: st.integers(1, 3).flatmap(
            lambda c: st.tuples(
                st.just(r), st.just(c), st.lists(small_biased, min_size=r * c, max_size=r * c)
            )
        )
    )
)
def test_table_property(shape):
    n_rows, n_cols, flat = shape
    rows, cols = list(range(n_rows)), list(range(n_cols))
    table = suppress_table(rows, cols, {(r, c): flat[r * n_cols + c] for r in rows for c in cols})
    cells = [table.cell(r, c) for r in rows for c in cols]
    cells += [table.row_totals[r] for r in rows] + [table.column_totals[c] for c in cols]
    cells.append(table.total)
    values = [c.value for c in cells]
    states = [c.state for c in cells]
    # Every count of 1 to 4 is hidden ("<5", or masked when even that would give it away);
    # nothing else is "<5".
    assert all(s is not State.SHOWN for v, s in zip(values, states, strict=True) if is_small(v))
    assert all(is_small(v) for v, s in zip(values, states, strict=True) if s is State.SMALL)
    # Margins are the true sums: the rule never alters a count.
    assert table.total.value == sum(flat)
    # Rebuild the lines as a reader knows them.
    rt, ct = n_rows * n_cols, n_rows * n_cols + n_rows
    grand = ct + n_cols
    lines = [[*(r * n_cols + c for c in cols), rt + r] for r in rows]
    lines += [[*(r * n_cols + c for r in rows), ct + c] for c in cols]
    lines += [[*(rt + r for r in rows), grand], [*(ct + c for c in cols), grand]]
    assert _lines_ok(states, lines)
    hidden = sum(s is not State.SHOWN for s in states)
    if hidden <= 10:
        for x, s in enumerate(states):
            if s is State.SMALL:
                assert not _recoverable(values, states, lines, x), f"{x} {values} {states}"


@given(st.lists(counts, min_size=1, max_size=10), st.data())
def test_generic_rule_on_linked_breakdowns(parts, data):
    """Several breakdowns of overlapping cells, each with its own total appended as a value."""
    values = list(parts)
    idx = st.integers(0, len(parts) - 1)
    lines = []
    for group in data.draw(
        st.lists(st.lists(idx, min_size=1, max_size=4, unique=True), max_size=4)
    ):
        values.append(sum(parts[i] for i in group))
        lines.append([*group, len(values) - 1])
    states = suppress(values, lines)
    assert _lines_ok(states, lines)
    assert all(s is not State.SHOWN for v, s in zip(values, states, strict=True) if is_small(v))
    assert all(is_small(v) for v, s in zip(values, states, strict=True) if s is State.SMALL)


def test_small_cells_under_a_small_total_are_masked_not_pinned():
    # Four "<5" under a "<5" total of 4 would all be 1: they are masked instead.
    line = suppress_line({"a": 1, "b": 1, "c": 1, "d": 1})
    assert all(c.state is State.HIDDEN for c in [*line.cells.values(), line.total])
    table = suppress_table([0], [0, 1, 2, 3], {(0, c): 1 for c in range(4)})
    assert all(not table.cell(0, c).shown for c in range(4)) and not table.total.shown
    # Three "<5" under a total of 7: each could be 1 to 4 — they stay "<5".
    line = suppress_line({"a": 2, "b": 3, "c": 2})
    assert [c.text() for c in line.cells.values()] == ["<5", "<5", "<5"]
    assert line.total.text() == "7"


def test_bad_input():
    with pytest.raises(ValueError):
        suppress([-1], [])
    with pytest.raises(IndexError):
        suppress([1, 2], [[0, 5]])
    with pytest.raises(ValueError, match="add up"):
        suppress([1, 2], [[0, 1]])


def test_a_table_answered_again_is_remembered_not_shared() -> None:
    """The second answer for the same table comes from memory, and is a list of its own."""
    from egide.core import suppression

    values, lines = [2, 9, 11, 1, 3, 4], [[0, 1, 2], [3, 4, 5]]
    first = suppress(values, lines)
    hits = suppression._suppress.cache_info().hits
    second = suppress(tuple(values), [tuple(line) for line in lines])
    assert second == first and second is not first
    assert suppression._suppress.cache_info().hits == hits + 1
    first[0] = State.SHOWN  # a caller changing its answer changes nobody else's
    assert suppress(values, lines)[0] is State.SMALL
    with pytest.raises(ValueError):  # refusals are not remembered as answers
        suppress([-1], [])
    with pytest.raises(ValueError):
        suppress([-1], [])
