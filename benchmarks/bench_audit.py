"""Audit trail and field encryption throughput.

Prints: audited appends/s with 1 and with 8 concurrent clients (each client a process with its
own database connection, one transaction per audited action), the same with 5 ms of other work
inside each transaction (what a request does after writing its event), the sealer's throughput
(events sealed/s) and whether it keeps up with 8 clients, chain verification/s and field
encrypt+decrypt round trips/s.

Run it on PostgreSQL with a database of its own (it writes thousands of events):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench \
      DJANGO_SETTINGS_MODULE=egide.settings.dev .venv/bin/python benchmarks/bench_audit.py

BENCH_SECONDS (default 3) bounds each concurrent measure; BENCH_N (default 2000) the serial ones.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

import django

WORK_SECONDS = 0.005


def _client(seconds: float, work: float, start_at: float, queue: Any) -> None:
    """One client: audited actions, each in its own transaction, until the time is up."""
    from django.db import connection, transaction

    from egide.audit.services import audit_record

    while time.time() < start_at:
        time.sleep(0.001)
    done = 0
    end = time.time() + seconds
    while time.time() < end:
        with transaction.atomic():
            audit_record(actor=None, action="bench.event", details={"n": done})
            if work:
                # The rest of the request's transaction, on the server (a query, a render).
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(%s)", [work])
        done += 1
    connection.close()
    queue.put(done)


def _sealer_loop(stop_at: float, queue: Any) -> None:
    """A sealer running beside the clients, as the scheduled job would."""
    from django.db import connection

    from egide.audit.sealer import seal

    sealed = 0
    while time.time() < stop_at:
        sealed += seal()
        time.sleep(0.2)
    connection.close()
    queue.put(sealed)


def concurrent_rate(clients: int, seconds: float, work: float, with_sealer: bool) -> float:
    """Audited appends per second over *clients* processes running for *seconds*."""
    from django.db import connections

    connections.close_all()  # each forked process opens its own connection
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 0.5
    procs = [
        ctx.Process(target=_client, args=(seconds, work, start_at, queue)) for _ in range(clients)
    ]
    sealer_queue = ctx.Queue()
    if with_sealer:
        procs.append(ctx.Process(target=_sealer_loop, args=(start_at + seconds, sealer_queue)))
    for p in procs:
        p.start()
    total = sum(queue.get() for _ in range(clients))
    if with_sealer:
        sealer_queue.get()
    for p in procs:
        p.join()
    return total / seconds


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from egide.audit.services import audit_verify
    from egide.core import crypto

    call_command("migrate", verbosity=0)
    seconds = float(os.environ.get("BENCH_SECONDS", "3"))
    n = int(os.environ.get("BENCH_N", "2000"))
    try:
        from egide.audit.sealer import seal
    except ImportError:  # the trail before the sealer existed (one global lock per append)
        seal = None
    print(f"database: {connection.vendor}; {os.cpu_count()} CPUs; {seconds:g} s per measure")
    if seal is not None:
        seal()
    rates: dict[tuple[int, float], float] = {}
    for work in (0.0, WORK_SECONDS):
        for clients in (1, 8):
            rates[(clients, work)] = concurrent_rate(clients, seconds, work, with_sealer=False)
            label = "bare append" if not work else f"append + {work * 1000:g} ms work"
            print(f"audited appends, {clients} client(s), {label}: {rates[(clients, work)]:,.0f}/s")
    for work in (0.0, WORK_SECONDS):
        ratio = rates[(8, work)] / rates[(1, work)]
        print(f"8 clients / 1 client ({'bare' if not work else 'with work'}): {ratio:.2f}x")

    if seal is not None:
        sealed, elapsed = _timed(seal)
        print(f"sealer: {sealed:,} events sealed in {elapsed:.2f} s = {sealed / elapsed:,.0f}/s")
        rate8 = concurrent_rate(8, seconds, 0.0, with_sealer=True)
        from egide.audit.selectors import audit_unsealed_count

        backlog = audit_unsealed_count()
        print(
            f"8 clients with the sealer running every 0.2 s: {rate8:,.0f} appends/s, "
            f"{backlog:,} events left unsealed at the end"
        )
        seal()
    else:
        print("sealer: none (this version chains each event under a global lock)")

    count, elapsed = _timed(lambda: audit_verify()[0])
    broken = audit_verify()[1]
    print(f"audit chain verification: {count / elapsed:,.0f} events/s over {count:,} events")
    print(f"audit chain intact: {broken is None}")
    start = time.perf_counter()
    for i in range(n):
        crypto.decrypt_text(crypto.encrypt_text(f"Mamadou Diallo {i}"))
    crypt = n / (time.perf_counter() - start)
    print(f"field encrypt+decrypt round trips: {crypt:,.0f}/s")


if __name__ == "__main__":
    main()
