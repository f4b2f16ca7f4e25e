"""The data value set and import summary rules, without Django or a server."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.dhis2 import rules
from egide.dhis2.rules import MappingTables, PeriodType, Target

DE_TOTAL = "dEtOtAl0001"
DE_SEX = "dEsEx000001"
COC_F = "cOcFemale01"
OU_GN = "oUGuinea001"
OU_LABE = "oULabe00001"


@dataclass(frozen=True)
class F:
    """A figure as monitoring gives it (the contract's fields)."""

    indicator: str
    disaggregation: tuple[tuple[str, str], ...] = ()
    value: int | float | None = 0
    period: str = "2024Q3"
    region: str | None = None
    shown: str = ""


MAPPING = MappingTables(
    elements={
        ("victims", ""): Target(DE_TOTAL),
        ("victims", "sex=female"): Target(DE_SEX, COC_F),
    },
    org_units={"": OU_GN, "GN-L": OU_LABE},
    period_formats={PeriodType.QUARTERLY: "yyyyQn", PeriodType.YEARLY: "yyyy"},
)


def test_uid_is_eleven_characters_letter_first_alphanumeric() -> None:
    assert rules.is_uid("f7n9E0hX8qk")
    assert not rules.is_uid("7n9E0hX8qkf")  # digit first
    assert not rules.is_uid("f7n9E0hX8q")  # 10
    assert not rules.is_uid("f7n9E0hX8qkk")  # 12
    assert not rules.is_uid("f7n9E0hX8q-")
    assert not rules.is_uid("")


def test_disaggregation_is_read_into_sorted_pairs_and_written_canonically() -> None:
    pairs = rules.parse_disaggregation(" sex=female ; age_band=u18,")
    assert pairs == (("age_band", "u18"), ("sex", "female"))
    assert rules.disaggregation_key(pairs) == "age_band=u18;sex=female"
    assert rules.parse_disaggregation("") == ()
    for bad in ("sex", "sex=", "Sex=female", "sex=female;sex=male", "region=GN-L", "sex=a b"):
        with pytest.raises(ValueError):
            rules.parse_disaggregation(bad)


def test_period_formats_write_only_their_own_kind_of_period() -> None:
    assert rules.period_in_format(rules.parse_period("2024"), "yyyy") == "2024"
    assert rules.period_in_format(rules.parse_period("2024Q3"), "yyyyQn") == "2024Q3"
    assert rules.period_in_format(rules.parse_period("202403"), "yyyyMM") == "202403"
    with pytest.raises(rules.MappingError):
        rules.period_in_format(rules.parse_period("2024Q3"), "yyyyMM")
    with pytest.raises(rules.PeriodError):
        rules.parse_period("2024-03")


def test_data_value_set_has_the_documented_bulk_shape() -> None:
    built = rules.build_data_value_set(
        [
            F("victims", value=12),
            F("victims", (("sex", "female"),), 7),
            F("victims", (("region", "GN-L"),), 9),
        ],
        MAPPING,
        period="2024Q3",
    )
    # DHD data.md "Sending bulks of data values": no dataSet/completeDate; period and orgUnit
    # on each value; the value is a string; an omitted categoryOptionCombo is the default.
    assert built.payload == {
        "dataValues": [
            {"dataElement": DE_SEX, "categoryOptionCombo": COC_F, "period": "2024Q3",
             "orgUnit": OU_GN, "value": "7"},
            {"dataElement": DE_TOTAL, "period": "2024Q3", "orgUnit": OU_GN, "value": "12"},
            {"dataElement": DE_TOTAL, "period": "2024Q3", "orgUnit": OU_LABE, "value": "9"},
        ]
    }  # fmt: skip
    assert built.values == 3 and built.suppressed == 0 and built.unmapped == ()


def test_suppressed_figures_are_withheld_and_unmapped_ones_reported() -> None:
    built = rules.build_data_value_set(
        [
            F("victims", value=None, shown="<5"),
            F("victims", (("sex", "female"),), None, shown="x"),
            F("victims", (("sex", "male"),), 8),
            F("trained", value=120),
            F("victims", (("region", "GN-K"),), 6),
        ],
        MAPPING,
        period="2024Q3",
    )
    assert built.values == 0
    assert built.suppressed == 2
    reasons = {(s.indicator, s.area, s.disaggregation, s.reason) for s in built.unmapped}
    assert reasons == {
        ("victims", "", "sex=male", rules.NO_ELEMENT),
        ("trained", "", "", rules.NO_ELEMENT),
        ("victims", "GN-K", "", rules.NO_ORG_UNIT),
    }


def test_values_are_strings_without_a_needless_decimal_point() -> None:
    assert rules.value_text(12) == "12"
    assert rules.value_text(12.0) == "12"
    assert rules.value_text(66.66666) == "66.6667"
    for bad in (float("nan"), float("inf"), True):
        with pytest.raises(rules.MappingError):
            rules.value_text(bad)


def test_refusals_of_the_builder() -> None:
    with pytest.raises(rules.MappingError) as no_format:
        rules.build_data_value_set([], MAPPING, period="202403")
    assert no_format.value.code == "no_period_format"
    twice = MappingTables(
        elements={("a", ""): Target(DE_TOTAL), ("b", ""): Target(DE_TOTAL)},
        org_units={"": OU_GN},
        period_formats={PeriodType.QUARTERLY: "yyyyQn"},
    )
    with pytest.raises(rules.MappingError) as same:
        rules.build_data_value_set([F("a", value=1), F("b", value=2)], twice, period="2024Q3")
    assert same.value.code == "same_value"
    with pytest.raises(rules.MappingError) as other:
        rules.build_data_value_set([F("victims", period="2024Q2")], MAPPING, period="2024Q3")
    assert other.value.code == "other_period"
    with pytest.raises(rules.PeriodError):
        rules.build_data_value_set([], MAPPING, period="2024Q5")


figures = st.lists(
    st.builds(
        F,
        indicator=st.sampled_from(["victims", "trained"]),
        disaggregation=st.sampled_from(
            [(), (("sex", "female"),), (("sex", "male"),), (("region", "GN-L"),)]
        ),
        value=st.one_of(st.none(), st.integers(0, 10_000)),
    ),
    max_size=30,
)


@given(figures)
def test_every_figure_is_sent_withheld_or_reported_and_no_hidden_value_leaves(
    sample: list[F],
) -> None:
    unique = list({(f.indicator, f.disaggregation): f for f in sample}.values())
    built = rules.build_data_value_set(unique, MAPPING, period="2024Q3")
    assert built.values + len(built.skipped) == len(unique)
    mapped = [
        f
        for f in unique
        if f.indicator == "victims" and f.disaggregation in ((), (("sex", "female"),),
                                                             (("region", "GN-L"),))
    ]  # fmt: skip
    assert built.suppressed == sum(1 for f in mapped if f.value is None)
    sent = {v["value"] for v in built.payload["dataValues"]}
    assert all(isinstance(v, str) and v.isdigit() for v in sent)
    assert all(rules.is_uid(v["orgUnit"]) for v in built.payload["dataValues"])


def test_import_summary_wrapped_2_38_and_bare() -> None:
    inner = {
        "responseType": "ImportSummary",
        "status": "WARNING",
        "description": "Import process completed successfully",
        "importCount": {"imported": 2, "updated": 1, "ignored": 1, "deleted": 0},
        "conflicts": [
            {"object": "xxxxxxxxxxx", "value": "Data element not found", "errorCode": "E7610",
             "property": "dataElement", "indexes": [3]}
        ],
    }  # fmt: skip
    wrapped = {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "WARNING",
               "message": "One more conflicts encountered", "response": inner}  # fmt: skip
    for document in (inner, wrapped):
        summary = rules.parse_import_summary(document)
        assert (summary.imported, summary.updated, summary.ignored) == (2, 1, 1)
        assert summary.conflicts[0].error_code == "E7610"
        assert not summary.clean
    ok = rules.parse_import_summary(
        {"status": "OK", "response": {"importCount": {"imported": 3}, "status": "SUCCESS"}}
    )
    assert ok.clean and ok.imported == 3
    # DHIS2 before 2.38: the XML example's counts in JSON, no wrapper.
    old = rules.parse_import_summary({"status": "SUCCESS", "importCount": {"imported": 1}})
    assert old.clean


@pytest.mark.parametrize(
    "document",
    [
        [],
        {},
        {"status": "OK"},
        {"status": "MAYBE", "importCount": {}},
        {"status": "SUCCESS", "importCount": {"imported": -1}},
        {"status": "SUCCESS", "importCount": {"imported": "2"}},
        {"status": "SUCCESS", "importCount": {}, "conflicts": "none"},
        {"status": "SUCCESS", "importCount": {}, "conflicts": ["x"]},
    ],
)
def test_answers_that_are_not_import_summaries_are_refused(document: object) -> None:
    with pytest.raises(rules.SummaryError):
        rules.parse_import_summary(document)
