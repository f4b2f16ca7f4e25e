"""The one export helper (issue 8, item 5): OWASP CSV-injection guidance, XLSX and CSV alike."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from egide.core.exports import export_response, neutralise, xlsx_bytes

DANGEROUS = ["=1+1", "+33 6", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("x","y")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_leading_formula_characters_are_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("Aïssatou Bah") == "Aïssatou Bah"


def test_xlsx_text_cells_are_strings_never_formulas() -> None:
    content = xlsx_bytes(
        "Essai", ["name", "n", "day"], [[v, 3, date(2026, 11, 2)] for v in DANGEROUS]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    for (name, number, day), value in zip(rows, DANGEROUS, strict=True):
        assert name.data_type == "s" and name.value.startswith("'")  # XML reads CR as LF
        assert name.value[1:].replace("\n", "\r") == value.replace("\n", "\r")
        assert number.value == 3 and number.data_type == "n"
        assert day.value.date() == date(2026, 11, 2)


def test_csv_export_neutralises_and_declares_utf8() -> None:
    response = export_response("liste.csv", ["name"], [[v] for v in DANGEROUS] + [["Nènè"]])
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))]
    assert cells[1:] == ["'" + v for v in DANGEROUS] + ["Nènè"]
