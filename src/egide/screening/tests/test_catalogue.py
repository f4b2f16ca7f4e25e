"""The catalogue holds exactly the codes of the contract, each worded in FR and EN, each sourced."""

from __future__ import annotations

from egide.screening.catalogue import DIMENSIONS, load_catalogue

EXPECTED_DIMENSION_COUNTS = {
    "deceptive_recruitment": 10,
    "coercive_recruitment": 10,
    "recruitment_abuse_of_vulnerability": 16,
    "exploitative_conditions": 9,
    "coercion_at_destination": 15,
    "vulnerability_at_destination": 7,
}
STRONG = {
    "deceptive_recruitment.nature_of_job",
    "coercive_recruitment.violence_on_victim",
    "exploitative_conditions.excessive_working_hours",
    "coercion_at_destination.confiscation_of_documents",
    "coercion_at_destination.debt_bondage",
    "coercion_at_destination.isolation_confinement_surveillance",
    "coercion_at_destination.violence_on_victim",
}
WEAK = {
    "deceptive_recruitment.education_opportunities",
    "recruitment_abuse_of_vulnerability.cultural_religious_beliefs",
    "recruitment_abuse_of_vulnerability.general_context",
    "exploitative_conditions.no_access_to_education",
    "coercion_at_destination.threat_to_inform_family",
    "vulnerability_at_destination.difficulties_in_past",
    "vulnerability_at_destination.personal_characteristics",
}


def test_catalogue_dimension_counts_match_ilo_2009() -> None:
    cat = load_catalogue()
    counts = {d: len(cat.group(d).indicators) for d in DIMENSIONS}
    assert counts == EXPECTED_DIMENSION_COUNTS


def test_catalogue_other_groups_are_exactly_the_contract() -> None:
    cat = load_catalogue()

    def codes(group: str) -> set[str]:
        return {i.code for i in cat.group(group).indicators}

    assert codes("act") == {
        f"act.{c}" for c in ["recruited", "transported", "transferred", "harboured", "received"]
    }
    assert len(codes("purpose")) == 9 and "purpose.child_soldiering" in codes("purpose")
    assert len(codes("safety")) == 5 and "safety.no_safe_place_tonight" in codes("safety")
    assert codes("gbv") == {
        "rape",
        "sexual_assault",
        "physical_assault",
        "forced_marriage",
        "denial_of_resources",
        "psychological_abuse",
    }
    assert len(cat.by_code) == 67 + 5 + 9 + 5 + 6


def test_catalogue_strengths_match_ilo_2009() -> None:
    cat = load_catalogue()
    dims = [i for d in DIMENSIONS for i in cat.group(d).indicators]
    assert {i.code for i in dims if i.strength == "S"} == STRONG
    assert {i.code for i in dims if i.strength == "W"} == WEAK
    assert all(i.strength == "M" for i in dims if i.code not in STRONG | WEAK)


def test_catalogue_every_code_has_french_english_and_a_source() -> None:
    cat = load_catalogue()
    for code, indicator in cat.by_code.items():
        assert indicator.fr.strip() and indicator.en.strip(), code
        assert cat.sources[indicator.source].strip(), code
    document = cat.as_document()
    assert document["version"] == "1.0"
    assert all(i["source"] for g in document["groups"] for i in g["indicators"])
