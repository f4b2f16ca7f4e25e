from django.contrib import admin

from egide.core.admin_site import AuditedModelAdmin
from egide.directory.models import Service


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ["name", "provider", "need_type", "capacity", "is_active"]
    list_filter = ["need_type", "regions", "accepts_children", "accepts_men"]
    filter_horizontal = ["regions", "prefectures"]
