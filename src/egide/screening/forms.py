"""Forms of the interview steps and of the worker's determination."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egide.core.models import Region
from egide.screening import services
from egide.screening.catalogue import load_catalogue
from egide.screening.contract import MAX_AGE
from egide.screening.models import Assessment

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]
LANGUAGES = [
    ("fr", _("French")),
    ("ff", _("Pular")),
    ("man", _("Maninka")),
    ("sus", _("Susu")),
    ("kss", _("Kissi")),
    ("en", _("English")),
    ("other", _("Other")),
]
SEXES = [
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other")),
    ("unknown", _("Unknown / not said")),
]
# The catalogue's S/M/W strengths in words: a letter alone means nothing to a field worker.
STRENGTH_WORDS = {
    "S": _("strong indicator"),
    "M": _("medium indicator"),
    "W": _("weak indicator"),
}
CONSENT_REQUIRED = _("The interview can only go on with the person's informed consent.")


def indicator_field(group: str) -> forms.MultipleChoiceField:
    """Checkboxes for the indicators of one catalogue group, in the interface language."""
    cat = load_catalogue()
    lang = "fr" if (get_language() or "fr").startswith("fr") else "en"
    grp = cat.group(group)
    choices = []
    for ind in grp.indicators:
        label = ind.label(lang)
        if ind.strength:
            label = f"{label} ({STRENGTH_WORDS.get(ind.strength, ind.strength)})"
        choices.append((ind.code, label))
    return forms.MultipleChoiceField(
        label=grp.label(lang),
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label=_("Has the person given informed consent to this interview?"),
        choices=[("yes", _("Yes, after explanation")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    interpreter = forms.BooleanField(label=_("An interpreter is helping"), required=False)
    interview_language = forms.ChoiceField(label=_("Language of the interview"), choices=LANGUAGES)
    person_reference = forms.CharField(
        label=_("Reference (initials or pseudonym, never the full name)"),
        max_length=40,
        required=False,
    )
    age = forms.IntegerField(
        label=_("Age (years), if known"), min_value=0, max_value=MAX_AGE, required=False
    )
    may_be_child = forms.BooleanField(
        label=_("Age unknown but the person may be under 18"), required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEXES)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safety"] = indicator_field("safety")

    def clean_consent(self) -> str:
        if self.cleaned_data["consent"] != "yes":
            raise forms.ValidationError(CONSENT_REQUIRED)
        return "yes"


class MovementForm(forms.Form):
    crossed_border = forms.ChoiceField(
        label=_("Did the person cross an international border?"),
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )
    irregular_entry = forms.ChoiceField(
        label=_("Was the entry irregular (without the required papers or checks)?"),
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )
    paid_facilitator = forms.ChoiceField(
        label=_("Was someone paid (money or other benefit) to organise the crossing?"),
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )


class IndicatorsForm(forms.Form):
    """Checkboxes for the catalogue groups of one step."""

    def __init__(self, *args: Any, groups: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in groups:
            self.fields[group] = indicator_field(group)


class DeterminationForm(forms.Form):
    agrees = forms.ChoiceField(
        label=_("Do you agree with this result?"),
        choices=[("yes", _("I agree")), ("no", _("I disagree"))],
        widget=forms.RadioSelect,
    )
    worker_level = forms.ChoiceField(
        label=_("My own determination"),
        choices=[("", "—"), *Assessment.Level.choices],
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification (required when you disagree)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agrees") == "no":
            if not data.get("worker_level"):
                self.add_error("worker_level", services.DISAGREE_NEEDS_LEVEL)
            if not (data.get("justification") or "").strip():
                self.add_error("justification", services.DISAGREE_NEEDS_REASON)
        return data
