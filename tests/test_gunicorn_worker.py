"""The production worker (egide.gunicorn_worker.FairThreadWorker) leaves a new connection to a
worker with a free thread: a page asked for while another worker's only thread is busy is
answered at once, not after the busy request (gunicorn issue #3433)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from egide.jobs.tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]


def _get(port: int, path: str) -> tuple[str, float]:
    """GET *path* on a new connection: (worker pid, seconds)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        body = connection.getresponse().read().decode()
    finally:
        connection.close()
    return body, time.monotonic() - started


@pytest.fixture
def server() -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, "-m", "gunicorn", "tests.gunicorn_app:app"]
    command += ["--worker-class", "egide.gunicorn_worker.FairThreadWorker"]
    command += ["--workers", "2", "--threads", "1", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        pids: set[str] = set()
        deadline = time.monotonic() + 30
        while len(pids) < 2 and time.monotonic() < deadline:  # both workers booted
            try:
                pids.add(_get(port, "/")[0])
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_new_page_goes_to_the_worker_with_a_free_thread(server: int) -> None:
    for _ in range(8):
        slow: list[tuple[str, float]] = []
        thread = threading.Thread(target=lambda into=slow: into.append(_get(server, "/slow")))
        thread.start()
        time.sleep(0.1)  # the slow request is in a worker's only thread
        fast_pid, seconds = _get(server, "/fast")
        thread.join()
        assert seconds < 0.3, f"waited {seconds:.2f} s behind the slow request"
        assert fast_pid != slow[0][0]
