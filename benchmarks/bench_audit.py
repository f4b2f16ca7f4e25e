"""Audit trail and field encryption throughput: appends/s, verification/s, encrypt+decrypt/s."""

from __future__ import annotations

import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from egide.audit.services import audit_record, audit_verify
    from egide.core import crypto

    call_command("migrate", verbosity=0)
    n = int(os.environ.get("BENCH_N", "2000"))
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="bench.event", details={"i": i})
    append = n / (time.perf_counter() - start)
    start = time.perf_counter()
    count, broken = audit_verify()
    verify = count / (time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(n):
        crypto.decrypt_text(crypto.encrypt_text(f"Mamadou Diallo {i}"))
    crypt = n / (time.perf_counter() - start)
    print(f"audit appends (one transaction each): {append:,.0f}/s")
    print(f"audit chain verification: {verify:,.0f} events/s over {count:,} events")
    print(f"audit chain intact: {broken is None}")
    print(f"field encrypt+decrypt round trips: {crypt:,.0f}/s")


if __name__ == "__main__":
    main()
