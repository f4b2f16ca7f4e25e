from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "egide.interop"
    label = "interop"
    verbose_name = _("Interoperability (CPIMS+, SMS)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from egide.interop import jobs  # noqa: F401 - registers the CPIMS+ sending job
