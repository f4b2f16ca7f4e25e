"""The DHIS2 client against the fake server: success, conflicts (409), refusals, no answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from egide.dhis2 import client
from egide.dhis2.client import Dhis2Error, Dhis2Server
from egide.dhis2.tests.fake_dhis2 import FakeDhis2

DE = "dEtOtAl0001"
OU = "oUGuinea001"
PAYLOAD = {"dataValues": [{"dataElement": DE, "period": "2024Q3", "orgUnit": OU, "value": "12"}]}


@pytest.fixture
def fake() -> Iterator[FakeDhis2]:
    with FakeDhis2(data_elements={DE}, org_units={OU}) as server:
        yield server


def _server(fake: FakeDhis2, password: str | None = None) -> Dhis2Server:
    return Dhis2Server(fake.url, fake.username, password or fake.password, timeout=5)


def test_endpoint_accepts_the_address_with_or_without_api() -> None:
    assert client.endpoint("https://h.org/dhis/") == "https://h.org/dhis/api/dataValueSets"
    assert client.endpoint("https://h.org/api") == "https://h.org/api/dataValueSets"
    with pytest.raises(Dhis2Error):
        Dhis2Server("ftp://h.org", "u", "p")


def test_dry_run_counts_without_storing_then_the_real_import_stores(fake: FakeDhis2) -> None:
    server = _server(fake)
    dry = server.import_data_values(PAYLOAD, dry_run=True)
    assert dry.http_status == 200 and dry.summary.clean and dry.summary.imported == 1
    assert fake.stored == {}
    real = server.import_data_values(PAYLOAD, dry_run=False)
    assert real.summary.imported == 1 and real.summary.updated == 0
    again = server.import_data_values(PAYLOAD, dry_run=False)
    assert (again.summary.imported, again.summary.updated) == (0, 1)
    assert len(fake.stored) == 1
    assert [r["query"]["dryRun"] for r in fake.requests] == ["true", "false", "false"]
    assert fake.requests[0]["query"]["importStrategy"] == "CREATE_AND_UPDATE"
    assert fake.bad_requests == []


def test_conflicts_come_back_as_a_409_summary(fake: FakeDhis2) -> None:
    payload = {"dataValues": [*PAYLOAD["dataValues"], {**PAYLOAD["dataValues"][0],
                                                        "dataElement": "uNkNoWn0001"}]}  # fmt: skip
    answer = _server(fake).import_data_values(payload, dry_run=True)
    assert answer.http_status == 409
    assert answer.summary.status == "WARNING"
    assert (answer.summary.imported, answer.summary.ignored) == (1, 1)
    assert answer.summary.conflicts[0].object == "uNkNoWn0001"
    assert answer.summary.conflicts[0].error_code == "E7610"
    assert not answer.summary.clean


def test_bad_credentials_are_named(fake: FakeDhis2) -> None:
    with pytest.raises(Dhis2Error) as caught:
        _server(fake, password="wrong").import_data_values(PAYLOAD, dry_run=True)
    assert caught.value.kind == client.CREDENTIALS and caught.value.status == 401


def test_a_payload_dhis2_would_refuse_is_a_400(fake: FakeDhis2) -> None:
    with pytest.raises(Dhis2Error) as caught:
        _server(fake).import_data_values({"dataValues": [{"value": 3}]}, dry_run=True)
    assert caught.value.kind == client.REFUSED and caught.value.status == 400
    assert "has no dataElement" in str(caught.value)


def test_a_dropped_connection_is_a_network_failure(fake: FakeDhis2) -> None:
    fake.mode = "drop"
    with pytest.raises(Dhis2Error) as caught:
        _server(fake).import_data_values(PAYLOAD, dry_run=True)
    assert caught.value.kind == client.NETWORK


def test_nobody_listening_is_a_network_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Dhis2Error) as caught:
        Dhis2Server(f"http://127.0.0.1:{port}", "u", "p", timeout=2).import_data_values(
            PAYLOAD, dry_run=True
        )
    assert caught.value.kind == client.NETWORK


class _Canned(BaseHTTPRequestHandler):
    status = 200
    body = b""
    headers_out: dict[str, str] = {}
    hold = 0.0

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.hold:
            threading.Event().wait(self.hold)
        self.send_response(self.status)
        for key, value in self.headers_out.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


def _canned(**attrs: Any) -> tuple[HTTPServer, str]:
    handler = type("H", (_Canned,), attrs)
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.mark.parametrize(
    ("attrs", "kind"),
    [
        ({"status": 302, "headers_out": {"Location": "http://elsewhere/"}}, client.REDIRECT),
        ({"status": 200, "body": b"<html>login</html>"}, client.ANSWER),
        ({"status": 200, "body": b'{"status": "OK"}'}, client.ANSWER),
        ({"status": 500, "body": b'{"message": "Internal"}'}, client.REFUSED),
        ({"status": 200, "body": b"{}", "hold": 1.0}, client.NETWORK),
    ],
)
def test_answers_without_an_import_summary_are_failures(attrs: dict[str, Any], kind: str) -> None:
    httpd, url = _canned(**attrs)
    try:
        with pytest.raises(Dhis2Error) as caught:
            Dhis2Server(url, "u", "p", timeout=0.3).import_data_values(PAYLOAD, dry_run=True)
        assert caught.value.kind == kind
    finally:
        httpd.shutdown()
        httpd.server_close()
