"""Small-count suppression: the one rule every figure that leaves a protection role goes through
(monitoring dashboards, donor reports, DHIS2, anonymised aggregate tables, human-security
evidence).

Primary suppression: a count from 1 to 4 is shown as "<5" — nobody can be singled out. Zero is
shown: it singles nobody out.

Secondary (complementary) suppression: a hidden count must not come back by subtraction. Counts
are tied together by *lines*: a line is a set of cells whose sum is another cell of the table
(a row and its row total, a column and its column total, a breakdown and the headline figure).
A line with exactly one hidden cell gives that cell back (total minus the visible cells), so in
every line that hides something at least two cells are hidden. The complement chosen is the
smallest non-zero visible cell of the line (hiding a zero would tell little: the reader could
still bound the small cell tightly), then, if none, the first visible cell. Hiding a complement
can break another line, so the rule runs until no line hides exactly one cell.

This is the classic "no lone suppression per line" rule used by statistical offices for
frequency tables. It does not defend against every linear-programming attack on large linked
tables; the tables Égide publishes are small (at most three dimensions) and periods are whole
months (``policy.rules.whole_months``), which keeps differencing between tables out of reach.

Pure Python, no Django: the same module serves pages, files, the API and the command line.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Generic, TypeVar

#: Counts below this (and above zero) are never shown.
THRESHOLD = 5
SMALL_TEXT = "<5"

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


class State(Enum):
    SHOWN = "shown"
    SMALL = "small"  # primary: 1 to 4
    HIDDEN = "hidden"  # complementary: hidden so that a small cell cannot be recomputed


@dataclass(frozen=True)
class Cell:
    """A count and how it may be shown. ``value`` is the true count: never put it on a page
    unless ``state`` is SHOWN — use :meth:`text`."""

    value: int
    state: State = State.SHOWN

    @property
    def shown(self) -> bool:
        return self.state is State.SHOWN

    @property
    def public_value(self) -> int | None:
        """The count if it may be shown, else None (for charts, JSON and spreadsheets)."""
        return self.value if self.state is State.SHOWN else None

    def text(self, hidden_text: str = "x") -> str:
        """The count as shown: the number, "<5", or *hidden_text* for a complementary cell."""
        if self.state is State.SMALL:
            return SMALL_TEXT
        if self.state is State.HIDDEN:
            return hidden_text
        return str(self.value)

    def __str__(self) -> str:
        return self.text()


def is_small(n: int) -> bool:
    """True for the counts primary suppression hides (1 to 4)."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    return 0 < n < THRESHOLD


def shown(n: int) -> str:
    """A lone count as shown: 0 as 0, 1 to 4 as "<5", otherwise the count."""
    return SMALL_TEXT if is_small(n) else str(n)


def suppress(values: Sequence[int], lines: Sequence[Sequence[int]]) -> list[State]:
    """The state of each value, given the lines that tie values together.

    *values* are counts (≥ 0). Each line lists the indexes of values that add up to another
    value of the table, that total's index last (a row's cells, then the row total). Returns,
    per value, SHOWN, SMALL (1 to 4) or HIDDEN (complementary). Deterministic.

    Two passes run until neither changes anything:
    1. no line hides exactly one cell (the subtraction attack);
    2. no "<5" cell can be pinned to a single value by a reader who knows that each "<5" is 1 to
       4, each complement at least 0, and how lines add up (interval reasoning carried across
       lines) — e.g. two "<5" cells in a line whose hidden part sums to 2 are both 1.
    When a cell is pinned, the smallest non-zero visible cell of one of its lines is hidden
    too. A table whose every cell is already hidden cannot be helped further; callers show such
    a table as a whole as "<5".
    """
    for v in values:
        if v < 0:
            raise ValueError("a count cannot be negative")
    for line in lines:
        if len(line) < 2:
            raise ValueError("a line needs at least one cell and its total")
        for i in line:
            if not 0 <= i < len(values):
                raise IndexError(f"line refers to value {i}, out of range")
        if sum(values[i] for i in line[:-1]) != values[line[-1]]:
            raise ValueError("a line's cells do not add up to its total")
    states = [State.SMALL if is_small(v) else State.SHOWN for v in values]
    while True:
        _no_lone_cell(values, lines, states)
        pinned = [i for i in _pinned(values, lines, states) if states[i] is State.SMALL]
        if not pinned or not _hide_beside(values, lines, states, pinned):
            return states


def _complement(values: Sequence[int], states: list[State], line: Sequence[int]) -> int | None:
    visible = [i for i in line if states[i] is State.SHOWN]
    pool = [i for i in visible if values[i] > 0] or visible
    return min(pool, key=lambda i: (values[i], i)) if pool else None


def _no_lone_cell(
    values: Sequence[int], lines: Sequence[Sequence[int]], states: list[State]
) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(states[i] is not State.SHOWN for i in line) == 1:
                chosen = _complement(values, states, line)
                if chosen is not None:
                    states[chosen] = State.HIDDEN
                    changed = True


