from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from egide.core.admin_site import AuditedModelAdmin
from egide.fielddata.models import Connection, FieldAccount


@admin.register(Connection)
class ConnectionAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "organisation", "base_url", "project", "is_active"]
    formfield_overrides = {
        Connection._meta.get_field("secret").__class__: {
            "widget": forms.PasswordInput(render_value=False)
        }
    }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # An empty secret keeps the current one: the form never shows it.
        if change and not form.cleaned_data.get("secret"):
            obj.secret = Connection.objects.get(pk=obj.pk).secret
        super().save_model(request, obj, form, change)


@admin.register(FieldAccount)
class FieldAccountAdmin(AuditedModelAdmin):
    list_display = ["remote_id", "kind", "connection", "user"]
    list_filter = ["connection", "kind"]
