"""The service directory: what each provider offers, where, to whom."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.directory.needs import NEED_TYPES


class Service(models.Model):
    """A service a provider organisation offers for one need type, in some places."""

    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("provider"),
    )
    need_type = models.CharField(_("need met"), max_length=30, choices=NEED_TYPES, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    regions = models.ManyToManyField("core.Region", blank=True, verbose_name=_("regions served"))
    prefectures = models.ManyToManyField(
        "core.Prefecture", blank=True, verbose_name=_("prefectures served")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("For example, shelter places.")
    )
    accepts_children = models.BooleanField(_("accepts children"), default=True)
    accepts_men = models.BooleanField(_("accepts men"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["need_type", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.name} — {self.provider}"
