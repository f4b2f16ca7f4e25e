from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: the table of the database cache, when that is the cache in use
    (idempotent; nothing to do with Redis)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    default = True
    name = "egide.core"
    label = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from egide.core import checks  # noqa: F401 - registers the deploy checks

        post_migrate.connect(create_cache_table, sender=self)


class EgideAdminConfig(admin_apps.AdminConfig):
    """The Django admin, open to verified administrators only."""

    default = False
    default_site = "egide.core.admin_site.EgideAdminSite"
