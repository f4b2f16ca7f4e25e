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
        _("period"),
        max_length=6,
        help_text=_("A year (2024), a quarter (2024Q3) or a month (202403)."),
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


class Fact(models.Model):
    """One cell of the summary the dashboards read (``egide.monitoring.facts``): the count of
    one grouped query (``part``, see ``queries.grouped``) in one whole DHIS2 period (a month,
    quarter or year), one region (null: the query has no region column) and up to three
    categories. Medians (II.5) keep their value beside the number of cases they rest on.
    Rebuilt from the records, never edited."""

    part = models.CharField(max_length=60)
    period = models.CharField(max_length=6)
    region_id = models.BigIntegerField(null=True)
    c1 = models.CharField(max_length=60, default="")
    c2 = models.CharField(max_length=60, default="")
    c3 = models.CharField(max_length=60, default="")
    n = models.BigIntegerField()
    value = models.FloatField(null=True)
    # An item pending at refresh time: from this deadline on it counts as late.
    pending_until = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["period", "part"], name="monitoring_fact_period")]

    def __str__(self) -> str:
        return f"{self.part} {self.period}"


class DirtyMonth(models.Model):
    """A month whose figures changed since the summary was last refreshed: written in the same
    transaction as the change (signals of ``egide.monitoring.freshness``), removed by the
    refresh that took it into account. One row per change; the refresh reads them once."""

    month = models.DateField(db_index=True)  # first day of the month

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class FactState(models.Model):
    """One row: when the summary was last built in full (null: never, the dashboards count from
    the records), and the lock refreshes take so that two never rebuild the same period."""

    built_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"facts built {self.built_at}"


class Member(models.Model):
    """Who a count of people counted once takes in one month (``egide.monitoring.facts``): one
    row per person (``who``: a participant or a case) and month, with the region and categories
    they are counted under, so that a quarter's or a year's count is a COUNT(DISTINCT who) over
    its months' rows. For II.5, one row per case first served in the month, with its days from
    first alert to first service."""

    part = models.CharField(max_length=60)
    month = models.CharField(max_length=6)  # DHIS2 month, e.g. 202403
    region_id = models.BigIntegerField(null=True)
    c1 = models.CharField(max_length=60, default="")
    c2 = models.CharField(max_length=60, default="")
    c3 = models.CharField(max_length=60, default="")
    who = models.BigIntegerField(null=True)
    days = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["month", "part"], name="monitoring_member_month")]

    def __str__(self) -> str:
        return f"{self.part} {self.month}"
