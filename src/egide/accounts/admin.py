"""The admin of organisations, accounts and roles.

Privileges are not granted here: ``is_superuser``, ``is_staff``, groups and Django permissions
are neither shown nor accepted (superusers are made with ``egide createsuperuser`` only), and a
non-superuser administrator cannot change, reset or delete a superuser. API tokens and
authenticators have no admin pages: they are secrets of their holders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken as KnoxAuthToken

from egide.accounts import services
from egide.accounts.models import Organisation, Role, RoleAssignment, User
from egide.core.admin_site import AdministratorInline, AuditedModelAdmin

# Fields that grant privileges outside Égide's roles: never editable in the web admin.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")
PRIVILEGE_REFUSED = _("Privileges are not granted in the admin: use 'egide createsuperuser'.")

for _model in (Group, KnoxAuthToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class RoleAssignmentInline(AdministratorInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["regions"]


def _acts_on_superuser(request: HttpRequest, obj: Any) -> bool:
    return bool(obj is not None and obj.is_superuser and not request.user.is_superuser)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "role_assignments__role"]
    inlines = [RoleAssignmentInline]
    actions = ["issue_enrolment_code"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone", "language")}),
        (_("Organisation"), {"fields": ("organisation", "is_fictitious")}),
        (_("Status"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Organisation"), {"fields": ("organisation", "is_fictitious")}),
    )
    readonly_fields = ["is_superuser", "last_login", "date_joined"]
    exclude = PRIVILEGE_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _acts_on_superuser(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _acts_on_superuser(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = User.objects.filter(pk=obj.pk).first() if change else None
        for field in ("is_superuser", "is_staff"):
            if bool(getattr(obj, field)) != bool(getattr(before, field, False)):
                raise PermissionDenied(PRIVILEGE_REFUSED)
        super().save_model(request, obj, form, change)
        if before is not None and before.is_active and not obj.is_active:
            services.api_tokens_revoke_all(actor=request.user, user=obj, reason="deactivated")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        before = set(user.role_assignments.values_list("role__code", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(user.role_assignments.values_list("role__code", flat=True))
        if before - after:
            services.api_tokens_revoke_all(actor=request.user, user=user, reason="role_removed")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            raise PermissionDenied(services.SUPERUSER_PROTECTED)
        super().delete_queryset(request, queryset)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password form, plus: the user's API tokens revoked and the reset audited,
        in the same transaction."""
        with transaction.atomic():
            before = User.objects.filter(pk=unquote(id)).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=unquote(id)).first()
            if user is not None and before is not None and user.password != before:
                services.user_password_changed(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                    usable=user.has_usable_password(),
                )
        return response

    @admin.action(description=_("Issue an authenticator enrolment code (replaces the current one)"))
    def issue_enrolment_code(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        """Give each selected person a one-time code to set up a (new) authenticator."""
        issued = []
        for user in queryset:
            try:
                enrolment, code = services.enrolment_code_issue(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                )
            except services.SuperuserProtected as exc:
                self.message_user(request, f"{user.username}: {exc}", messages.ERROR)
                continue
            issued.append((user, code, enrolment.expires_at))
        if not issued:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment codes"),
            "issued": issued,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/enrolment_codes.html", context)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "acronym", "type", "country", "is_fictitious", "is_active"]
    list_filter = ["type", "regions", "is_fictitious"]
    filter_horizontal = ["regions"]


@admin.register(Role)
class RoleAdmin(AuditedModelAdmin):
    """Read-only: what a role may do, and whether it needs a second factor, is decided in code
    (``egide.accounts.roles``); switching ``reads_personal_data`` off in the admin would drop the
    second factor of every holder."""

    list_display = ["code", "reads_personal_data"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
