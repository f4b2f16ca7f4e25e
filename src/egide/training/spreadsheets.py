"""XLSX exports and the participant import (openpyxl); the import is all-or-nothing."""

from __future__ import annotations

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from egide.training.models import ACTOR_TYPES, AGE_BANDS, SEXES

IMPORT_COLUMNS = ["full_name", "sex", "age_band", "actor_type", "organisation", "phone", "email"]
# What a trainer types in the first row: the column's name in French or English (the codes
# above are accepted too, for files made by other tools).
IMPORT_HEADERS = {
    "full_name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "age_band": gettext_lazy("Age band"),
    "actor_type": gettext_lazy("Actor type"),
    "organisation": gettext_lazy("Organisation"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
}


def _words(pairs: Any) -> dict[str, str]:
    """Each code, and its label in French and in English, lower-cased, mapped to the code."""
    words: dict[str, str] = {}
    for code, label in pairs:
        words[str(code).lower()] = code
        for language in ("fr", "en"):
            with translation.override(language):
                words[str(label).strip().lower()] = code
    return words


class ImportError_(ValueError):
    """Rows that cannot be imported, each with its row number and the reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def workbook_bytes(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse_participants(content: bytes) -> list[dict[str, str]]:
    """Read and check every row first; raise ImportError_ listing all bad rows."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a non-XLSX file
        raise ImportError_([_("The file is not a readable XLSX workbook.")]) from exc
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ImportError_([_("The workbook is empty.")])
    headers = _words(IMPORT_HEADERS.items())
    header = [
        headers.get(str(c or "").strip().lower(), str(c or "").strip().lower()) for c in rows[0]
    ]
    missing = [c for c in IMPORT_COLUMNS[:4] if c not in header]
    if missing:
        names = ", ".join(str(IMPORT_HEADERS[c]) for c in missing)
        raise ImportError_([_("Missing columns: %(cols)s.") % {"cols": names}])
    choices = {"sex": SEXES, "age_band": AGE_BANDS, "actor_type": ACTOR_TYPES}
    allowed = {column: _words(pairs) for column, pairs in choices.items()}
    parsed, problems = [], []
    for number, raw in enumerate(rows[1:], start=2):
        if raw is None or all(v in (None, "") for v in raw):
            continue
        row = {
            h: str(v).strip() if v is not None else "" for h, v in zip(header, raw, strict=False)
        }
        if not row.get("full_name"):
            problems.append(_("Row %(n)s: the full name is missing.") % {"n": number})
            continue
        for column, words in allowed.items():
            code = words.get(row.get(column, "").lower())
            if code is None:
                labels = ", ".join(str(label) for _c, label in choices[column])
                problems.append(
                    _("Row %(n)s: %(col)s must be one of %(values)s.")
                    % {"n": number, "col": IMPORT_HEADERS[column], "values": labels}
                )
            else:
                row[column] = code
        parsed.append(row)
    if problems:
        raise ImportError_(problems)
    return parsed
