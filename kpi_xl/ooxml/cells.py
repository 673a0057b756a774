"""Cells: references (``B7`` ↔ 0-based (row, column)) and Excel's serial dates."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's serial dates (1900 system, with its 29 February 1900 folded in)."""

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def column_letter(index: int) -> str:
    """``A`` for 0, ``AA`` for 26.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0 for ``A``.

    >>> column_index("A"), column_index("AA")
    (0, 26)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_cell(ref: str) -> tuple[int, int]:
    """(row, column), both 0-based, of ``B3`` or ``$B$3``.

    >>> parse_cell("$B$3")
    (2, 1)
    """
    m = _CELL.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m[2]) - 1, column_index(m[1])


def cell_name(row: int, col: int) -> str:
    """``B3`` for 0-based (2, 1)."""
    return f"{column_letter(col)}{row + 1}"


def serial_to_date(serial: float) -> dt.date:
    """The day of an Excel serial number (its time of day dropped).

    >>> serial_to_date(46083.75)
    datetime.date(2026, 3, 2)
    """
    return EXCEL_EPOCH + dt.timedelta(days=math.floor(serial))


def date_to_serial(day: dt.date) -> int:
    """Excel's serial number of a day.

    >>> date_to_serial(dt.date(2026, 3, 2))
    46083
    """
    return (day - EXCEL_EPOCH).days


EXCEL_FIRST_DAY = dt.date(1900, 1, 1)
EXCEL_LAST_DAY = dt.date(9999, 12, 31)
"""The first and last day an Excel date can be (serial numbers 1 and 2,958,465)."""

ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!")
"""Excel's error values: what a cell holds when its formula fails (or a value pasted from one)."""


@dataclass(frozen=True)
class CellError:
    """A cell holding one of Excel's error values (``#DIV/0!``): never a number, a date or a text."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell whose value the file does not hold (written by a program that does not calculate)."""

    formula: str

    def __str__(self) -> str:
        return "=" + self.formula
