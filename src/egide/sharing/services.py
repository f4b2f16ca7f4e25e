"""Anonymised exports (CTDC case-level files, suppressed count tables) and partner datasets.

Every export is audited (who, which format, which k, how many rows) in the same transaction as
nothing else: the audit event is written once the file is complete. The case-level export
streams: one GROUP BY gives the histogram the k-anonymity plan needs, then the cases are read
with a server-side cursor and each row is written as soon as it is made.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.audit.services import audit_record
from egide.core.exports import neutralise
from egide.core.suppression import Table
from egide.sharing import aggregates, ctdc, kanon, partner
from egide.sharing.hierarchies import HIERARCHIES
from egide.sharing.models import PartnerDataset, PartnerRecord
from egide.sharing.selectors import case_facts, fact_groups, last_case_id

ProgressFn = Callable[[int, int | None, str], None]
PROGRESS_EVERY = 20_000
IMPORT_BATCH = 5000

DATA_CHANGED = gettext_lazy(
    "Cases changed while the export was running, so k-anonymity could not be guaranteed; "
    "nothing was kept. Start the export again."
)


class SharingError(ValueError):
    """An export or import cannot be done; the message says why (translated)."""


@dataclass
class ExportReport:
    """What an export did: records in, out, suppressed, generalisations (no personal data)."""

    fmt: str
    k: int
    quasi_identifiers: tuple[str, ...]
    records_in: int = 0
    records_out: int = 0
    records_suppressed: int = 0
    generalisations: list[tuple[str, str]] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "k": self.k,
            "quasi_identifiers": list(self.quasi_identifiers),
            "records_in": self.records_in,
            "rows": self.records_out,
            "suppressed": self.records_suppressed,
            "generalisations": [f"{q}:{level}" for q, level in self.generalisations],
        }

    def summary(self) -> str:
        """One line, in English, for the command line."""
        gen = ", ".join(f"{q}→{level}" for q, level in self.generalisations) or "none"
        return (
            f"CTDC {self.fmt} export, k={self.k}: records in {self.records_in}, "
            f"out {self.records_out}, suppressed {self.records_suppressed}; "
            f"generalisations: {gen}"
        )


def check_quasi_identifiers(names: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(names) if names else ctdc.QUASI_IDENTIFIERS
    unknown = [n for n in chosen if n not in HIERARCHIES]
    if unknown:
        raise SharingError(_("Unknown quasi-identifier: %(name)s.") % {"name": unknown[0]})
    # Keep the codebook's order whatever the order asked.
    return tuple(n for n in ctdc.QUASI_IDENTIFIERS if n in chosen)


def _check_format(fmt: str) -> None:
    if fmt not in ctdc.FORMATS:
        raise SharingError(_("Unknown format %(fmt)s: use v2024 or kanon2017.") % {"fmt": fmt})


def ctdc_export(
    *,
    actor: Any,
    fmt: str,
    k: int,
    out: IO[str],
    quasi_identifiers: Sequence[str] | None = None,
    max_suppression: float = kanon.DEFAULT_MAX_SUPPRESSION,
    progress: ProgressFn | None = None,
    via: str = "job",
    actor_username: str = "",
) -> ExportReport:
    """Write the k-anonymised case-level CSV of the shared cases to *out*, row by row; audit it.

    Raises SharingError (unknown format or quasi-identifier, or cases changed during the run)
    and kanon.KAnonymityError (k below 2).
    """
    _check_format(fmt)
    kanon.check_k(k)
    qis = check_quasi_identifiers(quasi_identifiers)
    positions = [ctdc.QUASI_IDENTIFIERS.index(q) for q in qis]
    hierarchies = [HIERARCHIES[q] for q in qis]
    upto = last_case_id()

    counts: Counter[tuple[str, ...]] = Counter()
    for facts, n in fact_groups(upto):
        recorded = ctdc.quasi_identifiers(facts, fmt)
        counts[tuple(recorded[p] for p in positions)] += n
    plan = kanon.plan(counts, hierarchies, k, max_suppression)
    if progress:
        progress(0, plan.records_in, _("Writing the rows"))

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ctdc.columns_of(fmt))
    released: Counter[tuple[str, ...]] = Counter()
    seen = 0
    written = 0
    # The quasi-identifiers of a case depend on four recorded values: work them out once per
    # distinct combination (a few thousand), not once per case.
    memo: dict[tuple[int, str, int | None, str, bool], tuple[list[str], Any] | None] = {}
    for facts, _region in case_facts(upto):
        seen += 1
        memo_key = (facts.year, facts.sex, facts.age, facts.nationality, facts.child)
        if memo_key not in memo:
            values = list(ctdc.quasi_identifiers(facts, fmt))
            key = tuple(values[p] for p in positions)
            # A case that did not exist at the count is never released unchecked.
            generalised = plan.apply(key) if key in counts else None
            if generalised is None:
                memo[memo_key] = None
            else:
                for p, v in zip(positions, generalised, strict=True):
                    values[p] = neutralise(v)
                memo[memo_key] = ([neutralise(v) for v in values], generalised)
        entry = memo[memo_key]
        if entry is not None:
            # Only the quasi-identifiers carry free values; flags are "1" or blank.
            writer.writerow(ctdc.row_for(fmt, facts, entry[0]))
            released[entry[1]] += 1
            written += 1
        if progress and seen % PROGRESS_EVERY == 0:
            progress(seen, plan.records_in, _("Writing the rows"))
    if seen != plan.records_in or any(n < k for n in released.values()):
        raise SharingError(str(DATA_CHANGED))
    report = ExportReport(
        fmt=fmt,
        k=k,
        quasi_identifiers=qis,
        records_in=plan.records_in,
        records_out=written,
        records_suppressed=plan.records_in - written,
        generalisations=plan.generalisations(),
    )
    audit_record(
        actor=actor,
        action="sharing.ctdc_exported",
        object_type="sharing.ctdc",
        details={**report.details(), "via": via},
        actor_username=actor_username,
    )
    return report


# --- aggregate tables ------------------------------------------------------------------------

#: The fixed family of Égide's aggregate tables: every pair of these dimensions as a two-way
#: table, with the one-way margins and the grand total, all suppressed together. Year and
#: nationality are left out: with them the family's linear programmes took minutes.
TABLE_DIMENSIONS = ("region", "sex", "age", "purpose")
#: Exploitation purpose is multi-valued (a case is counted under each of its purposes).
MULTI_VALUED = frozenset({"purpose"})


def _purposes(indicators: frozenset[str]) -> frozenset[str]:
    return frozenset(c.removeprefix("purpose.") for c in indicators if c.startswith("purpose."))


def case_records() -> Iterable[dict[str, Any]]:
    """Égide's shared cases as records of the table dimensions (streamed)."""
    for facts, region in case_facts(last_case_id()):
        yield {
            "region": region,
            "sex": facts.sex if facts.sex != "unknown" else "",
            "age": ctdc.age_band(facts.age),
            "year": str(facts.year),
            "nationality": facts.nationality,
            "purpose": _purposes(facts.indicators),
        }


