"""A region page must not give back a national small cell by subtraction (review finding)."""

from collections import Counter

import pytest

from egide.monitoring import framework
from egide.monitoring.computation import _count_table

pytestmark = pytest.mark.django_db

BY_REGION = Counter(
    {
        ("GN-L", "female"): 3,
        ("GN-L", "male"): 10,
        ("GN-C", "female"): 20,
        ("GN-C", "male"): 20,
        ("GN-K", "female"): 15,
        ("GN-K", "male"): 12,
    }
)


def test_region_pages_do_not_give_back_national_small_cell() -> None:
    ind = framework.load().indicator("II.7")
    nat = _count_table(ind, ("sex",), BY_REGION, None, None, True)
    pages = {
        r: _count_table(ind, ("sex",), BY_REGION, None, r, True) for r in ("GN-L", "GN-C", "GN-K")
    }
    assert nat.margins["sex"]["female"].value == 38
    for r, t in pages.items():
        assert t.margins == {} and t.cross == {} and t.withheld
        # The region total is the region's cell of the national table, with its state.
        assert t.total == nat.regions[r]


def test_exact_readers_keep_region_breakdowns() -> None:
    ind = framework.load().indicator("II.7")
    t = _count_table(ind, ("sex",), BY_REGION, None, "GN-L", False)
    assert t.margins["sex"]["female"].value == 3 and not t.withheld
