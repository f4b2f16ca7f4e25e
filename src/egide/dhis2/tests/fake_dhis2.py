"""A small fake DHIS2 for the tests: ``POST /api/dataValueSets`` only, following the contract
of ``shared/research/interop.md`` §4 (DHD data.md; DHC ImportSummary.java; the 2.38+ wrapper
and HTTP 409 for a summary with conflicts).

It checks the request as DHIS2 would (Basic credentials → 401, JSON content type → 415, the
data value set's shape → 400) and keeps the values it stored keyed by (dataElement, period,
orgUnit, categoryOptionCombo, attributeOptionCombo), so that a second push of the same values
counts as *updated*, never *imported* again. A data element or org unit it does not know is a
conflict (HTTP 409); ``dryRun=true`` counts without storing. ``mode`` makes it fail on purpose:
``"drop"`` closes the connection without an answer; ``"drop_real"`` does so only for the real
(non dry-run) import.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
PERIOD = re.compile(r"^\d{4}(Q[1-4]|0[1-9]|1[0-2])?$")
DEFAULT_COMBO = "dEfAuLtCoC0"  # stands for the server's default combination (omitted COC/AOC)
SET_KEYS = {"dataSet", "completeDate", "period", "orgUnit", "attributeOptionCombo", "dataValues"}
VALUE_KEYS = {
    "dataElement",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "period",
    "orgUnit",
    "value",
    "comment",
    "followUp",
}


class FakeDhis2:
    """Start with ``with FakeDhis2(...) as fake:``; ``fake.url`` is its address."""

    def __init__(
        self,
        *,
        username: str = "egide",
        password: str = "Mot-de-passe-DHIS2",  # noqa: S107 - a fake server's test account
        data_elements: set[str] | None = None,
        org_units: set[str] | None = None,
    ) -> None:
        self.username = username
        self.password = password
        self.data_elements = set(data_elements or ())
        self.org_units = set(org_units or ())
        self.mode = "success"
        self.stored: dict[tuple[str, str, str, str, str], str] = {}
        self.requests: list[dict[str, Any]] = []
        self.bad_requests: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeDhis2:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the import, as DHIS2 does it ------------------------------------------------------

    def check_shape(self, document: Any) -> str:
        """Why *document* is not a data value set DHIS2 accepts ("" when it is)."""
        if not isinstance(document, dict):
            return "the body is not a JSON object"
        if set(document) - SET_KEYS:
            return f"unknown keys {sorted(set(document) - SET_KEYS)}"
        values = document.get("dataValues")
        if not isinstance(values, list):
            return "dataValues is not a list"
        for i, value in enumerate(values):
            if not isinstance(value, dict):
                return f"dataValues[{i}] is not an object"
            if set(value) - VALUE_KEYS:
                return f"dataValues[{i}] has unknown keys {sorted(set(value) - VALUE_KEYS)}"
            for key in ("dataElement", "period", "orgUnit", "value"):
                if key not in value and key not in document:
                    return f"dataValues[{i}] has no {key}"
            if not isinstance(value.get("value"), str):
                return f"dataValues[{i}].value is not a string"
            for key in ("dataElement", "orgUnit", "categoryOptionCombo", "attributeOptionCombo"):
                if key in value and not UID.match(str(value[key])):
                    return f"dataValues[{i}].{key} is not a UID"
            if not PERIOD.match(str(value.get("period", document.get("period", "")))):
                return f"dataValues[{i}].period is not a DHIS2 period"
        return ""

    def import_values(self, document: dict[str, Any], *, dry_run: bool) -> tuple[int, Any]:
        imported = updated = ignored = 0
        conflicts = []
        with self.lock:
            for i, value in enumerate(document["dataValues"]):
                element = value["dataElement"]
                org_unit = value.get("orgUnit", document.get("orgUnit"))
                if element not in self.data_elements:
                    conflicts.append(
                        {
                            "object": element,
                            "value": f"Data element not found or not accessible: `{element}`",
                            "errorCode": "E7610",
                            "property": "dataElement",
                            "indexes": [i],
                        }
                    )
                    ignored += 1
                    continue
                if org_unit not in self.org_units:
                    conflicts.append(
                        {
                            "object": org_unit,
                            "value": f"Org unit not found or not accessible: `{org_unit}`",
                            "errorCode": "E7612",
                            "property": "orgUnit",
                            "indexes": [i],
                        }
                    )
                    ignored += 1
                    continue
                key = (
                    element,
                    value.get("period", document.get("period")),
                    org_unit,
                    value.get("categoryOptionCombo", DEFAULT_COMBO),
                    value.get("attributeOptionCombo", DEFAULT_COMBO),
                )
                if key in self.stored:
                    updated += 1
                else:
                    imported += 1
                if not dry_run:
                    self.stored[key] = value["value"]
        status = "WARNING" if conflicts else "SUCCESS"
        summary = {
            "responseType": "ImportSummary",
            "status": status,
            "importOptions": {"dryRun": dry_run, "importStrategy": "CREATE_AND_UPDATE"},
            "description": "Import process completed successfully",
            "importCount": {
                "imported": imported,
                "updated": updated,
                "ignored": ignored,
                "deleted": 0,
            },
            "conflicts": conflicts,
            "dataSetComplete": "false",
        }
        if conflicts:
            return 409, {
                "httpStatus": "Conflict",
                "httpStatusCode": 409,
                "status": "WARNING",
                "message": "One more conflicts encountered, please check import summary.",
                "response": summary,
            }
        return 200, {
            "httpStatus": "OK",
            "httpStatusCode": 200,
            "status": "OK",
            "message": "Import was successful.",
            "response": summary,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, document: Any) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, words: str, message: str) -> None:
                fake.bad_requests.append(message)
                self._answer(
                    status,
                    {
                        "httpStatus": words,
                        "httpStatusCode": status,
                        "status": "ERROR",
                        "message": message,
                    },
                )

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                dry_run = query.get("dryRun", "false") == "true"
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if fake.mode == "drop" or (fake.mode == "drop_real" and not dry_run):
                    fake.requests.append({"dry_run": dry_run, "dropped": True})
                    self.close_connection = True
                    return  # no answer at all: the client sees the connection closed
                if parts.path != "/api/dataValueSets":
                    self._error(404, "Not Found", f"no resource {parts.path}")
                    return
                expected = base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._error(401, "Unauthorized", "Unauthorized")
                    return
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    self._error(415, "Unsupported Media Type", "Content type not supported")
                    return
                try:
                    document = json.loads(raw.decode("utf-8"))
                except ValueError:
                    self._error(400, "Bad Request", "the body is not JSON")
                    return
                problem = fake.check_shape(document)
                if problem:
                    self._error(400, "Bad Request", problem)
                    return
                fake.requests.append(
                    {"dry_run": dry_run, "query": query, "payload": document, "dropped": False}
                )
                status, answer = fake.import_values(document, dry_run=dry_run)
                self._answer(status, answer)

        return Handler
