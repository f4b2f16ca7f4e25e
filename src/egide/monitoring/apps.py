from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "egide.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")

    def ready(self) -> None:
        from egide.monitoring import jobs  # noqa: F401 - registers the job kinds
        from egide.monitoring.freshness import connect

        connect()  # changes to counted records mark their months for the summary
