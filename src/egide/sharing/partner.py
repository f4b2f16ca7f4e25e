"""Reading a partner's CTDC-format CSV (v2024 layout), row by row, with the reasons of every
rejected row. Pure Python, no Django; the service imports all rows or none.

What is checked (the codebook's values, see :mod:`egide.sharing.ctdc`):
* the file is at most :data:`MAX_BYTES` — checked from its size before anything is read, and
  again while reading (a stream that grows past it stops at once);
* UTF-8 (a byte-order mark is allowed);
* the header is the 27 v2024 variables, in order;
* each row has 27 values; year blank, 1900–2100, or a five-year period as Égide writes them;
  gender, age band and months as in the codebook (or Égide's broader bands); countries ISO
  3166-1 alpha-3 (or an M49 group as Égide writes them); every flag ``1`` or blank.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from egide.sharing.ctdc import (
    BLANK,
    FLAG,
    GENDERS_V2024,
    TRAFFICK_MONTHS,
    V2024_COLUMNS,
    is_country_alpha3,
)
from egide.sharing.hierarchies import is_age_value, is_generalised_year, m49_codes

MAX_BYTES = 100 * 1024 * 1024  # the public synthetic dataset is about 12 MB
MAX_REASONS = 200  # rejected rows listed in the report (all are counted)
FLAG_COLUMNS = V2024_COLUMNS[6:]
YEARS = (1900, 2100)
_CHUNK = 64 * 1024

# Reasons are codes: the pages put them in words (French/English), the CLI in English.
TOO_BIG = "too_big"
NOT_UTF8 = "not_utf8"
BAD_HEADER = "bad_header"
EMPTY = "empty"
R_COLUMNS = "columns"
R_YEAR = "year"
R_GENDER = "gender"
R_AGE = "age"
R_COUNTRY = "country"
R_MONTHS = "months"
R_FLAG = "flag"
R_CSV = "csv"


class PartnerFileError(ValueError):
    """The file as a whole cannot be read (size, encoding, header); ``code`` says why and
    ``line`` where (0 when it does not apply)."""

    def __init__(self, code: str, line: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.line = line


@dataclass(frozen=True)
class Rejection:
    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class Record:
    """One valid row: quasi-identifiers, months, and the flags set."""

    year: str
    gender: str
    age: str
    citizenship: str
    exploitation_country: str
    months: str
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def flag_bits(self) -> int:
        return sum(1 << i for i, name in enumerate(FLAG_COLUMNS) if name in self.flags)


def flags_from_bits(bits: int) -> frozenset[str]:
    return frozenset(name for i, name in enumerate(FLAG_COLUMNS) if bits >> i & 1)


def _check_year(value: str) -> str | None:
    if value == BLANK or is_generalised_year(value):
        return None
    if len(value) == 4 and value.isdigit() and YEARS[0] <= int(value) <= YEARS[1]:
        return None
    return R_YEAR


def _check_country(value: str) -> str | None:
    if value == BLANK or is_country_alpha3(value) or value in m49_codes():
        return None
    return R_COUNTRY


def _check_row(line: int, values: list[str]) -> list[Rejection]:
    if len(values) != len(V2024_COLUMNS):
        return [Rejection(line, "", str(len(values)), R_COLUMNS)]
    row = dict(zip(V2024_COLUMNS, values, strict=True))
    problems: list[Rejection] = []
    checks: dict[str, Callable[[str], str | None]] = {
        "yearOfRegistration": _check_year,
        "gender": lambda v: None if v in (BLANK, *GENDERS_V2024) else R_GENDER,
        "ageBroad": lambda v: None if v == BLANK or is_age_value(v) else R_AGE,
        "citizenship": _check_country,
        "CountryOfExploitation": _check_country,
        "traffickMonths": lambda v: None if v in (BLANK, *TRAFFICK_MONTHS) else R_MONTHS,
    }
    for column, check in checks.items():
        reason = check(row[column])
        if reason:
            problems.append(Rejection(line, column, row[column][:40], reason))
    for column in FLAG_COLUMNS:
        if row[column] not in (FLAG, BLANK):
            problems.append(Rejection(line, column, row[column][:40], R_FLAG))
    return problems


def _record(values: list[str]) -> Record:
    row = dict(zip(V2024_COLUMNS, values, strict=True))
    return Record(
        year=row["yearOfRegistration"],
        gender=row["gender"],
        age=row["ageBroad"],
        citizenship=row["citizenship"],
        exploitation_country=row["CountryOfExploitation"],
        months=row["traffickMonths"],
        flags=frozenset(c for c in FLAG_COLUMNS if row[c] == FLAG),
    )


def _text_lines(stream: BinaryIO, limit: int, position: list[int]) -> Iterator[str]:
    """Decode *stream* as UTF-8 chunk by chunk, line by line; stop past *limit* bytes."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    read = 0
    pending = ""
    while True:
        chunk = stream.read(_CHUNK)
        read += len(chunk)
        if read > limit:
            raise PartnerFileError(TOO_BIG)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise PartnerFileError(NOT_UTF8, position[0] + 1) from exc
        pending += text
        *lines, pending = pending.split("\n")
        for line in lines:
            yield line + "\n"
        if not chunk:
            if pending:
                yield pending
            return


def read_partner_csv(
    stream: BinaryIO, size: int | None = None, limit: int = MAX_BYTES
) -> Iterator[Record | Rejection]:
    """Yield, row by row, a Record or the Rejections of that row. Raises PartnerFileError for
    the file as a whole (too big — before reading when *size* is given —, not UTF-8, bad
    header)."""
    if size is not None and size > limit:
        raise PartnerFileError(TOO_BIG)
    position = [0]
    lines = _text_lines(stream, limit, position)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise PartnerFileError(EMPTY) from None
    except csv.Error as exc:
        raise PartnerFileError(BAD_HEADER) from exc
    if [h.strip() for h in header] != list(V2024_COLUMNS):
        raise PartnerFileError(BAD_HEADER)
    while True:
        position[0] = reader.line_num
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(reader.line_num, "", str(exc)[:40], R_CSV)
            continue
        if not values or values == [""]:
            continue
        problems = _check_row(reader.line_num, values)
        if problems:
            yield from problems
        else:
            yield _record(values)


@dataclass
class Report:
    """What reading a file gave: valid rows, rejected rows (the first :data:`MAX_REASONS`)."""

    valid: int = 0
    rejected_rows: int = 0
    reasons: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected_rows == 0


def validate(stream: BinaryIO, size: int | None = None, limit: int = MAX_BYTES) -> Report:
    """Read the whole file once and report; keeps no record in memory."""
    report = Report()
    last_line = -1
    for item in read_partner_csv(stream, size, limit):
        if isinstance(item, Record):
            report.valid += 1
            continue
        if item.line != last_line:
            report.rejected_rows += 1
            last_line = item.line
        if len(report.reasons) < MAX_REASONS:
            report.reasons.append(item)
    return report
