from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Dhis2Config(AppConfig):
    name = "egide.dhis2"
    label = "dhis2"
    verbose_name = _("DHIS2 link")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egide.dhis2 import jobs  # noqa: F401 - registers the push job kind
