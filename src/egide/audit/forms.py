from django import forms
from django.utils.translation import gettext_lazy as _

from egide.core.limits import BoundedDateField


class AuditFilterForm(forms.Form):
    """Filters of the audit trail page."""

    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    # The dates every form of Égide accepts (1900-2100): a year 1 or 9999 is refused, not
    # turned into a time the database cannot hold.
    date_from = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
