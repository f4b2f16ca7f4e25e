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

Beyond that rule, each "<5" cell is checked against the attacker's linear programme (the least
and greatest value it can take given everything shown), as statistical offices' disclosure
tools do, with SciPy's HiGHS solver. Tables that are published separately are not linked to
one another here: callers suppress together what is shown together, and periods are whole
months (``policy.rules.whole_months``), which keeps differencing between tables out of reach.

Pure Python, no Django: the same module serves pages, files, the API and the command line.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Generic, TypeVar

from scipy.optimize import linprog
from scipy.sparse import csr_array

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

    The answer depends on *values* and *lines* alone: the last few thousand tables answered are
    remembered, so that a page read again (the dashboard, by every coordinator) does not solve
    its linear programmes again (53 of its 64 ms of CPU, measured).

    *values* are counts (≥ 0). Each line lists the indexes of values that add up to another
    value of the table, that total's index last (a row's cells, then the row total). Returns,
    per value, SHOWN, SMALL (1 to 4) or HIDDEN (complementary). Deterministic.

    Two passes run until neither changes anything:
    1. no line hides exactly one cell (the subtraction attack);
    2. no "<5" cell can be pinned to a single value by a reader who knows that each "<5" is 1 to
       4, each masked cell at least 0, and how lines add up — e.g. two "<5" cells in a line
       whose hidden part sums to 2 are both 1 (checked exactly, as a linear programme).
    When a cell is pinned, the smallest non-zero visible cell of one of its lines is hidden
    too. When nothing visible is left beside a pinned "<5" cell, it is shown as hidden rather
    than "<5" (the bound "at least 1" is what gave it away).
    """
    return list(_suppress(tuple(values), tuple(tuple(line) for line in lines)))


@lru_cache(maxsize=4096)
def _suppress(values: tuple[int, ...], lines: tuple[tuple[int, ...], ...]) -> tuple[State, ...]:
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
        if not pinned:
            return tuple(states)
        if not _hide_beside(values, lines, states, pinned):
            # Nothing visible is left beside them: what pins these cells is the reader's
            # knowledge that a "<5" is at least 1 (four "<5" under a "<5" total are all 1).
            # Show them as hidden instead, which says nothing of their size.
            for i in pinned:
                states[i] = State.HIDDEN


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
    """The "<5" cells a reader can pin to one value.

    The reader knows every shown value, that each line adds up, that a "<5" is 1 to 4 and a
    masked cell at least 0. The least and the greatest value each "<5" cell can take under
    those constraints is a linear programme (the "attacker's" problem of statistical
    disclosure control); a cell whose range holds one whole number is pinned.

    Every solution of one programme is a table the reader cannot rule out: when the solutions
    seen so far already put a cell on two whole numbers, its own two programmes cannot pin it
    and are not solved (the usual shortcut of disclosure-control tools, exact all the same).
    """
    hidden = [i for i, s in enumerate(states) if s is not State.SHOWN]
    small = [i for i in hidden if states[i] is State.SMALL]
    if not small:
        return []
    col = {cell: k for k, cell in enumerate(hidden)}
    entries: list[float] = []
    row_of: list[int] = []
    col_of: list[int] = []
    rhs: list[float] = []
    for line in lines:
        *parts, total = line
        row: dict[int, float] = {}
        constant = 0.0
        for p in parts:
            if p in col:
                row[col[p]] = row.get(col[p], 0.0) + 1.0
            else:
                constant -= values[p]
        if total in col:
            row[col[total]] = row.get(col[total], 0.0) - 1.0
        else:
            constant += values[total]
        row = {k: v for k, v in row.items() if v}
        if row:
            for k, v in row.items():
                entries.append(v)
                row_of.append(len(rhs))
                col_of.append(k)
            rhs.append(constant)
    matrix = csr_array((entries, (row_of, col_of)), shape=(len(rhs), len(hidden)))
    bounds: list[tuple[float, float | None]] = [
        (1.0, float(THRESHOLD - 1)) if states[i] is State.SMALL else (0.0, None) for i in hidden
    ]
    seen_low = {cell: math.inf for cell in small}
    seen_high = {cell: -math.inf for cell in small}

    def two_numbers_seen(cell: int) -> bool:
        if seen_low[cell] > seen_high[cell]:
            return False  # no solution seen yet
        return math.ceil(seen_low[cell] - 1e-6) < math.floor(seen_high[cell] + 1e-6)

    def solve(objective: list[float]) -> float | None:
        result = _optimum(objective, matrix, rhs, bounds)
        if result is None:
            return None
        value, point = result
        for other in small:
            x = float(point[col[other]])
            seen_low[other] = min(seen_low[other], x)
            seen_high[other] = max(seen_high[other], x)
        return value

    pinned = []
    for cell in small:
        if two_numbers_seen(cell):
            continue
        objective = [0.0] * len(hidden)
        objective[col[cell]] = 1.0
        low = solve(objective)
        if two_numbers_seen(cell):
            continue
        high = solve([-c for c in objective])
        if (
            low is not None
            and high is not None
            and math.ceil(low - 1e-6) >= math.floor(-high + 1e-6)
        ):
            pinned.append(cell)
    return pinned


def _optimum(
    objective: list[float],
    matrix: csr_array,
    rhs: list[float],
    bounds: list[tuple[float, float | None]],
) -> tuple[float, Sequence[float]] | None:
    """The least value of *objective* under the lines and a point reaching it; None when
    unbounded or infeasible."""
    result = linprog(
        objective,
        A_eq=matrix if rhs else None,
        b_eq=rhs or None,
        bounds=bounds,
        method="highs",
    )
    return (float(result.fun), result.x) if result.status == 0 else None


def _hide_beside(
    values: Sequence[int], lines: Sequence[Sequence[int]], states: list[State], pinned: list[int]
) -> bool:
    """Hide one more cell next to each pinned one (one linear-programme round for all of them,
    not one per cell); False when no line of theirs has a visible cell."""
    hid = False
    for cell in pinned:
        for line in lines:
            if cell in line:
                chosen = _complement(values, states, line)
                if chosen is not None:
                    states[chosen] = State.HIDDEN
                    hid = True
                    break
    return hid


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
