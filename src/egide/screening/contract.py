"""The screening input document: parsing and validation, shared by the CLI, the API and pages.

Pure Python. Every error names the offending field with a dotted path (``person.age``,
``indicators[2]``) so that a person or a program can fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from egide.screening.catalogue import Catalogue, load_catalogue

SEXES = ("female", "male", "other", "unknown")
MAX_AGE = 120
TOP_LEVEL = {"person", "indicators", "movement", "gbv"}
PERSON_KEYS = {"age", "may_be_child", "sex"}
MOVEMENT_KEYS = ("crossed_border", "irregular_entry", "paid_facilitator")


class InputError(ValueError):
    """Invalid screening input; ``field`` is the dotted path of the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Person:
    age: int | None
    may_be_child: bool | None
    sex: str


@dataclass(frozen=True)
class Movement:
    crossed_border: bool | None = None
    irregular_entry: bool | None = None
    paid_facilitator: bool | None = None


@dataclass(frozen=True)
class ScreeningInput:
    """A validated screening document."""

    person: Person
    indicators: frozenset[str]
    movement: Movement
    gbv: frozenset[str]

    def as_document(self) -> dict[str, Any]:
        """The canonical JSON form (sorted lists), as stored with an assessment."""
        return {
            "person": {
                "age": self.person.age,
                "may_be_child": self.person.may_be_child,
                "sex": self.person.sex,
            },
            "indicators": sorted(self.indicators),
            "movement": {k: getattr(self.movement, k) for k in MOVEMENT_KEYS},
            "gbv": sorted(self.gbv),
        }


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(field, "must be an object")
    return value


def _unknown_keys(obj: dict[str, Any], allowed: set[str] | tuple[str, ...], prefix: str) -> None:
    extra = sorted(set(obj) - set(allowed))
    if extra:
        raise InputError(f"{prefix}{extra[0]}", "unknown field")


def _optional_bool(value: Any, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InputError(field, "must be true, false or null")


def _codes(value: Any, field: str, allowed: frozenset[str]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise InputError(field, "must be a list of codes")
    for index, code in enumerate(value):
        if not isinstance(code, str):
            raise InputError(f"{field}[{index}]", "must be a string code")
        if code not in allowed:
            raise InputError(f"{field}[{index}]", f"unknown code {code!r}")
    return frozenset(value)


def parse_input(document: Any, catalogue: Catalogue | None = None) -> ScreeningInput:
    """Validate *document* (already JSON-decoded); raise InputError naming the first bad field."""
    cat = catalogue or load_catalogue()
    doc = _object(document, "document")
    _unknown_keys(doc, TOP_LEVEL, "")
    if "person" not in doc:
        raise InputError("person", "is required")
    person_doc = _object(doc["person"], "person")
    _unknown_keys(person_doc, PERSON_KEYS, "person.")
    age = person_doc.get("age")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int):
            raise InputError("person.age", "must be a whole number of years or null")
        if not 0 <= age <= MAX_AGE:
            raise InputError("person.age", f"must be between 0 and {MAX_AGE}")
    sex = person_doc.get("sex", "unknown")
    if sex not in SEXES:
        raise InputError("person.sex", f"must be one of {', '.join(SEXES)}")
    person = Person(
        age=age,
        may_be_child=_optional_bool(person_doc.get("may_be_child"), "person.may_be_child"),
        sex=sex,
    )
    movement_raw = doc.get("movement")
    movement_doc = _object({} if movement_raw is None else movement_raw, "movement")
    _unknown_keys(movement_doc, MOVEMENT_KEYS, "movement.")
    movement = Movement(
        **{k: _optional_bool(movement_doc.get(k), f"movement.{k}") for k in MOVEMENT_KEYS}
    )
    return ScreeningInput(
        person=person,
        indicators=_codes(doc.get("indicators"), "indicators", cat.indicator_codes()),
        movement=movement,
        gbv=_codes(doc.get("gbv"), "gbv", cat.gbv_codes()),
    )
