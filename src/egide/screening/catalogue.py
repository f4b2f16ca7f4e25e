"""The screening catalogue: indicator codes (a public contract), their wording and their source.

Pure Python. Codes are ``<group>.<indicator>`` for acts, purposes, the six ILO dimensions and
safety flags; GBV types are bare codes (``rape``) sent in their own list.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).with_name("data")
CURRENT_VERSION = "1.0"

Kind = Literal["act", "purpose", "dimension", "safety", "gbv"]
Strength = Literal["S", "M", "W"]

DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
    "exploitative_conditions",
    "coercion_at_destination",
    "vulnerability_at_destination",
)
RECRUITMENT_DIMENSIONS = DIMENSIONS[:3]


@dataclass(frozen=True)
class Indicator:
    """One code of the catalogue with its wording (FR/EN), strength and source."""

    code: str
    group: str
    kind: Kind
    fr: str
    en: str
    source: str
    strength: Strength | None = None

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Group:
    """A group of indicators: an ILO dimension, the acts, the purposes, safety, GBV types."""

    code: str
    kind: Kind
    fr: str
    en: str
    source: str
    indicators: tuple[Indicator, ...]

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Catalogue:
    """A versioned catalogue; ``by_code`` maps every accepted code to its indicator."""

    version: str
    sources: dict[str, str]
    groups: tuple[Group, ...]
    by_code: dict[str, Indicator]
    _groups_by_code: dict[str, Group] = field(init=False, repr=False, compare=False)
    _indicator_codes: frozenset[str] = field(init=False, repr=False, compare=False)
    _gbv_codes: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes built once: screening runs tens of thousands of times a second.
        object.__setattr__(self, "_groups_by_code", {g.code: g for g in self.groups})
        indicator_codes = frozenset(c for c, i in self.by_code.items() if i.kind != "gbv")
        object.__setattr__(self, "_indicator_codes", indicator_codes)
        gbv = frozenset(c for c, i in self.by_code.items() if i.kind == "gbv")
        object.__setattr__(self, "_gbv_codes", gbv)

    def group(self, code: str) -> Group:
        return self._groups_by_code[code]

    def indicator_codes(self) -> frozenset[str]:
        """Codes accepted in the ``indicators`` list (everything but GBV types)."""
        return self._indicator_codes

    def gbv_codes(self) -> frozenset[str]:
        """Codes accepted in the ``gbv`` list (GBVIMS types)."""
        return self._gbv_codes

    def as_document(self) -> dict[str, Any]:
        """The catalogue as the JSON document the API serves."""
        return {
            "version": self.version,
            "sources": self.sources,
            "groups": [
                {
                    "code": g.code,
                    "kind": g.kind,
                    "label": {"fr": g.fr, "en": g.en},
                    "source": g.source,
                    "indicators": [
                        {
                            "code": i.code,
                            "strength": i.strength,
                            "label": {"fr": i.fr, "en": i.en},
                            "source": self.sources[i.source],
                        }
                        for i in g.indicators
                    ],
                }
                for g in self.groups
            ],
        }


@functools.cache
def load_catalogue(version: str = CURRENT_VERSION) -> Catalogue:
    """Read and index the catalogue file of *version*."""
    raw = json.loads((DATA_DIR / f"catalogue-{version}.json").read_text(encoding="utf-8"))
    groups = []
    by_code: dict[str, Indicator] = {}
    for g in raw["groups"]:
        indicators = []
        for i in g["indicators"]:
            code = i["code"] if g["kind"] == "gbv" else f"{g['code']}.{i['code']}"
            ind = Indicator(
                code=code,
                group=g["code"],
                kind=g["kind"],
                fr=i["fr"],
                en=i["en"],
                source=g["source"],
                strength=i.get("strength"),
            )
            indicators.append(ind)
            by_code[code] = ind
        groups.append(Group(g["code"], g["kind"], g["fr"], g["en"], g["source"], tuple(indicators)))
    return Catalogue(raw["version"], dict(raw["sources"]), tuple(groups), by_code)
