from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation, Role, RoleAssignment, User
from egide.core.admin_site import AuditedModelAdmin


class RoleAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["regions"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "role_assignments__role"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone", "language")}),
        (_("Organisation"), {"fields": ("organisation", "is_fictitious")}),
        (_("Status"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "acronym", "type", "country", "is_fictitious", "is_active"]
    list_filter = ["type", "regions", "is_fictitious"]
    filter_horizontal = ["regions"]


@admin.register(Role)
class RoleAdmin(AuditedModelAdmin):
    list_display = ["code", "reads_personal_data"]
