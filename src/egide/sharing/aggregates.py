"""Counting tables (rows × one column dimension) over anonymous records, suppressed with the one
small-count rule of :mod:`egide.core.suppression`. Pure Python, no Django.

A record is a mapping of dimension → value; a value may be a set (a case with two exploitation
purposes is counted under each), the empty set or blank meaning "not recorded". Rows are the
combinations of the row dimensions that occur; columns are the values of the column dimension
that occur, "not recorded" last. With a multi-valued dimension the totals count mentions, not
cases — the file says so.

Tables that share margins must be suppressed together, or one table gives back what another
hides (region × sex hides Labé/female and Labé/male, a (region, sex) × age table shows the
Labé/male total: Labé − male = female). So what is offered is a FIXED :class:`Family`: every
pair of a fixed set of dimensions as a two-way table, with the one-way margins and the grand
total — never a free nesting. The whole family is one list of values for
:func:`egide.core.suppression.suppress`: a margin cell is one value, shared by index by every
table that shows it, the lines are the one-way margins with the grand total and each table's
rows and columns with their margins, and the rule runs once — a shared cell has one state
everywhere and no line of the family hides exactly one cell. :func:`split_families` does the
same for a part and the whole (Guinean citizens and all citizens): besides each family's lines,
part + rest = whole is a line for every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from egide.core.suppression import Cell, State, Table, suppress_table
from egide.core.suppression import suppress as suppress_values

NOT_RECORDED = ""
Value = str | frozenset[str]
RowKey = tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """Raw counts of a table before suppression (never shown as they are)."""

    row_dims: tuple[str, ...]
    col_dim: str
    rows: list[RowKey]
    columns: list[str]
    counts: dict[tuple[RowKey, str], int]

    def suppressed(self) -> Table[RowKey, str]:
        return suppress(self.rows, self.columns, self.counts)


def suppress(
    rows: Sequence[RowKey], columns: Sequence[str], counts: Mapping[tuple[RowKey, str], int]
) -> Table[RowKey, str]:
    """:func:`egide.core.suppression.suppress_table`, also for a table without rows or columns
    (nothing to count: an empty table with a total of 0)."""
    if not rows or not columns:
        return Table(
            list(rows),
            list(columns),
            {},
            {r: Cell(0) for r in rows},
            {c: Cell(0) for c in columns},
            Cell(0),
        )
    return suppress_table(rows, columns, counts)


def _values(value: Value | None) -> tuple[str, ...]:
    if value is None:
        return (NOT_RECORDED,)
    if isinstance(value, str):
        return (value,)
    return tuple(sorted(value)) or (NOT_RECORDED,)


def _order(values: Iterable[str], order: Sequence[str] | None) -> list[str]:
    known = list(order or ())
    rank = {v: i for i, v in enumerate(known)}
    return sorted(set(values), key=lambda v: (v == NOT_RECORDED, rank.get(v, len(rank)), v))


def count(
    records: Iterable[Mapping[str, Value | None]],
    row_dims: Sequence[str],
    col_dim: str,
    orders: Mapping[str, Sequence[str]] | None = None,
) -> Counts:
    """Count *records* by the row dimensions (multi-valued ones expanded) × the column one."""
    orders = orders or {}
    counts: dict[tuple[RowKey, str], int] = {}
    for record in records:
        keys: list[RowKey] = [()]
        for dim in row_dims:
            keys = [(*prefix, v) for prefix in keys for v in _values(record.get(dim))]
        for row in keys:
            for col in _values(record.get(col_dim)):
                counts[(row, col)] = counts.get((row, col), 0) + 1
    ranks = {d: {v: i for i, v in enumerate(o)} for d, o in orders.items()}

    def row_rank(row: RowKey) -> tuple[tuple[bool, int, str], ...]:
        return tuple(
            (v == NOT_RECORDED, ranks.get(d, {}).get(v, len(ranks.get(d, {}))), v)
            for d, v in zip(row_dims, row, strict=True)
        )

    rows = sorted({r for r, _c in counts}, key=row_rank)
    columns = _order((c for _r, c in counts), orders.get(col_dim))
    return Counts(tuple(row_dims), col_dim, rows, columns, counts)


def whole_table_hidden(table: Table[RowKey, str]) -> bool:
    """True when the grand total is hidden: then even the pattern of zero and non-zero cells
    would tell something (four cells of a total below 5 are all 1), so nothing is broken down."""
    return not table.total.shown


def lines(
    table: Table[RowKey, str],
    row_dims: Sequence[str],
    *,
    dim_label: Callable[[str], str],
    value_label: Callable[[str, str], str],
    col_dim: str,
    total: str,
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a suppressed table as text ("<5" for 1–4, "x" for complements). A table
    whose grand total is itself below 5 is not broken down at all: its one line says "<5"."""
    header = [dim_label(d) for d in row_dims]
    header += [value_label(col_dim, c) for c in table.columns] + [total]
    out: list[list[str]] = []
    if whole_table_hidden(table):
        hidden = ["x"] * len(table.columns)
        return header, [[total] + [""] * (len(row_dims) - 1) + hidden + [table.total.text()]]
    for row in table.rows:
        cells = [table.cell(row, c).text() for c in table.columns]
        out.append(
            [value_label(d, v) for d, v in zip(row_dims, row, strict=True)]
            + cells
            + [table.row_totals[row].text()]
        )
    last = [total] + [""] * (len(row_dims) - 1)
    out.append(last + [table.column_totals[c].text() for c in table.columns] + [table.total.text()])
    return header, out


