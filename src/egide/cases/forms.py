"""Forms of the alert, case, consent, need, note, follow-up and closure pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import User
from egide.cases.models import CASE_FLAGS, URGENCY_CHOICES, Alert, Case, Consent, Need, Note
from egide.core.limits import BoundedDateField, text_limit
from egide.core.models import Country, Prefecture, Region
from egide.directory.needs import NEED_TYPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FUTURE_DATE = _("This date is in the future.")
PREFECTURE_REGION = _("This prefecture is not in the chosen region.")
TRI = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]


class AlertForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=Prefecture.objects.all(), required=False
    )
    locality = forms.CharField(label=_("Locality"), max_length=200, required=False)
    border_point = forms.CharField(label=_("Border point (if any)"), max_length=200, required=False)
    seen_on = BoundedDateField(label=_("Date seen"), widget=DATE)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=URGENCY_CHOICES, widget=forms.RadioSelect
    )
    child_concerned = forms.ChoiceField(
        label=_("Is a child concerned?"), choices=TRI, required=False
    )
    person_description = forms.CharField(
        label=_("Who is concerned"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=text_limit("cases.Alert.person_description"),
        help_text=_(
            "As little identifying data as possible: for example 'girl of about 14, speaks Pular'."
        ),
    )
    what_was_seen = forms.CharField(
        label=_("What was seen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=text_limit("cases.Alert.what_was_seen"),
    )

    def clean_seen_on(self) -> Any:
        value = self.cleaned_data["seen_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        prefecture, region = data.get("prefecture"), data.get("region")
        if prefecture and region and prefecture.region_id != region.pk:
            self.add_error("prefecture", PREFECTURE_REGION)
        data["child_concerned"] = {"yes": True, "no": False}.get(data.get("child_concerned", ""))
        return data


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("open", _("Open a case")),
            ("merge", _("Merge into an existing case")),
            ("close", _("Close with a reason")),
        ],
    )
    owner = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )
    case_code = forms.CharField(label=_("Existing case code"), max_length=24, required=False)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == "open" and not data.get("owner"):
            self.add_error("owner", _("Choose the case worker who will own the case."))
        if decision == "merge" and not data.get("case_code"):
            self.add_error("case_code", _("Give the code of the existing case."))
        if decision == "close" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason."))
        return data


class IdentityForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Case
        fields = [
            "first_name",
            "last_name",
            "aliases",
            "sex",
            "birth_date",
            "birth_year",
            "nationality",
            "languages",
            "phone",
            "guardian",
            "child",
            "prefecture",
            "flags",
        ]
        # The encrypted fields are TextFields: one-line inputs, not ten-row boxes on a phone.
        widgets = {
            "birth_date": DATE,
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "aliases": forms.TextInput(attrs={"autocomplete": "off"}),
            "languages": forms.TextInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "guardian": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].queryset = Country.objects.all()
        self.fields["birth_date"] = BoundedDateField(
            label=_("Date of birth"), required=False, widget=DATE
        )
        if self.instance.birth_date:
            self.initial["birth_date"] = self.instance.birth_date
        self.fields["prefecture"].queryset = Prefecture.objects.filter(
            region_id=self.instance.region_id
        )
        self.fields["birth_year"].validators.append(self._year)
        self.fields["flags"] = forms.MultipleChoiceField(
            label=_("Flags"),
            choices=CASE_FLAGS,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    @staticmethod
    def _year(value: int) -> None:
        if value is not None and not 1900 <= value <= timezone.localdate().year:
            raise forms.ValidationError(_("Give a year between 1900 and this year."))

    def clean_birth_date(self) -> str:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)
        return value.isoformat() if value else ""


class StatusForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    status = forms.ChoiceField(
        label=_("New status"),
        choices=[c for c in Case.Status.choices if c[0] != Case.Status.CLOSED],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConsentForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    service_types = forms.MultipleChoiceField(
        label=_("Service types the data may be shared with"),
        choices=NEED_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Consent.Decision.choices)
    given_by = forms.ChoiceField(label=_("Decided by"), choices=Consent.GivenBy.choices)
    language = forms.CharField(label=_("Language in which it was explained"), max_length=40)
    decided_on = BoundedDateField(label=_("Date"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == Consent.Purpose.SHARING and not data.get("service_types"):
            self.add_error("service_types", _("Name the service types the person agreed to."))
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", FUTURE_DATE)
        return data


class NeedForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    need_type = forms.ChoiceField(label=_("Need"), choices=NEED_TYPES)
    priority = forms.ChoiceField(label=_("Priority"), choices=Need.Priority.choices)
    action = forms.CharField(label=_("Action planned"), required=False, max_length=1000)
    responsible = forms.CharField(label=_("Who does it"), required=False, max_length=200)
    due_on = BoundedDateField(label=_("By when"), required=False, widget=DATE)


class NoteForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Note.Sensitivity.choices)


class AttachmentForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    file = forms.FileField(label=_("File (PDF, JPEG, PNG or text, 5 MB at most)"))


class FollowUpForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    due_on = BoundedDateField(label=_("Follow-up due on"), widget=DATE)
    note = forms.CharField(label=_("Purpose"), required=False, max_length=500)


class ClosureForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    reason = forms.ChoiceField(label=_("Closure reason"), choices=Case.ClosureReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    same_for_everyone = True  # fixed choices: its blank fields are written once

    note = forms.CharField(label=_("Why reopen?"), max_length=300)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Add to the team"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["user"].queryset = candidates


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case code or name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Case.Status.choices]
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )
    need = forms.ChoiceField(label=_("Need"), required=False, choices=[("", _("All")), *NEED_TYPES])
    child = forms.ChoiceField(label=_("Child"), required=False, choices=TRI)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    opened_from = BoundedDateField(label=_("Opened from"), required=False, widget=DATE)
    opened_to = BoundedDateField(label=_("Opened until"), required=False, widget=DATE)

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class AlertFilterForm(forms.Form):
    q = forms.CharField(label=_("Alert code or locality"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Alert.Status.choices]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All")), *URGENCY_CHOICES]
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
