from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "egide.sharing"
    label = "sharing"
    verbose_name = _("Anonymised data sharing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egide.sharing import jobs  # noqa: F401 - registers the export job kinds