# --- a fixed family of tables, suppressed together ----------------------------------------------


@dataclass(frozen=True)
class Family:
    """Every two-way table of a fixed set of dimensions, with their one-way margins and the grand
    total, suppressed as ONE set of values: a margin cell (e.g. Labé, or Labé × male) is one value
    with one state wherever it is shown, so no table gives back what another hides.

    ``values``/``states`` hold all the counts; ``index`` maps a key to its position: ``("total",)``
    the number of records, ``("margin", d, v)`` the records with value v of d, ``("mentions", d)``
    the sum of a multi-valued dimension's margin, ``("cell", a, b, va, vb)`` a two-way cell (a
    before b in ``dims``), ``("row", d, m, v)`` the sum of the line through value v of d across
    a multi-valued m (it counts mentions, not records, so it is not the margin of d)."""

    dims: tuple[str, ...]
    multi: frozenset[str]
    values_of: dict[str, list[str]]
    index: dict[tuple[str, ...], int]
    values: list[int]
    lines: list[list[int]]
    states: list[State]

    def cell_of(self, key: tuple[str, ...]) -> Cell:
        """The suppressed count of *key*; 0 (shown) for a value that never occurs."""
        i = self.index.get(key)
        return Cell(0) if i is None else Cell(self.values[i], self.states[i])

    def table(
        self,
        row_dim: str,
        col_dim: str,
        rows: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
    ) -> Table[RowKey, str]:
        """The two-way table row_dim × col_dim of the family, margins included (on *rows* and
        *columns* if given, e.g. to line it up with another family's)."""
        a, b = sorted((row_dim, col_dim), key=self.dims.index)
        swap = a != row_dim

        def cell(vr: str, vc: str) -> Cell:
            return self.cell_of(("cell", a, b, vc, vr) if swap else ("cell", a, b, vr, vc))

        def line_total(d: str, other: str, v: str) -> Cell:
            # Sum of the line through v of d: the margin of d, unless *other* is multi-valued.
            if other in self.multi:
                return self.cell_of(("row", d, other, v))
            return self.cell_of(("margin", d, v))

        rows = list(self.values_of[row_dim] if rows is None else rows)
        columns = list(self.values_of[col_dim] if columns is None else columns)
        multi = [d for d in (a, b) if d in self.multi]
        total = ("mentions", multi[0]) if multi else ("total",)
        return Table(
            rows=[(v,) for v in rows],
            columns=list(columns),
            cells={((r,), c): cell(r, c) for r in rows for c in columns},
            row_totals={(r,): line_total(row_dim, col_dim, r) for r in rows},
            column_totals={c: line_total(col_dim, row_dim, c) for c in columns},
            total=self.cell_of(total),
        )


def family_counts(
    records: Iterable[Mapping[str, Value | None]], dims: Sequence[str]
) -> dict[tuple[str, ...], int]:
    """The raw counts of a family: the total, margins and two-way cells (see :class:`Family`)."""
    counts: dict[tuple[str, ...], int] = {("total",): 0}
    for record in records:
        counts[("total",)] += 1
        vals = {d: _values(record.get(d)) for d in dims}
        for d in dims:
            for v in vals[d]:
                counts[("margin", d, v)] = counts.get(("margin", d, v), 0) + 1
        for i, a in enumerate(dims):
            for b in dims[i + 1 :]:
                for va in vals[a]:
                    for vb in vals[b]:
                        key = ("cell", a, b, va, vb)
                        counts[key] = counts.get(key, 0) + 1
    return counts


def _line(lines: list[list[int]], line: list[int]) -> None:
    """Add a line (cells, then their total) unless it has no cell (nothing counted)."""
    if len(line) > 1:
        lines.append(line)


