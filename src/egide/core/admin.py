from django.contrib import admin

from egide.core.admin_site import AuditedModelAdmin
from egide.core.models import Commune, Country, Prefecture, Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "slug"]


@admin.register(Prefecture)
class PrefectureAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]


@admin.register(Commune)
class CommuneAdmin(AuditedModelAdmin):
    list_display = ["name", "region", "list_version", "is_current"]


@admin.register(Country)
class CountryAdmin(AuditedModelAdmin):
    list_display = ["name_fr", "code", "shares_border_with_guinea"]
