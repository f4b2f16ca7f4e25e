"""Reference data loaded by the data migration."""

from __future__ import annotations

import pytest

from egide.core.models import Commune, Country, Prefecture, Region

pytestmark = pytest.mark.django_db

EXPECTED_PREFECTURES = {
    "GN-C": 0,
    "GN-B": 5,
    "GN-D": 5,
    "GN-M": 3,
    "GN-L": 5,
    "GN-F": 4,
    "GN-K": 5,
    "GN-N": 6,
}


def test_reference_regions_and_prefectures_match_iso_3166_2() -> None:
    assert Region.objects.count() == 8
    for code, count in EXPECTED_PREFECTURES.items():
        assert Prefecture.objects.filter(region__code=code).count() == count, code
    assert Prefecture.objects.get(code="GN-LA").region.name == "Labé"
    assert Prefecture.objects.get(code="GN-NZ").name == "Nzérékoré"


def test_reference_conakry_communes_and_countries() -> None:
    assert Commune.objects.filter(region__code="GN-C").count() == 5
    borders = set(
        Country.objects.filter(shares_border_with_guinea=True).values_list("code", flat=True)
    )
    assert borders == {"GW", "SN", "ML", "CI", "LR", "SL"}
    assert Country.objects.filter(code="GA").exists()
