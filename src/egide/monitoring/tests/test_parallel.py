"""On PostgreSQL outside a transaction the indicator queries run on several connections at
once: the figures are the same as one by one (hand counts of test_computation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from egide.monitoring.selectors import figures
from egide.monitoring.tests.records import build
from egide.monitoring.tests.test_computation import EXPECTED_2024


@pytest.mark.django_db(transaction=True)
def test_parallel_queries_give_the_hand_counts(persona: Any, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel queries run on PostgreSQL only")
    settings.MONITORING_QUERY_THREADS = 3
    build(persona)
    assert not connection.in_atomic_block
    found = {
        (f.indicator, f.disaggregation): f.value for f in figures(period="2024", suppressed=False)
    }
    for code, expected in EXPECTED_2024.items():
        for dis, value in expected.items():
            assert found[(code, dis)] == value, (code, dis)