@dataclass(frozen=True)
class TableFile:
    filename: str
    content_type: str
    content: bytes
    cells: int


def table_export(
    *,
    actor: Any,
    row_dim: str,
    col_dim: str,
    fmt: str,
    dim_label: Callable[[str], str],
    value_label: Callable[[str, str], str],
    orders: dict[str, Sequence[str]] | None = None,
) -> TableFile:
    """One two-way table of the fixed family (:data:`TABLE_DIMENSIONS`) as CSV or XLSX; audited.

    The whole family is suppressed together every time, so any two exported tables show a
    shared margin the same way (see :func:`egide.sharing.aggregates.family`)."""
    from egide.core.exports import CSV_TYPE, XLSX_TYPE, csv_text, xlsx_bytes

    dims = [row_dim, col_dim]
    if any(d not in TABLE_DIMENSIONS for d in dims) or row_dim == col_dim:
        raise SharingError(_("Choose different dimensions for the rows and the columns."))
    if fmt not in ("csv", "xlsx"):
        raise SharingError(_("Choose CSV or XLSX."))
    fam = aggregates.family(case_records(), TABLE_DIMENSIONS, multi=MULTI_VALUED, orders=orders)
    table = fam.table(row_dim, col_dim)
    header, rows = aggregates.lines(
        table,
        [row_dim],
        dim_label=dim_label,
        value_label=value_label,
        col_dim=col_dim,
        total=_("Total"),
    )
    note = [
        _(
            "Counts from 1 to 4 are shown as <5; x hides a count that would let a <5 be "
            "recomputed from the totals."
        ),
        _(
            "All the tables offered are suppressed together: a total hidden in one table is "
            "hidden in every table that shows it."
        ),
    ]
    if "purpose" in dims:
        note.append(_("A case with several exploitation purposes is counted under each."))
    lines: list[list[str]] = [*rows, [], *([n] for n in note)]
    name = "egide-table-" + "-".join(dims)
    if fmt == "csv":
        content = ("\ufeff" + csv_text(header, lines)).encode("utf-8")
        result = TableFile(f"{name}.csv", CSV_TYPE, content, len(rows))
    else:
        content = xlsx_bytes(_("Table"), header, lines)
        result = TableFile(f"{name}.xlsx", XLSX_TYPE, content, len(rows))
    audit_record(
        actor=actor,
        action="sharing.table_exported",
        object_type="sharing.table",
        details={"rows": [row_dim], "column": col_dim, "format": fmt, "lines": len(rows)},
    )
    return result


