from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field

from egide.core.admin_site import AuditedModelAdmin
from egide.monitoring.models import Target, indicator_choices


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin):
    """Targets per indicator, period and region, with their source (changes audited)."""

    list_display = ("indicator", "period", "region", "value", "source")
    list_filter = ("indicator", "region")
    fields = ("indicator", "period", "region", "value", "source")

    def formfield_for_dbfield(self, db_field: Field[Any, Any], request: Any, **kwargs: Any) -> Any:
        if db_field.name == "indicator":
            return forms.ChoiceField(
                label=db_field.verbose_name, choices=indicator_choices, required=True
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