def family_layout(
    counts: Mapping[tuple[str, ...], int],
    dims: Sequence[str],
    multi: frozenset[str],
    values_of: Mapping[str, Sequence[str]],
) -> tuple[dict[tuple[str, ...], int], list[int], list[list[int]]]:
    """Index, values and lines of a family: each margin with the total (one-way margins), each
    row and each column of a two-way table with its margin (or its mentions sum)."""
    index: dict[tuple[str, ...], int] = {}
    values: list[int] = []

    def add(key: tuple[str, ...], n: int) -> int:
        index[key] = len(values)
        values.append(n)
        return index[key]

    lines: list[list[int]] = []
    grand = add(("total",), counts.get(("total",), 0))
    for d in dims:
        margin = [add(("margin", d, v), counts.get(("margin", d, v), 0)) for v in values_of[d]]
        if d in multi:
            _line(lines, [*margin, add(("mentions", d), sum(values[i] for i in margin))])
        else:
            _line(lines, [*margin, grand])
    for i, a in enumerate(dims):
        for b in dims[i + 1 :]:
            if a in multi and b in multi:
                raise ValueError("two multi-valued dimensions cannot share a table")
            for va in values_of[a]:
                for vb in values_of[b]:
                    add(("cell", a, b, va, vb), counts.get(("cell", a, b, va, vb), 0))
            for d, other in ((a, b), (b, a)):
                # Each line through a value v of d: its margin, or — across a multi-valued
                # dimension — a sum of mentions ("row", d, other, v), whose sum is the mentions.
                sums = []
                for v in values_of[d]:
                    keys = [
                        ("cell", a, b, v, w) if d == a else ("cell", a, b, w, v)
                        for w in values_of[other]
                    ]
                    line = [index[k] for k in keys]
                    if other in multi:
                        total = add(("row", d, other, v), sum(values[j] for j in line))
                        sums.append(total)
                    else:
                        total = index[("margin", d, v)]
                    _line(lines, [*line, total])
                if other in multi:
                    _line(lines, [*sums, index[("mentions", other)]])
    return index, values, lines


def _values_of(
    counts: Iterable[Mapping[tuple[str, ...], int]],
    dims: Sequence[str],
    orders: Mapping[str, Sequence[str]],
) -> dict[str, list[str]]:
    seen: dict[str, set[str]] = {d: set() for d in dims}
    for c in counts:
        for key in c:
            if key[0] == "margin":
                seen[key[1]].add(key[2])
    return {d: _order(seen[d], orders.get(d)) for d in dims}


def family(
    records: Iterable[Mapping[str, Value | None]],
    dims: Sequence[str],
    *,
    multi: frozenset[str] = frozenset(),
    orders: Mapping[str, Sequence[str]] | None = None,
) -> Family:
    """Count *records* into the family of all two-way tables of *dims* and suppress it once."""
    counts = family_counts(records, dims)
    values_of = _values_of([counts], dims, orders or {})
    index, values, lines = family_layout(counts, dims, multi, values_of)
    states = suppress_values(values, lines)
    return Family(tuple(dims), multi, values_of, index, values, lines, states)


def split_families(
    part: Iterable[Mapping[str, Value | None]],
    rest: Iterable[Mapping[str, Value | None]],
    dims: Sequence[str],
    *,
    multi: frozenset[str] = frozenset(),
    orders: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Family, Family, Family]:
    """The families of *part* (e.g. Guinean citizens), of *rest* and of both (all citizens),
    suppressed together: besides each family's lines, every value of the part, the same value
    of the rest and the whole's are one line (part + rest = all), so showing the whole and the
    part one after the other gives back nothing either hides."""
    c_part, c_rest = family_counts(part, dims), family_counts(rest, dims)
    c_all = {k: c_part.get(k, 0) + c_rest.get(k, 0) for k in {*c_part, *c_rest}}
    values_of = _values_of([c_all], dims, orders or {})
    layouts = [family_layout(c, dims, multi, values_of) for c in (c_part, c_rest, c_all)]
    n = len(layouts[0][1])
    values = [v for _i, vs, _l in layouts for v in vs]
    lines = [[j + k * n for j in line] for k, (_i, _v, ls) in enumerate(layouts) for line in ls]
    lines += [[j, j + n, j + 2 * n] for j in range(n)]
    states = suppress_values(values, lines)
    index = layouts[0][0]
    return (
        Family(tuple(dims), multi, values_of, index, values[:n], layouts[0][2], states[:n]),
        Family(
            tuple(dims),
            multi,
            values_of,
            index,
            values[n : 2 * n],
            layouts[1][2],
            states[n : 2 * n],
        ),
        Family(
            tuple(dims), multi, values_of, index, values[2 * n :], layouts[2][2], states[2 * n :]
        ),
    )