# --- partner datasets ------------------------------------------------------------------------


@dataclass
class ImportResult:
    dataset: PartnerDataset | None
    report: partner.Report


NAME_TAKEN = gettext_lazy("A partner dataset with this name already exists.")


def partner_import(
    *, actor: Any, name: str, source: str, stream: BinaryIO, size: int | None
) -> ImportResult:
    """Import a CTDC v2024 CSV as a named dataset: every row valid, or nothing is imported.

    Raises partner.PartnerFileError for the file as a whole (size, encoding, header) and
    SharingError when the name is taken.
    """
    if PartnerDataset.objects.filter(name=name).exists():
        raise SharingError(str(NAME_TAKEN))
    report = partner.validate(stream, size)
    if not report.ok:
        audit_record(
            actor=actor,
            action="sharing.partner_rejected",
            object_type="sharing.partnerdataset",
            details={"rejected_rows": report.rejected_rows, "valid_rows": report.valid},
        )
        return ImportResult(None, report)
    stream.seek(0)
    with transaction.atomic():
        dataset = PartnerDataset.objects.create(name=name, source=source, imported_by=actor)
        batch: list[PartnerRecord] = []
        total = 0
        for item in partner.read_partner_csv(stream, size):
            if not isinstance(item, partner.Record):  # pragma: no cover - validated above
                raise SharingError(_("The file changed while it was imported."))
            batch.append(
                PartnerRecord(
                    dataset=dataset,
                    year=item.year,
                    gender=item.gender,
                    age=item.age,
                    citizenship=item.citizenship,
                    exploitation_country=item.exploitation_country,
                    months=item.months,
                    flags=item.flag_bits,
                )
            )
            if len(batch) >= IMPORT_BATCH:
                PartnerRecord.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        PartnerRecord.objects.bulk_create(batch)
        total += len(batch)
        dataset.record_count = total
        dataset.save(update_fields=["record_count"])
        audit_record(
            actor=actor,
            action="sharing.partner_imported",
            obj=dataset,
            details={"rows": total},
        )
    return ImportResult(dataset, report)


# --- Égide beside a partner ------------------------------------------------------------------

#: Dimensions of the comparison, over CTDC records (Égide's own through the same mapping).
COMPARE_DIMENSIONS = ("exploitation", "gender", "age", "year")
EXPLOITATION_FLAGS = {
    "isForcedLabour": "forced_labour",
    "isSexualExploit": "sexual_exploitation",
    "isOtherExploit": "other_exploitation",
}


def _ctdc_record(
    year: str, gender: str, age: str, citizenship: str, flags: frozenset[str]
) -> dict[str, Any]:
    return {
        "year": year,
        "gender": gender,
        "age": age,
        "citizenship": citizenship,
        "exploitation": frozenset(v for f, v in EXPLOITATION_FLAGS.items() if f in flags),
    }


def egide_ctdc_records() -> Iterable[dict[str, Any]]:
    """Égide's shared cases as v2024 records (values as the export writes them, ungeneralised)."""
    for facts, _region in case_facts(last_case_id()):
        qi = ctdc.quasi_identifiers(facts, ctdc.V2024)
        row = dict(zip(ctdc.V2024_COLUMNS, ctdc.v2024_row(facts, qi), strict=True))
        yield _ctdc_record(qi[0], qi[1], qi[2], qi[3], ctdc.flags_of(row))


