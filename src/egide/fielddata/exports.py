"""Reading an export uploaded when Égide cannot reach the field server: ODK Central's
``.csv.zip`` (interop.md §1.5, fixtures/odk-central/odk_csvzip_heads.json) or a KoboToolbox
export (JSON: the API's records; XLSX: "XML values and headers", groups separated by "/",
repeats on their own sheets joined by ``_parent_index``)."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from egide.core.jsonsafe import MAX_DEPTH, depth_exceeds, loads_bounded
from egide.fielddata import xlsforms
from egide.fielddata.records import (
    RecordError,
    Submission,
    from_central_csv,
    from_kobo,
    parse_one,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 50

# A question only one generated form has: tells which form a Kobo XLSX export is of.
SIGNATURES = {
    "what_was_seen": xlsforms.ALERT,
    "consent": xlsforms.SCREENING,
    "topics": xlsforms.DIALOGUE,
    "session": xlsforms.ATTENDANCE,
}


class ExportError(ValueError):
    """The file cannot be imported at all; the message says why."""


def read_export(name: str, stream: IO[bytes]) -> Iterator[Submission | RecordError]:
    """The submissions of an uploaded export, by its kind (zip, json, xlsx)."""
    lower = name.lower()
    head = stream.read(4)
    stream.seek(0)
    if lower.endswith(".zip") or head.startswith(b"PK") and not lower.endswith(".xlsx"):
        return _central_zip(stream)
    if lower.endswith(".json"):
        return _kobo_json(stream)
    if lower.endswith(".xlsx"):
        return _kobo_xlsx(stream)
    raise ExportError(
        _("Égide reads ODK Central's .csv.zip export and KoboToolbox's JSON or XLSX export.")
    )


# What zipfile raises for a member it cannot read: encrypted (RuntimeError), compressed by an
# unsupported method (NotImplementedError), corrupt (BadZipFile, zlib.error, EOFError, OSError).
UNREADABLE_MEMBER = (
    RuntimeError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
)


def _central_zip(stream: IO[bytes]) -> Iterator[Submission | RecordError]:
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(_("The file is not a zip archive.")) from exc
    try:
        return _central_members(archive, members)
    except UNREADABLE_MEMBER as exc:
        raise ExportError(
            _(
                "The archive cannot be read: a file in it is encrypted, damaged or compressed "
                "in a way Égide does not read. Export it again from ODK Central."
            )
        ) from exc


def _central_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> Iterator[Submission | RecordError]:
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise ExportError(_("The archive is too large once uncompressed."))
    csvs = {m.filename: m for m in members if m.filename.endswith(".csv") and "/" not in m.filename}
    main = [n for n in csvs if n[:-4] in xlsforms.FORM_IDS]
    if not main:
        if any(_header(archive, m)[:1] and "KEY" in _header(archive, m) for m in csvs.values()):
            raise ExportError(
                _("This ODK Central export is not of one of Égide's forms (%(files)s).")
                % {"files": ", ".join(sorted(csvs))}
            )
        raise ExportError(_("This zip is not an ODK Central export (no <form>.csv with a KEY)."))
    form_id = main[0][:-4]
    header, rows = _csv(archive, csvs[main[0]])
    if "KEY" not in header:
        raise ExportError(
            _("The CSV %(file)s has no KEY column: it is not an ODK Central export.")
            % {"file": main[0]}
        )
    repeats: dict[str, list[dict[str, str]]] = {}
    for name, member in csvs.items():
        if name.startswith(f"{form_id}-"):
            r_header, r_rows = _csv(archive, member)
            repeats[name[len(form_id) + 1 : -4]] = [
                dict(zip(r_header, row, strict=False)) for row in r_rows
            ]
    return iter(list(from_central_csv(form_id, header, rows, repeats)))


def _header(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list[str]:
    with archive.open(member) as raw:
        line = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace").readline()
    return next(csv.reader([line]), [])


def _csv(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[list[str], list[list[str]]]:
    try:
        text = archive.read(member).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(
            _("The CSV %(file)s is not UTF-8 text.") % {"file": member.filename}
        ) from exc
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise ExportError(_("The CSV %(file)s is empty.") % {"file": member.filename})
    return lines[0], lines[1:]


def _form_of(record: dict[str, Any]) -> str:
    form_id = str(record.get("_xform_id_string") or "")
    if form_id:
        return form_id
    names = {key.rsplit("/", 1)[-1] for key in record}
    for question, form in SIGNATURES.items():
        if question in names:
            return form
    return ""


def _kobo_json(stream: IO[bytes]) -> Iterator[Submission | RecordError]:
    content = stream.read()
    if depth_exceeds(content, MAX_DEPTH):
        raise ExportError(_("The JSON is nested too deeply to be a KoboToolbox export."))
    try:
        doc = loads_bounded(content)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ExportError(_("The file is not valid JSON.")) from exc
    records = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise ExportError(_("The JSON is not a KoboToolbox export (a list of records)."))
    return iter(list(_kobo_records(records)))


def _kobo_records(records: list[Any]) -> Iterator[Submission | RecordError]:
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield RecordError(_("record %(n)s is not an object") % {"n": number})
            continue
        yield parse_one(from_kobo, _form_of(record), record, _("record %(n)s") % {"n": number})


def _kobo_xlsx(stream: IO[bytes]) -> Iterator[Submission | RecordError]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ExportError(_("The file is not a readable XLSX workbook.")) from exc
    sheets = []
    for sheet in book.worksheets:
        rows = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
        sheets.append((sheet.title, rows))
    if not sheets or not sheets[0][1]:
        raise ExportError(_("The workbook is empty."))
    header, *lines = sheets[0][1]
    if "_uuid" not in header and "meta/instanceID" not in header:
        raise ExportError(
            _("The workbook is not a KoboToolbox export (no _uuid or meta/instanceID column).")
        )
    children: dict[str, dict[str, list[dict[str, str]]]] = {}
    for title, rows in sheets[1:]:
        if not rows or "_parent_index" not in rows[0]:
            continue
        for row in rows[1:]:
            item = dict(zip(rows[0], row, strict=False))
            parent = item.pop("_parent_index", "")
            clean = {k: v for k, v in item.items() if not k.startswith("_")}
            children.setdefault(parent, {}).setdefault(title, []).append(clean)
    records = []
    for line in lines:
        record: dict[str, Any] = {k: v for k, v in zip(header, line, strict=False) if v != ""}
        for title, rows in children.get(str(record.get("_index", "")), {}).items():
            record[title] = rows
        records.append(record)
    return iter(list(_kobo_records(records)))
