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
        row_dims=["region", "sex"],
        col_dim="purpose",
        fmt="csv",
        dim_label=dimension_label,
        value_label=value_label,
    )
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    values = [v for row in rows for v in row]
    assert "2" not in values and "<5" in values and "x" in values
    assert "Labé" in values[len(rows[0]) :]
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
        params={"rows": ["region"], "column": "sex", "format": "xlsx"},
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
