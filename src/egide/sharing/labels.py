"""Words for the codes of anonymised sharing (dimensions, values, levels, rejection reasons), in
the language of the request: no raw code reaches a page or a table."""

from __future__ import annotations

from typing import Any

import iso3166
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egide.cases.models import SEX_CHOICES
from egide.sharing import ctdc, partner
from egide.sharing.hierarchies import M49_PREFIX, m49_name

DIMENSIONS: dict[str, Any] = {
    "region": _("Region"),
    "sex": _("Sex"),
    "age": _("Age band"),
    "year": _("Year of registration"),
    "nationality": _("Nationality"),
    "purpose": _("Exploitation purpose"),
    "exploitation": _("Type of exploitation"),
    "gender": _("Gender"),
}
QUASI_IDENTIFIERS: dict[str, Any] = {
    "yearOfRegistration": _("Year of registration"),
    "gender": _("Gender"),
    "ageBroad": _("Age band"),
    "citizenship": _("Citizenship"),
    "CountryOfExploitation": _("Country of exploitation"),
}
LEVELS: dict[str, Any] = {
    "period5": _("five-year periods"),
    "broad_band": _("broader age bands"),
    "majority": _("minor / adult"),
    "subregion": _("UN sub-regions"),
    "region": _("UN regions"),
    "blank": _("left blank"),
}
FORMATS: dict[str, Any] = {
    ctdc.V2024: _("CTDC v2024 (27 variables, synthetic-data codebook)"),
    ctdc.KANON2017: _("CTDC 2017 k-anonymised (63 columns)"),
}
EXPLOITATION: dict[str, Any] = {
    "forced_labour": _("Forced labour"),
    "sexual_exploitation": _("Sexual exploitation"),
    "other_exploitation": _("Other exploitation"),
}
GENDERS: dict[str, Any] = {
    "Woman": _("Woman"),
    "Man": _("Man"),
    "Trans/Transgender/NonConforming": _("Transgender or non-conforming"),
}
REASONS: dict[str, Any] = {
    partner.TOO_BIG: _("The file is larger than %(mb)s MB; it was refused before being read."),
    partner.NOT_UTF8: _("The file is not UTF-8 text (near line %(line)s); nothing was imported."),
    partner.BAD_HEADER: _(
        "The first line is not the CTDC v2024 header (27 variables in the codebook's order)."
    ),
    partner.EMPTY: _("The file is empty."),
    partner.R_COLUMNS: _("wrong number of values (27 expected)"),
    partner.R_YEAR: _("not a year, a five-year period or blank"),
    partner.R_GENDER: _("unknown gender"),
    partner.R_AGE: _("unknown age band"),
    partner.R_COUNTRY: _("unknown country code (ISO 3166-1 alpha-3 expected)"),
    partner.R_MONTHS: _("unknown duration"),
    partner.R_FLAG: _("a flag must be 1 or blank"),
    partner.R_CSV: _("malformed CSV line"),
}
NOT_RECORDED = _("Not recorded")


def _lang() -> str:
    return "fr" if (get_language() or "fr").startswith("fr") else "en"


def dimension_label(code: str) -> str:
    return str(DIMENSIONS.get(code, code))


def file_error(error: partner.PartnerFileError) -> str:
    return str(REASONS[error.code]) % {"mb": partner.MAX_BYTES // (1024 * 1024), "line": error.line}


def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))


def country_label(code: str) -> str:
    if code.startswith(M49_PREFIX):
        return m49_name(code, _lang()) or code
    country = iso3166.countries_by_alpha3.get(code) or iso3166.countries_by_alpha2.get(code)
    if country is None:
        return code
    from egide.core.models import Country

    known = Country.objects.filter(code=country.alpha2).first()
    if known is not None:
        return known.name_fr if _lang() == "fr" else known.name_en
    return str(country.name)


def value_label(dim: str, value: str) -> str:
    """The words for *value* of dimension *dim* (never a raw code)."""
    if value == "":
        return str(NOT_RECORDED)
    if dim == "region":
        from egide.core.models import Region

        region = Region.objects.filter(code=value).first()
        return region.name if region is not None else value
    if dim == "sex":
        return str(dict(SEX_CHOICES).get(value, value))
    if dim in ("nationality", "citizenship"):
        return country_label(value)
    if dim == "purpose":
        from egide.screening.catalogue import load_catalogue

        indicator = load_catalogue().by_code.get(f"purpose.{value}")
        return indicator.label(_lang()) if indicator is not None else value
    if dim == "exploitation":
        return str(EXPLOITATION.get(value, value))
    if dim == "gender":
        return str(GENDERS.get(value, value))
    return value


def generalisation_labels(items: list[list[str]] | list[tuple[str, str]]) -> list[str]:
    return [f"{QUASI_IDENTIFIERS.get(q, q)} → {LEVELS.get(level, level)}" for q, level in items]
