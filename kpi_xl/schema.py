"""What a tracker holds: the input tables, their headers and the named Settings.

This module is the single description of the workbook's input contract
(``docs/workbook.md``); the reader validates against it and the template is
built from it.
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
    meaning: str


@dataclass(frozen=True)
class TableSpec:
    name: str  # the Excel Table's name; the template puts it on a sheet of the same name
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


ADS = TableSpec(
    "Ads",
    (
        Column("Date", "date", "the day (or first day of the period) the row covers"),
        Column("Channel", "text", "Meta, Google, LinkedIn, TikTok, …"),
        Column("Campaign", "text", "may be blank"),
        Column("Impressions", "count", "times the ad was shown"),
        Column("Clicks", "count", "link clicks"),
        Column("Spend", "money", "ad spend excluding VAT, in Currency"),
        Column("Leads", "count", "sign-ups (newsletter, funnel opt-in, form)"),
        Column("Calls", "count", "sales calls booked"),
        Column("Customers", "count", "new paying customers from these ads"),
        Column("Revenue", "signed_money", "what those customers paid, excluding VAT"),
    ),
)

LEDGER_TYPES = ("Revenue", "Variable cost", "Fixed cost", "Owner pay", "Tax",
                "Other income", "Other expense", "Non-cash income", "Non-cash expense")
"""The `Ledger` types: the five everyday ones, then four that an accounting file needs (see
``docs/workbook.md``, "Ledger types"): income and expense outside sales and operations (subsidies, interest,
exceptional items) and entries that change the profit but not the cash (depreciation,
provisions, stock variation)."""

LEDGER = TableSpec(
    "Ledger",
    (
        Column("Date", "date", "when it happened"),
        Column("Label", "text", "free text"),
        Column("Category", "text", "your own grouping (Rent, Software, Coaching…)"),
        Column("Type", "ledger_type", "one of " + ", ".join(LEDGER_TYPES)),
        Column("Amount", "signed_money", "excluding VAT, positive; a negative amount reverses"),
    ),
)

PLAN = TableSpec(
    "Plan",
    (
        Column("Month", "month", "the month of a planned one-off item: a date (its month) or 2027-02"),
        Column("Label", "text", "free text"),
        Column("Type", "ledger_type", "one of " + ", ".join(LEDGER_TYPES)),
        Column("Amount", "signed_money", "excluding VAT, signed as in Ledger"),
    ),
)
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

# How each monthly sum moves the cash curve: in (+1), out (−1), not at all (0).
LEDGER_CASH_SIGN = {
    "sales": 1.0,
    "variable_costs": -1.0,
    "fixed_costs": -1.0,
    "owner_pay": -1.0,
    "tax": -1.0,
    "other_income": 1.0,
    "other_expense": -1.0,
    "non_cash_income": 0.0,
    "non_cash_expense": 0.0,
}

SettingKind = Literal["currency", "money", "date", "ratio", "rate", "months", "whole_months"]


@dataclass(frozen=True)
class Setting:
    name: str
    kind: SettingKind
    default: object  # None: blank
    note: str
    required: bool = True
    blank_ok: bool = False


def default_opening_date(year: int | None = None) -> dt.date:
    return dt.date(year or dt.date.today().year, 1, 1)


SETTINGS = (
    Setting("Currency", "currency", "EUR", "Currency code shown in every money format (EUR, USD, GBP…)."),
    Setting("OpeningCash", "money", 0, "Cash in the bank on OpeningDate: the start of the cash curve."),
    Setting("OpeningDate", "date", None, "The day OpeningCash was in the bank; Ledger entries before it do not move cash."),
    Setting("TargetROAS", "ratio", 2, "A customer must bring at least this many times what they cost (revenue ÷ ad spend). Blank: no alert.", blank_ok=True),
    Setting("MaxCAC", "money", None, "Alert when the cost per customer is above this. Blank: no alert.", blank_ok=True),
    Setting("MaxCPL", "money", None, "Alert when the cost per lead is above this. Blank: no alert.", blank_ok=True),
    Setting("MinCTR", "rate", None, "Alert when the click-through rate is below this (e.g. 1%). Blank: no alert.", blank_ok=True),
    Setting("MinGrossMargin", "rate", None, "Alert when the gross margin is below this (e.g. 40%). Blank: no alert.", blank_ok=True),
    Setting("ReserveMonths", "months", 3, "Cash to keep, in months of fixed costs; below it, safe owner pay is 0 and cash turns red."),
    Setting("ForecastMonths", "whole_months", 6, "How many months ahead the forecast looks.", required=False),
)

SETTINGS_BY_NAME = {s.name.casefold(): s for s in SETTINGS}
