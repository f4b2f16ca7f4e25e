"""The k-anonymised CTDC export of N fictitious cases on PostgreSQL: time and memory.

Use a dedicated PostgreSQL database: the script migrates it and seeds it fast with SQL
(``generate_series``): N cases, a statistics consent for each (one in ten refused), and a
screening per case whose answers are encrypted like real ones (64 distinct answer documents,
each row decrypted on its own — nothing is cached). Seeding is skipped when the database
already holds N benchmark cases.

    createdb -h 127.0.0.1 -U postgres egide_bench_export
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench_export \\
      DJANGO_SETTINGS_MODULE=egide.settings.dev .venv/bin/python benchmarks/bench_export.py 1000000

Prints the seeding time, then the export's time, rows per second, the resident memory before
the export, sampled while it runs, and its peak (ru_maxrss). Goal (DESIGN §4): 1,000,000 cases
in < 60 s on 2 cores, memory flat (it must not grow with the number of cases).
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time

PREFIX = "BENCH-"
DOCUMENTS = 64


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def documents() -> list[str]:
    """Encrypted screening answers as Égide stores them."""
    from egide.core.crypto import encrypt_text
    from egide.screening.catalogue import load_catalogue

    catalogue = load_catalogue()
    codes = sorted(catalogue.indicator_codes())
    gbv = sorted(catalogue.gbv_codes())
    rng = random.Random(7)
    out = []
    for _i in range(DOCUMENTS):
        doc = {
            "gbv": sorted(rng.sample(gbv, rng.randint(0, 2))),
            "indicators": sorted(rng.sample(codes, rng.randint(2, 9))),
            "movement": {"crossed_border": True, "irregular_entry": None, "paid_facilitator": None},
            "person": {"age": rng.randint(8, 60), "may_be_child": None, "sex": "female"},
        }
        out.append(encrypt_text(json.dumps(doc, sort_keys=True)))
    return out


def seed(n: int) -> None:
    from django.db import connection, transaction

    from egide.accounts.models import User
    from egide.cases.models import Case
    from egide.core.crypto import encrypt_text
    from egide.core.models import Country, Region

    have = Case.objects.filter(code__startswith=PREFIX).count()
    if have >= n:
        print(f"seed: {have:,} benchmark cases already there")
        return
    start = time.perf_counter()
    worker = User.objects.get(username="travailleur")
    regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
    countries = list(Country.objects.order_by("code").values_list("code", flat=True))
    tokens = documents()
    result = encrypt_text("{}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_case (code, region_id, owner_organisation_id, owner_id, status,
                opened_at, child, sex, nationality_id, birth_year, first_name, last_name, aliases,
                birth_date, languages, phone, guardian, flags, closure_reason, closure_note,
                review_pending)
            SELECT %(prefix)s || lpad(i::text, 8, '0'),
                (%(regions)s::bigint[])[1 + i %% cardinality(%(regions)s::bigint[])],
                %(org)s, %(owner)s, 'open',
                make_timestamptz(2015 + i %% 11, 1 + i %% 12, 1 + i %% 28, 10, 0, 0, 'UTC'),
                (i %% 4 = 0),
                (ARRAY['female', 'male', 'female', 'unknown'])[1 + i %% 4],
                (%(countries)s::text[])[1 + (i / 7) %% cardinality(%(countries)s::text[])],
                CASE WHEN i %% 9 = 0 THEN NULL ELSE 1960 + i %% 50 END,
                '', '', '', '', '', '', '', '[]', '', '', false
            FROM generate_series(%(first)s, %(last)s) AS i
            """,
            {
                "prefix": PREFIX,
                "regions": regions,
                "org": worker.organisation_id,
                "owner": worker.pk,
                "countries": countries,
                "first": have + 1,
                "last": n,
            },
        )
        cursor.execute(
            """
            INSERT INTO cases_consent (case_id, purpose, service_types, decision, given_by,
                language, explained_by_id, decided_on, note, recorded_at)
            SELECT c.id, 'statistics', '[]',
                CASE WHEN c.id %% 10 = 0 THEN 'refused' ELSE 'granted' END,
                'person', 'pular', %(owner)s, DATE '2024-01-02', '', now()
            FROM cases_case c
            WHERE c.code LIKE %(like)s
              AND NOT EXISTS (SELECT 1 FROM cases_consent x WHERE x.case_id = c.id)
            """,
            {"owner": worker.pk, "like": PREFIX + "%"},
        )
        cursor.execute(
            """
            INSERT INTO screening_assessment (created_at, created_by_id, organisation_id,
                region_id, case_id, rule_set, catalogue_version, person_reference, input_json,
                result_json, interview_json, trafficking_level, smuggling_level, gbv_level,
                child, urgent, worker_agrees, worker_level, worker_justification)
            SELECT now(), %(owner)s, %(org)s, c.region_id, c.id, '1.0', '1.0', '',
                (%(tokens)s::text[])[1 + c.id %% cardinality(%(tokens)s::text[])],
                %(result)s, '', 'possible', 'none', 'none', c.child, false, true, '', ''
            FROM cases_case c
            WHERE c.code LIKE %(like)s
              AND NOT EXISTS (SELECT 1 FROM screening_assessment a WHERE a.case_id = c.id)
            """,
            {
                "owner": worker.pk,
                "org": worker.organisation_id,
                "tokens": tokens,
                "result": result,
                "like": PREFIX + "%",
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seed: {n - have:,} cases in {time.perf_counter() - start:.1f} s")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench_export needs PostgreSQL (DATABASE_URL=postgres://…)")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    k = int(os.environ.get("BENCH_K", "11"))
    fmt = os.environ.get("BENCH_FORMAT", "v2024")
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed(n)

    from egide.sharing.services import ctdc_export

    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int | None, message: str) -> None:
        samples.append((done, rss_mb()))

    before = rss_mb()
    cpu = time.process_time()
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".csv") as out:
        report = ctdc_export(
            actor=None, actor_username="bench", fmt=fmt, k=k, out=out, progress=progress
        )
        out.flush()
        size = os.path.getsize(out.name)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    load = os.getloadavg()[0]
    print(report.summary())
    print(
        f"export: {elapsed:.1f} s for {report.records_in:,} shared cases "
        f"({report.records_in / elapsed:,.0f} cases/s), file {size / 1024 / 1024:.1f} MB; "
        f"CPU of this process {cpu:.1f} s; machine load average {load:.1f}"
    )
    picks = [samples[int(i * (len(samples) - 1) / 4)] for i in range(5)] if samples else []
    trace = ", ".join(f"{done:,}: {mb:.0f} MB" for done, mb in picks)
    print(f"memory: {before:.0f} MB before; resident while writing (cases done: MB) {trace}")
    print(f"memory: peak resident {peak_mb():.0f} MB (ru_maxrss of the whole process)")


if __name__ == "__main__":
    main()
