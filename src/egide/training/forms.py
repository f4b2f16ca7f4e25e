"""Forms of the training pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation, User
from egide.core.limits import SESSION_MAX_DAYS, BoundedDateField, text_limit
from egide.core.models import Prefecture, Region
from egide.training.curriculum import curriculum
from egide.training.models import ACTOR_TYPES, AGE_BANDS, SEXES, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def module_choices() -> list[tuple[str, str]]:
    return [(m["code"], f"{m['number']}. {m['title']}") for m in curriculum()["modules"]]


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingSession.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    modules = forms.MultipleChoiceField(
        label=_("Modules"), choices=module_choices, widget=forms.CheckboxSelectMultiple
    )
    start_date = BoundedDateField(label=_("First day"), widget=DATE)
    end_date = BoundedDateField(label=_("Last day"), widget=DATE)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=Prefecture.objects.all(), required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    trainers = forms.ModelMultipleChoiceField(
        label=_("Other trainers"),
        required=False,
        queryset=User.objects.filter(role_assignments__role__code="trainer").distinct(),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"), required=False, queryset=Organisation.objects.all()
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The last day is before the first day."))
        elif (
            data.get("start_date")
            and data.get("end_date")
            and (data["end_date"] - data["start_date"]).days + 1 > SESSION_MAX_DAYS
        ):
            self.add_error(
                "end_date",
                _("A session lasts at most %(n)s days.") % {"n": SESSION_MAX_DAYS},
            )
        if not data.get("online") and not data.get("region"):
            self.add_error("region", _("Choose the region, or tick 'online'."))
        return data


class SessionSearchForm(forms.Form):
    q = forms.CharField(label=_("Words (title, venue)"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All"))] + list(TrainingSession.Kind.choices),
        required=False,
    )
    date_from = BoundedDateField(label=_("From"), required=False, widget=DATE)
    date_to = BoundedDateField(label=_("To"), required=False, widget=DATE)


class ParticipantForm(forms.Form):
    """One participant: the page's form, and the check of every row of an XLSX import."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=text_limit("training.Participant.full_name")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEXES)
    age_band = forms.ChoiceField(label=_("Age band"), choices=AGE_BANDS)
    actor_type = forms.ChoiceField(label=_("Actor type"), choices=ACTOR_TYPES)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=text_limit("training.Participant.phone"), required=False
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=text_limit("training.Participant.email"), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Participant list (XLSX)"))


def test_form(question_codes: list[str], bank: dict[str, Any], data: Any = None) -> forms.Form:
    """A form with one radio question per test question, in the test's order."""
    form = forms.Form(data)
    for number, code in enumerate(question_codes, start=1):
        question = bank[code]
        form.fields[code] = forms.ChoiceField(
            label=f"{number}. {question['text']}",
            widget=forms.RadioSelect,
            choices=[(str(i), c) for i, c in enumerate(question["choices"])],
            required=False,
        )
    return form
