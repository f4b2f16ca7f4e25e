"""gunicorn's threaded worker, leaving new connections to a worker with a free thread.

gunicorn lets every worker accept from the shared socket, and a worker accepts even when all
its threads are busy: its new connections then wait behind its own queue while another worker
idles (gunicorn issue #3433, open). Where the kernel wakes the same waiting worker first, one
worker ends up with nearly every kept-alive connection: measured with benchmarks/load.py, 47
of 50 users on one of two workers, so their pages waited twice as long as they needed to.

This worker stops listening while all its threads are busy and listens again when one is free,
so that the connection goes to a worker that can start on it at once. It does not stop for long:
past `DEAF_AT_MOST` seconds it listens again at the next turn of its loop (an event, or a second
at most), so that when every worker is busy new connections are still accepted."""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# A busy worker listens again after this long at most, whatever its threads are doing.
DEAF_AT_MOST = 0.005


class FairThreadWorker(ThreadWorker):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the threads and not finished
        self.deaf_since: float | None = None

    def _busy(self) -> bool:
        return bool(self.in_flight >= self.cfg.threads)

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)
        if self._busy() and self._accepting:
            self.deaf_since = time.monotonic()
            super().set_accept_enabled(False)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled: bool) -> None:
        # Called by the run loop after every batch of events while not accepting.
        if enabled and self._busy() and self.deaf_since is not None:
            if time.monotonic() - self.deaf_since < DEAF_AT_MOST:
                return
        if enabled:
            self.deaf_since = None
        super().set_accept_enabled(enabled)
