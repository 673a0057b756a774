"""Where things are in a tracker workbook, and how they look: pure data, no code that writes.

The builders of a new tracker (:mod:`kpi_xl.workbook`), the report
(:mod:`kpi_xl.report`) and both report writers (a file, :mod:`kpi_xl.refresh`;
Excel, :mod:`kpi_xl.excel`) read their positions, names, colours and KPI lists
from here, so that they cannot disagree.  The words shown are in
:mod:`kpi_xl.texts`; the input contract (tables, headers, Settings) in
:mod:`kpi_xl.schema`.

Rows and columns are 0-based, as XlsxWriter counts (``(7, 2)`` is ``C8``).
Everything the *reader* needs is found by table and by name, never by
position, so this layout can change without breaking trackers already sent
around.
"""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import REGISTRY

# --- sheets ----------------------------------------------------------------------

SHEETS = ("Dashboard", "Ads", "Ledger", "Settings", "Ads Summary", "P&L", "Plan", "Forecast", "xlwings.conf")
"""The template's sheets, in order."""
INPUT_SHEETS = ("Ads", "Ledger", "Settings", "Plan")
OUTPUT_SHEETS = ("Dashboard", "Ads Summary", "P&L", "Forecast")
"""The sheets a refresh rewrites."""
WORKBOOK_CODE_NAME = "ThisWorkbook"
CODE_NAMES = {name: f"Sheet{i}" for i, name in enumerate(SHEETS, 1)}
"""VBA code names: the VBA project has exactly one document module per code name.
``Sheet1``… are also Excel's and XlsxWriter's defaults, so a sheet added later does not clash."""

# --- what Excel and xlwings call ---------------------------------------------------

REFRESH_MACRO = "RefreshKPIs"
"""The button's macro (a parameterless Sub of the ``KpiXl`` module)."""
UDF_MODULE = "kpi_xl.udfs"
"""The Python module of the Excel functions (xlwings' ``UDF Modules``)."""
REFRESH_ENTRY_POINT = "kpi_xl.excel.refresh_from_excel"
"""What ``RefreshKPIs`` runs through xlwings' ``RunPython``."""
XLWINGS_CONF = (("UDF Modules", UDF_MODULE),)
"""The `xlwings.conf` sheet's rows (key, value) from A1: no header, no blank row, nothing of this machine."""

# --- colours -----------------------------------------------------------------------

NAVY, BLUE, GREY, LIGHT, INPUT = "#1F3864", "#2F5597", "#595959", "#D9E1F2", "#FFF2CC"
TAB_INPUT, TAB_OUTPUT, TAB_TECH = "#548235", "#2F5597", "#A6A6A6"
TOTAL_FILL, TOTAL_RULE = LIGHT, "#8EA9DB"
"""A total row: its fill, and the line above it."""
RED, AMBER = "red", "amber"
ALERT_COLORS = {RED: ("#FFC7CE", "#9C0006"), AMBER: ("#FFEB9C", "#9C5700")}
"""Severity → (fill, font): Excel's own "light red" and "yellow" presets."""


def tab_color(sheet: str) -> str:
    if sheet in INPUT_SHEETS:
        return TAB_INPUT
    return TAB_TECH if sheet == "xlwings.conf" else TAB_OUTPUT


# --- KPIs shown ------------------------------------------------------------------------

ADS_SUMMARY_IDS = tuple(k.id for k in REGISTRY.values() if k.origin == "ads")
PNL_IDS = ("sales", "variable_costs", "gross_profit", "gross_margin", "fixed_costs", "operating_profit",
           "owner_pay", "tax", "other_income", "other_expense", "non_cash_income", "non_cash_expense",
           "net_profit", "net_margin", "cash_end", "burn", "runway_months", "safe_owner_pay", "breakeven_sales", "mer")
HEADLINE_IDS = ("spend", "cpc", "cpl", "cost_per_call", "cac", "ctr", "roas", "sales", "gross_margin",
                "net_profit", "cash_end", "runway_months", "safe_owner_pay", "mer")
"""The Dashboard's KPIs, top to bottom."""


