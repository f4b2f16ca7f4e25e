from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "egide.core"
    label = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from egide.core import checks  # noqa: F401 - registers the deploy checks


class EgideAdminConfig(admin_apps.AdminConfig):
    """The Django admin, open to verified administrators only."""

    default = False
    default_site = "egide.core.admin_site.EgideAdminSite"
