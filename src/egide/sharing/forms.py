"""Forms of anonymised sharing: the case-level export, the count tables, the partner import and
the comparison's choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from egide.sharing import ctdc, kanon, partner
from egide.sharing.labels import DIMENSIONS, FORMATS, QUASI_IDENTIFIERS

MAX_K = 100
#: The family of tables offered (services.TABLE_DIMENSIONS): one row dimension × one column
#: dimension, never a free nesting — every table of the family is suppressed together.
TABLE_ROWS = ("region", "sex", "age", "purpose")
TABLE_COLUMNS = ("sex", "age", "purpose", "region")
COMPARE_ROWS = ("exploitation", "age", "year", "gender")
COMPARE_COLUMNS = ("gender", "age", "exploitation")
SAME_DIMENSION = _("Choose different dimensions for the rows and the columns.")


class ExportForm(forms.Form):
    """A CTDC case-level export: format, k and the quasi-identifiers k applies to."""

    format = forms.ChoiceField(label=_("Format"), choices=list(FORMATS.items()), initial=ctdc.V2024)
    k = forms.IntegerField(
        label=_("k (each released combination is shared by at least k cases)"),
        min_value=kanon.MIN_K,
        max_value=MAX_K,
        initial=kanon.DEFAULT_K,
        error_messages={"min_value": _("k must be at least 2 (k = 1 protects no one).")},
    )
    quasi_identifiers = forms.MultipleChoiceField(
        label=_("Quasi-identifiers"),
        choices=list(QUASI_IDENTIFIERS.items()),
        initial=list(ctdc.QUASI_IDENTIFIERS),
        widget=forms.CheckboxSelectMultiple,
    )


class TableForm(forms.Form):
    """A count table of the shared cases with small-count suppression."""

    rows = forms.ChoiceField(
        label=_("Rows"), choices=[(d, DIMENSIONS[d]) for d in TABLE_ROWS], initial="region"
    )
    column = forms.ChoiceField(
        label=_("Columns"), choices=[(d, DIMENSIONS[d]) for d in TABLE_COLUMNS], initial="purpose"
    )
    format = forms.ChoiceField(label=_("File"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("rows") and data.get("column") == data.get("rows"):
            self.add_error("column", SAME_DIMENSION)
        return data


class PartnerImportForm(forms.Form):
    """A partner's CTDC v2024 CSV, imported under a name."""

    name = forms.CharField(label=_("Name of the dataset"), max_length=200)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Who published it, when, where it was downloaded from."),
    )
    file = forms.FileField(
        label=_("CTDC v2024 CSV file"),
        help_text=format_lazy(
            _("At most {mb} MB; every row is checked, one bad row imports nothing."),
            mb=partner.MAX_BYTES // (1024 * 1024),
        ),
    )


class CompareForm(forms.Form):
    """Which table to show side by side (sent by GET)."""

    rows = forms.ChoiceField(
        label=_("Rows"), choices=[(d, DIMENSIONS[d]) for d in COMPARE_ROWS], initial="exploitation"
    )
    column = forms.ChoiceField(
        label=_("Columns"), choices=[(d, DIMENSIONS[d]) for d in COMPARE_COLUMNS], initial="gender"
    )
    guinean_only = forms.BooleanField(
        label=_("Guinean citizens only"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("rows") and data.get("rows") == data.get("column"):
            self.add_error("column", SAME_DIMENSION)
        return data