def partner_ctdc_records(dataset: PartnerDataset) -> Iterable[dict[str, Any]]:
    rows = dataset.records.values_list("year", "gender", "age", "citizenship", "flags")
    for year, gender, age, citizenship, bits in rows.iterator(chunk_size=5000):
        yield _ctdc_record(year, gender, age, citizenship, partner.flags_from_bits(bits))


def compare_counts(
    records: Iterable[dict[str, Any]], row_dim: str, col_dim: str, citizenship: str = ""
) -> aggregates.Counts:
    """Counts of *records* by *row_dim* × *col_dim*, only citizens of *citizenship* if given."""
    if row_dim not in COMPARE_DIMENSIONS or col_dim not in COMPARE_DIMENSIONS:
        raise SharingError(_("Choose different dimensions for the rows and the columns."))
    if row_dim == col_dim:
        raise SharingError(_("Choose different dimensions for the rows and the columns."))
    chosen = (r for r in records if not citizenship or r["citizenship"] == citizenship)
    return aggregates.count(chosen, [row_dim], col_dim, COMPARE_ORDERS)


#: The comparison's one citizenship filter ("Guinean citizens only", ISO 3166-1 alpha-3).
GUINEA = "GIN"


def _compare_family(records: Iterable[dict[str, Any]], citizenship: str) -> aggregates.Family:
    """Every two-way table of the comparison's dimensions with their margins, suppressed as
    one family whichever pair is shown, so a margin (e.g. women) is one figure with one state beside
    any breakdown and changing the rows gives back nothing another table hides. The citizens'
    table (Guinean by default) and the table of all citizens are suppressed together too (one
    line per figure: citizens + others = all), so switching "Guinean citizens only" on and off
    gives back nothing either hides."""
    dims = list(COMPARE_DIMENSIONS)
    split_on = citizenship or GUINEA
    part: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for r in records:
        (part if r["citizenship"] == split_on else rest).append(r)
    citizens, _others, everyone = aggregates.split_families(
        part, rest, dims, multi=frozenset({"exploitation"}), orders=COMPARE_ORDERS
    )
    return citizens if citizenship else everyone


def compare(
    *, actor: Any, dataset: PartnerDataset, row_dim: str, col_dim: str, citizenship: str = ""
) -> tuple[Table[tuple[str, ...], str], Table[tuple[str, ...], str]]:
    """Égide's suppressed table and the partner's, on the same rows and columns; audited."""
    if row_dim not in COMPARE_DIMENSIONS or col_dim not in COMPARE_DIMENSIONS:
        raise SharingError(_("Choose different dimensions for the rows and the columns."))
    if row_dim == col_dim:
        raise SharingError(_("Choose different dimensions for the rows and the columns."))
    own = _compare_family(egide_ctdc_records(), citizenship)
    theirs = _compare_family(partner_ctdc_records(dataset), citizenship)
    rows = sorted(
        set(own.values_of[row_dim]) | set(theirs.values_of[row_dim]),
        key=lambda r: _rank(row_dim, r),
    )
    columns = sorted(
        set(own.values_of[col_dim]) | set(theirs.values_of[col_dim]),
        key=lambda c: _rank(col_dim, c),
    )
    audit_record(
        actor=actor,
        action="sharing.compared",
        obj=dataset,
        details={"rows": row_dim, "column": col_dim, "citizenship": citizenship},
    )
    return (
        own.table(row_dim, col_dim, rows, columns),
        theirs.table(row_dim, col_dim, rows, columns),
    )


COMPARE_ORDERS: dict[str, tuple[str, ...]] = {
    "exploitation": tuple(EXPLOITATION_FLAGS.values()),
    "gender": ctdc.GENDERS_V2024,
    "age": ctdc.AGE_BAND_TEXTS + ("0--17", "18--29", "30--47", "18+"),
}


def _rank(dim: str, value: str) -> tuple[bool, int, str]:
    order = COMPARE_ORDERS.get(dim, ())
    return (value == "", order.index(value) if value in order else len(order), value)


def export_to_text(**kwargs: Any) -> tuple[str, ExportReport]:
    """The export as one string (tests and small data)."""
    buffer = io.StringIO()
    report = ctdc_export(out=buffer, **kwargs)
    return buffer.getvalue(), report