def _pinned(
    values: Sequence[int], lines: Sequence[Sequence[int]], states: list[State]
) -> list[int]:
    """The hidden cells a reader can pin to one value by interval reasoning over the lines."""
    inf = float("inf")
    lo: list[float] = []
    hi: list[float] = []
    for v, s in zip(values, states, strict=True):
        bounds = {State.SHOWN: (v, v), State.SMALL: (1, THRESHOLD - 1), State.HIDDEN: (0, inf)}
        lo.append(bounds[s][0])
        hi.append(bounds[s][1])
    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            sum_lo = sum(lo[p] for p in parts)
            sum_hi = sum(hi[p] for p in parts)
            new = {total: (sum_lo, sum_hi)}
            for p in parts:
                new[p] = (lo[total] - (sum_hi - hi[p]), hi[total] - (sum_lo - lo[p]))
            for i, (a, b) in new.items():
                if a == a and a > lo[i]:  # a == a: not NaN (inf - inf)
                    lo[i] = a
                    changed = True
                if b == b and b < hi[i]:
                    hi[i] = b
                    changed = True
    by_bounds = {i for i, s in enumerate(states) if s is not State.SHOWN and lo[i] >= hi[i]}
    return sorted(by_bounds | _determined(lines, states))


def _determined(lines: Sequence[Sequence[int]], states: list[State]) -> set[int]:
    """The hidden cells some combination of lines gives back exactly (x = a sum of shown
    values), found by exact Gaussian elimination over the hidden cells: a hidden cell is
    determined when no solution of the homogeneous system moves it."""
    hidden = [i for i, s in enumerate(states) if s is not State.SHOWN]
    if not hidden:
        return set()
    col = {cell: k for k, cell in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(hidden)
        *parts, total = line
        for p in parts:
            if p in col:
                row[col[p]] += 1
        if total in col:
            row[col[total]] -= 1
        if any(row):
            rows.append(row)
    # Reduced row echelon form.
    pivots: list[int] = []
    r = 0
    for c in range(len(hidden)):
        pivot = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                factor = rows[k][c]
                rows[k] = [a - factor * b for a, b in zip(rows[k], rows[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    # A pivot variable with no free variable in its row is fixed; free variables never are.
    determined = set()
    for k, c in enumerate(pivots):
        if all(rows[k][j] == 0 for j in range(len(hidden)) if j != c):
            determined.add(hidden[c])
    return determined


def _hide_beside(
    values: Sequence[int], lines: Sequence[Sequence[int]], states: list[State], pinned: list[int]
) -> bool:
    """Hide one more cell next to a pinned one; False when no line of theirs has a visible cell."""
    for cell in pinned:
        for line in lines:
            if cell in line:
                chosen = _complement(values, states, line)
                if chosen is not None:
                    states[chosen] = State.HIDDEN
                    return True
    return False


@dataclass(frozen=True)
class Line(Generic[K]):
    """A breakdown of one total (e.g. presumed victims by sex), suppressed together."""

    cells: dict[K, Cell]
    total: Cell


def suppress_line(counts: Mapping[K, int], total: int | None = None) -> Line[K]:
    """Suppress a breakdown and its total. *total* defaults to the sum of *counts*; pass it when
    the breakdown does not cover everything (e.g. "sex not recorded" left out) — then the
    breakdown is not a line (its cells do not add up to the total) and only primary suppression
    applies, unless the cells do add up to it."""
    keys = list(counts)
    values = [counts[k] for k in keys]
    whole = sum(values) if total is None else total
    lines: list[list[int]] = []
    if whole == sum(values):
        lines.append(list(range(len(values) + 1)))
    states = suppress([*values, whole], lines)
    return Line(
        cells={k: Cell(v, s) for k, v, s in zip(keys, values, states, strict=False)},
        total=Cell(whole, states[-1]),
    )


@dataclass(frozen=True)
class Table(Generic[R, C]):
    """A two-way table with its margins, suppressed together."""

    rows: list[R]
    columns: list[C]
    cells: dict[tuple[R, C], Cell]
    row_totals: dict[R, Cell]
    column_totals: dict[C, Cell]
    total: Cell

    def cell(self, row: R, column: C) -> Cell:
        return self.cells[(row, column)]


def suppress_table(
    rows: Sequence[R], columns: Sequence[C], counts: Mapping[tuple[R, C], int]
) -> Table[R, C]:
    """Suppress a two-way table (missing cells count 0) together with its row totals, column
    totals and grand total: each row with its total is a line, each column with its total, the
    row totals with the grand total, the column totals with the grand total."""
    n_rows, n_cols = len(rows), len(columns)
    values: list[int] = []
    for r in rows:
        for c in columns:
            values.append(int(counts.get((r, c), 0)))
    row_sums = [sum(values[i * n_cols : (i + 1) * n_cols]) for i in range(n_rows)]
    col_sums = [sum(values[i * n_cols + j] for i in range(n_rows)) for j in range(n_cols)]
    base_rt = n_rows * n_cols
    base_ct = base_rt + n_rows
    grand = base_ct + n_cols
    values += row_sums + col_sums + [sum(row_sums)]

    lines: list[list[int]] = []
    for i in range(n_rows):
        lines.append([*(i * n_cols + j for j in range(n_cols)), base_rt + i])
    for j in range(n_cols):
        lines.append([*(i * n_cols + j for i in range(n_rows)), base_ct + j])
    lines.append([*(base_rt + i for i in range(n_rows)), grand])
    lines.append([*(base_ct + j for j in range(n_cols)), grand])
    states = suppress(values, lines)

    return Table(
        rows=list(rows),
        columns=list(columns),
        cells={
            (r, c): Cell(values[i * n_cols + j], states[i * n_cols + j])
            for i, r in enumerate(rows)
            for j, c in enumerate(columns)
        },
        row_totals={r: Cell(values[base_rt + i], states[base_rt + i]) for i, r in enumerate(rows)},
        column_totals={
            c: Cell(values[base_ct + j], states[base_ct + j]) for j, c in enumerate(columns)
        },
        total=Cell(values[grand], states[grand]),
    )
