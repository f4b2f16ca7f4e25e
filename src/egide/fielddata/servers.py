"""Field servers behind one interface: ODK Central and KoboToolbox v2. A third kind is one more
subclass of :class:`FieldServer`.

HTTP is the standard library's (``urllib``): Égide needs a handful of GETs and POSTs with a
timeout, and adds no client library for them. Every failure becomes a :class:`ServerError`
whose message a coordinator can act on (which server, what happened).

Contract facts with their source are in ``shared/research/interop.md`` §1 (Central) and §3
(Kobo); the ODK Central behaviour below was verified against a real server and recorded in
``shared/fixtures/odk-central/``.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from egide.fielddata.records import (
    KOBO_ID_FIELDS,
    RecordError,
    Submission,
    from_kobo,
    from_odata,
    kobo_ids,
    parse_one,
)

USER_AGENT = "Egide-fielddata/1"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


class ServerError(Exception):
    """The server could not be used; the message says which and why (for a person)."""


@dataclass
class ServerConfig:
    base_url: str
    project: str = ""
    username: str = ""
    secret: str = ""
    timeout: float = 30.0
    assets: Mapping[str, str] = field(default_factory=dict)
    page_size: int = 1000


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ServerError("The server's answer is not JSON.") from exc


class FieldServer(ABC):
    """One kind of field server. Implementations give submissions in Égide's one shape."""

    kind: str = ""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        base = urllib.parse.urlsplit(config.base_url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ServerError(f"The server address {config.base_url!r} is not an http(s) address.")
        self._origin = f"{base.scheme}://{base.netloc}"
        self._prefix = base.path

    # --- what every kind provides -------------------------------------------------------------

    @abstractmethod
    def forms(self) -> list[str]:
        """The Égide form ids this server collects."""

    @abstractmethod
    def submissions(self, form_id: str, changed_after: str) -> Iterator[Submission | RecordError]:
        """Every submission created or changed after the watermark (all when empty)."""

    @abstractmethod
    def deletions(self, form_id: str, deleted_after: str) -> Iterator[Submission | RecordError]:
        """Submissions deleted after the watermark (none when the server cannot tell)."""

    def present(self, form_id: str) -> set[str] | None:
        """For a kind that keeps no trace of deletions: the ids of every version still on the
        server (instanceIDs and stable ids), from which the pull tells what was deleted. None
        (the default) when :meth:`deletions` reports them."""
        return None

    @abstractmethod
    def attachment(self, submission: Submission, name: str) -> bytes | None:
        """The content of one attachment of *submission*, or None when absent on the server."""

    @abstractmethod
    def publish(self, form_id: str, xform: str, version: str) -> str:
        """Publish the XForm: "created", "updated" (a new version) or "unchanged"."""

    # --- HTTP ----------------------------------------------------------------------------------

    def url(self, path_or_url: str) -> str:
        """An absolute URL on this server. A link the server gave is followed by its path and
        query only: Central builds links from its configured domain, not the request's host."""
        parts = urllib.parse.urlsplit(path_or_url)
        if parts.scheme:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if self._prefix and not path.startswith(self._prefix):
                path = self._prefix + path
            return self._origin + path
        return self._origin + self._prefix + path_or_url

    def headers(self) -> dict[str, str]:
        return {}

    def http(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        auth: bool = True,
        limit: int = MAX_RESPONSE_BYTES,
    ) -> Response:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if auth:
            headers.update(self.headers())
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(  # noqa: S310 — the scheme is checked in __init__
            self.url(path), data=body, method=method, headers=headers
        )
        host = urllib.parse.urlsplit(self.config.base_url).netloc
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as answer:  # noqa: S310
                data = answer.read(limit + 1)
                status, answer_headers = answer.status, dict(answer.headers)
        except urllib.error.HTTPError as exc:
            data = exc.read(64 * 1024) if exc.fp is not None else b""
            status, answer_headers = exc.code, dict(exc.headers or {})
        except TimeoutError as exc:
            raise ServerError(
                f"The server {host} did not answer within {self.config.timeout:g} seconds."
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise ServerError(
                    f"The server {host} did not answer within {self.config.timeout:g} seconds."
                ) from exc
            raise ServerError(f"The server {host} cannot be reached ({reason}).") from exc
        if len(data) > limit:
            raise ServerError(f"The server {host} sent more than {limit} bytes in one answer.")
        if status >= 500:
            raise ServerError(
                f"The server {host} failed (HTTP {status}): {_message(data)} Try again later."
            )
        return Response(status, answer_headers, data)


def _message(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(doc, dict):
        return str(doc.get("message") or doc.get("detail") or doc)[:300]
    return str(doc)[:300]


# --- ODK Central ----------------------------------------------------------------------------


class OdkCentral(FieldServer):
    """ODK Central: session login, OData pulls (nextLink), deletions pass, XForm publishing.

    * ``POST /v1/sessions`` ``{email, password}`` → ``{token}``; Bearer header; a 401 on a later
      call means the session expired: log in again once. [§1.1; verified]
    * ``GET …/forms/{f}.svc/Submissions?$expand=*&$top=N&$filter=…``, then ``@odata.nextLink``
      (path and query only). Filter only on ``__system`` fields (a data field gives 501).
      Incremental: ``submissionDate gt W or updatedAt gt W``; deletions: ``deletedAt gt W``.
      [§1.3; verified, odk_odata_page1.json, odk_odata_filter_datafield_error.json]
    * Attachments: ``GET …/submissions/{id}/attachments`` → ``[{name, exists}]``, then
      ``…/attachments/{name}``. [§1.3; verified, odk_submission_attachments.json]
    * Forms: ``GET …/forms/{f}``; create ``POST …/forms?publish=true`` (XForm XML); new version
      ``POST …/forms/{f}/draft`` then ``POST …/forms/{f}/draft/publish``. [§1.2]
    """

    kind = "odk_central"

    def __init__(self, config: ServerConfig) -> None:
        super().__init__(config)
        self._token = ""
        self.logins = 0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def login(self) -> None:
        body = json.dumps({"email": self.config.username, "password": self.config.secret})
        answer = self.http(
            "POST", "/v1/sessions", body=body.encode(), content_type="application/json", auth=False
        )
        self.logins += 1
        if answer.status != 200:
            raise ServerError(
                f"ODK Central refused the account {self.config.username} "
                f"(HTTP {answer.status}): {_message(answer.body)}"
            )
        token = answer.json().get("token") if isinstance(answer.json(), dict) else None
        if not token:
            raise ServerError("ODK Central's login answer has no session token.")
        self._token = str(token)

    def call(self, method: str, path: str, **kwargs: Any) -> Response:
        """A call with the session; one new login when the session has expired (401)."""
        if not self._token:
            self.login()
        answer = self.http(method, path, **kwargs)
        if answer.status == 401:
            self.login()
            answer = self.http(method, path, **kwargs)
            if answer.status == 401:
                raise ServerError("ODK Central refused the session again after a new login.")
        if answer.status == 403:
            raise ServerError(
                "ODK Central: this account may not read the project's submissions "
                f"({_message(answer.body)}). Give it the Project Viewer role."
            )
        return answer

    def _form_path(self, form_id: str) -> str:
        project = urllib.parse.quote(str(self.config.project), safe="")
        return f"/v1/projects/{project}/forms/{urllib.parse.quote(form_id, safe='')}"

    def forms(self) -> list[str]:
        from egide.fielddata.xlsforms import FORM_IDS

        return list(FORM_IDS)

    def _table(self, form_id: str, filter_: str) -> Iterator[Submission | RecordError]:
        query = urllib.parse.urlencode(
            {"$expand": "*", "$top": str(self.config.page_size), "$filter": filter_}
        )
        path: str | None = f"{self._form_path(form_id)}.svc/Submissions?{query}"
        while path:
            answer = self.call("GET", path)
            if answer.status == 404:
                return  # the form is not published on this server: nothing to pull
            if answer.status != 200:
                raise ServerError(
                    f"ODK Central refused the pull of {form_id} (HTTP {answer.status}): "
                    f"{_message(answer.body)}"
                )
            page = answer.json()
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise ServerError(f"ODK Central's answer for {form_id} is not an OData page.")
            for row in page["value"]:
                yield parse_one(from_odata, form_id, row, "ODK Central row")
            link = page.get("@odata.nextLink")
            path = str(link) if link else None

    def submissions(self, form_id: str, changed_after: str) -> Iterator[Submission | RecordError]:
        if changed_after:
            filter_ = (
                f"__system/submissionDate gt {changed_after} "
                f"or __system/updatedAt gt {changed_after}"
            )
        else:
            filter_ = "__system/submissionDate gt 1970-01-01T00:00:00.000Z"
        return self._table(form_id, filter_)

    def deletions(self, form_id: str, deleted_after: str) -> Iterator[Submission | RecordError]:
        if deleted_after:
            return self._table(form_id, f"__system/deletedAt gt {deleted_after}")
        return self._table(form_id, "__system/deletedAt ne null")

    def attachment(self, submission: Submission, name: str) -> bytes | None:
        base = f"{self._form_path(submission.form_id)}/submissions/"
        base += urllib.parse.quote(submission.logical_id, safe="")
        listing = self.call("GET", f"{base}/attachments")
        if listing.status != 200:
            return None
        present = {
            str(a.get("name")): bool(a.get("exists")) for a in listing.json() if isinstance(a, dict)
        }
        if not present.get(name):
            return None
        answer = self.call(
            "GET",
            f"{base}/attachments/{urllib.parse.quote(name, safe='')}",
            limit=MAX_ATTACHMENT_BYTES,
        )
        return answer.body if answer.status == 200 else None

    def publish(self, form_id: str, xform: str, version: str) -> str:
        current = self.call("GET", self._form_path(form_id))
        xml = xform.encode("utf-8")
        if current.status == 404:
            project = urllib.parse.quote(str(self.config.project), safe="")
            answer = self.call(
                "POST",
                f"/v1/projects/{project}/forms?publish=true",
                body=xml,
                content_type="application/xml",
            )
            if answer.status != 200:
                raise ServerError(
                    f"ODK Central refused the form {form_id}: {_message(answer.body)}"
                )
            return "created"
        if current.status != 200:
            raise ServerError(f"ODK Central: form {form_id} (HTTP {current.status}).")
        if str(current.json().get("version", "")) == version:
            return "unchanged"
        path = self._form_path(form_id)
        draft = self.call("POST", f"{path}/draft", body=xml, content_type="application/xml")
        if draft.status != 200:
            raise ServerError(
                f"ODK Central refused the new version of {form_id}: {_message(draft.body)}"
            )
        done = self.call("POST", f"{path}/draft/publish")
        if done.status != 200:
            raise ServerError(f"ODK Central did not publish {form_id}: {_message(done.body)}")
        return "updated"


# --- KoboToolbox v2 -------------------------------------------------------------------------


#: Records per page when only their ids are listed (Kobo allows up to 30,000).
KOBO_ID_PAGE = 10_000


class KoboToolbox(FieldServer):
    """KoboToolbox API v2: ``Authorization: Token <key>``; ``GET /api/v2/assets/{uid}/data/``
    with ``start``/``limit`` paging (``next`` link) and a Mongo-style ``query`` on
    ``_submission_time``; edits carry ``meta/deprecatedID`` (and ``meta/rootUuid`` on newer
    servers). Kobo keeps no tombstones: a deletion is seen as a record Égide holds that the
    server no longer lists (:meth:`present`, the ids only, ``fields`` param). Publishing goes
    through Kobo's own XLSForm import, not this API: upload the XLSX from Égide's forms page.
    [interop.md §3: KPI kpi/docs/api/v2/data/list.md, kpi/paginators.py; third-party fixture]
    """

    kind = "kobo"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.config.secret}"}

    def forms(self) -> list[str]:
        return [f for f, uid in self.config.assets.items() if uid]

    def _get(self, path: str, what: str) -> Any:
        answer = self.http("GET", path)
        if answer.status in (401, 403):
            raise ServerError(
                f"KoboToolbox refused the API token (HTTP {answer.status}): {_message(answer.body)}"
            )
        if answer.status != 200:
            raise ServerError(
                f"KoboToolbox refused {what} (HTTP {answer.status}): {_message(answer.body)}"
            )
        return answer.json()

    def submissions(self, form_id: str, changed_after: str) -> Iterator[Submission | RecordError]:
        uid = self.config.assets.get(form_id)
        if not uid:
            return
        params = {
            "format": "json",
            "start": "0",
            "limit": str(self.config.page_size),
            "sort": json.dumps({"_submission_time": 1}),
        }
        if changed_after:
            # Kobo's times have no zone and are UTC: compare without the "Z".
            since = changed_after.rstrip("Z").split("+")[0]
            params["query"] = json.dumps({"_submission_time": {"$gt": since}})
        path: str | None = (
            f"/api/v2/assets/{urllib.parse.quote(uid, safe='')}/data/?"
            + urllib.parse.urlencode(params)
        )
        while path:
            page = self._get(path, f"the pull of {form_id}")
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ServerError(f"KoboToolbox's answer for {form_id} is not a page of records.")
            for record in page["results"]:
                yield parse_one(from_kobo, form_id, record, "KoboToolbox record")
            link = page.get("next")
            path = str(link) if link else None

    def deletions(self, form_id: str, deleted_after: str) -> Iterator[Submission | RecordError]:
        return iter(())  # no tombstones: see present()

    def present(self, form_id: str) -> set[str] | None:
        uid = self.config.assets.get(form_id)
        if not uid:
            return None
        params = {
            "format": "json",
            "start": "0",
            "limit": str(KOBO_ID_PAGE),
            "fields": json.dumps(list(KOBO_ID_FIELDS)),
        }
        path: str | None = (
            f"/api/v2/assets/{urllib.parse.quote(uid, safe='')}/data/?"
            + urllib.parse.urlencode(params)
        )
        ids: set[str] = set()
        while path:
            page = self._get(path, f"the list of {form_id}")
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ServerError(f"KoboToolbox's answer for {form_id} is not a page of records.")
            for record in page["results"]:
                if isinstance(record, dict):
                    ids.update(i for i in kobo_ids(record) if i)
            link = page.get("next")
            path = str(link) if link else None
        return ids

    def attachment(self, submission: Submission, name: str) -> bytes | None:
        for item in submission.extra.get("kobo_attachments", []):
            if str(item.get("filename", "")).rsplit("/", 1)[-1] == name and item.get(
                "download_url"
            ):
                answer = self.http("GET", str(item["download_url"]), limit=MAX_ATTACHMENT_BYTES)
                return answer.body if answer.status == 200 else None
        return None

    def publish(self, form_id: str, xform: str, version: str) -> str:
        raise ServerError(
            "KoboToolbox forms are published from their XLSForm: download it from Égide's "
            "forms page and import it in KoboToolbox (Projects → New → Upload an XLSForm)."
        )


SERVER_KINDS: dict[str, type[FieldServer]] = {
    OdkCentral.kind: OdkCentral,
    KoboToolbox.kind: KoboToolbox,
}


def server_for(kind: str, config: ServerConfig) -> FieldServer:
    try:
        return SERVER_KINDS[kind](config)
    except KeyError as exc:
        raise ServerError(f"Unknown server kind {kind!r}.") from exc
