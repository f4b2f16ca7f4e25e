"""The CTDC data standard and how Égide's records fill it: column lists, value codes, and the
mapping of every CTDC variable to what Égide records (or to nothing: then the column is blank).

Pure Python, no Django: the export, the partner import, the README's table and the tests share
this one mapping.

Sources (see ``../shared/research/interop.md`` §7):

* **v2024** — IOM CTDC, *The Global Synthetic Data Codebook, Version 2 – February 2024*
  (read with pdftotext from madiforman/CTDC_analysis
  ``data/Codebook_CTDC_global_synthetic_data_v2024.pdf``): 27 variables; flags coded ``1`` or
  blank, never 0; age bands 0–8 … 48+; gender Man | Woman | Trans/Transgender/NonConforming;
  countries ISO 3166-1 alpha-3. Column names and order as in the published CSV
  (krissimbolon/libera ``ctdc-synthetic.csv``, commit 48856488, header read): the CSV says
  ``sectorOf…`` where the codebook's detail section says ``typeOf…``, and ``meansWithholdDocs``
  — Égide writes the CSV's names. **Verified** (header and bands ``0--8`` with a double hyphen
  read in the CSV); ``48+`` is the codebook's wording, not seen in the CSV (**not verified**).
* **kanon2017** — CTDC *Global Dataset* codebook v6 (Nov 2017), k-anonymised with k = 11:
  63 columns, countries ISO 3166-1 alpha-2. Column list from a third-party script and a copy of
  the codebook (**not verified against IOM's own file**). Its value conventions for missing data
  were not verified either: Égide writes ``1`` or blank there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import iso3166

V2024 = "v2024"
KANON2017 = "kanon2017"
FORMATS = (V2024, KANON2017)

V2024_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "sectorOfLabourAgriculture",
    "sectorOfLabourConstruction",
    "sectorOfLabourDomesticWork",
    "sectorOfLabourHospitality",
    "sectorOfSexProstitution",
    "sectorOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
)

_MEANS_2017 = (
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
    "NotSpecified",
)
_IS_2017 = (
    "ForcedLabour",
    "SexualExploit",
    "OtherExploit",
    "SexAndLabour",
    "ForcedMarriage",
    "ForcedMilitary",
    "OrganRemoval",
    "SlaveryAndPractices",
)
_LABOUR_2017 = (
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
    "NotSpecified",
)
_SEX_2017 = ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
_RECRUITER_2017 = ("IntimatePartner", "Friend", "Family", "Other", "Unknown")

KANON2017_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *(f"meansOfControl{m}" for m in _MEANS_2017),
    "meansOfControlConcatenated",
    *(f"is{t}" for t in _IS_2017),
    "typeOfExploitConcatenated",
    *(f"typeOfLabour{t}" for t in _LABOUR_2017),
    "typeOfLabourConcatenated",
    *(f"typeOfSex{t}" for t in _SEX_2017),
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *(f"recruiterRelation{r}" for r in _RECRUITER_2017),
)

COLUMNS = {V2024: V2024_COLUMNS, KANON2017: KANON2017_COLUMNS}

#: The quasi-identifiers k-anonymity is enforced on (CTDC's), by their v2024 names.
QUASI_IDENTIFIERS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
)

# --- value codes ------------------------------------------------------------------------------

FLAG = "1"
BLANK = ""

#: v2024 age bands (codebook): (lowest age, highest age or None, CSV text).
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, None, "48+"),
)
AGE_BAND_TEXTS = tuple(text for _lo, _hi, text in AGE_BANDS)
TRAFFICK_MONTHS = ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)")

#: Égide's sex → v2024 gender. "unknown" stays blank. Égide's "other" is the closest to the
#: codebook's third category (an Égide choice, stated in the README).
GENDER_V2024 = {"female": "Woman", "male": "Man", "other": "Trans/Transgender/NonConforming"}
GENDERS_V2024 = tuple(GENDER_V2024.values())
#: The 2017 dataset's gender words (not verified against IOM's file).
GENDER_2017 = {"female": "Female", "male": "Male", "other": "Transgender/NonConforming"}
DATASOURCE_2017 = "Case Management"

REGISTRATION_YEARS = (2002, 2100)
#: Majority status of a released age band (codebook bands and the broader ones of the
#: generalisation hierarchy).
MAJORITY_OF_BAND = {
    **{
        text: ("Minor" if (high is not None and high < 18) else "Adult")
        for _lo, high, text in AGE_BANDS
    },
    "0--17": "Minor",
    "18--29": "Adult",
    "30--47": "Adult",
    "18+": "Adult",
}  # the codebook's data start in 2002


def age_band(age: int | None) -> str:
    """The v2024 band of *age* (blank when unknown)."""
    if age is None or age < 0:
        return BLANK
    for low, high, text in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return text
    return BLANK  # pragma: no cover - the last band is open


def alpha3(alpha2: str | None) -> str:
    """ISO 3166-1 alpha-3 of an alpha-2 code (blank when unknown)."""
    if not alpha2:
        return BLANK
    country = iso3166.countries_by_alpha2.get(alpha2.upper())
    return country.alpha3 if country is not None else BLANK


def is_country_alpha3(code: str) -> bool:
    return code in iso3166.countries_by_alpha3


def is_country_alpha2(code: str) -> bool:
    return code in iso3166.countries_by_alpha2


# --- the mapping ------------------------------------------------------------------------------

# Where a flag comes from: screening catalogue codes (``<group>.<indicator>``, GBV types bare).
DEBT = ("coercive_recruitment.debt_bondage", "coercion_at_destination.debt_bondage")
EARNINGS = (
    "coercive_recruitment.withholding_of_money",
    "coercion_at_destination.withholding_of_wages",
)
THREATS = (
    "coercive_recruitment.threat_of_violence",
    "coercive_recruitment.threat_of_denunciation",
    "coercive_recruitment.threat_to_inform_family",
    "coercive_recruitment.violence_on_family",
    "coercion_at_destination.threat_of_violence",
    "coercion_at_destination.threat_of_denunciation",
    "coercion_at_destination.threat_to_inform_family",
    "coercion_at_destination.threat_of_worse_conditions",
    "coercion_at_destination.violence_on_family",
)
LAW_THREATS = (
    "coercive_recruitment.threat_of_denunciation",
    "coercion_at_destination.threat_of_denunciation",
)
PHYSICAL = (
    "coercive_recruitment.violence_on_victim",
    "coercion_at_destination.violence_on_victim",
    "physical_assault",
)
SEXUAL = ("rape", "sexual_assault")
PSYCHOLOGICAL = ("psychological_abuse",)
FALSE_PROMISES = (
    "deceptive_recruitment.nature_of_job",
    "deceptive_recruitment.conditions_of_work",
    "deceptive_recruitment.contract",
    "deceptive_recruitment.family_reunification",
    "deceptive_recruitment.housing",
    "deceptive_recruitment.legal_documentation",
    "deceptive_recruitment.travel_conditions",
    "deceptive_recruitment.wages",
    "deceptive_recruitment.marriage_or_adoption",
    "deceptive_recruitment.education_opportunities",
)
BASIC_NEEDS = ("exploitative_conditions.bad_living_conditions",)
WORK_HOURS = ("exploitative_conditions.excessive_working_hours",)
DOCUMENTS = (
    "coercive_recruitment.confiscation_of_documents",
    "coercion_at_destination.confiscation_of_documents",
)
MOVEMENT = (
    "coercive_recruitment.isolation_confinement_surveillance",
    "coercion_at_destination.isolation_confinement_surveillance",
)
ABDUCTION = ("coercive_recruitment.abduction_marriage_adoption_or_sale",)
FORCED_LABOUR = ("purpose.forced_labour", "purpose.domestic_servitude", "purpose.forced_begging")
SEXUAL_EXPLOIT = ("purpose.sexual_exploitation",)
OTHER_EXPLOIT = (
    "purpose.forced_criminality",
    "purpose.forced_marriage",
    "purpose.slavery_or_servitude",
    "purpose.organ_removal",
    "purpose.child_soldiering",
)
DOMESTIC = ("purpose.domestic_servitude",)
BEGGING = ("purpose.forced_begging",)
ILLICIT = ("purpose.forced_criminality", "coercion_at_destination.forced_illicit_activities")


@dataclass(frozen=True)
class Variable:
    """One CTDC variable: where Égide takes it from (``codes`` for a flag), in words."""

    name: str
    source: str  # in words, for the README and the page (English; the README has French too)
    codes: tuple[str, ...] = ()
    filled: bool = True


def _flag(name: str, codes: tuple[str, ...], words: str) -> Variable:
    return Variable(name, f"1 if the latest screening holds: {words}", codes)


def _none(name: str, why: str = "not recorded by Égide") -> Variable:
    return Variable(name, why, (), filled=False)


V2024_MAPPING: tuple[Variable, ...] = (
    Variable("yearOfRegistration", "year the case was opened (Case.opened_at)"),
    Variable("gender", "Case.sex: female → Woman, male → Man, other → Trans/…; unknown blank"),
    Variable("ageBroad", "case year minus estimated birth year (Case.birth_year), banded"),
    Variable("citizenship", "Case.nationality (ISO alpha-2) as ISO alpha-3"),
    _none("CountryOfExploitation"),
    _none("traffickMonths"),
    _flag(
        "meansDebtBondageEarnings",
        DEBT + EARNINGS,
        "debt bondage, withholding of money or of wages",
    ),
    _flag("meansThreats", THREATS, "any threat indicator, violence on family"),
    _flag(
        "meansAbusePsyPhySex",
        PHYSICAL + SEXUAL + PSYCHOLOGICAL,
        "violence on the victim; GBV rape, sexual or physical assault, psychological abuse",
    ),
    _flag("meansFalsePromises", FALSE_PROMISES, "any deceptive-recruitment indicator"),
    _none("meansDrugsAlcohol", "no screening indicator"),
    _flag("meansDenyBasicNeeds", BASIC_NEEDS, "bad living conditions"),
    _flag("meansExcessiveWorkHours", WORK_HOURS, "excessive working days or hours"),
    _flag("meansWithholdDocs", DOCUMENTS, "confiscation of documents"),
    _flag("isForcedLabour", FORCED_LABOUR, "purpose forced labour, domestic servitude, begging"),
    _flag("isSexualExploit", SEXUAL_EXPLOIT, "purpose sexual exploitation"),
    _flag(
        "isOtherExploit",
        OTHER_EXPLOIT,
        "purpose forced criminality, forced marriage, slavery, organ removal, child soldiering",
    ),
    _none("sectorOfLabourAgriculture", "sector not recorded by Égide"),
    _none("sectorOfLabourConstruction", "sector not recorded by Égide"),
    _flag("sectorOfLabourDomesticWork", DOMESTIC, "purpose domestic servitude"),
    _none("sectorOfLabourHospitality", "sector not recorded by Égide"),
    _none("sectorOfSexProstitution", "Égide's purpose does not tell prostitution apart"),
    _none("sectorOfSexPornography", "Égide's purpose does not tell pornography apart"),
    _none("recruiterRelationIntimatePartner"),
    _none("recruiterRelationFriend"),
    _none("recruiterRelationFamily"),
    _none("recruiterRelationOther"),
)

_MEANS_2017_CODES: dict[str, tuple[str, ...]] = {
    "DebtBondage": DEBT,
    "TakesEarnings": EARNINGS,
    "Threats": THREATS,
    "PsychologicalAbuse": PSYCHOLOGICAL,
    "PhysicalAbuse": PHYSICAL,
    "SexualAbuse": SEXUAL,
    "FalsePromises": FALSE_PROMISES,
    "RestrictsMovement": MOVEMENT,
    "ExcessiveWorkingHours": WORK_HOURS,
    "ThreatOfLawEnforcement": LAW_THREATS,
    "WithholdsNecessities": BASIC_NEEDS,
    "WithholdsDocuments": DOCUMENTS,
}
_IS_2017_CODES: dict[str, tuple[str, ...]] = {
    "ForcedLabour": FORCED_LABOUR,
    "SexualExploit": SEXUAL_EXPLOIT,
    "OtherExploit": OTHER_EXPLOIT,
    "ForcedMarriage": ("purpose.forced_marriage",),
    "ForcedMilitary": ("purpose.child_soldiering",),
    "OrganRemoval": ("purpose.organ_removal",),
    "SlaveryAndPractices": ("purpose.slavery_or_servitude",),
}
_LABOUR_2017_CODES: dict[str, tuple[str, ...]] = {
    "Begging": BEGGING,
    "DomesticWork": DOMESTIC,
    "IllicitActivities": ILLICIT,
}


def _kanon2017_mapping() -> tuple[Variable, ...]:
    out: list[Variable] = [
        Variable("yearOfRegistration", "year the case was opened"),
        Variable("Datasource", f'always "{DATASOURCE_2017}"'),
        Variable("gender", "Case.sex: female → Female, male → Male, other → Transgender/…"),
        Variable("ageBroad", "as v2024"),
        Variable("majorityStatus", "Adult / Minor from the released age band"),
        _none("majorityStatusAtExploit"),
        _none("majorityEntry"),
        Variable("citizenship", "Case.nationality, ISO alpha-2"),
    ]
    for m in _MEANS_2017:
        name = f"meansOfControl{m}"
        if m in _MEANS_2017_CODES:
            out.append(_flag(name, _MEANS_2017_CODES[m], "as the v2024 means"))
        elif m == "NotSpecified":
            out.append(Variable(name, "1 when the screening records no means"))
        else:
            out.append(_none(name, "no screening indicator"))
    out.append(Variable("meansOfControlConcatenated", "the means set, joined by ';'"))
    for t in _IS_2017:
        if t == "SexAndLabour":
            out.append(Variable("isSexAndLabour", "1 when both sexual and labour exploitation"))
        else:
            out.append(_flag(f"is{t}", _IS_2017_CODES[t], "purpose"))
    out.append(Variable("typeOfExploitConcatenated", "the exploitation types set, joined"))
    for t in _LABOUR_2017:
        name = f"typeOfLabour{t}"
        if t in _LABOUR_2017_CODES:
            out.append(_flag(name, _LABOUR_2017_CODES[t], "purpose"))
        elif t == "NotSpecified":
            out.append(Variable(name, "1 for forced labour without a known type"))
        else:
            out.append(_none(name, "sector not recorded by Égide"))
    out.append(Variable("typeOfLabourConcatenated", "the labour types set, joined"))
    for t in _SEX_2017:
        out.append(_none(f"typeOfSex{t}", "Égide's purpose does not tell the type apart"))
    out.append(Variable("typeOfSexConcatenated", "blank (no type recorded)", filled=False))
    out.append(_flag("isAbduction", ABDUCTION, "abduction, forced marriage/adoption or sale"))
    out.append(_none("RecruiterRelationship"))
    out.append(_none("CountryOfExploitation"))
    for r in _RECRUITER_2017:
        out.append(_none(f"recruiterRelation{r}"))
    return tuple(out)


KANON2017_MAPPING = _kanon2017_mapping()
MAPPINGS = {V2024: V2024_MAPPING, KANON2017: KANON2017_MAPPING}


# --- one case → one row ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """The anonymous facts of one case Égide exports (no name, no code, no place below country).

    ``indicators`` are the screening's catalogue codes and GBV types of the latest screening.
    """

    year: int
    sex: str = "unknown"
    age: int | None = None
    child: bool = False
    nationality: str = ""  # ISO alpha-2
    indicators: frozenset[str] = field(default_factory=frozenset)


def quasi_identifiers(facts: CaseFacts, fmt: str = V2024) -> tuple[str, ...]:
    """The five quasi-identifier values of *facts* as the format writes them (ungeneralised)."""
    gender = (GENDER_V2024 if fmt == V2024 else GENDER_2017).get(facts.sex, BLANK)
    country = alpha3(facts.nationality) if fmt == V2024 else (facts.nationality or BLANK)
    return (str(facts.year), gender, age_band(facts.age), country, BLANK)


def _has(codes: frozenset[str], wanted: Iterable[str]) -> bool:
    return any(c in codes for c in wanted)


def _flag_positions() -> dict[str, tuple[int, ...]]:
    positions: dict[str, list[int]] = {}
    for index, variable in enumerate(V2024_MAPPING):
        if variable.filled:
            for code in variable.codes:
                positions.setdefault(code, []).append(index)
    return {code: tuple(p) for code, p in positions.items()}


#: screening code → the v2024 columns it sets (one dictionary look-up per recorded code).
V2024_FLAG_POSITIONS = _flag_positions()
_V2024_BLANK_FLAGS = [BLANK] * (len(V2024_COLUMNS) - 6)


def v2024_row(facts: CaseFacts, qi: Sequence[str]) -> list[str]:
    """The 27 values of *facts*; *qi* are the (possibly generalised) quasi-identifier values in
    :data:`QUASI_IDENTIFIERS` order."""
    row = [qi[0], qi[1], qi[2], qi[3], qi[4], BLANK, *_V2024_BLANK_FLAGS]
    for code in facts.indicators:
        for index in V2024_FLAG_POSITIONS.get(code, ()):
            row[index] = FLAG
    return row


def kanon2017_row(facts: CaseFacts, qi: Sequence[str]) -> list[str]:
    """The 63 values of *facts* in the 2017 k-anonymised layout (quasi-identifiers as *qi*)."""
    codes = facts.indicators
    values: dict[str, str] = {
        "yearOfRegistration": qi[0],
        "Datasource": DATASOURCE_2017,
        "gender": qi[1],
        "ageBroad": qi[2],
        "citizenship": qi[3],
        "CountryOfExploitation": qi[4],
    }
    # From the released age band only: the majority status then tells nothing the band does not.
    values["majorityStatus"] = MAJORITY_OF_BAND.get(qi[2], BLANK)
    means = [m for m, c in _MEANS_2017_CODES.items() if _has(codes, c)]
    for m in means:
        values[f"meansOfControl{m}"] = FLAG
    if not means:
        values["meansOfControlNotSpecified"] = FLAG
    values["meansOfControlConcatenated"] = ";".join(means)
    kinds = [t for t, c in _IS_2017_CODES.items() if _has(codes, c)]
    for t in kinds:
        values[f"is{t}"] = FLAG
    if "ForcedLabour" in kinds and "SexualExploit" in kinds:
        values["isSexAndLabour"] = FLAG
    values["typeOfExploitConcatenated"] = ";".join(kinds)
    labour = [t for t, c in _LABOUR_2017_CODES.items() if _has(codes, c)]
    for t in labour:
        values[f"typeOfLabour{t}"] = FLAG
    if "ForcedLabour" in kinds and not labour:
        values["typeOfLabourNotSpecified"] = FLAG
        labour = ["NotSpecified"]
    values["typeOfLabourConcatenated"] = ";".join(labour)
    if _has(codes, ABDUCTION):
        values["isAbduction"] = FLAG
    return [values.get(name, BLANK) for name in KANON2017_COLUMNS]


def row_for(fmt: str, facts: CaseFacts, qi: Sequence[str]) -> list[str]:
    if fmt == V2024:
        return v2024_row(facts, qi)
    if fmt == KANON2017:
        return kanon2017_row(facts, qi)
    raise ValueError(f"unknown format {fmt!r}")


def unfilled(fmt: str) -> list[str]:
    """The variables of *fmt* Égide always leaves blank."""
    return [v.name for v in MAPPINGS[fmt] if not v.filled]


def mapping_rows(fmt: str) -> list[tuple[str, str, bool]]:
    """(variable, where Égide takes it from, filled?) in column order — for the page."""
    return [(v.name, v.source, v.filled) for v in MAPPINGS[fmt]]


def columns_of(fmt: str) -> Sequence[str]:
    if fmt not in COLUMNS:
        raise ValueError(f"unknown format {fmt!r}")
    return COLUMNS[fmt]


def indicator_codes_used() -> frozenset[str]:
    """Every screening code the mappings read (tests check them against the catalogue)."""
    codes: set[str] = set()
    for mapping in MAPPINGS.values():
        for v in mapping:
            codes.update(v.codes)
    return frozenset(codes)


def flags_of(row: Mapping[str, str]) -> frozenset[str]:
    """The v2024 flag variables set to 1 in a CSV row."""
    return frozenset(name for name in V2024_COLUMNS[6:] if row.get(name) == FLAG)
