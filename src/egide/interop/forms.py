"""Forms of the interoperability pages: SMS channel, CPIMS+ connection, referral to CPIMS+."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.core.limits import NAME_MAX, text_limit
from egide.core.models import Region
from egide.interop import cpims_rules
from egide.interop.models import CpimsConnection, SmsChannel
from egide.interop.primero import PrimeroForbiddenAddress, PrimeroUnreachable, check_host

# Égide field → its label on the referral page and in the mapping.
EGIDE_FIELD_LABELS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "sex": _("Sex"),
    "age": _("Age (from the date or year of birth)"),
    "birth_date": _("Date of birth"),
    "protection_concerns": _("Protection concern (trafficking)"),
}
HTTPS_REQUIRED = _("Use an https:// address (http:// only for a host the server's settings allow).")
PRIVATE_ADDRESS = _(
    "This address leads to a local or private network address: Égide sends there only when "
    "the server's settings allow this host."
)
PASSWORD_REQUIRED = _("Give the account's password.")
PASSWORD_FOR_NEW_SERVER = _(
    "The address points to another server (scheme, host or port changed): give the account's "
    "password again, so that the current one is never sent to the new server."
)
MAPPING_RESERVED = _("CPIMS+ sets this field itself: choose another field name.")
MAPPING_DUPLICATE = _("Another Égide field is already sent to this CPIMS+ field.")
PRIMERO_NAME = r"^[a-z][a-z0-9_]*$"
PRIMERO_NAME_HELP = _("A Primero field name: small letters, digits and _; empty: never sent.")


class SmsChannelForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SmsChannel
        fields = ["name", "kind", "organisation", "default_region", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["default_region"].queryset = Region.objects.all()
        self.fields["default_region"].help_text = _(
            "Messages that name no known place become alerts “to qualify” for the "
            "supervisors of this region."
        )


class CpimsConnectionForm(forms.Form):
    base_url = forms.URLField(label=_("CPIMS+ address"), max_length=300, assume_scheme="https")
    username = forms.CharField(label=_("Account (user name)"), max_length=NAME_MAX)
    password = forms.CharField(
        label=_("Password"),
        max_length=text_limit("interop.CpimsConnection.password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Kept encrypted. Leave empty to keep the current password."),
    )
    module_id = forms.CharField(label=_("Module"), max_length=100)
    protection_concerns = forms.CharField(
        label=_("Protection concerns sent (Primero values, separated by commas)"),
        max_length=300,
        help_text=_("Deployment-specific: check the lookup of protection concerns in CPIMS+."),
    )
    logins_per_minute = forms.IntegerField(
        label=_("Logins per minute at most"),
        min_value=1,
        max_value=cpims_rules.LOGIN_LIMIT_PER_MINUTE,
        help_text=_("CPIMS+ locks the account after 6 logins in a minute."),
    )
    enabled = forms.BooleanField(label=_("Sending enabled"), required=False)

    def __init__(self, *args: Any, connection: CpimsConnection | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.connection = connection
        for name in cpims_rules.EGIDE_FIELDS:
            self.fields[f"map_{name}"] = forms.RegexField(
                label=_("CPIMS+ field for: %(field)s") % {"field": EGIDE_FIELD_LABELS[name]},
                regex=PRIMERO_NAME,
                max_length=100,
                required=False,
                help_text=PRIMERO_NAME_HELP,
            )

    def clean_base_url(self) -> str:
        url: str = self.cleaned_data["base_url"]
        parts = urlsplit(url)
        allowed = cpims_rules.host_allowlisted(
            parts.hostname or "", settings.EGIDE_CPIMS_ALLOWED_HOSTS
        )
        if parts.scheme != "https" and not (allowed or settings.DEBUG):
            raise forms.ValidationError(HTTPS_REQUIRED)
        try:
            check_host(url, settings.EGIDE_CPIMS_ALLOWED_HOSTS)
        except PrimeroForbiddenAddress as exc:
            raise forms.ValidationError(PRIVATE_ADDRESS) from exc
        except PrimeroUnreachable:
            pass  # not resolvable now: checked again before every request
        return url.rstrip("/")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.connection is None and not data.get("password"):
            self.add_error("password", PASSWORD_REQUIRED)
        elif (
            self.connection is not None
            and data.get("base_url")
            and not data.get("password")
            and cpims_rules.origin(data["base_url"]) != cpims_rules.origin(self.connection.base_url)
        ):
            self.add_error("password", PASSWORD_FOR_NEW_SERVER)
        data["field_map"] = {
            name: data.get(f"map_{name}", "") or "" for name in cpims_rules.EGIDE_FIELDS
        }
        for name, problem in cpims_rules.mapping_problems(data["field_map"]).items():
            message = MAPPING_RESERVED if problem == "reserved" else MAPPING_DUPLICATE
            self.add_error(f"map_{name}", message)
        return data

    @staticmethod
    def initial_for(connection: CpimsConnection | None) -> dict[str, Any]:
        if connection is None:
            return {
                "module_id": cpims_rules.DEFAULT_MODULE_ID,
                "protection_concerns": cpims_rules.DEFAULT_PROTECTION_CONCERNS,
                "logins_per_minute": 3,
                "enabled": True,
                **{f"map_{k}": v for k, v in cpims_rules.DEFAULT_FIELD_MAP.items()},
            }
        return {
            "base_url": connection.base_url,
            "username": connection.username,
            "module_id": connection.module_id,
            "protection_concerns": connection.protection_concerns,
            "logins_per_minute": connection.logins_per_minute,
            "enabled": connection.enabled,
            **{f"map_{k}": connection.field_map.get(k, "") for k in cpims_rules.EGIDE_FIELDS},
        }


class CpimsReferForm(forms.Form):
    fields_sent = forms.MultipleChoiceField(
        label=_("Fields to send"),
        choices=list(EGIDE_FIELD_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the ticked fields that have a value are sent. Notes never are."),
    )
