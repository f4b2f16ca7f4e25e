"""Generalisation hierarchies of CTDC's quasi-identifiers (pure Python, no Django).

* year of registration: the year → a five-year period (``2020-2024``) → blank;
* gender: the value → blank;
* age band: the codebook band → a broader band (``0--17``, ``18--29``, ``30--47``, ``48+``) →
  minor / adult (``0--17`` / ``18+``) → blank;
* citizenship and country of exploitation: the ISO code → its UN M49 sub-region (written
  ``M49:011``) → its M49 region (``M49:002``) → blank. The sub-region table is
  ``data/m49.json`` (source and verification status in the file).

A blank (unknown) value stays blank at every level. Generalised values are what the CSV carries,
so the partner import accepts them too (:func:`is_generalised_year`, …).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import iso3166

from egide.sharing.ctdc import AGE_BAND_TEXTS, BLANK, QUASI_IDENTIFIERS
from egide.sharing.kanon import Hierarchy

M49_FILE = Path(__file__).with_name("data") / "m49.json"
M49_PREFIX = "M49:"
PERIOD_YEARS = 5

BROAD_AGE = {
    "0--8": "0--17",
    "9--17": "0--17",
    "18--20": "18--29",
    "21--23": "18--29",
    "24--26": "18--29",
    "27--29": "18--29",
    "30--38": "30--47",
    "39--47": "30--47",
    "48+": "48+",
}
MAJORITY = {"0--17": "0--17", "18--29": "18+", "30--47": "18+", "48+": "18+"}
GENERALISED_AGES = frozenset(BROAD_AGE.values()) | frozenset(MAJORITY.values())
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")


@functools.cache
def m49() -> dict[str, Any]:
    return json.loads(M49_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def _country_groups() -> dict[str, tuple[str, str]]:
    """alpha-3 → (sub-region code, region code)."""
    data = m49()
    region_of = {s: r for r, info in data["regions"].items() for s in info["subregions"]}
    return {
        country: (sub, region_of[sub])
        for sub, info in data["subregions"].items()
        for country in info["countries"]
    }


def m49_codes() -> frozenset[str]:
    """Every generalised country value Égide writes (``M49:011``…)."""
    data = m49()
    return frozenset(M49_PREFIX + c for c in (*data["regions"], *data["subregions"]))


def m49_name(value: str, language: str = "fr") -> str:
    """The name of a ``M49:…`` value in *language* ("" when unknown)."""
    code = value.removeprefix(M49_PREFIX)
    data = m49()
    info = data["subregions"].get(code) or data["regions"].get(code)
    return str(info[language if language in ("fr", "en") else "en"]) if info else ""


def generalise_year(value: str, level: int) -> str:
    if level == 0 or value == BLANK:
        return value
    if level == 1 and value.isdigit():
        start = int(value) // PERIOD_YEARS * PERIOD_YEARS
        return f"{start}-{start + PERIOD_YEARS - 1}"
    return BLANK


def generalise_gender(value: str, level: int) -> str:
    return value if level == 0 else BLANK


def generalise_age(value: str, level: int) -> str:
    if level == 0 or value == BLANK:
        return value
    broad = BROAD_AGE.get(value, BLANK)
    if level == 1:
        return broad
    if level == 2:
        return MAJORITY.get(broad, BLANK)
    return BLANK


def generalise_country(value: str, level: int) -> str:
    if level == 0 or value == BLANK:
        return value
    code = value
    if len(value) == 2:
        country = iso3166.countries_by_alpha2.get(value)
        code = country.alpha3 if country is not None else ""
    groups = _country_groups().get(code)
    if groups is None or level >= 3:
        return BLANK
    return M49_PREFIX + groups[level - 1]


YEAR = Hierarchy("yearOfRegistration", ("year", "period5", "blank"), generalise_year)
GENDER = Hierarchy("gender", ("value", "blank"), generalise_gender)
AGE = Hierarchy("ageBroad", ("band", "broad_band", "majority", "blank"), generalise_age)
CITIZENSHIP = Hierarchy(
    "citizenship", ("country", "subregion", "region", "blank"), generalise_country
)
EXPLOITATION = Hierarchy(
    "CountryOfExploitation", ("country", "subregion", "region", "blank"), generalise_country
)
HIERARCHIES = {h.name: h for h in (YEAR, GENDER, AGE, CITIZENSHIP, EXPLOITATION)}
if tuple(HIERARCHIES) != QUASI_IDENTIFIERS:  # pragma: no cover - a programming error
    raise RuntimeError("the hierarchies must follow QUASI_IDENTIFIERS")


def is_generalised_year(value: str) -> bool:
    match = _PERIOD.match(value)
    return bool(match) and int(match.group(2)) - int(match.group(1)) == PERIOD_YEARS - 1  # type: ignore[union-attr]


def is_age_value(value: str) -> bool:
    return value in AGE_BAND_TEXTS or value in GENERALISED_AGES
