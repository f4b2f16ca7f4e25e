"""The participant import (openpyxl): every row is checked with the page's own form first, and
one bad row imports none. Exports are written by ``egide.core.exports``."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from egide.training.models import ACTOR_TYPES, AGE_BANDS, SEXES

IMPORT_COLUMNS = ["full_name", "sex", "age_band", "actor_type", "organisation", "phone", "email"]
# The XLSX column → the participant form's field.
FORM_FIELDS = {"organisation": "organisation_name"}
COLUMNS_BY_FIELD = {v: k for k, v in FORM_FIELDS.items()}
MAX_ROWS = 2000
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


def _read_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of the first sheet; a damaged or non-XLSX file is one clear problem."""
    unreadable = _("The file is not a readable XLSX workbook.")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            rows = []
            for row in book.active.iter_rows(values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:
                    raise ImportError_(
                        [_("Import at most %(n)s participants at a time.") % {"n": MAX_ROWS}]
                    )
            return rows
        finally:
            book.close()
    except ImportError_:
        raise
    # openpyxl raises many types for a damaged file (a shared-string index out of range is an
    # IndexError, a broken archive a BadZipFile, bad XML a ParseError or a KeyError…).
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ImportError_([unreadable]) from exc
    except Exception as exc:  # noqa: BLE001 - any other parser failure is the same for a person
        raise ImportError_([unreadable]) from exc


def parse_participants(content: bytes) -> list[dict[str, Any]]:
    """Read and check every row with ``ParticipantForm``; raise ImportError_ listing every bad
    row (row number, column, the form's own message). Returns the forms' cleaned data."""
    from egide.training.forms import ParticipantForm

    rows = _read_rows(content)
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
        data = {
            FORM_FIELDS.get(h, h): str(v).strip() if v is not None else ""
            for h, v in zip(header, raw, strict=False)
            if h in IMPORT_COLUMNS
        }
        for column, words in allowed.items():
            # A value typed in words ("Femme", "female") becomes its code; anything else is
            # left for the form to refuse with its own message.
            value = data.get(column, "")
            data[column] = words.get(value.lower(), value)
        form = ParticipantForm(data)
        if not form.is_valid():
            for field, errors in form.errors.items():
                column = COLUMNS_BY_FIELD.get(field, field)
                for error in errors:
                    problems.append(
                        _("Row %(n)s: column %(col)s: %(error)s")
                        % {"n": number, "col": IMPORT_HEADERS.get(column, column), "error": error}
                    )
            continue
        parsed.append(form.cleaned_data)
    if problems:
        raise ImportError_(problems)
    return parsed


def session_export_table(
    session: Any, what: str, rows: list[dict[str, Any]]
) -> tuple[str, list[str], list[list[Any]]]:
    """Title, header and lines of a session's XLSX export (*what*: participants or attendance).

    One definition for the page's download and the background job's.
    """
    if what == "participants.xlsx":
        lines = [
            [
                r["participant"].full_name,
                r["participant"].sex,
                r["participant"].age_band,
                r["participant"].actor_type,
                r["participant"].organisation_name,
                r["participant"].phone,
                r["participant"].email,
            ]
            for r in rows
        ]
        return "Participants", list(IMPORT_COLUMNS), lines
    if what == "attendance.xlsx":
        header = ["full_name", *[d.isoformat() for d in session.days]]
        lines = [
            [r["participant"].full_name, *[1 if p else 0 for _d, p in r["days"]]] for r in rows
        ]
        return "Attendance", header, lines
    raise ValueError(f"unknown session export: {what}")
