"""What a tracker holds: the input tables, their headers and the named Settings.

This module is the single description of the workbook's input contract (``docs/workbook.md``): the
reader validates against it, the template is built from it (its Excel data
validations follow the same bounds), and the defaults of
:class:`kpi_xl.tracker.Settings` come from it.  What each column or setting
means, in words, is in :mod:`kpi_xl.texts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["date", "month", "text", "count", "money", "signed_money", "ledger_type"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind


@dataclass(frozen=True)
class TableSpec:
    name: str  # the Excel Table's name; the template puts it on a sheet of the same name
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


ADS = TableSpec("Ads", (
    Column("Date", "date"),
    Column("Channel", "text"),
    Column("Campaign", "text"),
    Column("Impressions", "count"),
    Column("Clicks", "count"),
    Column("Spend", "money"),
    Column("Leads", "count"),
    Column("Calls", "count"),
    Column("Customers", "count"),
    Column("Revenue", "signed_money"),
))

LEDGER_TYPES = ("Revenue", "Variable cost", "Fixed cost", "Owner pay", "Tax",
                "Other income", "Other expense", "Non-cash income", "Non-cash expense")
"""The `Ledger` types: the five everyday ones, then four that an accounting file needs (see
``docs/workbook.md``, "Ledger types"): income and expense outside sales and operations (subsidies, interest,
exceptional items) and entries that change the profit but not the cash (depreciation,
provisions, stock variation)."""

LEDGER = TableSpec("Ledger", (
    Column("Date", "date"),
    Column("Label", "text"),
    Column("Category", "text"),
    Column("Type", "ledger_type"),
    Column("Amount", "signed_money"),
))

PLAN = TableSpec("Plan", (
    Column("Month", "month"),
    Column("Label", "text"),
    Column("Type", "ledger_type"),
    Column("Amount", "signed_money"),
))
"""Planned one-off items for coming months (may be empty): the forecast adds them."""

ADS_SUMS = ("impressions", "clicks", "spend", "leads", "calls", "customers", "revenue")
"""KPI ids of the `Ads` sums, in the order of the table's number columns."""

# Ledger Type → the name of its monthly sum: a KPI id for the five everyday types, a field of
# kpi_xl.metrics.Figures (part of net_profit and cash_end) for the four others.
LEDGER_SUMS = {
    "Revenue": "sales",
    "Variable cost": "variable_costs",
    "Fixed cost": "fixed_costs",
    "Owner pay": "owner_pay",
    "Tax": "tax",
    "Other income": "other_income",
    "Other expense": "other_expense",
    "Non-cash income": "non_cash_income",
    "Non-cash expense": "non_cash_expense",
}

MAX_AMOUNT = 10**15
"""The largest amount a tracker holds, in absolute value (a quadrillion: far beyond any small business,
well within a float's exact cents)."""


@dataclass(frozen=True)
class SettingKind:
    """What a kind of setting accepts; the reader's check and the template's Excel validation follow it.

    ``value`` is ``text`` (its length between ``low`` and ``high``), ``number``,
    ``whole`` (a whole number) or ``date``; ``low`` and ``high`` are inclusive
    bounds (None: none).
    """

    name: str
    value: Literal["text", "number", "whole", "date"]
    low: float | dt.date | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()  # text: one of these (case ignored)


SETTING_KINDS = {k.name: k for k in (
    SettingKind("currency", "text", 1, 12),
    SettingKind("name", "text", 1, 100),
    SettingKind("money", "number", -MAX_AMOUNT, MAX_AMOUNT),
    SettingKind("date", "date", dt.date(1990, 1, 1)),
    SettingKind("ratio", "number", 0),
    SettingKind("rate", "number", -1, 1),
    SettingKind("months", "number", 0),
    SettingKind("whole_months", "whole", 1, 120),
    SettingKind("language", "text", 2, 2, choices=("en", "fr")),
)}


@dataclass(frozen=True)
class Setting:
    """A named cell of the `Settings` sheet (its note is the text ``setting.<name>`` of :mod:`kpi_xl.texts`)."""

    name: str  # the defined name
    field: str  # the attribute of kpi_xl.tracker.Settings
    kind: str  # a key of SETTING_KINDS
    default: object  # None: blank (OpeningDate: 1 January of the current year)
    required: bool = True  # False: a tracker made before the setting existed may lack it
    blank_ok: bool = False  # True: blank means "no alert" (or, for a name, none)


def default_opening_date(year: int | None = None) -> dt.date:
    return dt.date(year or dt.date.today().year, 1, 1)


SETTINGS = (
    Setting("Currency", "currency", "currency", "EUR"),
    Setting("OpeningCash", "opening_cash", "money", 0.0),
    Setting("OpeningDate", "opening_date", "date", None),
    Setting("TargetROAS", "target_roas", "ratio", 2.0, blank_ok=True),
    Setting("MaxCAC", "max_cac", "money", None, blank_ok=True),
    Setting("MaxCPL", "max_cpl", "money", None, blank_ok=True),
    Setting("MinCTR", "min_ctr", "rate", None, blank_ok=True),
    Setting("MinGrossMargin", "min_gross_margin", "rate", None, blank_ok=True),
    Setting("ReserveMonths", "reserve_months", "months", 3.0),
    Setting("ForecastMonths", "forecast_months", "whole_months", 6, required=False),
    Setting("Language", "language", "language", "en", required=False),
    Setting("Business", "business", "name", None, required=False, blank_ok=True),
)

SETTINGS_BY_NAME = {s.name.casefold(): s for s in SETTINGS}
"""Casefolded name → setting (Excel's names ignore case)."""
DEFAULTS = {s.field: s.default for s in SETTINGS}
