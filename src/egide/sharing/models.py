"""Partner datasets: CTDC-format case-level data from a partner or a public CTDC release, kept
to be compared with Égide's own figures. They hold no personal data (CTDC files are anonymised
before release); Égide's own exports are not stored here (they are job results)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerDataset(models.Model):
    """A named external dataset imported from a CTDC v2024 CSV (all rows or none)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=300)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    record_count = models.PositiveIntegerField(_("records"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("partner dataset")
        verbose_name_plural = _("partner datasets")

    def __str__(self) -> str:
        return self.name


class PartnerRecord(models.Model):
    """One case-level row of a partner dataset: quasi-identifiers as written in the file, and
    the flags set (bit i = the i-th flag variable of the v2024 codebook, from meansDebtBondage…)."""

    dataset = models.ForeignKey(PartnerDataset, on_delete=models.CASCADE, related_name="records")
    year = models.CharField(max_length=9, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    age = models.CharField(max_length=8, blank=True)
    citizenship = models.CharField(max_length=7, blank=True)
    exploitation_country = models.CharField(max_length=7, blank=True)
    months = models.CharField(max_length=20, blank=True)
    flags = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.pk}"
