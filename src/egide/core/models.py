"""Reference data: Guinea's administrative divisions and the countries Égide works with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """A country (ISO 3166-1 alpha-2) concerned by cross-border referrals and exchanges."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    official_name_fr = models.CharField(_("official name (French)"), max_length=200)
    official_name_en = models.CharField(_("official name (English)"), max_length=200)
    shares_border_with_guinea = models.BooleanField(_("shares a border with Guinea"), default=False)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name_fr


class Region(models.Model):
    """One of Guinea's eight administrative regions (ISO 3166-2:GN); Conakry is a special zone."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Prefecture(models.Model):
    """A prefecture (ISO 3166-2:GN code) inside a region."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="prefectures", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="prefecture_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune of Conakry, per version of the official list (redrawn in 2024)."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("region")
    )
    list_version = models.CharField(
        _("list version"), max_length=20, help_text=_("Which official list this commune is from.")
    )
    is_current = models.BooleanField(_("current"), default=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "list_version", "name"], name="commune_unique_in_list"
            )
        ]

    def __str__(self) -> str:
        return self.name