@dataclass(frozen=True)
class Target:
    """An alert: a KPI against the named Settings cell holding its target (blank: no alert)."""

    kpi_id: str
    setting: str
    kind: str  # "min": the KPI must be at least the target; "max": at most
    severity: str

    @property
    def op(self) -> str:
        """The comparison that raises the alert."""
        return "<" if self.kind == "min" else ">"


TARGETS = (
    Target("roas", "TargetROAS", "min", RED),
    Target("cac", "MaxCAC", "max", RED),
    Target("cpl", "MaxCPL", "max", AMBER),
    Target("ctr", "MinCTR", "min", AMBER),
    Target("gross_margin", "MinGrossMargin", "min", AMBER),
)
"""The alert rules on KPI targets (net profit < 0 and cash under the reserve are fixed rules)."""
TARGET_BY_KPI = {t.kpi_id: t for t in TARGETS}

# --- Settings ------------------------------------------------------------------------

SETTINGS_FIRST_ROW = 3
"""Row of the first setting (row 4 in Excel): name in A, value in B (the named cell), note in C."""

# --- Dashboard --------------------------------------------------------------------------

DASHBOARD_MONTH_CELL = (7, 2)  # C8: the latest month
DASHBOARD_REFRESHED_CELL = (7, 4)  # E8: when the last refresh ran
DASHBOARD_FORECAST_CELL = (6, 6)  # G7: the forecast in one sentence
DASHBOARD_KPI_HEADER_ROW = 9  # B10:E10: KPI, Latest month, Last 12 months, Target
DASHBOARD_KPI_COL = 1  # B: the KPI names; C, D: latest month, last 12 months; E: target
DASHBOARD_ALERTS_ROW = 9  # G10: "Alerts", lines below
DASHBOARD_CHANGES_ROW = 17  # G18: "What changed since last month", lines below
DASHBOARD_TEXT_COL = 6  # G: the alerts and what changed
DASHBOARD_CHARTS_ROW = 25  # B26: "Charts"
DASHBOARD_LINES = 6
"""Alert and what-changed lines shown on Dashboard (a refresh always writes this many)."""
CHART_DATA_ROW = DASHBOARD_KPI_HEADER_ROW
CHART_DATA_COL = 12  # M10…: the charts' data, one block per chart, right of the printed page
CHART_DATA_SIZE = (26, 28)
"""Rows and columns the chart data may take (what a refresh in Excel clears)."""
FORECAST_CHART_COL = CHART_DATA_COL + 23
"""Where the forecast chart's data goes, after the three others'."""


@dataclass(frozen=True)
class ChartPlace:
    name: str  # the chart object's name (prefixed "kpi_xl ", so that a refresh finds its own)
    kind: str  # "line" or "column"
    anchor: tuple[int, int]
    width: int


CHARTS = (
    ChartPlace("funnel", "line", (DASHBOARD_CHARTS_ROW + 3, 1), 640),
    ChartPlace("profit", "column", (DASHBOARD_CHARTS_ROW + 3, 6), 560),
    ChartPlace("cash", "line", (DASHBOARD_CHARTS_ROW + 20, 1), 640),
    ChartPlace("forecast", "line", (DASHBOARD_CHARTS_ROW + 20, 6), 560),
)
"""The Dashboard's charts: column G is narrower than B:E, so a chart there is narrower, to stay on the page."""
CHART_PREFIX = "kpi_xl "

# --- Ads Summary, P&L, Forecast ----------------------------------------------------------

OUTPUT_HEADER_ROW = 3
"""Ads Summary and P&L: row 4 holds the headers, the rows start below."""
FORECAST_HEADER_ROW = 6
FORECAST_LOW_CASH_CELL = (3, 1)  # B4 (its month in C4)
FORECAST_MAX_PAY_CELL = (4, 1)  # B5
FORECAST_COLUMNS = ("month", "sales", "variable_costs", "fixed_costs", "tax", "owner_pay", "plan", "cash_end",
                    "cash_max_pay", "reserve")
"""The Forecast table's columns (their headers are texts ``forecast.column.<key>``)."""


