"""Small local HTTP servers that follow the recorded ODK Central contract and the documented
KoboToolbox v2 one (interop.md §1, §3). Responses are the recorded fixtures of
``shared/fixtures/odk-central/`` where one exists, served as they are; rows of Égide's own forms
are written in the recorded row shape."""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures") / "odk-central"
# Central builds its links from its configured domain, not from the request's host. [§1.3]
CENTRAL_DOMAIN = "http://localhost:8989"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def central_row(
    *,
    logical_id: str,
    instance_id: str | None = None,
    data: dict[str, Any],
    submitted: str = "2026-11-24T01:10:36.708Z",
    updated: str | None = None,
    review: str | None = None,
    submitter: str = "5",
    device: str | None = None,
    version: str = "e1-c1.0-r1.0",
    deleted: str | None = None,
    attachments: int = 0,
) -> dict[str, Any]:
    """An OData row in the recorded shape (odk_odata_submissions.json), with other answers."""
    row = copy.deepcopy(fixture("odk_odata_submissions.json")["value"][0])
    for key in ("lieu", "type_alerte", "photo", "signalant", "victimes@odata.navigationLink"):
        row.pop(key, None)
    row.update(copy.deepcopy(data))
    row["meta"] = {"instanceID": instance_id or logical_id}
    row["__id"] = logical_id
    row["__system"].update(
        {
            "submissionDate": submitted,
            "updatedAt": updated,
            "reviewState": review,
            "submitterId": submitter,
            "deviceId": device,
            "formVersion": version,
            "deletedAt": deleted,
            "attachmentsPresent": attachments,
            "attachmentsExpected": attachments,
            "edits": 0 if instance_id in (None, logical_id) else 1,
        }
    )
    return row


def _skiptoken(offset: int) -> str:
    return "01" + base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: str) -> int:
    return int(json.loads(base64.b64decode(token[2:]))["offset"])


FILTER_CHANGED = re.compile(
    r"^__system/submissionDate gt (\S+)(?: or __system/updatedAt gt (\S+))?$"
)


