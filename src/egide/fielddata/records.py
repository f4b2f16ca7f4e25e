"""Field submissions in one shape, whatever brought them: ODK Central's OData rows, its
``.csv.zip`` export, KoboToolbox v2 records or a Kobo export. Pure Python.

Contract facts (``shared/research/interop.md``):

* Central OData row: form fields nested by group, ``meta.instanceID`` (current version), ``__id``
  (logical id = first version's instanceID, never changes), ``__system`` with ``submissionDate``,
  ``updatedAt`` (null until edited or reviewed), ``submitterId`` (string), ``submitterName``,
  ``deviceId``, ``reviewState``, ``edits``, ``formVersion``, ``deletedAt``; repeats inlined with
  ``$expand=*``. [§1.3, §1.4; verified, fixtures/odk-central/odk_odata_submissions_expand.json]
* Central CSV export: ``-`` separates groups (``signalant-tel``), ``KEY`` is the logical id,
  ``meta-instanceID`` the current version; repeat files carry ``PARENT_KEY``. [§1.5; verified,
  fixtures/odk-central/odk_csvzip_heads.json]
* Kobo v2 record: flat keys with ``/`` paths, ``meta/instanceID``, ``meta/rootUuid`` (stable across
  edits, newer servers), ``meta/deprecatedID`` after an edit, ``_submission_time`` (UTC, no zone),
  ``_submitted_by``, ``_validation_status``, ``_attachments``; values are strings. [§3, third-party
  fixture ConservationMetrics/gc-scripts-hub]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# The version written in every generated form: Égide's form revision, the catalogue and the
# rule set it was generated from. An answer is evaluated with the rules named here.
VERSION_RE = re.compile(r"^e(?P<revision>\d+)-c(?P<catalogue>[0-9.]+)-r(?P<rules>[0-9.]+)$")
VERSION_FIELD = "egide_version"


class RecordError(ValueError):
    """A submission (or a file of them) cannot be read; the message says why."""


@dataclass(frozen=True)
class FormVersion:
    revision: int
    catalogue: str
    rule_set: str

    def __str__(self) -> str:
        return f"e{self.revision}-c{self.catalogue}-r{self.rule_set}"


def parse_version(value: str) -> FormVersion | None:
    """The form version *value* as (revision, catalogue, rule set), or None when not Égide's."""
    match = VERSION_RE.match(value or "")
    if match is None:
        return None
    return FormVersion(int(match["revision"]), match["catalogue"], match["rules"])


