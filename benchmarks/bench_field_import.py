"""Field import throughput: submissions/s pulled from a fake ODK Central serving OData pages in
the recorded shape (shared/fixtures/odk-central/odk_odata_submissions.json rows, answers of
Égide's generated alert form). Each submission is read and checked on its own; the new ones are
applied by chunks of 500 in one transaction each, through cases.services.alerts_raise_many (the
service behind alert_raise: alert routed, due for triage, one audit event each) and bulk INSERTs
of the submission records and report rows (fielddata.services, CHUNK).

The fake server runs in its own process (as a real server would), pages of 1,000 rows with
Central's nextLink. Prints the first-pull rate (every submission creates an alert), the rate of
a pull that finds every submission unchanged, and the peak memory of the importing process.
Beside the first-pull rate it prints the CPU seconds of the importing process, of its
PostgreSQL backend and of the fake server: on a machine shared with other work the wall-clock
rate drops, the CPU figures do not. The processes mostly work in turn (the importer reads the
next page while it applies the current one, so they overlap a little): n / (sum of CPU seconds)
is about what a quiet machine reaches, a little less.

Use a dedicated database: the script migrates it and fills it.

    createdb -h 127.0.0.1 -U postgres egide_bench_field
    DEBUG=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench_field \\
      DJANGO_SETTINGS_MODULE=egide.settings.dev PYTHONPATH=src:. \\
      .venv/bin/python benchmarks/bench_field_import.py 20000

Target (issue #14): at least 2,000 submissions/s, memory bounded (pages are streamed, chunks
applied one after the other). It also prints how fast the cases service raises the same alerts
when called directly, one at a time (alert_raise, one transaction each) and by 500
(alerts_raise_many): the second is the ceiling of the import's chunk path.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

TARGET = 2000


def _rows(n: int) -> list[dict[str, Any]]:
    from datetime import UTC, datetime, timedelta

    from egide.fielddata.tests.fakes import central_row

    seen = (datetime.now(tz=UTC).date() - timedelta(days=1)).isoformat()
    rows = []
    for i in range(n):
        answers = {
            "egide_version": "e1-c1.0-r1.0",
            "region": "GN-L",
            "prefecture": "GN-LA",
            "locality": f"Village {i % 50} (fictif)",
            "border_point": "",
            "seen_on": seen,
            "urgency": ("immediate", "urgent", "normal")[i % 3],
            "child_concerned": "yes" if i % 2 else "no",
            "person_description": f"personne {i} (fictive)",
            "what_was_seen": "observation de banc d'essai (fictive)",
            "photo": None,
        }
        stamp = (
            f"2026-11-24T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
        )
        rows.append(
            central_row(
                logical_id=f"uuid:00000000-0000-4000-8000-{i:012d}", data=answers, submitted=stamp
            )
        )
    return rows


def _serve(n: int, port_queue: Any) -> None:
    import django

    django.setup()
    from egide.fielddata.tests.fakes import FakeCentral, serve

    fake = FakeCentral()
    fake.rows["egide_alerte"] = _rows(n)
    with serve(fake) as url:
        port_queue.put(url)
        while True:
            time.sleep(3600)


def main() -> None:
    import django

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.dev")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from egide.accounts import roles
    from egide.accounts.models import Organisation, Role
    from egide.accounts.roles import load_roles
    from egide.cases.models import Alert
    from egide.core.reference import ensure_reference_data
    from egide.fielddata.models import Connection, FieldAccount, SubmissionRecord
    from egide.fielddata.services import pull
    from tests.personas import make_user

    ensure_reference_data()
    load_roles(Role)
    org, _created = Organisation.objects.get_or_create(
        name="ONG banc d'essai (fictive)", defaults={"type": "ngo", "is_fictitious": True}
    )
    from egide.accounts.models import User

    user = User.objects.filter(username="bench_ambassador").first() or make_user(
        "bench_ambassador", roles.MIGRANT_AMBASSADOR, org, ["GN-L"]
    )
    SubmissionRecord.objects.filter(server__startswith="http://127.0.0.1").delete()

    queue: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(n, queue), daemon=True)
    server.start()
    url = queue.get(timeout=120)
    connection, _created = Connection.objects.update_or_create(
        name="bench",
        defaults={
            "kind": Connection.Kind.ODK_CENTRAL,
            "organisation": org,
            "base_url": url,
            "project": "1",
            "username": "bench@example.org",
            "secret": "secret-de-test",
            "timeout_seconds": 60,
        },
    )
    connection.watermarks.all().delete()
    FieldAccount.objects.get_or_create(
        connection=connection, remote_id="5", defaults={"user": user}
    )
    alerts_before = Alert.objects.count()
    try:
        measured = _reset_peak_memory()
        cpu = _cpu(server.pid)
        start = time.perf_counter()
        run = pull(connection=connection, actor=None)
        first = time.perf_counter() - start
        first_cpu = [b - a for a, b in zip(cpu, _cpu(server.pid), strict=True)]
        load = _loadavg()
        if run.counts["created"] != n or Alert.objects.count() - alerts_before != n:
            raise SystemExit(f"unexpected outcome: {run.counts}")
        connection.watermarks.all().delete()  # pull everything again: all unchanged
        start = time.perf_counter()
        again = pull(connection=connection, actor=None)
        second = time.perf_counter() - start
        if again.counts["unchanged"] != n:
            raise SystemExit(f"unexpected outcome: {again.counts}")
    finally:
        server.terminate()
    one_by_one = _alert_service_rate(user, min(n, 1000), by=1)
    ceiling = _alert_service_rate(user, min(n, 5000), by=500)
    peak_mb = _peak_memory_mb(measured)
    rate = n / first
    print(f"database: {connection_vendor()}")
    print(f"first pull: {n} submissions created in {first:.2f} s = {rate:,.0f} submissions/s")
    print(
        "  CPU seconds: importer {:.2f}, its PostgreSQL backend {:.2f}, fake server {:.2f}; "
        "{:,.0f} submissions per CPU second of the whole chain (about what a quiet machine "
        "reaches); load average at the end: {}".format(
            *first_cpu, n / sum(first_cpu) if sum(first_cpu) else 0, load
        )
    )
    print(f"second pull (all unchanged): {n / second:,.0f} submissions/s")
    print(
        f"for comparison, the cases service alone: alert_raise {one_by_one:,.0f} alerts/s, "
        f"alerts_raise_many by 500 {ceiling:,.0f} alerts/s"
    )
    print(
        f"peak memory of the importing process: {peak_mb:.0f} MB "
        + ("(during the two pulls)" if measured else "(whole run, setup included)")
    )
    print(f"target {TARGET}/s: {'met' if rate >= TARGET else 'NOT met'}")


def _alert_service_rate(user: Any, n: int, *, by: int) -> float:
    """The same alerts raised directly by the cases service, *by* per transaction (1:
    alert_raise): the ceiling of an import that goes through it that way."""
    from datetime import UTC, datetime, timedelta

    from egide.cases.services import AlertReport, alert_raise, alerts_raise_many
    from egide.core.models import Region

    region = Region.objects.get(code="GN-L")
    seen = datetime.now(tz=UTC).date() - timedelta(days=1)
    reports = [
        AlertReport(
            actor=user,
            region=region,
            seen_on=seen,
            person_description=f"personne {i} (fictive)",
            what_was_seen="observation de banc d'essai (fictive)",
            urgency="normal",
        )
        for i in range(n)
    ]
    start = time.perf_counter()
    if by == 1:
        for report in reports:
            alert_raise(**vars(report))
    else:
        for first in range(0, n, by):
            alerts_raise_many(reports=reports[first : first + by])
    return n / (time.perf_counter() - start)


def _cpu(server_pid: int | None) -> tuple[float, float, float]:
    """CPU seconds used so far by this process, its database backend (PostgreSQL on this
    machine) and the fake server: comparable whatever else the machine does."""
    from django.db import connection

    backend = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = _process_cpu(cursor.fetchone()[0])
    return time.process_time(), backend, _process_cpu(server_pid)


def _process_cpu(pid: int | None) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0  # not on this machine (or not Linux): counted as 0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reset_peak_memory() -> bool:
    """Forget the peak resident memory so far (Linux), so that the setup (deleting a previous
    run's records) does not count; False where it cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_memory_mb(since_reset: bool) -> float:
    if since_reset:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


if __name__ == "__main__":
    main()
