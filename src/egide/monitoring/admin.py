from django.contrib import admin

from egide.monitoring.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period", "region", "value", "source")
    list_filter = ("indicator", "region")
