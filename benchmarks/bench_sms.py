"""SMS webhook throughput: messages/s and p50/p95 latency of the Africa's Talking and RapidPro
webhooks through the whole Django stack (middleware, secret check, parsing, alert service,
encryption, audit), then the same message delivered again (duplicates).

Run it on a database of its own (it migrates it and writes alerts):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egide_bench_sms \
      DJANGO_SETTINGS_MODULE=egide.settings.test .venv/bin/python benchmarks/bench_sms.py [N]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from urllib.parse import urlencode

import django


def main(n: int) -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from egide.accounts.models import Organisation, Role
    from egide.accounts.roles import load_roles
    from egide.core.models import Region
    from egide.core.reference import ensure_reference_data
    from egide.interop.services import sms_channel_create

    call_command("migrate", verbosity=0)
    ensure_reference_data()
    load_roles(Role)
    settings.EGIDE_SMS_RATE_PER_NUMBER = "100000000/hour"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    org, _ = Organisation.objects.get_or_create(
        name="Banc d'essai SMS (fictif)", defaults={"type": "ngo", "is_fictitious": True}
    )
    labe = Region.objects.get(code="GN-L")
    stamp = int(time.time())
    at, at_secret = sms_channel_create(
        actor=None, name=f"AT {stamp}", kind="africastalking", organisation=org, default_region=labe
    )
    rp, rp_secret = sms_channel_create(
        actor=None, name=f"RP {stamp}", kind="rapidpro", organisation=org, default_region=labe
    )
    client = Client()
    at_url = f"/interop/sms/africastalking/{at.public_id}/{at_secret}/"
    rp_url = f"/interop/sms/rapidpro/{rp.public_id}/"

    def at_post(i: int) -> int:
        form = {
            "from": f"+2246200{i % 100000:05d}",
            "to": "38383",
            "text": f"ALERTE LABE URGENT message {i} (fictif)",
            "date": "2026-11-20 08:00:00",
            "id": f"bench-{stamp}-{i}",
        }
        body = urlencode(form)
        return client.post(
            at_url, body, content_type="application/x-www-form-urlencoded"
        ).status_code

    def rp_post(i: int) -> int:
        body = {
            "contact": {"uuid": f"c{i}", "name": "x", "urn": f"tel:+2246210{i % 100000:05d}"},
            "flow": {"uuid": "f", "name": "Alerte"},
            "results": {"message": {"value": f"ALERTE MAMOU DANGER cas {i} (fictif)"}},
            "input": {"uuid": f"in-{stamp}-{i}", "text": f"ALERTE MAMOU DANGER cas {i}"},
        }
        return client.post(
            rp_url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {rp_secret}",
        ).status_code

    for name, post in (("africastalking", at_post), ("rapidpro", rp_post)):
        for label in ("new", "duplicate"):
            times = []
            start = time.perf_counter()
            for i in range(n):
                t0 = time.perf_counter()
                status = post(i)
                times.append(time.perf_counter() - t0)
                if status != 200:
                    raise SystemExit(f"{name}: HTTP {status} at message {i}")
            total = time.perf_counter() - start
            times.sort()
            print(
                f"{name:15} {label:9} {n / total:8.1f} msg/s  "
                f"p50 {1000 * statistics.median(times):6.1f} ms  "
                f"p95 {1000 * times[int(0.95 * (n - 1))]:6.1f} ms"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
