from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FieldDataConfig(AppConfig):
    name = "egide.fielddata"
    label = "fielddata"
    verbose_name = _("Field data (ODK, KoboToolbox)")

    def ready(self) -> None:
        from egide.fielddata import jobs  # noqa: F401 — registers the job kinds
        from egide.jobs.schedule import SCHEDULE, Entry

        minutes = int(getattr(settings, "EGIDE_FIELD_PULL_MINUTES", 15))
        if not any(e.kind == jobs.PULL_ALL for e in SCHEDULE):
            SCHEDULE.append(Entry(jobs.PULL_ALL, timedelta(minutes=minutes)))
