"""The keyword grammar of SMS alerts and RapidPro results (pure rules)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from egide.interop.sms_parsing import (
    Place,
    normalise,
    parse_flow_results,
    parse_sms,
    phone_from_urn,
    place_index,
)

PLACES = place_index(
    [("GN-L", "Labé"), ("GN-N", "Nzérékoré"), ("GN-M", "Mamou"), ("GN-C", "Conakry")],
    [("GN-PI", "Pita", "GN-M"), ("GN-LA", "Labé", "GN-L")],
)


def test_parse_sms_reads_keyword_region_urgency_and_child() -> None:
    parsed = parse_sms("ALERTE LABE URGENT enfant fille de 12 ans au marché", PLACES)
    assert parsed.recognised and parsed.place == Place("GN-L")
    assert parsed.urgency == "urgent" and parsed.child is True
    assert parsed.description == "fille de 12 ans au marché"


def test_parse_sms_accents_case_and_prefecture() -> None:
    parsed = parse_sms("alerte Pita danger deux garçons", PLACES)
    assert parsed.place == Place("GN-M", "GN-PI") and parsed.urgency == "immediate"
    assert parse_sms("Alerte N'Zérékoré x", PLACES).place == Place("GN-N")


def test_parse_sms_without_keyword_or_place_is_not_recognised() -> None:
    assert not parse_sms("bonjour il y a un problème", PLACES).recognised
    unknown = parse_sms("ALERTE TOMBOUCTOU urgent", PLACES)
    assert not unknown.recognised and unknown.place is None


def test_flow_results_win_over_the_text() -> None:
    results = {"region": {"value": "Mamou"}, "urgence": {"value": "normal"}}
    parsed = parse_flow_results(results, "ALERTE LABE URGENT x", PLACES)
    assert parsed.place == Place("GN-M") and parsed.urgency == "normal"


def test_phone_from_urn() -> None:
    assert phone_from_urn("tel:+224620000001") == "+224620000001"
    assert phone_from_urn("+224620000001") == "+224620000001"


@given(st.text(max_size=300))
def test_parse_sms_never_fails(text: str) -> None:
    parsed = parse_sms(text, PLACES)
    assert parsed.urgency in ("immediate", "urgent", "normal")
    assert parsed.recognised == (parsed.place is not None)


@given(st.text(max_size=40))
def test_normalise_is_idempotent(word: str) -> None:
    assert normalise(normalise(word)) == normalise(word)