@dataclass(frozen=True)
class Submission:
    """One version of one field submission, as every source gives it."""

    form_id: str
    logical_id: str  # Central's __id / KEY, Kobo's meta/rootUuid (or first instanceID)
    instance_id: str  # this version's meta/instanceID
    form_version: str
    submitter_id: str
    submitter_name: str
    device_id: str
    review_state: str  # "", "approved", "hasIssues", "edited", "rejected" (Kobo: mapped)
    submitted_at: datetime | None
    updated_at: datetime | None
    data: dict[str, Any]  # answers by slash path ("signalant/tel"); repeats: list of dicts
    attachments: tuple[str, ...] = ()
    deleted_at: datetime | None = None
    deprecated_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changed_at(self) -> datetime | None:
        """The latest of submission and update: what an incremental pull's watermark follows."""
        stamps = [s for s in (self.submitted_at, self.updated_at) if s is not None]
        return max(stamps) if stamps else None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (``Z`` or offset; no zone means UTC, as Kobo sends) or None."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"not a date and time: {value!r}")
    text = value.strip().replace("Z", "+00:00")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"not a date and time: {value!r}") from exc
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    """UTC, milliseconds and ``Z``, as Central writes its times."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{value.astimezone(UTC).microsecond // 1000:03d}Z"
    )


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    for key, item in value.items():
        if key.startswith("__") or key.endswith("@odata.navigationLink"):
            continue
        path = f"{prefix}{key}"
        if isinstance(item, Mapping):
            _flatten(f"{path}/", item, out)
        elif isinstance(item, list):
            out[path] = [_flat_row(row) for row in item if isinstance(row, Mapping)]
        else:
            out[path] = item


def _flat_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _flatten("", row, out)
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def from_odata(form_id: str, row: Mapping[str, Any]) -> Submission:
    """A Central OData ``Submissions`` row (with ``$expand=*`` repeats inlined)."""
    if not isinstance(row, Mapping) or not row.get("__id"):
        raise RecordError("an OData row without __id")
    system = row.get("__system") or {}
    if not isinstance(system, Mapping):
        raise RecordError("an OData row whose __system is not an object")
    data = _flat_row(row)
    instance_id = _text(data.get("meta/instanceID")) or _text(row["__id"])
    version = _text(data.get(VERSION_FIELD)) or _text(system.get("formVersion"))
    return Submission(
        form_id=form_id,
        logical_id=_text(row["__id"]),
        instance_id=instance_id,
        form_version=version,
        submitter_id=_text(system.get("submitterId")),
        submitter_name=_text(system.get("submitterName")),
        device_id=_text(system.get("deviceId")),
        review_state=_text(system.get("reviewState")),
        submitted_at=parse_time(system.get("submissionDate")),
        updated_at=parse_time(system.get("updatedAt")),
        deleted_at=parse_time(system.get("deletedAt")),
        data=data,
        extra={"attachments_present": system.get("attachmentsPresent") or 0},
    )


# Central CSV columns that are system metadata, not answers. [§1.5]
CSV_SYSTEM = {
    "SubmissionDate",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "meta-instanceID",
}


def _csv_path(column: str) -> str:
    return column.replace("-", "/")


def from_central_csv(
    form_id: str,
    header: list[str],
    rows: Iterable[list[str]],
    repeats: Mapping[str, list[dict[str, str]]] | None = None,
) -> Iterable[Submission | RecordError]:
    """Rows of a Central ``<form>.csv``; *repeats* maps a repeat name to its rows (with
    ``PARENT_KEY``). A bad row yields a RecordError (with the row number) instead of stopping."""
    if "KEY" not in header:
        raise RecordError("the CSV has no KEY column: it is not an ODK Central export")
    children: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, lines in (repeats or {}).items():
        for line in lines:
            parent = line.get("PARENT_KEY", "")
            child = {
                _csv_path(k): v for k, v in line.items() if k not in ("PARENT_KEY", "KEY") and k
            }
            children.setdefault(parent, {}).setdefault(name, []).append(child)
    for number, values in enumerate(rows, start=2):
        if len(values) != len(header):
            yield RecordError(f"line {number}: {len(values)} values for {len(header)} columns")
            continue
        line = dict(zip(header, values, strict=True))
        key = line["KEY"].strip()
        if not key:
            yield RecordError(f"line {number}: the KEY is empty")
            continue
        data: dict[str, Any] = {
            _csv_path(k): (v if v != "" else None) for k, v in line.items() if k not in CSV_SYSTEM
        }
        data["meta/instanceID"] = line.get("meta-instanceID") or key
        data.update(children.get(key, {}))
        try:
            submitted = parse_time(line.get("SubmissionDate"))
        except RecordError as exc:
            yield RecordError(f"line {number}: {exc}")
            continue
        version = _text(data.get(VERSION_FIELD)) or line.get("FormVersion", "")
        yield Submission(
            form_id=form_id,
            logical_id=key,
            instance_id=data["meta/instanceID"],
            form_version=version,
            submitter_id=line.get("SubmitterID", ""),
            submitter_name=line.get("SubmitterName", ""),
            device_id=line.get("DeviceID", ""),
            review_state=line.get("ReviewState", ""),
            submitted_at=submitted,
            updated_at=None,
            data=data,
        )


KOBO_REVIEW = {
    "validation_status_approved": "approved",
    "validation_status_not_approved": "rejected",
    "validation_status_on_hold": "hasIssues",
}


def _uuid(value: str) -> str:
    return value if not value or value.startswith("uuid:") else f"uuid:{value}"


def _kobo_value(value: Any) -> Any:
    if isinstance(value, list):
        return [
            {k.rsplit("/", 1)[-1]: v for k, v in row.items()}
            for row in value
            if isinstance(row, dict)
        ]
    return value


#: The fields of a Kobo record that say which submission it is (``fields`` of a listing).
KOBO_ID_FIELDS = ("_uuid", "meta/instanceID", "meta/rootUuid")


def kobo_ids(record: Mapping[str, Any]) -> tuple[str, str]:
    """(instanceID of this version, rootUuid or "") of a Kobo record, ``uuid:``-prefixed."""
    instance_id = _uuid(_text(record.get("meta/instanceID") or record.get("_uuid")))
    return instance_id, _uuid(_text(record.get("meta/rootUuid")))


def from_kobo(form_id: str, record: Mapping[str, Any]) -> Submission:
    """A KoboToolbox v2 record (``/api/v2/assets/{uid}/data/`` or a JSON export)."""
    if not isinstance(record, Mapping):
        raise RecordError("a Kobo record that is not an object")
    instance_id, root = kobo_ids(record)
    if not instance_id:
        raise RecordError("a Kobo record without meta/instanceID or _uuid")
    deprecated = _uuid(_text(record.get("meta/deprecatedID")))
    data = {
        k: _kobo_value(v)
        for k, v in record.items()
        if not k.startswith("_") and not k.startswith("formhub/")
    }
    status = record.get("_validation_status") or {}
    review = KOBO_REVIEW.get(_text(status.get("uid")), "") if isinstance(status, Mapping) else ""
    version = _text(record.get(VERSION_FIELD))
    listed = record.get("_attachments")
    kobo_attachments = (
        [a for a in listed if isinstance(a, Mapping)] if isinstance(listed, list) else []
    )
    attachments = tuple(_text(a.get("filename")).rsplit("/", 1)[-1] for a in kobo_attachments)
    return Submission(
        form_id=form_id,
        logical_id=root or instance_id,
        instance_id=instance_id,
        form_version=version,
        submitter_id=_text(record.get("_submitted_by")),
        submitter_name=_text(record.get("_submitted_by")),
        device_id=_text(record.get("deviceid")),
        review_state=review,
        submitted_at=parse_time(record.get("_submission_time")),
        updated_at=None,
        data=data,
        attachments=attachments,
        deprecated_id=deprecated,
        extra={
            "kobo_id": record.get("_id"),
            "kobo_attachments": kobo_attachments,
        },
    )


def parse_one(
    parse: Callable[[str, Any], Submission], form_id: str, record: Any, where: str
) -> Submission | RecordError:
    """One record through *parse*; whatever goes wrong rejects this record only, with a reason
    (never a failed upload or pull for the whole run)."""
    try:
        return parse(form_id, record)
    except RecordError as exc:
        return RecordError(f"{where}: {exc}")
    except Exception as exc:  # an odd record must not stop the others  # noqa: BLE001
        return RecordError(f"{where}: unreadable record ({type(exc).__name__})")
