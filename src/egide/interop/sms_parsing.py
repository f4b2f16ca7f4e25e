"""Reading an alert out of an SMS or a RapidPro flow's results (pure Python, no Django).

Grammar of a keyword SMS, case- and accent-insensitive, words in any order after the keyword:

    ALERTE <place> [<urgency>] [ENFANT] <what was seen…>

* keyword: ``ALERTE`` / ``ALERT``;
* place: a region (``LABE``, ``NZEREKORE``…) or a prefecture (``PITA`` → Mamou), from the
  reference data handed in by the caller;
* urgency: ``IMMEDIAT``/``DANGER``/``SOS`` → immediate, ``URGENT`` → urgent, ``NORMAL`` → normal;
  none stated → urgent (a basic-phone alert is triaged within a day rather than three);
* ``ENFANT`` / ``MINEUR`` marks that a child is concerned.

A message without the keyword or without a known place is *not recognised*: the caller still
turns it into an alert "to qualify" for the supervisors of the channel's region (never lost).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KEYWORDS = frozenset({"alerte", "alert"})
URGENCY_WORDS: dict[str, str] = {
    "immediat": "immediate",
    "immediate": "immediate",
    "danger": "immediate",
    "sos": "immediate",
    "urgent": "urgent",
    "urgente": "urgent",
    "urgence": "urgent",
    "normal": "normal",
    "normale": "normal",
}
CHILD_WORDS = frozenset({"enfant", "enfants", "mineur", "mineure", "child"})
DEFAULT_URGENCY = "urgent"
# Words after the keyword that may still be place / urgency / child markers.
MAX_MARKERS = 4
MAX_TEXT = 1600  # ten concatenated SMS segments
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Place:
    """Where an alert belongs: a region code and, when a prefecture was named, its code."""

    region_code: str
    prefecture_code: str | None = None


@dataclass(frozen=True)
class ParsedSms:
    """What was read out of a message."""

    recognised: bool
    place: Place | None
    urgency: str
    child: bool | None
    description: str


def normalise(word: str) -> str:
    """``N'Zérékoré`` → ``nzerekore``: lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", bare.casefold())


def place_index(
    regions: list[tuple[str, str]], prefectures: list[tuple[str, str, str]]
) -> dict[str, Place]:
    """Normalised name → Place, from (region code, name) and (prefecture code, name, region code).
    A name that is both a region and a prefecture (Labé) means the region."""
    index: dict[str, Place] = {}
    for code, name, region_code in prefectures:
        index.setdefault(normalise(name), Place(region_code, code))
    for code, name in regions:
        index[normalise(name)] = Place(code)
    return index


def parse_sms(text: str, places: Mapping[str, Place]) -> ParsedSms:
    """Read keyword, place, urgency and the child marker at the start of *text*."""
    words = text.split()
    if not words or normalise(words[0]) not in KEYWORDS:
        return ParsedSms(False, None, DEFAULT_URGENCY, None, text.strip())
    place: Place | None = None
    urgency: str | None = None
    child: bool | None = None
    used = 1
    for word in words[1 : 1 + MAX_MARKERS]:
        key = normalise(word)
        if place is None and key in places:
            place = places[key]
        elif urgency is None and key in URGENCY_WORDS:
            urgency = URGENCY_WORDS[key]
        elif child is None and key in CHILD_WORDS:
            child = True
        else:
            break
        used += 1
    description = " ".join(words[used:]).strip()
    return ParsedSms(place is not None, place, urgency or DEFAULT_URGENCY, child, description)


def _result_value(results: Mapping[str, Any], *names: str) -> str:
    for name in names:
        entry = results.get(name)
        if isinstance(entry, Mapping):
            value = entry.get("value")
            if isinstance(value, str | int | float) and str(value).strip():
                return str(value).strip()
    return ""


def parse_flow_results(
    results: Mapping[str, Any], input_text: str, places: Mapping[str, Place]
) -> ParsedSms:
    """A RapidPro flow's results (``{"region": {"value": "Labé"}, "urgence": {...},
    "message": {...}}``) with the raw message as fall-back: results win where they are given."""
    text = _result_value(results, "message", "texte", "text", "description", "alerte") or input_text
    parsed = parse_sms(text, places)
    region = normalise(_result_value(results, "region", "lieu", "prefecture", "place"))
    urgency = normalise(_result_value(results, "urgence", "urgency"))
    child = normalise(_result_value(results, "enfant", "child"))
    place = places.get(region) if region else None
    if place is None and parsed.recognised:
        place = parsed.place
    description = parsed.description if parsed.recognised else text.strip()
    return ParsedSms(
        recognised=place is not None,
        place=place,
        urgency=URGENCY_WORDS.get(urgency, urgency)
        if urgency in URGENCY_WORDS or urgency in ("immediate", "urgent", "normal")
        else parsed.urgency,
        child=True if child in ("oui", "yes", "true", "1") else parsed.child,
        description=description,
    )


def number_key(sender: str) -> str:
    """What identifies a sender for the rate limit: the number's digits, E.164-like
    (``tel:+224 620 00 00 01``, ``whatsapp:224620000001``, ``00224620000001`` → ``224620000001``);
    an alphanumeric sender id, lower-cased."""
    _scheme, sep, path = sender.partition(":")
    value = (path if sep else sender).strip()
    digits = "".join(c for c in value if c.isdigit() and c.isascii())
    if digits and not any(c.isalpha() for c in value):
        return digits[2:] if digits.startswith("00") else digits
    return value.casefold()


def phone_from_urn(urn: str) -> str:
    """``tel:+224620000000`` → ``+224620000000``; other schemes keep their path
    (``whatsapp:224…`` → ``224…``)."""
    scheme, sep, path = urn.partition(":")
    return path.strip() if sep else scheme.strip()