@dataclass(frozen=True)
class Column:
    """A column of an output table: a KPI id (its label as header) or a text key, and its unit."""

    key: str
    unit: str  # month, text, money, percent, multiple, months, count
    kpi: bool = True


def output_columns(sheet: str) -> tuple[Column, ...]:
    """The columns of the table a refresh writes on ``sheet`` (Ads Summary, P&L or Forecast)."""
    if sheet == "Ads Summary":
        return (Column("month", "month", False), Column("channel", "text", False),
                *(Column(k, REGISTRY[k].unit) for k in ADS_SUMMARY_IDS))
    if sheet == "P&L":
        return (Column("month", "month", False), *(Column(k, REGISTRY[k].unit) for k in PNL_IDS))
    if sheet == "Forecast":
        return tuple(Column(k, "month" if k == "month" else "money", False) for k in FORECAST_COLUMNS)
    raise KeyError(sheet)


def header_row(sheet: str) -> int:
    return FORECAST_HEADER_ROW if sheet == "Forecast" else OUTPUT_HEADER_ROW


FROZEN_COLUMNS = {"Ads Summary": 2, "P&L": 1, "Forecast": 1}

# --- the portfolio workbook (kpi-xl portfolio) ----------------------------------------------

PORTFOLIO_SHEETS = ("Dashboard", "Portfolio", "Months", "Problems")
"""The portfolio workbook's sheets, in order (each holds an Excel Table of its name but Dashboard)."""
PORTFOLIO_COLUMNS = (
    Column("client", "text", False), Column("file", "text", False), Column("currency", "text", False),
    Column("month", "month", False),
    Column("spend", "money"), Column("cac", "money"), Column("MaxCAC", "money", False),
    Column("roas", "multiple"), Column("TargetROAS", "multiple", False),
    Column("sales", "money"), Column("gross_margin", "percent"), Column("MinGrossMargin", "percent", False),
    Column("net_profit", "money"), Column("cash_end", "money"), Column("reserve", "money", False),
    Column("runway_months", "months"), Column("safe_owner_pay", "money"), Column("max_owner_pay", "money"),
    Column("alerts", "sentence", False),
)
"""The `Portfolio` table's columns: a KPI id of the latest month (its name as header), or a key (header: the text
``portfolio.column.<key>``); each target beside its KPI, by its Settings name, so that a rule compares the two."""
PORTFOLIO_TOTAL_IDS = ("spend", "sales", "net_profit", "cash_end", "safe_owner_pay", "max_owner_pay")
"""The `Portfolio` columns totalled, one total per currency (never across currencies)."""
MONTHS_KEYS = ("client", "file", "currency", "month")
"""The `Months` table's first columns (headers: texts ``portfolio.column.<key>``); every KPI id follows."""
PORTFOLIO_HEADER_ROW = 3
"""Portfolio and Problems: a title, what it holds, a blank row, then the table's header row (row 4)."""
MONTHS_HEADER_ROW = 4
"""Months: the KPIs' names on row 4, over the table's header row (row 5) of KPI ids."""
PORTFOLIO_FROZEN_COLUMNS = {"Portfolio": 1, "Months": 4, "Problems": 1}
PORTFOLIO_DASHBOARD_ROWS = {"notes": 3, "over_cac": 8, "runway": 14, "charts": 20}
"""Dashboard: where each part starts (0-based rows): the notes, the three most over their CAC limit, the three
with the shortest runway, the charts."""
PORTFOLIO_DASHBOARD_TOP = 3
"""How many trackers each of the Dashboard's two lists shows."""
PORTFOLIO_CHART_CLIENTS = 20
"""A chart shows every client up to this many, else this many of the lowest."""
PORTFOLIO_CHART_DATA_COL = 12
"""Dashboard: M, where the charts' data goes, right of the printed page."""
PORTFOLIO_CHARTS = (
    ChartPlace("roas", "bar", (PORTFOLIO_DASHBOARD_ROWS["charts"] + 1, 1), 560),
    ChartPlace("net_profit", "bar", (PORTFOLIO_DASHBOARD_ROWS["charts"] + 1, 6), 560),
)
