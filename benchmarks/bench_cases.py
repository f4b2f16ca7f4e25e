"""Case list and search latency (p50/p95) with N fictitious cases.

Use a dedicated database: the script migrates it and fills it.

    createdb -h 127.0.0.1 -U postgres egide_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench \\
      DJANGO_SETTINGS_MODULE=egide.settings.dev .venv/bin/python benchmarks/bench_cases.py 100000

Target (DESIGN §4): case list and search p95 < 150 ms at 1,000,000 cases on 2 cores.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time


def fill(n: int) -> None:
    """Create *n* fictitious cases (encrypted names, blind-index tokens) in batches."""
    from django.db import transaction
    from django.utils import timezone

    from egide.accounts.models import User
    from egide.cases.models import Case, CaseMember, CaseNameToken
    from egide.cases.names import name_tokens
    from egide.core.models import Region

    worker = User.objects.get(username="travailleur")
    regions = list(Region.objects.all())
    from egide.training.demo import FIRST as first
    from egide.training.demo import LAST as last

    rng = random.Random(42)
    existing = Case.objects.count()
    batch = 2000
    year = timezone.now().year
    done = 0
    start = time.perf_counter()
    while done < n:
        size = min(batch, n - done)
        with transaction.atomic():
            cases = []
            for i in range(size):
                number = existing + done + i + 1
                region = regions[number % len(regions)]
                cases.append(
                    Case(
                        code=f"GN-{region.slug}-{year}-B{number:07d}"[:24],
                        region=region,
                        owner_organisation_id=worker.organisation_id,
                        owner=worker,
                        status=rng.choice(
                            ["open", "assessment", "case_plan", "services", "follow_up", "closed"]
                        ),
                        child=rng.random() < 0.3,
                        sex=rng.choice(["female", "male"]),
                        first_name=rng.choice(first),
                        last_name=rng.choice(last),
                    )
                )
            Case.objects.bulk_create(cases)
            CaseMember.objects.bulk_create(
                [CaseMember(case=c, user=worker, added_by=worker) for c in cases]
            )
            CaseNameToken.objects.bulk_create(
                [
                    CaseNameToken(case=c, token=t)
                    for c in cases
                    for t in name_tokens(c.first_name, c.last_name)
                ]
            )
        done += size
    rate = n / (time.perf_counter() - start)
    print(f"filled {n:,} cases ({rate:,.0f} cases/s); total {Case.objects.count():,}")


def timed(client: object, url: str, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from egide.accounts.models import Authenticator, User

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    fill(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    settings.ALLOWED_HOSTS = ["*"]
    results = {}
    for username in ("travailleur", "superviseur"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = Authenticator.objects.get(user=user).persistent_id
        session.save()
        for label, url in (
            ("list", "/cases/"),
            ("list page 50", "/cases/?page=50"),
            ("name search", "/cases/?q=mamadou+dialo"),
            ("code search", "/cases/?q=GN-LAB-2026-00001"),
            ("filtered", "/cases/?status=services&child=yes"),
        ):
            timed(client, url, 3)  # warm up
            results[(username, label)] = timed(client, url, 30)
    print(f"database: {connection.vendor}; cases: {n:,} added")
    for (username, label), (p50, p95) in results.items():
        print(f"{username:<12} {label:<14} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
