"""Rule set 1.0, branch by branch, with the boundaries; then properties (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egide.screening.catalogue import load_catalogue
from egide.screening.contract import InputError, parse_input
from egide.screening.rules import LEVEL_ORDER, dimension_positive, is_child, screen_document


def doc(
    *codes: str,
    age: int | None = 30,
    may_be_child: bool | None = False,
    movement: dict[str, Any] | None = None,
    gbv: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "person": {"age": age, "may_be_child": may_be_child, "sex": "female"},
        "indicators": list(codes),
        "movement": movement or {},
        "gbv": gbv or [],
    }


def trafficking(document: dict[str, Any]) -> str:
    return str(screen_document(document)["trafficking"]["level"])


# ILO threshold: (strong, medium, weak) -> positive?
@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (0, 0, 0, False),
        (1, 0, 0, False),  # one strong alone is not positive
        (2, 0, 0, True),
        (1, 1, 0, True),
        (1, 0, 1, True),
        (0, 2, 0, False),
        (0, 2, 1, True),  # 2 medium + 1 weak is
        (0, 3, 0, True),
        (0, 1, 5, False),
        (0, 0, 9, False),
    ],
)
def test_dimension_positive_thresholds(strong: int, medium: int, weak: int, positive: bool) -> None:
    assert dimension_positive(strong, medium, weak) is positive


@pytest.mark.parametrize(
    ("age", "may_be_child", "child"),
    [
        (17, False, True),
        (18, False, False),
        (18, True, False),
        (None, True, True),
        (None, False, False),
        (None, None, False),
        (0, None, True),
    ],
)
def test_is_child_boundaries(age: int | None, may_be_child: bool | None, child: bool) -> None:
    assert is_child(age, may_be_child) is child


def test_dimension_in_result_one_strong_alone_is_indications_only() -> None:
    result = screen_document(doc("coercion_at_destination.debt_bondage"))
    assert result["trafficking"]["dimensions"]["coercion_at_destination"] == "indications"
    assert result["trafficking"]["level"] == "possible"  # a strong indicator is "possible"


def test_dimension_in_result_two_medium_plus_weak_is_positive() -> None:
    result = screen_document(
        doc(
            "vulnerability_at_destination.economic_reasons",
            "vulnerability_at_destination.family_situation",
            "vulnerability_at_destination.personal_characteristics",
        )
    )
    assert result["trafficking"]["dimensions"]["vulnerability_at_destination"] == "positive"


ADULT_ILO_PATTERN = (
    "deceptive_recruitment.nature_of_job",
    "deceptive_recruitment.wages",
    "exploitative_conditions.excessive_working_hours",
    "exploitative_conditions.low_or_no_salary",
    "coercion_at_destination.confiscation_of_documents",
    "coercion_at_destination.withholding_of_wages",
)


def test_adult_presumed_by_ilo_pattern() -> None:
    result = screen_document(doc(*ADULT_ILO_PATTERN))
    assert result["trafficking"]["level"] == "presumed"
    assert "adult_presumed_ilo" in result["rules_fired"]
    assert any("OIT 2009" in r for r in result["trafficking"]["reasons"])


@pytest.mark.parametrize("missing", [0, 2, 4])
def test_adult_ilo_pattern_missing_one_dimension_is_not_presumed(missing: int) -> None:
    codes = [c for i, c in enumerate(ADULT_ILO_PATTERN) if i not in (missing, missing + 1)]
    assert trafficking(doc(*codes)) == "possible"


def test_adult_presumed_by_act_means_purpose() -> None:
    codes = ("act.recruited", "coercive_recruitment.violence_on_victim", "purpose.forced_labour")
    result = screen_document(doc(*codes))
    assert result["trafficking"]["level"] == "presumed"
    assert result["rules_fired"] == ["adult_presumed_palermo"]
    assert result["trafficking"]["elements"]["means"] == ["coercive_recruitment.violence_on_victim"]


def test_adult_act_and_purpose_without_means_is_only_possible() -> None:
    assert trafficking(doc("act.recruited", "purpose.forced_labour")) == "possible"


def test_adult_means_from_positive_vulnerability_dimension() -> None:
    codes = (
        "act.transported",
        "recruitment_abuse_of_vulnerability.economic_reasons",
        "recruitment_abuse_of_vulnerability.lack_of_information",
        "recruitment_abuse_of_vulnerability.illegal_status",
        "purpose.sexual_exploitation",
    )
    assert trafficking(doc(*codes)) == "presumed"


def test_exploitative_conditions_is_not_a_means() -> None:
    codes = (
        "act.recruited",
        "exploitative_conditions.excessive_working_hours",
        "exploitative_conditions.hazardous_work",
        "purpose.forced_labour",
    )
    assert trafficking(doc(*codes)) == "possible"


def test_child_presumed_with_act_and_purpose_no_means() -> None:
    codes = ("act.recruited", "purpose.domestic_servitude")
    assert trafficking(doc(*codes, age=17)) == "presumed"
    assert trafficking(doc(*codes, age=18)) == "possible"


def test_child_presumed_with_recruitment_indicator_and_strong_exploitation() -> None:
    codes = (
        "deceptive_recruitment.education_opportunities",
        "exploitative_conditions.excessive_working_hours",
    )
    assert trafficking(doc(*codes, age=12)) == "presumed"


def test_child_unknown_age_presumption_of_minority() -> None:
    codes = ("act.received", "purpose.forced_begging")
    result = screen_document(doc(*codes, age=None, may_be_child=True))
    assert result["child"] is True and result["trafficking"]["level"] == "presumed"
    assert "child_protection" in result["referrals"]
    assert screen_document(doc(*codes, age=None, may_be_child=None))["child"] is False


def test_child_any_indicator_is_possible() -> None:
    assert trafficking(doc("recruitment_abuse_of_vulnerability.general_context", age=15)) == (
        "possible"
    )
    assert trafficking(doc("recruitment_abuse_of_vulnerability.general_context", age=25)) == "none"


def test_no_indicator_is_none_with_a_reason() -> None:
    result = screen_document(doc())
    assert result["trafficking"]["level"] == "none"
    assert result["trafficking"]["reasons"] == ["Aucun indicateur de traite relevé."]
    assert result["referrals"] == []


def test_purpose_alone_is_possible_for_an_adult() -> None:
    assert trafficking(doc("purpose.organ_removal")) == "possible"


@pytest.mark.parametrize(
    ("movement", "level"),
    [
        ({"crossed_border": True, "irregular_entry": True, "paid_facilitator": True}, "likely"),
        ({"crossed_border": True, "irregular_entry": True, "paid_facilitator": None}, "possible"),
        ({"crossed_border": True, "irregular_entry": None, "paid_facilitator": True}, "possible"),
        ({"crossed_border": True, "irregular_entry": True, "paid_facilitator": False}, "none"),
        ({"crossed_border": True, "irregular_entry": None, "paid_facilitator": None}, "none"),
        ({"crossed_border": None, "irregular_entry": True, "paid_facilitator": True}, "none"),
        ({"crossed_border": False, "irregular_entry": True, "paid_facilitator": True}, "none"),
    ],
)
def test_smuggling_levels(movement: dict[str, Any], level: str) -> None:
    result = screen_document(doc(movement=movement))
    assert result["smuggling"]["level"] == level
    assert ("migrant_assistance" in result["referrals"]) is (level != "none")


def test_smuggled_migrant_later_exploited_gets_both() -> None:
    movement = {"crossed_border": True, "irregular_entry": True, "paid_facilitator": True}
    result = screen_document(doc(*ADULT_ILO_PATTERN, movement=movement))
    assert result["smuggling"]["level"] == "likely"
    assert result["trafficking"]["level"] == "presumed"


@pytest.mark.parametrize(
    ("codes", "gbv", "level"),
    [
        ((), ["rape"], "likely"),
        (("purpose.sexual_exploitation",), [], "likely"),
        (("purpose.forced_marriage",), [], "likely"),
        (("purpose.forced_labour",), [], "none"),
        ((), [], "none"),
    ],
)
def test_gbv_levels(codes: tuple[str, ...], gbv: list[str], level: str) -> None:
    assert screen_document(doc(*codes, gbv=gbv))["gbv"]["level"] == level


def test_rape_recommends_medical_care_within_72_hours() -> None:
    result = screen_document(doc(gbv=["rape"]))
    assert result["referrals"][0] == "medical_care_72h"
    assert result["gbv"]["types"] == ["rape"]


def test_urgent_when_any_safety_flag() -> None:
    result = screen_document(doc("safety.no_safe_place_tonight"))
    assert result["urgent"] is True
    assert result["referrals"][0] == "immediate_safety"
    assert result["safety"]["flags"] == ["safety.no_safe_place_tonight"]
    assert screen_document(doc())["urgent"] is False


def test_reasons_in_english_when_asked() -> None:
    result = screen_document(doc("act.recruited", "purpose.domestic_servitude", age=16), "en")
    assert result["trafficking"]["reasons"][0] == "Child: stated age 16 (under 18)."
    assert "Palermo Protocol art. 3(c)" in result["trafficking"]["reasons"][1]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({}, "person"),
        ({"person": {"age": -1}}, "person.age"),
        ({"person": {"age": 200}}, "person.age"),
        ({"person": {"age": "16"}}, "person.age"),
        ({"person": {"age": 16.5}}, "person.age"),
        ({"person": {"age": True}}, "person.age"),
        ({"person": {"sex": "f"}}, "person.sex"),
        ({"person": {"may_be_child": "yes"}}, "person.may_be_child"),
        ({"person": {}, "indicators": ["act.recruited", "act.kidnapped"]}, "indicators[1]"),
        ({"person": {}, "indicators": "act.recruited"}, "indicators"),
        ({"person": {}, "indicators": [3]}, "indicators[0]"),
        ({"person": {}, "gbv": ["act.recruited"]}, "gbv[0]"),
        ({"person": {}, "movement": {"crossed_border": "no"}}, "movement.crossed_border"),
        ({"person": {}, "movement": []}, "movement"),
        ({"person": {}, "persona": {}}, "persona"),
        ({"person": {"age": 3, "name": "x"}}, "person.name"),
        ([], "document"),
        ({"person": None}, "person"),
    ],
)
def test_bad_input_names_the_field(document: Any, field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_input(document)
    assert info.value.field == field


# --- properties -------------------------------------------------------------------------------

CAT = load_catalogue()
TRAFFICKING_CODES = sorted(
    c for c, i in CAT.by_code.items() if i.kind in ("act", "purpose", "dimension")
)
ALL_INDICATOR_CODES = sorted(CAT.indicator_codes())

ages = st.one_of(st.none(), st.integers(min_value=0, max_value=120))
code_sets = st.sets(st.sampled_from(ALL_INDICATOR_CODES), max_size=25)
tristate = st.sampled_from([True, False, None])


@settings(max_examples=300, deadline=None)
@given(
    codes=code_sets,
    extra=st.sampled_from(TRAFFICKING_CODES),
    age=ages,
    may_be_child=tristate,
)
def test_property_adding_an_indicator_never_lowers_trafficking_level(
    codes: set[str], extra: str, age: int | None, may_be_child: bool | None
) -> None:
    before = trafficking(doc(*codes, age=age, may_be_child=may_be_child))
    after = trafficking(doc(*(codes | {extra}), age=age, may_be_child=may_be_child))
    assert LEVEL_ORDER[after] >= LEVEL_ORDER[before]


@settings(max_examples=200, deadline=None)
@given(codes=code_sets, age=ages, may_be_child=tristate)
def test_property_result_is_deterministic_and_order_independent(
    codes: set[str], age: int | None, may_be_child: bool | None
) -> None:
    ordered = sorted(codes)
    a = screen_document(doc(*ordered, age=age, may_be_child=may_be_child))
    b = screen_document(doc(*reversed(ordered), age=age, may_be_child=may_be_child))
    assert a == b
    assert a["trafficking"]["reasons"]  # a result always says why