class FakeCentral:
    """ODK Central's session, OData, attachments and forms endpoints for one project."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.recorded: dict[str, list[dict[str, Any]]] = {}
        self.forms: dict[str, dict[str, Any]] = {}
        self.drafts: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.logins = 0
        self.requests: list[tuple[str, str]] = []
        self.fail_status = 0  # answer Submissions requests with this status
        self.fail_after = 0  # ... after this many successful Submissions requests
        self.hang = 0.0  # seconds to wait before answering Submissions requests
        self.attachment = b"\xff\xd8\xff\xe0 fictitious jpeg"
        self._submission_requests = 0

    def expire_sessions(self) -> None:
        self.tokens.clear()

    # --- request handling ---------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        self.requests.append((method, path))
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if method == "POST" and parts.path == "/v1/sessions":
            doc = json.loads(body or b"{}")
            if doc.get("password") != "secret-de-test":
                return 401, {
                    "message": "Could not authenticate with the provided credentials.",
                    "code": 401.2,
                }
            self.logins += 1
            token = f"token-{self.logins}"
            self.tokens.add(token)
            return 200, {**fixture("odk_session_response.json"), "token": token}
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return 401, {
                "message": "Could not authenticate with the provided credentials.",
                "code": 401.2,
            }
        match = re.fullmatch(r"/v1/projects/1/forms/([\w-]+)\.svc/Submissions", parts.path)
        if match and method == "GET":
            return self._submissions(match[1], query)
        match = re.fullmatch(
            r"/v1/projects/1/forms/([\w-]+)/submissions/([^/]+)/attachments(?:/(.+))?", parts.path
        )
        if match and method == "GET":
            if match[3]:
                return 200, self.attachment
            return 200, fixture("odk_submission_attachments.json")
        match = re.fullmatch(r"/v1/projects/1/forms/([\w-]+)/draft(/publish)?", parts.path)
        if match and method == "POST" and match[1] in self.forms:
            if match[2]:  # publish the draft: it becomes the form's version
                self.forms[match[1]] = {**self.forms[match[1]], **self.drafts.pop(match[1])}
                return 200, {"success": True}
            version = re.search(rb'id="egide_[\w-]+" version="([^"]+)"', body)
            self.drafts[match[1]] = {"version": version[1].decode() if version else ""}
            return 200, {"success": True}
        match = re.fullmatch(r"/v1/projects/1/forms/([\w-]+)", parts.path)
        if match and method == "GET":
            if match[1] not in self.forms:
                return 404, {
                    "message": "Could not find the resource you were looking for.",
                    "code": 404.1,
                }
            return 200, self.forms[match[1]]
        if parts.path == "/v1/projects/1/forms" and method == "POST":
            form_id = re.search(rb'<[\w:]+ id="(egide_[\w-]+)"', body)
            version = re.search(rb'id="egide_[\w-]+" version="([^"]+)"', body)
            created = {
                **fixture("odk_form_create_response.json"),
                "xmlFormId": form_id[1].decode() if form_id else "",
                "version": version[1].decode() if version else "",
            }
            self.forms[created["xmlFormId"]] = created
            return 200, created
        return 404, {"message": "Could not find the resource you were looking for.", "code": 404.1}

    def _submissions(self, form_id: str, query: dict[str, str]) -> tuple[int, Any]:
        self._submission_requests += 1
        if self.hang:
            time.sleep(self.hang)
        if self.fail_status and self._submission_requests > self.fail_after:
            return self.fail_status, {"message": "Service unavailable (fake).", "code": 500.1}
        if form_id in self.recorded:
            pages = self.recorded[form_id]
            token = query.get("$skiptoken")
            for i, page in enumerate(pages[:-1]):
                link = page.get("@odata.nextLink", "")
                if token and token in urllib.parse.unquote(link):
                    return 200, pages[i + 1]
            return 200, pages[0]
        rows = self.rows.get(form_id)
        if rows is None:
            return 404, {
                "message": "Could not find the resource you were looking for.",
                "code": 404.1,
            }
        filter_ = query.get("$filter", "")
        if "__system/deletedAt" in filter_:
            match = re.fullmatch(r"__system/deletedAt gt (\S+)", filter_)
            selected = [
                r
                for r in rows
                if r["__system"]["deletedAt"]
                and (match is None or r["__system"]["deletedAt"] > match[1])
            ]
        else:
            selected = [r for r in rows if not r["__system"]["deletedAt"]]
            match = FILTER_CHANGED.match(filter_)
            if filter_ and match is None:
                return 501, fixture("odk_odata_filter_datafield_error.json")["body"]
            if match:
                since = match[1]
                selected = [
                    r
                    for r in selected
                    if r["__system"]["submissionDate"] > since
                    or (r["__system"]["updatedAt"] or "") > since
                ]
        # Central's default order: newest first. [§1.3, CB DEFAULT_ORDER_BY]
        selected.sort(key=lambda r: r["__system"]["submissionDate"], reverse=True)
        top = int(query.get("$top", "0") or 0) or len(selected) or 1
        start = _offset(query["$skiptoken"]) if "$skiptoken" in query else 0
        page = selected[start : start + top]
        base = f"{CENTRAL_DOMAIN}/v1/projects/1/forms/{form_id}.svc"
        doc: dict[str, Any] = {"value": page, "@odata.context": f"{base}/$metadata#Submissions"}
        if start + top < len(selected):
            params = {k: v for k, v in query.items() if k != "$skiptoken"}
            params["$skiptoken"] = _skiptoken(start + top)
            doc["@odata.nextLink"] = f"{base}/Submissions?{urllib.parse.urlencode(params)}"
        return 200, doc


class FakeKobo:
    """KoboToolbox v2 data endpoint: token header, start/limit paging, _submission_time query."""

    TOKEN = "kobo-token-de-test"

    def __init__(self) -> None:
        self.assets: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_status = 0

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        self.requests.append((method, path))
        if headers.get("Authorization") != f"Token {self.TOKEN}":
            return 401, {"detail": "Invalid token."}
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        match = re.fullmatch(r"/api/v2/assets/(\w+)/data/", parts.path)
        if match is None or match[1] not in self.assets:
            if parts.path.startswith("/media/"):
                return 200, b"\xff\xd8 kobo fictitious jpeg"
            return 404, {"detail": "Not found."}
        if self.fail_status:
            return self.fail_status, {"detail": "Server error (fake)."}
        records = list(self.assets[match[1]])
        if "query" in query:
            since = json.loads(query["query"])["_submission_time"]["$gt"]
            records = [r for r in records if r["_submission_time"] > since]
        records.sort(key=lambda r: r["_submission_time"])
        start, limit = int(query.get("start", 0)), int(query.get("limit", 100))
        page = records[start : start + limit]
        if "fields" in query:  # only the fields asked for (a JSON list)
            wanted = json.loads(query["fields"])
            page = [{k: r[k] for k in wanted if k in r} for r in page]
        following = None
        if start + limit < len(records):
            params = {**query, "start": str(start + limit)}
            following = f"https://kf.kobotoolbox.org{parts.path}?{urllib.parse.urlencode(params)}"
        return 200, {"count": len(records), "next": following, "previous": None, "results": page}


@contextmanager
def serve(fake: Any) -> Iterator[str]:
    """Run *fake* on 127.0.0.1 in a thread; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, doc = fake.handle(self.command, self.path, self.headers, body)
            data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
            try:
                self.send_response(status)
                ctype = "application/octet-stream" if isinstance(doc, bytes) else "application/json"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
