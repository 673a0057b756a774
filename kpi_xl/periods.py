"""Periods and selections: 2026-03, 2026-Q1, 2026, a date, or everything.

A period is ``2026-03`` (a month), ``2026-Q1`` (a quarter), ``2026`` (a year),
a date (its month: ``2026-03-15``, or a ``datetime.date``) or blank
(everything).  Every period is a run of whole calendar months, which is what
lets a tracker pre-aggregate its tables by month.

Months are numbered as integers (``year * 12 + month - 1``) so that ranges are
plain comparisons.

>>> p = parse_period("2026-Q1")
>>> p.label, month_label(p.first), month_label(p.last)
('2026-Q1', '2026-01', '2026-03')
>>> parse_period("2026-13")
Traceback (most recent call last):
...
kpi_xl.errors.ArgumentError: period "2026-13": expected 2026-03, 2026-Q1, 2026 or a date
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import ArgumentError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[QqTt]([1-4])$")  # T: trimestre, as a French owner writes a quarter
_YEAR = re.compile(r"^(\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")

EXPECTED = "expected 2026-03, 2026-Q1, 2026 or a date"


def month_index(year: int, month: int) -> int:
    """The integer number of a calendar month.

    >>> month_index(2026, 3) - month_index(2025, 12)
    3
    """
    return year * 12 + month - 1


def month_of(day: dt.date) -> int:
    return month_index(day.year, day.month)


def month_label(index: int) -> str:
    """``2026-03`` for a month number.

    >>> month_label(month_index(2026, 3))
    '2026-03'
    """
    year, m = divmod(index, 12)
    return f"{year:04d}-{m + 1:02d}"


def month_start(index: int) -> dt.date:
    year, m = divmod(index, 12)
    return dt.date(year, m + 1, 1)


@dataclass(frozen=True)
class Period:
    """A run of whole months, ``first`` to ``last`` inclusive; both ``None`` for everything."""

    label: str
    first: int | None = None
    last: int | None = None

    @property
    def is_all(self) -> bool:
        return self.first is None

    def months(self) -> range:
        if self.first is None or self.last is None:
            raise ValueError("the blank period has no fixed list of months")
        return range(self.first, self.last + 1)

    def __contains__(self, month: int) -> bool:
        return self.first is None or self.first <= month <= self.last  # type: ignore[operator]


ALL = Period("all")


def month_period(index: int) -> Period:
    return Period(month_label(index), index, index)


def parse_period(value: object, argument: str = "period") -> Period:
    """Read a period as a user types it (in a cell, on the command line).

    >>> parse_period("2026-03")
    Period(label='2026-03', first=24314, last=24314)
    >>> parse_period(2026).label, parse_period("2026").last - parse_period("2026").first
    ('2026', 11)
    >>> parse_period(dt.date(2026, 3, 15)).label
    '2026-03'
    >>> parse_period(None) == parse_period("  ") == ALL
    True
    >>> parse_period("2026-T2") == parse_period("2026-Q2")
    True
    """
    if value is None:
        return ALL
    if isinstance(value, dt.date):  # datetime is a date too
        return month_period(month_of(value))
    if isinstance(value, bool):
        raise ArgumentError(f'{argument} {value!r}: {EXPECTED}')
    if isinstance(value, (int, float)):
        # A year typed in a cell arrives as a number (2026 or 2026.0).
        if float(value).is_integer() and 1900 <= value <= 9999:
            return parse_period(str(int(value)), argument)
        raise ArgumentError(f'{argument} {value!r}: {EXPECTED}')
    text = str(value).strip()
    if not text:
        return ALL
    period = _parse_text(text)
    if period is None:
        raise ArgumentError(f'{argument} "{text}": {EXPECTED}')
    return period


def _parse_text(text: str) -> Period | None:
    """A period written as text, or None."""
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        return month_period(month_index(year, month)) if 1 <= month <= 12 else None
    if m := _QUARTER.match(text):
        year, q = int(m[1]), int(m[2])
        first = month_index(year, 3 * q - 2)
        return Period(f"{year}-Q{q}", first, first + 2)
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(str(year), month_index(year, 1), month_index(year, 12))
    if m := _DATE.match(text):
        try:
            return month_period(month_of(dt.date(int(m[1]), int(m[2]), int(m[3]))))
        except ValueError:
            return None
    return None


def normalise_name(value: object) -> str | None:
    """The key a channel or campaign filter is matched on: case and outer spaces ignored.

    >>> normalise_name("  META ") == normalise_name("Meta")
    True
    >>> normalise_name("") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.casefold() if text else None


@dataclass(frozen=True)
class Selection:
    """A period, a channel and a campaign (each optional), as the user wrote them."""

    period: Period = ALL
    channel: str | None = None
    campaign: str | None = None

    @classmethod
    def parse(cls, period: object = None, channel: object = None, campaign: object = None) -> "Selection":
        def text(v: object) -> str | None:
            key = normalise_name(v)
            return None if key is None else str(v).strip()

        return cls(period if isinstance(period, Period) else parse_period(period), text(channel), text(campaign))

    def describe(self, words=None) -> str:
        from .texts import texts

        words = words or texts()
        period = self.period
        single_month = not period.is_all and period.first == period.last
        parts = [words("selection.all") if period.is_all else words.month(period.first) if single_month
                 else period.label]
        if self.channel:
            parts.append(words("selection.channel", name=self.channel))
        if self.campaign:
            parts.append(words("selection.campaign", name=self.campaign))
        return ", ".join(parts)
