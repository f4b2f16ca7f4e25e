"""The referral form and the provider's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.cases.models import URGENCY_CHOICES, Case
from egide.directory.models import Service
from egide.directory.needs import NEED_TYPES
from egide.referrals.models import Referral

SHARED_CHOICES = [
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("age", _("Age")),
    ("sex", _("Sex")),
    ("languages", _("Languages")),
    ("phone", _("Phone")),
    ("guardian", _("Guardian")),
]


class ReferralForm(forms.Form):
    need = forms.ModelChoiceField(label=_("Need to refer"), queryset=None)  # type: ignore[arg-type]
    service = forms.ModelChoiceField(label=_("Service"), queryset=None)  # type: ignore[arg-type]
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=URGENCY_CHOICES, widget=forms.RadioSelect, initial="normal"
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Data the provider needs (only these are sent; notes never are)"),
        choices=SHARED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the provider"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        label=_("Supervisor only: reason to send without consent"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = case.needs.exclude(status__in=["met", "not_met"])
        self.fields["service"].queryset = (
            Service.objects.filter(is_active=True)
            .select_related("provider")
            .order_by("need_type", "name")
        )
        self.fields["service"].label_from_instance = lambda s: (
            f"{s.get_need_type_display()} — {s.name} ({s.provider})"
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliveryForm(forms.Form):
    delivered = forms.ChoiceField(
        label=_("Was the service delivered?"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))],
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralFilterForm(forms.Form):
    q = forms.CharField(label=_("Referral or case code"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Referral.Status.choices]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All")), *URGENCY_CHOICES]
    )
    need_type = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("All")), *NEED_TYPES]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
