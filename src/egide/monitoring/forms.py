"""The dashboard's filters and the donor report's request."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.core.models import Region
from egide.monitoring import periods
from egide.monitoring.labels import AGE_BAND_LABELS

PERIOD_MAX = 6  # yyyyMM, the longest DHIS2 period Égide uses (same as Target.period)
PERIOD_HELP = _("A year (2024), a quarter (2024Q3) or a month (202403).")
NOT_QUARTER_OR_YEAR = _("A donor report covers a quarter (2024Q3) or a year (2024).")


def default_period() -> str:
    return str(date.today().year)  # noqa: DTZ011 - a calendar year, the server's date is enough


class PeriodField(forms.CharField):
    """A period in DHIS2's syntax, returned as text once checked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", PERIOD_MAX)
        kwargs.setdefault("help_text", PERIOD_HELP)
        kwargs.setdefault("label", _("Period"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value:
            try:
                periods.parse(value)
            except periods.PeriodError as exc:
                raise forms.ValidationError(
                    _("Write a year (2024), a quarter (2024Q3) or a month (202403), years %(low)s to %(high)s.")
                    % {"low": periods.MIN_YEAR, "high": periods.MAX_YEAR}
                ) from exc
        return value.strip() if value else value


def _sex_choices() -> list[tuple[str, Any]]:
    from egide.cases.models import SEX_CHOICES

    return [("", _("All")), *SEX_CHOICES]


class DashboardFilterForm(forms.Form):
    period = PeriodField(required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Whole country"),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_sex_choices, required=False)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=[("", _("All")), *AGE_BAND_LABELS], required=False
    )


class DonorReportForm(forms.Form):
    period = PeriodField()
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Whole country"),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", _("Spreadsheet (XLSX)")), ("pdf", _("PDF"))]
    )

    def clean_period(self) -> str:
        value: str = self.cleaned_data["period"]
        if periods.parse(value).type is periods.PeriodType.MONTHLY:
            raise forms.ValidationError(NOT_QUARTER_OR_YEAR)
        return value
