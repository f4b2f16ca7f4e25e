"""DHIS2 data value sets: the rules that need no database (pure Python, mypy --strict).

Contract facts (``shared/research/interop.md`` §4, sources as marked there):

* ``POST /api/dataValueSets`` with a JSON body; for bulk sends the set carries no ``dataSet`` /
  ``completeDate`` and each value names its own ``period`` and ``orgUnit``; a value is
  ``{dataElement, categoryOptionCombo?, period, orgUnit, value (a string)}``; an omitted
  category option combo means the default combo. [doc: DHD src/developer/web-api/data.md,
  "Sending data values", "Sending bulks of data values"]
* Periods: yearly ``yyyy``, quarterly ``yyyyQn``, monthly ``yyyyMM``. [third-party: khisr
  date-format table; dhis2-core MonthlyPeriodType ISO_FORMAT]
* DHIS2 keys a value by (dataElement, period, orgUnit, categoryOptionCombo,
  attributeOptionCombo): a re-post updates it. [doc: DHD data.md "Reading data values"]
* The import summary: ``{responseType: "ImportSummary", status: SUCCESS|WARNING|ERROR,
  description, importCount: {imported, updated, ignored, deleted}, conflicts: [{object, value,
  errorCode, property, indexes}]}``; from 2.38 wrapped in ``{httpStatus, httpStatusCode,
  status, message, response: <ImportSummary>}``, and answered with HTTP 409 when it holds
  conflicts. [DHC ImportSummary.java; third-party fixtures of 2.42 answers]
* UIDs: 11 characters, a letter first, then letters and digits (DHIS2's code generator; the
  brief's validation rule).

Statistics that leave Égide are anonymised: a figure whose value small-count suppression hid
(``value is None``) is never sent; it is counted as withheld.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from egide.monitoring.periods import Period, PeriodError, PeriodType, parse

__all__ = [
    "Period",
    "PeriodType",
    "PeriodError",
    "FORMATS",
    "MappingError",
    "SummaryError",
    "Target",
    "MappingTables",
    "Skipped",
    "Built",
    "Conflict",
    "ImportSummary",
    "is_uid",
    "parse_period",
    "period_in_format",
    "disaggregation_key",
    "parse_disaggregation",
    "build_data_value_set",
    "parse_import_summary",
]

UID_LENGTH = 11
_UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
_DIMENSION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CATEGORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+<>-]{0,39}$")
#: Disaggregation dimensions that say *where*: they choose the org unit, not the data element.
PLACE_DIMENSIONS = ("region", "prefecture")

#: DHIS2 period formats, each with the period type it writes.
FORMATS: dict[str, PeriodType] = {
    "yyyy": PeriodType.YEARLY,
    "yyyyQn": PeriodType.QUARTERLY,
    "yyyyMM": PeriodType.MONTHLY,
}

# Reasons a figure is not in the data value set (codes; pages show words).
SUPPRESSED = "suppressed"
NO_ELEMENT = "no_element"
NO_ORG_UNIT = "no_org_unit"


class MappingError(ValueError):
    """The mapping cannot turn these figures into one data value set (message in English; the
    ``code`` lets pages show their own words)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SummaryError(ValueError):
    """DHIS2's answer is not an import summary."""


def is_uid(text: str) -> bool:
    """True for a DHIS2 UID: 11 characters, a letter first, letters and digits."""
    return bool(_UID.match(text or ""))


def parse_period(text: str) -> Period:
    """The period written in DHIS2 syntax (``2024``, ``2024Q3``, ``202403``); raises
    ``PeriodError`` with a message for people (monitoring's periods module, one parser)."""
    return parse(text)


def period_in_format(period: Period, fmt: str) -> str:
    """*period* written in the DHIS2 format *fmt*; raises MappingError when the format writes
    another period type (a quarter cannot be sent as a month)."""
    kind = FORMATS.get(fmt)
    if kind is None:
        raise MappingError("unknown_format", f"Unknown DHIS2 period format {fmt!r}.")
    if kind is not period.type:
        raise MappingError(
            "format_mismatch",
            f"The format {fmt} writes {kind.value} periods, not {period.type.value} ones.",
        )
    if fmt == "yyyy":
        return f"{period.year:04d}"
    if fmt == "yyyyQn":
        return f"{period.year:04d}Q{period.number}"
    return f"{period.year:04d}{period.number:02d}"


