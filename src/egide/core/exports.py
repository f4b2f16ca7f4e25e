"""The one way to write a spreadsheet or CSV export: text stays text, never a formula.

Every export of Égide (XLSX and CSV, today's and future ones) goes through :func:`xlsx_bytes`,
:func:`csv_text` or :func:`export_response`. They follow the OWASP guidance on CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection):

* a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or a
  line feed) is prefixed with a single quote, so that no spreadsheet program evaluates it;
* in XLSX every text cell is also written with the *string* data type, so that openpyxl never
  stores it as a formula (openpyxl makes any value starting with ``=`` a formula otherwise);
* numbers, dates and booleans are written as such (they cannot carry a formula).

The import of these files (``egide.training.spreadsheets``) strips nothing back: a name that
really starts with ``=`` comes back with its quote, which a person can see and correct.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

# Characters that make a spreadsheet program treat a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# XLSX cells hold at most 32,767 characters; longer text is cut rather than corrupting the file.
XLSX_CELL_MAX = 32767

Cell = str | int | float | Decimal | bool | date | datetime | None


def neutralise(value: str) -> str:
    """*value* made inert: a leading formula character gets a single quote in front."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    return neutralise(str(value))


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One worksheet with *header* and *rows*; text cells are neutralised and typed as text."""
    return xlsx_workbook_bytes([(title, [list(header), *rows])])


def xlsx_workbook_bytes(sheets: Iterable[tuple[str, Iterable[Sequence[Cell]]]]) -> bytes:
    """A workbook of one worksheet per (title, rows); text cells neutralised and typed as text."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title=(title or "Export")[:31])
        for row in rows:
            cells = []
            for value in row:
                safe = _safe(value)
                if isinstance(safe, str):
                    safe = safe[:XLSX_CELL_MAX]
                cells.append(safe)
            sheet.append(cells)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # never "f" (formula), whatever the text
    if not book.worksheets:
        book.create_sheet(title="Export")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """CSV text with *header* and *rows*; every text cell is neutralised and quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([_safe(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return buffer.getvalue()


def export_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = ""
) -> HttpResponse:
    """An attachment response: XLSX when *filename* ends in ``.xlsx``, CSV when ``.csv``."""
    if filename.endswith(".xlsx"):
        response = HttpResponse(xlsx_bytes(title, header, rows), content_type=XLSX_TYPE)
    elif filename.endswith(".csv"):
        # A byte-order mark so that spreadsheet programs read UTF-8 (Guinean names, accents).
        content = "\ufeff" + csv_text(header, rows)
        response = HttpResponse(content.encode("utf-8"), content_type=CSV_TYPE)
    else:
        raise ValueError(f"unknown export format: {filename}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
