"""Forms of the policy module. They parse and check types; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.core.limits import BoundedDateField
from egide.core.models import Prefecture, Region
from egide.outreach.models import Team
from egide.policy import rules
from egide.policy.models import (
    Analysis,
    Assessment,
    Element,
    Insecurity,
    Institution,
    Provision,
    Review,
    TrackerItem,
    Workshop,
)
from egide.training.models import Enrollment, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"})
SCALE = forms.NumberInput(attrs={"min": rules.SCALE_MIN, "max": rules.SCALE_MAX})


def dimension_choices() -> list[tuple[str, Any]]:
    from egide.policy.labels import DIMENSION_LABELS

    return [(d, DIMENSION_LABELS[d]) for d in rules.DIMENSIONS]


class ConfirmForm(forms.Form):
    source = forms.CharField(label=_("Confirming source"), max_length=400)


class AssessmentForm(forms.Form):
    element = forms.ModelChoiceField(
        label=_("Element"), queryset=Element.objects.all(), to_field_name="code"
    )
    status = forms.ChoiceField(label=_("Assessment"), choices=Assessment.Status.choices)
    provisions = forms.ModelMultipleChoiceField(
        label=_("National provisions that answer it"),
        queryset=Provision.objects.filter(
            instrument__kind__in=["national", "bilateral"]
        ).select_related("instrument"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}))
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 3}))


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    elements = forms.ModelMultipleChoiceField(
        label=_("Elements addressed"),
        queryset=Element.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    institution = forms.ModelChoiceField(
        label=_("Responsible institution"), queryset=Institution.objects.all(), required=False
    )
    proposed_on = BoundedDateField(label=_("Date proposed"), widget=DATE)
    deadline = BoundedDateField(label=_("Deadline"), widget=DATE, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=TrackerItem.Priority.choices)


class ValidateForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Workshop"), queryset=Workshop.objects.all())
    outcome = forms.ChoiceField(
        label=_("Outcome of validation"),
        choices=[c for c in TrackerItem.Validation.choices if c[0] != "pending"],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class AssignForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Responsible institution"), queryset=Institution.objects.all()
    )
    deadline = BoundedDateField(label=_("Deadline"), widget=DATE)
    priority = forms.ChoiceField(label=_("Priority"), choices=TrackerItem.Priority.choices)


class ProgressForm(forms.Form):
    on = BoundedDateField(label=_("Date"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=TrackerItem.Status.choices)
    note = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=400)


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    held_on = BoundedDateField(label=_("Date"), widget=DATE)


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = BoundedDateField(label=_("Date"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    session = forms.ModelChoiceField(
        label=_("Training record with the participants and attendance"),
        queryset=TrainingSession.objects.filter(kind="workshop", validation_workshop=None),
        required=False,
        help_text=_(
            "People and attendance are kept once, in the training records: register the "
            "participants there."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the workshops of the user's own organisation (run by it or as a partner): the
        # seats form then lists their participants.
        org = getattr(user, "organisation_id", None)
        field = self.fields["session"]
        field.queryset = (  # type: ignore[attr-defined]
            field.queryset.filter(Q(organisation_id=org) | Q(partners=org)).distinct()  # type: ignore[attr-defined]
            if org is not None
            else field.queryset.none()  # type: ignore[attr-defined]
        )


class SeatForm(forms.Form):
    enrollment = forms.ModelChoiceField(label=_("Participant"), queryset=Enrollment.objects.none())
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Other organisation"), max_length=200, required=False
    )
    function = forms.CharField(label=_("Function"), max_length=120)

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        field.queryset = Enrollment.objects.filter(  # type: ignore[attr-defined]
            session_id=workshop.session_id
        ).select_related("participant")
        # Numbers, organisation and sex only: names stay in the training pages.
        field.label_from_instance = lambda e: (
            _("No. %(n)s — %(org)s (%(sex)s)")
            % {  # type: ignore[attr-defined]
                "n": e.pk,
                "org": e.participant.organisation_name or "—",
                "sex": e.participant.get_sex_display(),
            }
        )


class CompareForm(forms.Form):
    first = forms.ModelChoiceField(label=_("First review"), queryset=Review.objects.all())
    second = forms.ModelChoiceField(label=_("Second review"), queryset=Review.objects.all())


class RegionFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code", required=False
    )


class AnalysisForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code"
    )
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=Prefecture.objects.all(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Analysis.Kind.choices)
    baseline = forms.ModelChoiceField(
        label=_("Baseline it follows up"), queryset=Analysis.objects.all(), required=False
    )
    period_start = BoundedDateField(label=_("Period start"), widget=DATE)
    period_end = BoundedDateField(label=_("Period end"), widget=DATE)


class InsecurityForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"), choices=dimension_choices)
    description = forms.CharField(label=_("Insecurity"), widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.IntegerField(label=_("Severity (1–5)"), widget=SCALE)
    likelihood = forms.IntegerField(label=_("Likelihood (1–5)"), widget=SCALE)
    affected_groups = forms.CharField(label=_("Affected groups"), max_length=300)
    method = forms.ChoiceField(label=_("Gathered by"), choices=Insecurity.Method.choices)
    evidence_indicator = forms.CharField(label=_("Evidence: indicator"), max_length=200)
    evidence_value = forms.CharField(label=_("Evidence: value"), max_length=60)
    evidence_source = forms.CharField(label=_("Evidence: source"), max_length=400, required=False)
    evidence_observed = forms.CharField(label=_("Evidence: date of the value"), max_length=10)


class LinkForm(forms.Form):
    source = forms.ModelChoiceField(label=_("This insecurity"), queryset=Insecurity.objects.none())
    target = forms.ModelChoiceField(label=_("feeds this one"), queryset=Insecurity.objects.none())

    def __init__(self, *args: Any, analysis: Analysis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = analysis.insecurities.all()
        self.fields["source"].queryset = qs  # type: ignore[attr-defined]
        self.fields["target"].queryset = qs  # type: ignore[attr-defined]


class DriverForm(forms.Form):
    insecurity = forms.ModelChoiceField(label=_("Insecurity"), queryset=Insecurity.objects.none())
    purpose = forms.ChoiceField(label=_("Exploitation purpose it feeds"))
    description = forms.CharField(
        label=_("How it feeds trafficking"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, analysis: Analysis, **kwargs: Any) -> None:
        from egide.policy.services import purpose_codes

        super().__init__(*args, **kwargs)
        self.fields["insecurity"].queryset = analysis.insecurities.all()  # type: ignore[attr-defined]
        self.fields["purpose"].choices = list(purpose_codes().items())  # type: ignore[attr-defined]


class CapacityForm(forms.Form):
    description = forms.CharField(label=_("Capacity"), widget=forms.Textarea(attrs={"rows": 2}))
    provider = forms.ModelChoiceField(
        label=_("Directory provider"),
        queryset=Organisation.objects.filter(services__isnull=False).distinct(),
        required=False,
    )
    team = forms.ModelChoiceField(
        label=_("Outreach team"), queryset=Team.objects.all(), required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in TrackerItem.Kind.choices if c[0] != "recommendation"],
    )
    text = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    insecurity = forms.ModelChoiceField(
        label=_("Insecurity addressed"), queryset=Insecurity.objects.none()
    )
    feasibility = forms.IntegerField(label=_("Feasibility (1–5)"), widget=SCALE)
    institution = forms.ModelChoiceField(
        label=_("Responsible institution"), queryset=Institution.objects.all(), required=False
    )
    proposed_on = BoundedDateField(label=_("Date proposed"), widget=DATE)
    deadline = BoundedDateField(label=_("Deadline"), widget=DATE, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=TrackerItem.Priority.choices)

    def __init__(self, *args: Any, analysis: Analysis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insecurity"].queryset = analysis.insecurities.all()  # type: ignore[attr-defined]
