"""Property tests of the k-anonymity plan over random case sets and every k from 2 to 20."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egide.sharing.ctdc import AGE_BAND_TEXTS, GENDERS_V2024
from egide.sharing.hierarchies import HIERARCHIES, generalise_age, generalise_country
from egide.sharing.kanon import K_TOO_SMALL, KAnonymityError, histogram, plan

QI = tuple(HIERARCHIES.values())

combination = st.tuples(
    st.sampled_from(["", *(str(y) for y in range(2015, 2027))]),
    st.sampled_from(["", *GENDERS_V2024]),
    st.sampled_from(["", *AGE_BAND_TEXTS]),
    st.sampled_from(["", "GIN", "MLI", "SEN", "CIV", "SLE", "LBR", "FRA", "LBY", "XXX"]),
    st.sampled_from(["", "GIN", "MLI", "DZA", "LBY", "ITA"]),
)


@settings(max_examples=150, deadline=None)
@given(records=st.lists(combination, max_size=300), k=st.integers(2, 20))
def test_plan_releases_only_combinations_shared_by_k_records(
    records: list[tuple[str, ...]], k: int
) -> None:
    chosen = plan(histogram(records), QI, k)
    released = [chosen.apply(r) for r in records]
    out = [r for r in released if r is not None]
    # Every combination in the output occurs at least k times.
    assert all(n >= k for n in Counter(out).values())
    # No released row is more specific than its input.
    for original, row in zip(records, released, strict=True):
        if row is not None:
            for h, value, orig in zip(QI, row, original, strict=True):
                assert h.covers(value, orig), (h.name, value, orig)
    # Counts reconcile.
    assert len(records) == len(out) + (len(released) - len(out))
    assert chosen.records_in == len(records)
    assert chosen.records_out == len(out)
    assert chosen.records_suppressed == len(records) - len(out)


@settings(max_examples=50, deadline=None)
@given(records=st.lists(combination, min_size=1, max_size=200), k=st.integers(2, 20))
def test_plan_suppresses_within_budget_when_possible(
    records: list[tuple[str, ...]], k: int
) -> None:
    chosen = plan(histogram(records), QI, k, max_suppression=0.1)
    if len(records) >= k:
        assert chosen.records_suppressed <= 0.1 * len(records)
    else:
        assert chosen.records_out == 0


def test_plan_keeps_values_when_every_group_is_big_enough() -> None:
    records = [("2024", "Woman", "9--17", "GIN", "")] * 11 + [
        ("2024", "Man", "18--20", "GIN", "")
    ] * 11
    chosen = plan(histogram(records), QI, 11)
    assert chosen.levels == (0, 0, 0, 0, 0)
    assert chosen.generalisations() == []
    assert chosen.records_suppressed == 0


def test_plan_generalises_before_suppressing() -> None:
    records = [("2021", "Woman", "21--23", "GIN", "")] * 6 + [
        ("2022", "Woman", "24--26", "GIN", "")
    ] * 6
    chosen = plan(histogram(records), QI, 11)
    assert chosen.records_suppressed == 0
    assert chosen.generalisations()  # years to a period or ages to broader bands
    assert {chosen.apply(r) for r in records} == {chosen.apply(records[0])}


def test_lone_outlier_is_suppressed_not_the_whole_table() -> None:
    records = [("2024", "Woman", "9--17", "GIN", "")] * 40 + [("2024", "Man", "48+", "FRA", "")]
    chosen = plan(histogram(records), QI, 11)
    assert chosen.records_suppressed == 1
    assert chosen.levels == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("k", [1, 0, -3])
def test_k_below_two_is_refused(k: int) -> None:
    with pytest.raises(KAnonymityError, match="at least 2"):
        plan({}, QI, k)
    assert "k = 1" in K_TOO_SMALL


def test_fewer_records_than_k_releases_nothing() -> None:
    chosen = plan(histogram([("2024", "Woman", "9--17", "GIN", "")] * 3), QI, 11)
    assert chosen.records_out == 0
    assert chosen.apply(("2024", "Woman", "9--17", "GIN", "")) is None


def test_hierarchies_generalise_to_groups() -> None:
    assert generalise_country("GIN", 1) == "M49:011"
    assert generalise_country("GN", 1) == "M49:011"  # the 2017 layout's alpha-2
    assert generalise_country("GIN", 2) == "M49:002"
    assert generalise_country("GIN", 3) == ""
    assert generalise_country("ATA", 1) == ""  # no sub-region: straight to blank
    assert generalise_age("9--17", 1) == "0--17"
    assert generalise_age("39--47", 2) == "18+"
    assert HIERARCHIES["yearOfRegistration"].generalise("2023", 1) == "2020-2024"


def test_readme_maps_every_v2024_variable_and_names_the_blank_ones() -> None:
    from pathlib import Path

    from egide.sharing.ctdc import V2024_COLUMNS, unfilled

    readme = (Path(__file__).parents[4] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Anonymised data sharing (CTDC)")[1].split("\n## ")[0]
    for name in V2024_COLUMNS[:23]:
        assert f"| `{name}` |" in section, name
    blank_paragraph = section.split("Égide therefore cannot fill, in v2024:")[1].split(". In")[0]
    for name in unfilled("v2024"):
        short = name if not name.startswith("recruiterRelation") else "recruiterRelation"
        assert short in blank_paragraph, name
