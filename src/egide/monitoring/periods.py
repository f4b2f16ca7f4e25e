"""Reporting periods in DHIS2's period syntax, so that the DHIS2 export reuses them unchanged.

``2024`` is a year, ``2024Q3`` a quarter, ``202403`` a month (DHIS2 Web API, "Date and period
format": yearly ``yyyy``, quarterly ``yyyyQn``, monthly ``yyyyMM``; see
``shared/research/interop.md`` §4). Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

MIN_YEAR = 2000
MAX_YEAR = 2100

#: Error messages (constants the tests and the command line reuse).
BAD_PERIOD = (
    "Unknown period {value!r}: write a year (2024), a quarter (2024Q3) or a month (202403), "
    "years {low} to {high}."
)

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))?$")


class PeriodType(Enum):
    YEARLY = "yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class PeriodError(ValueError):
    """A period that is not a year, a quarter or a month in DHIS2's syntax."""


class YearsOnlyError(PeriodError):
    """A quarter or a month asked with small counts suppressed: the other periods of the year
    (or the year itself) would give a hidden count back by subtraction, so only years are
    given to those readers."""


@dataclass(frozen=True, order=True)
class Period:
    """One year, quarter or month. ``number`` is the quarter (1–4) or month (1–12); 0 for a year."""

    year: int
    number: int
    type: PeriodType

    @property
    def id(self) -> str:
        """The DHIS2 period identifier (``2024``, ``2024Q3``, ``202403``)."""
        if self.type is PeriodType.YEARLY:
            return f"{self.year:04d}"
        if self.type is PeriodType.QUARTERLY:
            return f"{self.year:04d}Q{self.number}"
        return f"{self.year:04d}{self.number:02d}"

    def __str__(self) -> str:
        return self.id

    @property
    def start(self) -> date:
        """First day of the period."""
        if self.type is PeriodType.YEARLY:
            return date(self.year, 1, 1)
        if self.type is PeriodType.QUARTERLY:
            return date(self.year, 3 * (self.number - 1) + 1, 1)
        return date(self.year, self.number, 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        return self.next().start - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same type that follows."""
        if self.type is PeriodType.YEARLY:
            return Period(self.year + 1, 0, self.type)
        size = 4 if self.type is PeriodType.QUARTERLY else 12
        if self.number == size:
            return Period(self.year + 1, 1, self.type)
        return Period(self.year, self.number + 1, self.type)

    def previous(self) -> Period:
        """The period of the same type that comes before."""
        if self.type is PeriodType.YEARLY:
            return Period(self.year - 1, 0, self.type)
        size = 4 if self.type is PeriodType.QUARTERLY else 12
        if self.number == 1:
            return Period(self.year - 1, size, self.type)
        return Period(self.year, self.number - 1, self.type)

    def trend(self, count: int) -> list[Period]:
        """*count* periods of this type ending with this one, oldest first (for trend charts)."""
        if count < 1:
            raise ValueError("a trend needs at least one period")
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return list(reversed(periods))

    def children(self) -> list[Period]:
        """A year's quarters, a quarter's months; a month has none."""
        if self.type is PeriodType.YEARLY:
            return [Period(self.year, q, PeriodType.QUARTERLY) for q in range(1, 5)]
        if self.type is PeriodType.QUARTERLY:
            first = 3 * (self.number - 1) + 1
            return [Period(self.year, m, PeriodType.MONTHLY) for m in range(first, first + 3)]
        return []


def parse(value: str) -> Period:
    """The period written *value*; raises PeriodError with a message for people."""
    text = value.strip() if isinstance(value, str) else ""
    match = _PATTERN.match(text)
    if match is None:
        raise PeriodError(BAD_PERIOD.format(value=value, low=MIN_YEAR, high=MAX_YEAR))
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(BAD_PERIOD.format(value=value, low=MIN_YEAR, high=MAX_YEAR))
    if match["quarter"]:
        return Period(year, int(match["quarter"]), PeriodType.QUARTERLY)
    if match["month"]:
        return Period(year, int(match["month"]), PeriodType.MONTHLY)
    return Period(year, 0, PeriodType.YEARLY)


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except PeriodError:
        return False
    return True


def containing(day: date, type: PeriodType) -> Period:
    """The period of *type* that holds *day*."""
    if type is PeriodType.YEARLY:
        return Period(day.year, 0, type)
    if type is PeriodType.QUARTERLY:
        return Period(day.year, (day.month - 1) // 3 + 1, type)
    return Period(day.year, day.month, type)
