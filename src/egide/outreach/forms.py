"""Forms of the outreach pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.cases.models import Alert
from egide.core.limits import BoundedDateField, text_limit
from egide.core.models import Prefecture, Region
from egide.core.numbers import whole_number
from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Ambassador, Dialogue, Team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DialogueForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Dialogue
        fields = [
            "held_on",
            "region",
            "prefecture",
            "locality",
            "ambassador",
            "team",
            "organisation",
            "format",
            "topics",
            "language",
            *[f for f, _s, _a in REACH_FIELDS],
            *AUDIENCE_FIELDS,
            "follow_up",
            "alerts",
        ]
        widgets = {"held_on": DATE, "alerts": forms.CheckboxSelectMultiple}
        field_classes = {"held_on": BoundedDateField}

    def __init__(
        self, *args: Any, alerts: Any = None, ambassadors: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alerts"].queryset = alerts if alerts is not None else Alert.objects.none()
        self.fields["alerts"].label_from_instance = lambda a: a.code
        self.fields["ambassador"].queryset = (
            ambassadors if ambassadors is not None else Ambassador.objects.none()
        )
        self.fields["ambassador"].label_from_instance = lambda a: a.full_name
        self._prefectures_of_region()
        for name in [f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS:
            field = self.fields[name]
            field.min_value = 0
            field.widget.attrs["min"] = 0
            field.widget.attrs["inputmode"] = "numeric"

    def _chosen_region(self) -> Region | None:
        raw = self.data.get(self.add_prefix("region")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("region")
        if isinstance(raw, Region):
            return raw
        if raw in (None, ""):
            return None
        pk = whole_number(raw)
        return Region.objects.filter(pk=pk).first() if pk is not None else None

    def _prefectures_of_region(self) -> None:
        """Only the chosen region's prefectures (the server decides, no JavaScript); with no
        region chosen yet, every prefecture grouped under its region."""
        field = self.fields["prefecture"]
        region = self._chosen_region()
        if region is not None:
            field.queryset = Prefecture.objects.filter(region=region).order_by("name")
            field.help_text = _(
                "Prefectures of %(region)s. Another region? Change it above and save: the "
                "list follows."
            ) % {"region": region.name}
            return
        groups: dict[str, list[tuple[int, str]]] = {}
        for prefecture in Prefecture.objects.select_related("region").order_by(
            "region__name", "name"
        ):
            groups.setdefault(prefecture.region.name, []).append((prefecture.pk, prefecture.name))
        field.choices = [("", "---------"), *groups.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in [f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS:
            if (data.get(name) or 0) < 0:
                self.add_error(name, _("Counts cannot be negative."))
        if not (data.get("ambassador") or data.get("team") or data.get("organisation")):
            self.add_error(
                "ambassador", _("Name the facilitator: an ambassador, a team or an organisation.")
            )
        prefecture, region = data.get("prefecture"), data.get("region")
        if prefecture and region and prefecture.region_id != region.pk:
            self.add_error("prefecture", _("This prefecture is not in the chosen region."))
        return data


class DialogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Words (topics, locality)"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("All"))] + list(Dialogue.Format.choices), required=False
    )
    date_from = BoundedDateField(label=_("From"), required=False, widget=DATE)
    date_to = BoundedDateField(label=_("To"), required=False, widget=DATE)
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class AmbassadorForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=text_limit("outreach.Ambassador.full_name")
    )
    prefecture = forms.ModelChoiceField(label=_("Prefecture"), queryset=Prefecture.objects.all())
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    appointed_on = BoundedDateField(label=_("Appointed on"), widget=DATE)
    organisation = forms.ModelChoiceField(
        label=_("Supervising organisation"), queryset=Organisation.objects.all()
    )
    training_received = forms.CharField(
        label=_("Training received"), max_length=300, required=False
    )


class TeamForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Team
        fields = ["name", "region", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = lambda a: a.full_name


class ReachFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    date_from = BoundedDateField(label=_("From"), required=False, widget=DATE)
    date_to = BoundedDateField(label=_("To"), required=False, widget=DATE)


__all__ = [
    "AmbassadorForm",
    "DialogueForm",
    "DialogueSearchForm",
    "ReachFilterForm",
    "TeamForm",
    "Ambassador",
]
