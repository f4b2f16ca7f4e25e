"""Aggregate tables: every 1–4 hidden, and a complementary cell in each affected row/column."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egide.audit.models import AuditEvent
from egide.core.suppression import State
from egide.sharing import aggregates
from egide.sharing.labels import dimension_label, value_label
from egide.sharing.services import table_export


def _check(table: Any) -> None:
    rows, cols = table.rows, table.columns
    for r in rows:
        for c in cols:
            cell = table.cell(r, c)
            if 0 < cell.value < 5:
                # "<5", or masked where even "<5" would give the value away.
                assert cell.state in (State.SMALL, State.HIDDEN)
    lines = [[table.cell(r, c) for c in cols] + [table.row_totals[r]] for r in rows] + [
        [table.cell(r, c) for r in rows] + [table.column_totals[c]] for c in cols
    ]
    for line in lines:
        hidden = sum(not cell.shown for cell in line)
        assert hidden != 1, "a line hides exactly one cell: it can be recomputed"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "region": st.sampled_from(["GN-L", "GN-K", "GN-C"]),
                "sex": st.sampled_from(["female", "male", ""]),
                "purpose": st.frozensets(st.sampled_from(["forced_labour", "forced_begging"])),
            }
        ),
        max_size=80,
    )
)
def test_suppressed_tables_hide_small_cells_and_a_complement(records: list[Any]) -> None:
    _check(aggregates.count(records, ["region", "sex"], "purpose").suppressed())


@pytest.mark.django_db
def test_table_file_shows_no_small_count(make_case: Any, analyst: Any) -> None:
    for _i in range(7):
        make_case(sex="female", indicators=("purpose.forced_labour",))
    for _i in range(2):
        make_case(sex="male", indicators=("purpose.forced_labour",))
    for _i in range(6):
        make_case(sex="male", indicators=("purpose.sexual_exploitation",))
    for _i in range(8):
        make_case(sex="female", indicators=("purpose.sexual_exploitation",))
    result = table_export(
        actor=analyst,
        row_dim="sex",
        col_dim="purpose",
        fmt="csv",
        dim_label=dimension_label,
        value_label=value_label,
    )
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    values = [v for row in rows for v in row]
    assert "2" not in values and "<5" in values and "x" in values
    assert result.filename.endswith(".csv")
    event = AuditEvent.objects.get(action="sharing.table_exported")
    assert event.details["format"] == "csv" and event.actor == analyst


@pytest.mark.django_db
def test_table_job_writes_xlsx_with_text_cells(make_case: Any, persona: Any) -> None:
    from openpyxl import load_workbook

    from egide.accounts import roles
    from egide.jobs.models import Job
    from egide.jobs.services import job_result_readable, job_run, job_start

    for _i in range(3):
        make_case(sex="female")
    coordinator = persona(roles.COORDINATOR)
    job = job_start(
        actor=coordinator,
        kind="sharing.table_export",
        label="test",
        params={"rows": "region", "column": "sex", "format": "xlsx"},
    )
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert job.result_filename.endswith(".xlsx")
    assert job_result_readable(user=coordinator, job=job)
    assert not job_result_readable(user=persona(roles.ANALYST), job=job)
    import base64

    book = load_workbook(io.BytesIO(base64.b64decode(job.result_file)))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == "<5"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_table_of_fewer_than_five_cases_is_not_broken_down() -> None:
    records = [{"region": r, "sex": s} for r, s in [("GN-L", "female"), ("GN-K", "male")]]
    table = aggregates.count(records, ["region"], "sex").suppressed()
    assert aggregates.whole_table_hidden(table)
    header, rows = aggregates.lines(
        table,
        ["region"],
        dim_label=str,
        value_label=lambda d, v: v,
        col_dim="sex",
        total="Total",
    )
    assert rows == [["Total", "x", "x", "<5"]]


# --- the family of tables, suppressed together -------------------------------------------------

FAMILY_DIMS = ("region", "sex", "age")


def _no_line_hides_one(fam: aggregates.Family) -> None:
    for line in fam.lines:
        assert sum(fam.states[i] is not State.SHOWN for i in line) != 1, line


def _shared_cells_agree(fam: aggregates.Family) -> None:
    """Every margin (and the grand total) has one state in every table that shows it."""
    seen: dict[tuple[str, ...], State] = {}
    for a in fam.dims:
        for b in fam.dims:
            if a == b:
                continue
            table = fam.table(a, b)
            shown = [(("margin", a, r[0]), table.row_totals[r]) for r in table.rows]
            shown += [(("margin", b, c), table.column_totals[c]) for c in table.columns]
            if b not in fam.multi and a not in fam.multi:
                shown.append((("total",), table.total))
            for key, cell in shown:
                if b in fam.multi and key[1] == a:
                    continue  # a row of mentions, not the margin
                if a in fam.multi and key[1] == b:
                    continue
                assert seen.setdefault(key, cell.state) is cell.state, key
                assert cell.state is fam.cell_of(key).state


def test_reviewer_differencing_no_longer_recovers_a_hidden_cell() -> None:
    """Region × sex hid Labé/female (2) and Labé/male as its complement, while a table by
    (region, sex) × age showed the Labé/male total. Now both tables come from one family: the
    Labé/male figure is one value with one state, and no line of the family hides one cell."""
    records = [{"region": "Labé", "sex": "female", "age": "18-29"}] * 2
    records += [{"region": "Labé", "sex": "male", "age": a} for a in ["18-29"] * 4 + ["30-47"] * 4]
    records += [{"region": "Conakry", "sex": s, "age": "18-29"} for s in ["female", "male"] * 9]
    fam = aggregates.family(records, FAMILY_DIMS)
    by_sex = fam.table("region", "sex")
    assert by_sex.cell(("Labé",), "female").state is State.SMALL
    labe_male = by_sex.cell(("Labé",), "male")
    assert not labe_male.shown
    # The same cell, read from the other way round and from every table showing Labé.
    assert fam.table("sex", "region").cell(("male",), "Labé").state is labe_male.state
    labe = by_sex.row_totals[("Labé",)]
    assert fam.table("region", "age").row_totals[("Labé",)].state is labe.state
    _no_line_hides_one(fam)
    _shared_cells_agree(fam)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "region": st.sampled_from(["GN-L", "GN-K", "GN-C"]),
                "sex": st.sampled_from(["female", "male", ""]),
                "age": st.sampled_from(["0-17", "18+"]),
                "purpose": st.frozensets(st.sampled_from(["forced_labour", "forced_begging"])),
            }
        ),
        max_size=60,
    )
)
def test_family_shared_cells_have_one_state(records: list[Any]) -> None:
    fam = aggregates.family(
        records, ("region", "sex", "age", "purpose"), multi=frozenset({"purpose"})
    )
    _no_line_hides_one(fam)
    _shared_cells_agree(fam)
    for a in fam.dims:
        for b in fam.dims:
            if a != b:
                _check(fam.table(a, b))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "citizenship": st.sampled_from(["GIN", "MLI"]),
                "gender": st.sampled_from(["Female", "Male"]),
                "exploitation": st.frozensets(st.sampled_from(["forced_labour", "other"])),
            }
        ),
        max_size=60,
    )
)
def test_citizens_and_all_are_suppressed_together(records: list[Any]) -> None:
    part = [r for r in records if r["citizenship"] == "GIN"]
    rest = [r for r in records if r["citizenship"] != "GIN"]
    guinean, others, everyone = aggregates.split_families(
        part, rest, ("exploitation", "gender"), multi=frozenset({"exploitation"})
    )
    for fam in (guinean, others, everyone):
        _no_line_hides_one(fam)
    for states in zip(guinean.states, others.states, everyone.states, strict=True):
        # guinean + others = all: never exactly one of the three hidden.
        assert sum(s is not State.SHOWN for s in states) != 1
