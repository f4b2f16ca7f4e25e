"""Forms of the DHIS2 link: the connection, the three mapping tables, a period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from egide.dhis2 import rules
from egide.dhis2.models import Connection, ElementMapping, OrgUnitMapping, PeriodMapping
from egide.dhis2.selectors import area_choices
from egide.dhis2.services import bad_period_message

BAD_UID = _(
    "A DHIS2 identifier has 11 characters: a letter, then letters and digits (e.g. f7n9E0hX8qk)."
)
NOT_A_BREAKDOWN = _("%(part)s is not a breakdown of this indicator in the results framework.")
BAD_DISAGGREGATION = _(
    "Write each breakdown as dimension=category, separated by semicolons "
    "(e.g. sex=female; age_band=u18); region and prefecture are mapped as organisation units."
)
FORMAT_MISMATCH = _("This format writes another kind of period.")
PASSWORD_KEPT = _("Leave empty to keep the stored password.")


def _uid(value: str) -> str:
    value = (value or "").strip()
    if not rules.is_uid(value):
        raise ValidationError(BAD_UID, code="bad_uid")
    return value


class ConnectionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The DHIS2 server. The password is never shown back; empty keeps it."""

    url = forms.URLField(
        label=_("server address"),
        max_length=300,
        assume_scheme="https",
        help_text=_("For example https://dhis2.example.org (without /api)."),
    )
    password = forms.CharField(
        label=_("password"),
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Connection
        fields = ["url", "username", "password", "timeout_seconds"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["password"].help_text = PASSWORD_KEPT
        self.initial.pop("password", None)

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if not url.startswith(("https://", "http://")):
            raise ValidationError(_("The address starts with https:// (or http://)."))
        return url.rstrip("/")


def _indicator_choices() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    from egide.monitoring import framework

    return [
        (i.code, f"{i.code} — {i.name.get(get_language())}") for i in framework.load().indicators
    ]


class ElementMappingForm(forms.ModelForm):  # type: ignore[type-arg]
    """Indicator + disaggregation → data element + category option combo. The indicator and
    its breakdown are checked against the results framework."""

    class Meta:
        model = ElementMapping
        fields = ["indicator", "disaggregation", "data_element", "category_option_combo"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(
            label=_("indicator"), choices=_indicator_choices()
        )

    def clean_disaggregation(self) -> str:
        from egide.monitoring import framework, labels

        try:
            pairs = rules.parse_disaggregation(self.cleaned_data.get("disaggregation", ""))
        except ValueError as exc:
            raise ValidationError(BAD_DISAGGREGATION, code="bad_disaggregation") from exc
        code = self.cleaned_data.get("indicator")
        if code:
            allowed = framework.load().indicator(code).disaggregations
            for dimension, category in pairs:
                known = labels.category_order(dimension)
                if dimension not in allowed or (known and category not in known):
                    raise ValidationError(
                        NOT_A_BREAKDOWN,
                        code="not_a_breakdown",
                        params={"part": f"{dimension}={category}"},
                    )
        return rules.disaggregation_key(pairs)

    def clean_data_element(self) -> str:
        return _uid(self.cleaned_data["data_element"])

    def clean_category_option_combo(self) -> str:
        value = (self.cleaned_data.get("category_option_combo") or "").strip()
        return _uid(value) if value else ""


class OrgUnitMappingForm(forms.ModelForm):  # type: ignore[type-arg]
    """The country, a region or a prefecture → an organisation unit."""

    class Meta:
        model = OrgUnitMapping
        fields = ["area", "org_unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = forms.ChoiceField(
            label=_("area"), choices=area_choices(), required=False
        )

    def clean_org_unit(self) -> str:
        return _uid(self.cleaned_data["org_unit"])


class PeriodMappingForm(forms.ModelForm):  # type: ignore[type-arg]
    """A kind of period → the DHIS2 format its figures are sent in."""

    class Meta:
        model = PeriodMapping
        fields = ["period_type", "dhis2_format"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind, fmt = data.get("period_type"), data.get("dhis2_format")
        if kind and fmt and rules.FORMATS[fmt].value != kind:
            self.add_error("dhis2_format", FORMAT_MISMATCH)
        return data


class PeriodForm(forms.Form):
    """A period in DHIS2's syntax, to export or push."""

    period = forms.CharField(
        label=_("period"),
        max_length=7,
        help_text=_("A year (2024), a quarter (2024Q3) or a month (202403)."),
    )

    def clean_period(self) -> str:
        try:
            return rules.parse_period(self.cleaned_data["period"]).id
        except rules.PeriodError as exc:
            raise ValidationError(bad_period_message(), code="bad_period") from exc