def disaggregation_key(pairs: Iterable[tuple[str, str]]) -> str:
    """The canonical text of a disaggregation: ``age_band=u18;sex=female`` (dimensions sorted);
    ``""`` for an indicator's total."""
    return ";".join(f"{d}={c}" for d, c in sorted(pairs))


def parse_disaggregation(text: str) -> tuple[tuple[str, str], ...]:
    """Read ``sex=female, age_band=u18`` (commas or semicolons) into sorted pairs; raises
    ValueError naming the bad part. Empty text is the total."""
    pairs: dict[str, str] = {}
    for part in re.split(r"[;,]", text or ""):
        part = part.strip()
        if not part:
            continue
        dimension, sep, category = (s.strip() for s in part.partition("="))
        if not sep or not _DIMENSION.match(dimension) or not _CATEGORY.match(category):
            raise ValueError(f"{part!r} is not written dimension=category")
        if dimension in PLACE_DIMENSIONS:
            raise ValueError(f"{dimension!r} chooses the org unit: map it as an org unit")
        if dimension in pairs:
            raise ValueError(f"{dimension!r} appears twice")
        pairs[dimension] = category
    return tuple(sorted(pairs.items()))


class FigureLike(Protocol):
    """What the builder reads of ``egide.monitoring.selectors.Figure``."""

    @property
    def indicator(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def disaggregation(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def value(self) -> int | float | None: ...


@dataclass(frozen=True)
class Target:
    """Where one indicator cell goes in DHIS2."""

    data_element: str
    category_option_combo: str = ""  # "" = DHIS2's default combo (omitted from the value)


@dataclass(frozen=True)
class MappingTables:
    """The administrator's mapping, read once: (indicator, disaggregation key) → target;
    area code (region or prefecture, ``""`` = national) → org unit; period type → format."""

    elements: Mapping[tuple[str, str], Target]
    org_units: Mapping[str, str]
    period_formats: Mapping[PeriodType, str]


@dataclass(frozen=True)
class Skipped:
    """A figure left out of the data value set, and why (SUPPRESSED, NO_ELEMENT, NO_ORG_UNIT)."""

    indicator: str
    area: str
    disaggregation: str
    reason: str


@dataclass(frozen=True)
class Built:
    """A data value set and what was left out of it."""

    period: str
    payload: dict[str, Any]
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def values(self) -> int:
        return len(self.payload["dataValues"])

    @property
    def suppressed(self) -> int:
        return sum(1 for s in self.skipped if s.reason == SUPPRESSED)

    @property
    def unmapped(self) -> tuple[Skipped, ...]:
        return tuple(s for s in self.skipped if s.reason != SUPPRESSED)


def value_text(value: int | float) -> str:
    """A figure as DHIS2 wants it: a string; whole numbers without a decimal point."""
    if isinstance(value, bool):
        raise MappingError("bad_value", "A figure cannot be a yes/no value.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MappingError("bad_value", f"A figure cannot be {value}.")
        if value.is_integer():
            return str(int(value))
        return format(round(value, 4), "g")
    return str(int(value))


def _place(figure: FigureLike) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The figure's area code ("" = national) and its disaggregation without the place."""
    area = figure.region or ""
    rest = []
    for dimension, category in figure.disaggregation:
        if dimension in PLACE_DIMENSIONS:
            area = category
        else:
            rest.append((dimension, category))
    return area, tuple(rest)


def build_data_value_set(
    figures: Iterable[FigureLike], mapping: MappingTables, *, period: str
) -> Built:
    """The bulk data value set of *period* (``{"dataValues": [...]}``, sorted), from the
    figures of that period. Figures the mapping does not cover are reported in ``skipped``;
    mapped figures that suppression hides are withheld (``SUPPRESSED``), never sent. Raises
    PeriodError for a bad period, MappingError when the period type has no format or two
    figures would write the same DHIS2 value."""
    wanted = parse_period(period)
    fmt = mapping.period_formats.get(wanted.type)
    if fmt is None:
        raise MappingError(
            "no_period_format",
            f"No DHIS2 period format is mapped for {wanted.type.value} periods.",
        )
    dhis2_period = period_in_format(wanted, fmt)
    values: dict[tuple[str, str, str], dict[str, str]] = {}
    skipped: list[Skipped] = []
    for figure in figures:
        if parse_period(figure.period) != wanted:
            raise MappingError(
                "other_period", f"A figure of {figure.period} is not of period {period}."
            )
        area, cells = _place(figure)
        key = disaggregation_key(cells)
        target = mapping.elements.get((figure.indicator, key))
        if target is None:
            skipped.append(Skipped(figure.indicator, area, key, NO_ELEMENT))
            continue
        org_unit = mapping.org_units.get(area)
        if org_unit is None:
            skipped.append(Skipped(figure.indicator, area, key, NO_ORG_UNIT))
            continue
        if figure.value is None:  # mapped, but small-count suppression hides it: withheld
            skipped.append(Skipped(figure.indicator, area, key, SUPPRESSED))
            continue
        identity = (target.data_element, org_unit, target.category_option_combo)
        if identity in values:
            raise MappingError(
                "same_value",
                f"Two figures map to the same DHIS2 value (data element {target.data_element}, "
                f"org unit {org_unit}, combo {target.category_option_combo or 'default'}).",
            )
        value: dict[str, str] = {"dataElement": target.data_element}
        if target.category_option_combo:
            value["categoryOptionCombo"] = target.category_option_combo
        value.update(period=dhis2_period, orgUnit=org_unit, value=value_text(figure.value))
        values[identity] = value
    ordered = [values[k] for k in sorted(values)]
    skipped.sort(key=lambda s: (s.reason, s.indicator, s.area, s.disaggregation))
    return Built(period=dhis2_period, payload={"dataValues": ordered}, skipped=tuple(skipped))


@dataclass(frozen=True)
class Conflict:
    """One conflict of an import summary: the object DHIS2 refused and why."""

    object: str
    value: str
    error_code: str = ""
    property: str = ""


@dataclass(frozen=True)
class ImportSummary:
    """DHIS2's import summary of one POST (dry run or real)."""

    status: str  # SUCCESS | WARNING | ERROR
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: tuple[Conflict, ...] = ()
    description: str = ""

    @property
    def clean(self) -> bool:
        """Every value was taken: no error, no conflict, nothing ignored."""
        return self.status != "ERROR" and not self.conflicts and not self.ignored

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able copy (kept on the push record, shown on its page)."""
        return {
            "status": self.status,
            "imported": self.imported,
            "updated": self.updated,
            "ignored": self.ignored,
            "deleted": self.deleted,
            "description": self.description,
            "conflicts": [
                {
                    "object": c.object,
                    "value": c.value,
                    "error_code": c.error_code,
                    "property": c.property,
                }
                for c in self.conflicts
            ],
        }


def _count(counts: Mapping[str, Any], name: str) -> int:
    raw = counts.get(name, 0)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise SummaryError(f"importCount.{name} is not a count")
    return raw


def _text(raw: Any, limit: int = 500) -> str:
    return (raw if isinstance(raw, str) else "" if raw is None else str(raw))[:limit]


def parse_import_summary(document: Any) -> ImportSummary:
    """Read an import summary, bare (before 2.38) or wrapped in ``response`` (2.38+); raises
    SummaryError when *document* is not one."""
    if not isinstance(document, dict):
        raise SummaryError("the answer is not a JSON object")
    inner = document.get("response")
    summary = inner if isinstance(inner, dict) and "importCount" in inner else document
    counts = summary.get("importCount")
    if not isinstance(counts, dict):
        raise SummaryError("the answer has no importCount")
    status = _text(summary.get("status") or document.get("status"), 20).upper()
    if status == "OK":  # the 2.38+ wrapper's word for a clean import
        status = "SUCCESS"
    if status not in ("SUCCESS", "WARNING", "ERROR"):
        raise SummaryError(f"unknown import status {status!r}")
    raw_conflicts = summary.get("conflicts") or []
    if not isinstance(raw_conflicts, list):
        raise SummaryError("conflicts is not a list")
    conflicts = []
    for raw in raw_conflicts[:1000]:
        if not isinstance(raw, dict):
            raise SummaryError("a conflict is not an object")
        conflicts.append(
            Conflict(
                object=_text(raw.get("object")),
                value=_text(raw.get("value")),
                error_code=_text(raw.get("errorCode"), 20),
                property=_text(raw.get("property"), 100),
            )
        )
    return ImportSummary(
        status=status,
        imported=_count(counts, "imported"),
        updated=_count(counts, "updated"),
        ignored=_count(counts, "ignored"),
        deleted=_count(counts, "deleted"),
        conflicts=tuple(conflicts),
        description=_text(summary.get("description") or document.get("message")),
    )
