"""Counting tables (rows × one column dimension) over anonymous records, suppressed with the one
small-count rule of :mod:`egide.core.suppression`. Pure Python, no Django.

A record is a mapping of dimension → value; a value may be a set (a case with two exploitation
purposes is counted under each), the empty set or blank meaning "not recorded". Rows are the
combinations of the row dimensions that occur; columns are the values of the column dimension
that occur, "not recorded" last. With a multi-valued dimension the totals count mentions, not
cases — the file says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from egide.core.suppression import Cell, Table, suppress_table

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
