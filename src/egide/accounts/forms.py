"""Forms of the login, second-factor and profile pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import User


class TokenForm(forms.Form):
    """The six-digit code shown by the authenticator application."""

    token = forms.RegexField(
        label=_("Six-digit code from your authenticator application"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Type the six digits shown by your application.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class LanguageForm(forms.Form):
    """The interface language."""

    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)


class EnrolmentCodeForm(forms.Form):
    """The one-time code an administrator gave to set up an authenticator."""

    code = forms.CharField(
        label=_("Enrolment code given by your administrator"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class ApiTokenForm(forms.Form):
    """A name for a new API token (the device or program that will use it)."""

    name = forms.CharField(
        label=_("Token name (device or program)"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
