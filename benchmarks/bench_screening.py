"""Throughput of the pure screening engine (validation + rule set 1.0): assessments per second.

No Django, no database: `python benchmarks/bench_screening.py [N]` (target > 20,000/s).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from egide.screening.catalogue import load_catalogue  # noqa: E402
from egide.screening.rules import screen_document  # noqa: E402


def documents(n: int, seed: int = 2026) -> list[dict[str, object]]:
    rng = random.Random(seed)
    codes = sorted(load_catalogue().indicator_codes())
    gbv = sorted(load_catalogue().gbv_codes())
    tri = [True, False, None]
    docs = []
    for _ in range(n):
        docs.append(
            {
                "person": {
                    "age": rng.choice([None, rng.randint(5, 70)]),
                    "may_be_child": rng.choice(tri),
                    "sex": rng.choice(["female", "male", "other", "unknown"]),
                },
                "indicators": rng.sample(codes, rng.randint(0, 12)),
                "movement": {
                    k: rng.choice(tri)
                    for k in ("crossed_border", "irregular_entry", "paid_facilitator")
                },
                "gbv": rng.sample(gbv, rng.randint(0, 2)),
            }
        )
    return docs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    docs = documents(n)
    screen_document(docs[0])  # warm the catalogue cache
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for d in docs:
            screen_document(d)
        rates.append(n / (time.perf_counter() - start))
    print(
        f"screening engine: {statistics.median(rates):,.0f} assessments/s "
        f"(median of 3 runs over {n:,} random documents; target > 20,000/s)"
    )


if __name__ == "__main__":
    main()
