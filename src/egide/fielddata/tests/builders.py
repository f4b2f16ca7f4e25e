"""Offline exports in the recorded/documented shapes, for tests: ODK Central's ``.csv.zip``
(header order of fixtures/odk-central/odk_csvzip_heads.json) and KoboToolbox records."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

CENTRAL_HEAD = ["SubmissionDate"]
CENTRAL_TAIL = [
    "meta-instanceID",
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
]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def central_zip(
    form_id: str,
    submissions: list[dict[str, Any]],
    *,
    repeats: dict[str, list[dict[str, Any]]] | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """*submissions*: answers by '-'-joined column, plus ``KEY``, optional ``instance``,
    ``submitter``, ``review``; written as Central writes its export."""
    fields: list[str] = []
    for sub in submissions:
        for key in sub:
            if key not in ("KEY", "instance", "submitter", "review") and key not in fields:
                fields.append(key)
    header = [c for c in CENTRAL_HEAD + fields + CENTRAL_TAIL if c not in drop]
    rows = []
    for sub in submissions:
        values = {
            "SubmissionDate": "2026-11-24T01:10:36.708Z",
            "meta-instanceID": sub.get("instance", sub["KEY"]),
            "KEY": sub["KEY"],
            "SubmitterID": sub.get("submitter", "5"),
            "SubmitterName": "agent@example.org",
            "AttachmentsPresent": "0",
            "AttachmentsExpected": "0",
            "Status": "",
            "ReviewState": sub.get("review", ""),
            "DeviceID": "",
            "Edits": "0",
            "FormVersion": "e1-c1.0-r1.0",
            **{k: v for k, v in sub.items() if k in fields},
        }
        rows.append(["" if values.get(c) is None else values.get(c, "") for c in header])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{form_id}.csv", _csv(header, rows))
        for name, lines in (repeats or {}).items():
            keys = [k for k in lines[0] if k not in ("PARENT_KEY", "KEY")] if lines else []
            zf.writestr(
                f"{form_id}-{name}.csv",
                _csv(
                    keys + ["PARENT_KEY", "KEY"],
                    [[r.get(k, "") for k in keys + ["PARENT_KEY", "KEY"]] for r in lines],
                ),
            )
    return archive.getvalue()


def alert_columns(**changes: Any) -> dict[str, Any]:
    from egide.fielddata.tests.conftest import alert_answers

    return {k: v for k, v in alert_answers(**changes).items() if k != "photo"}
