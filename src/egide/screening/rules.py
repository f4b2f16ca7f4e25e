"""Screening rule set 1.0: trafficking, smuggling and GBV told apart, with reasons. Pure Python.

Rules (also shown to workers as the "why" of a result):

* A dimension is **positive** when its observed indicators include 2 or more strong, or 1 strong
  plus 1 or more medium or weak, or 3 or more medium, or 2 medium plus 1 or more weak
  (ILO & European Commission, 2009).
* **Child**: age under 18, or age unknown and ``may_be_child`` true (presumption of minority).
* **Trafficking, adult, presumed**: (deceptive recruitment, coercive recruitment or recruitment by
  abuse of vulnerability positive) and exploitative conditions positive and (coercion at
  destination or abuse of vulnerability at destination positive); or an act, a means (a positive
  dimension other than exploitative conditions, or a strong indicator of coercive recruitment or
  of coercion at destination) and a purpose are all present (Palermo Protocol art. 3(a)).
* **Trafficking, child, presumed**: (an act or any recruitment indicator) and (a purpose, or
  exploitative conditions positive, or a strong exploitative-conditions indicator); no means are
  required (Palermo Protocol art. 3(c)).
* **Possible**: any dimension positive, any strong indicator or any purpose; for a child, any
  indicator, act or purpose at all. Otherwise **none**.
* **Smuggling, likely**: a border was crossed, entry was irregular and a facilitator was paid;
  **possible**: a border was crossed, one of the other two is true and the other unknown
  (Smuggling Protocol art. 3(a)). Independent of trafficking: both can hold.
* **GBV, likely**: a GBVIMS type is recorded, or the purpose is sexual exploitation or forced
  marriage.
* **Urgent**: any safety flag.

The result is decision support for a trained worker, never a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from egide.screening.catalogue import (
    DIMENSIONS,
    RECRUITMENT_DIMENSIONS,
    Catalogue,
    Indicator,
    load_catalogue,
)
from egide.screening.contract import ScreeningInput

RULE_SET = "1.0"
CHILD_AGE = 18

Level = Literal["presumed", "possible", "none"]
SmugglingLevel = Literal["likely", "possible", "none"]
LEVEL_ORDER: dict[str, int] = {"none": 0, "possible": 1, "presumed": 2}

# Referral codes, in the order a worker should act on them.
REFERRAL_ORDER = (
    "immediate_safety",
    "medical_care_72h",
    "medical_care",
    "mental_health",
    "child_protection",
    "protection_case",
    "law_enforcement",
    "gbv_services",
    "migrant_assistance",
)

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "dimension_positive": "Dimension « {dim} » positive : {found}.",
        "adult_ilo": (
            "Adulte – victime présumée : recrutement ({rec}), conditions d'exploitation et "
            "contrainte ou vulnérabilité à destination ({dest}) sont réunis (OIT 2009)."
        ),
        "adult_palermo": (
            "Adulte – victime présumée : un acte ({acts}), un moyen ({means}) et un but "
            "d'exploitation ({purposes}) sont réunis (Protocole de Palerme, art. 3 a)."
        ),
        "child_presumed": (
            "Enfant – victime présumée : un acte ou un indicateur de recrutement ({acts}) et une "
            "exploitation ({purposes}) suffisent ; aucun moyen n'est requis (Protocole de "
            "Palerme, art. 3 c)."
        ),
        "possible": "Traite possible : {found}. Les éléments d'une présomption ne sont pas réunis.",
        "child_possible": "Enfant – traite possible : au moins un indicateur relevé ({found}).",
        "none": "Aucun indicateur de traite relevé.",
        "child": "Enfant : {why}.",
        "child_age": "âge déclaré {age} ans (moins de 18 ans)",
        "child_presumption": "âge inconnu et présomption de minorité",
        "smuggling_likely": (
            "Trafic illicite de migrants probable : frontière franchie, entrée irrégulière et "
            "passeur payé (Protocole contre le trafic illicite de migrants, art. 3 a)."
        ),
        "smuggling_possible": (
            "Trafic illicite de migrants possible : frontière franchie, {known} ; {unknown} "
            "reste inconnu."
        ),
        "gbv_types": "VBG probable : type(s) déclaré(s) : {types}.",
        "gbv_purpose": "VBG probable : le but d'exploitation est {purposes}.",
        "urgent": "URGENT – sécurité : {flags}. Arrêter l'entretien et orienter immédiatement.",
        "irregular_entry": "entrée irrégulière",
        "paid_facilitator": "passeur payé",
        "strong": "fort",
        "medium": "moyen",
        "weak": "faible",
    },
    "en": {
        "dimension_positive": "Dimension “{dim}” positive: {found}.",
        "adult_ilo": (
            "Adult – presumed victim: recruitment ({rec}), exploitative conditions and coercion "
            "or vulnerability at destination ({dest}) are all present (ILO 2009)."
        ),
        "adult_palermo": (
            "Adult – presumed victim: an act ({acts}), a means ({means}) and a purpose of "
            "exploitation ({purposes}) are all present (Palermo Protocol art. 3(a))."
        ),
        "child_presumed": (
            "Child – presumed victim: an act or recruitment indicator ({acts}) and exploitation "
            "({purposes}) suffice; no means are required (Palermo Protocol art. 3(c))."
        ),
        "possible": "Possible trafficking: {found}. The elements of a presumption are not all met.",
        "child_possible": "Child – possible trafficking: at least one indicator found ({found}).",
        "none": "No indicator of trafficking found.",
        "child": "Child: {why}.",
        "child_age": "stated age {age} (under 18)",
        "child_presumption": "age unknown and presumption of minority",
        "smuggling_likely": (
            "Smuggling of migrants likely: a border was crossed, entry was irregular and a "
            "facilitator was paid (Smuggling Protocol art. 3(a))."
        ),
        "smuggling_possible": (
            "Smuggling of migrants possible: a border was crossed, {known}; {unknown} is unknown."
        ),
        "gbv_types": "GBV likely: reported type(s): {types}.",
        "gbv_purpose": "GBV likely: the purpose of exploitation is {purposes}.",
        "urgent": "URGENT – safety: {flags}. Stop the interview and refer at once.",
        "irregular_entry": "irregular entry",
        "paid_facilitator": "paid facilitator",
        "strong": "strong",
        "medium": "medium",
        "weak": "weak",
    },
}


def dimension_positive(strong: int, medium: int, weak: int) -> bool:
    """ILO 2009 threshold: 2S, or 1S + 1(M or W), or 3M, or 2M + 1W."""
    return (
        strong >= 2
        or (strong == 1 and medium + weak >= 1)
        or medium >= 3
        or (medium == 2 and weak >= 1)
    )


def is_child(age: int | None, may_be_child: bool | None) -> bool:
    """Under 18, or age unknown with a presumption of minority."""
    if age is not None:
        return age < CHILD_AGE
    return may_be_child is True


@dataclass
class _Facts:
    catalogue: Catalogue
    codes: frozenset[str]
    by_group: dict[str, list[Indicator]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in sorted(self.codes):
            ind = self.catalogue.by_code[code]
            self.by_group.setdefault(ind.group, []).append(ind)

    def group(self, name: str) -> list[Indicator]:
        return self.by_group.get(name, [])

    def strong(self, name: str) -> list[Indicator]:
        return [i for i in self.group(name) if i.strength == "S"]


def _labels(items: Iterable[Indicator], lang: str) -> str:
    return ", ".join(i.label(lang) for i in items)


def _names(items: Iterable[str]) -> str:
    return ", ".join(items)


def evaluate(data: ScreeningInput, lang: str = "fr") -> dict[str, Any]:
    """Apply rule set 1.0 to validated input; return the result document (JSON-able)."""
    t = TEXT["fr" if lang == "fr" else "en"]
    cat = load_catalogue()
    facts = _Facts(cat, data.indicators)
    child = is_child(data.person.age, data.person.may_be_child)
    rules_fired: list[str] = []

    # Dimensions.
    dimensions: dict[str, str] = {}
    positive: set[str] = set()
    reasons: list[str] = []
    for dim in DIMENSIONS:
        found = facts.group(dim)
        counts = {"S": 0, "M": 0, "W": 0}
        for indicator in found:
            counts[indicator.strength or "W"] += 1
        if dimension_positive(counts["S"], counts["M"], counts["W"]):
            positive.add(dim)
            dimensions[dim] = "positive"
            reasons.append(
                t["dimension_positive"].format(
                    dim=cat.group(dim).label(lang), found=_labels(found, lang)
                )
            )
        else:
            dimensions[dim] = "indications" if found else "absent"

    acts = facts.group("act")
    purposes = facts.group("purpose")
    strong_any = [i for d in DIMENSIONS for i in facts.strong(d)]
    recruitment_any = [i for d in RECRUITMENT_DIMENSIONS for i in facts.group(d)]
    means = [cat.group(d) for d in DIMENSIONS if d in positive and d != "exploitative_conditions"]
    strong_means = facts.strong("coercive_recruitment") + facts.strong("coercion_at_destination")

    level: Level = "none"
    if child:
        exploitation = bool(purposes) or "exploitative_conditions" in positive
        exploitation = exploitation or bool(facts.strong("exploitative_conditions"))
        if (acts or recruitment_any) and exploitation:
            level = "presumed"
            rules_fired.append("child_presumed")
            exploit_items = purposes or facts.group("exploitative_conditions")
            reasons.append(
                t["child_presumed"].format(
                    acts=_labels(acts or recruitment_any, lang),
                    purposes=_labels(exploit_items, lang),
                )
            )
    else:
        recruitment_pos = [d for d in RECRUITMENT_DIMENSIONS if d in positive]
        dest_pos = [
            d for d in ("coercion_at_destination", "vulnerability_at_destination") if d in positive
        ]
        if recruitment_pos and "exploitative_conditions" in positive and dest_pos:
            level = "presumed"
            rules_fired.append("adult_presumed_ilo")
            reasons.append(
                t["adult_ilo"].format(
                    rec=_names(cat.group(d).label(lang) for d in recruitment_pos),
                    dest=_names(cat.group(d).label(lang) for d in dest_pos),
                )
            )
        if acts and (means or strong_means) and purposes:
            level = "presumed"
            rules_fired.append("adult_presumed_palermo")
            means_text = _names(
                [g.label(lang) for g in means] + [i.label(lang) for i in strong_means]
            )
            reasons.append(
                t["adult_palermo"].format(
                    acts=_labels(acts, lang), means=means_text, purposes=_labels(purposes, lang)
                )
            )

    if level == "none":
        any_trafficking_code = acts + purposes + [i for d in DIMENSIONS for i in facts.group(d)]
        if child and any_trafficking_code:
            level = "possible"
            rules_fired.append("child_possible")
            reasons.append(t["child_possible"].format(found=_labels(any_trafficking_code, lang)))
        elif positive or strong_any or purposes:
            level = "possible"
            rules_fired.append("possible")
            found_text = _names(
                [cat.group(d).label(lang) for d in DIMENSIONS if d in positive]
                + [i.label(lang) for i in strong_any + purposes]
            )
            reasons.append(t["possible"].format(found=found_text))
        else:
            reasons.append(t["none"])

    if child:
        why = (
            t["child_age"].format(age=data.person.age)
            if data.person.age is not None
            else t["child_presumption"]
        )
        reasons.insert(0, t["child"].format(why=why))

    smuggling = _smuggling(data, t, rules_fired)
    gbv = _gbv(data, facts, cat, t, lang, rules_fired)
    safety = facts.group("safety")
    urgent = bool(safety)
    if urgent:
        rules_fired.append("urgent")

    referrals = _referrals(child, level, smuggling["level"], gbv, data, urgent)
    return {
        "rule_set": RULE_SET,
        "catalogue": cat.version,
        "child": child,
        "urgent": urgent,
        "safety": {
            "flags": [i.code for i in safety],
            "reasons": [t["urgent"].format(flags=_labels(safety, lang))] if urgent else [],
        },
        "trafficking": {
            "level": level,
            "dimensions": dimensions,
            "elements": {
                "act": [i.code for i in acts],
                "means": sorted({g.code for g in means} | {i.code for i in strong_means}),
                "purpose": [i.code for i in purposes],
            },
            "reasons": reasons,
        },
        "smuggling": smuggling,
        "gbv": gbv,
        "referrals": referrals,
        "rules_fired": rules_fired,
    }


def result_purposes(result: dict[str, Any]) -> list[str]:
    """The purposes of exploitation (catalogue codes) an evaluation *result* found, in order,
    once each; none for a result without them (an empty or older document)."""
    trafficking = result.get("trafficking") if isinstance(result, dict) else None
    elements = trafficking.get("elements") if isinstance(trafficking, dict) else None
    found = elements.get("purpose") if isinstance(elements, dict) else None
    if not isinstance(found, list):
        return []
    return list(dict.fromkeys(c for c in found if isinstance(c, str) and c))


def _smuggling(data: ScreeningInput, t: dict[str, str], fired: list[str]) -> dict[str, Any]:
    m = data.movement
    if m.crossed_border is True and m.irregular_entry is True and m.paid_facilitator is True:
        fired.append("smuggling_likely")
        return {"level": "likely", "reasons": [t["smuggling_likely"]]}
    pair = {"irregular_entry": m.irregular_entry, "paid_facilitator": m.paid_facilitator}
    known = [k for k, v in pair.items() if v is True]
    unknown = [k for k, v in pair.items() if v is None]
    if m.crossed_border is True and len(known) == 1 and len(unknown) == 1:
        fired.append("smuggling_possible")
        text = t["smuggling_possible"].format(known=t[known[0]], unknown=t[unknown[0]])
        return {"level": "possible", "reasons": [text]}
    return {"level": "none", "reasons": []}


def _gbv(
    data: ScreeningInput,
    facts: _Facts,
    cat: Catalogue,
    t: dict[str, str],
    lang: str,
    fired: list[str],
) -> dict[str, Any]:
    types = sorted(data.gbv)
    reasons: list[str] = []
    if types:
        reasons.append(t["gbv_types"].format(types=_labels((cat.by_code[c] for c in types), lang)))
    gbv_purposes = [
        i
        for i in facts.group("purpose")
        if i.code in ("purpose.sexual_exploitation", "purpose.forced_marriage")
    ]
    if gbv_purposes:
        reasons.append(t["gbv_purpose"].format(purposes=_labels(gbv_purposes, lang)))
    if reasons:
        fired.append("gbv_likely")
    return {"level": "likely" if reasons else "none", "types": types, "reasons": reasons}


def _referrals(
    child: bool,
    level: str,
    smuggling_level: str,
    gbv: dict[str, Any],
    data: ScreeningInput,
    urgent: bool,
) -> list[str]:
    wanted: set[str] = set()
    if urgent:
        wanted.add("immediate_safety")
    if "safety.urgent_medical_need" in data.indicators:
        wanted.add("medical_care")
    if "safety.self_harm_risk" in data.indicators:
        wanted.add("mental_health")
    if "rape" in data.gbv or "sexual_assault" in data.gbv:
        wanted.add("medical_care_72h")
    if child:
        wanted.add("child_protection")
    if level in ("presumed", "possible"):
        wanted.add("protection_case")
        # Adults: with their consent. Children: always, as the law requires.
        wanted.add("law_enforcement")
    if gbv["level"] == "likely":
        wanted.add("gbv_services")
    if smuggling_level in ("likely", "possible"):
        wanted.add("migrant_assistance")
    return [r for r in REFERRAL_ORDER if r in wanted]


def screen_document(document: Any, lang: str = "fr") -> dict[str, Any]:
    """Validate and evaluate a JSON-decoded document; raises contract.InputError."""
    from egide.screening.contract import parse_input

    return evaluate(parse_input(document), lang)
