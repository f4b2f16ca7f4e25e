"""Django's admin, restricted to administrators verified with a second factor; changes audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from egide.accounts.permissions import can_use_admin
from egide.audit.services import audit_record


class EgideAdminSite(admin.AdminSite):
    site_header = "Égide — administration"
    site_title = "Égide"

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """The admin has no login of its own: it uses Égide's, with the second factor."""
        return redirect(f"{reverse('accounts:login')}?next={reverse('admin:index')}")


# Page titles of the admin's add and change forms. Django's French reads "Ajout de utilisateur";
# French elides "de" before a vowel or a mute h, so a second form of each title is used then.
_TITLES = {
    (True, False): pgettext_lazy("admin page title", "Add %(name)s"),
    (True, True): pgettext_lazy("admin page title, name starts with a vowel", "Add %(name)s"),
    (False, False): pgettext_lazy("admin page title", "Change %(name)s"),
    (False, True): pgettext_lazy("admin page title, name starts with a vowel", "Change %(name)s"),
}
_VOWELS = "aeiouyhàâäéèêëîïôöùûü"


def admin_form_title(*, add: bool, verbose_name: str) -> str:
    """The title of an admin add/change page, with French elision where the name needs it."""
    name = str(verbose_name)
    vowel = bool(name) and name[0].lower() in _VOWELS
    return str(_TITLES[(add, vowel)]) % {"name": name}


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose every change lands in the audit trail, in the same transaction.

    Inline rows (a user's role assignments…) are audited one by one, like the main object.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        title = admin_form_title(add=object_id is None, verbose_name=self.opts.verbose_name)
        return super().changeform_view(
            request, object_id, form_url, {"title": title, **(extra_context or {})}
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="admin.changed" if change else "admin.added",
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseModelFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        doomed = [
            (f.instance._meta.label_lower, f.instance.pk)
            for f in formset.deleted_forms
            if f.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        for added in formset.new_objects:
            audit_record(actor=request.user, action="admin.added", obj=added)
        for changed, fields in formset.changed_objects:
            audit_record(
                actor=request.user,
                action="admin.changed",
                obj=changed,
                details={"fields": sorted(fields)},
            )
        for label, pk in doomed:
            audit_record(
                actor=request.user, action="admin.deleted", object_type=label, object_id=pk
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action="admin.deleted", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action="admin.deleted", obj=obj)
        super().delete_queryset(request, queryset)


class AdministratorInline(admin.TabularInline):  # type: ignore[type-arg]
    """An inline editable by verified administrators (Égide's roles, not Django permissions);
    its rows are audited by the parent's :class:`AuditedModelAdmin`."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)
