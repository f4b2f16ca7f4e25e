"""Targets an administrator sets per indicator, period and region (with their source); the
framework file's life-of-programme targets apply where none is set."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.monitoring import framework, periods


def indicator_choices() -> list[tuple[str, str]]:
    """The framework's indicators, for the admin form (not model choices: the codes are shown
    with their names on purpose and change with the framework file, not with migrations)."""
    return [(i.code, f"{i.code} — {i.name.fr}") for i in framework.load().indicators]


class Target(models.Model):
    """A target for one indicator in one period (DHIS2 syntax), nationally or for one region."""

    indicator = models.CharField(_("indicator"), max_length=12)
    period = models.CharField(
        _("period"), max_length=6, help_text=_("A year (2024), a quarter (2024Q3) or a month (202403).")
    )
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty: the whole country."),
    )
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where the figure comes from (document, date).")
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "region"], name="monitoring_target_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(region__isnull=True),
                name="monitoring_target_national_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}"

    def clean(self) -> None:
        if self.indicator not in {code for code, _label in indicator_choices()}:
            raise ValidationError({"indicator": _("Unknown indicator.")})
        try:
            periods.parse(self.period)
        except periods.PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("A target cannot be negative.")})
