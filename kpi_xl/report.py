"""The refresh's output as data: where every value, alert rule and chart goes.

:func:`build_report` turns a tracker into a :class:`Report` — blocks of values
at sheet positions with their units, conditional-format rules that read the
named `Settings` cells, and chart specifications — using the layout of
:mod:`kpi_xl.workbook`.  Two writers lay a report out: XlsxWriter for a file
(:mod:`kpi_xl.refresh`) and xlwings for the workbook open in Excel
(:mod:`kpi_xl.excel`), so the button and ``kpi-xl refresh`` cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import summary
from .metrics import KPIS
from .ooxml.cells import cell_name, column_letter
from .periods import ALL, Selection, month_label, month_start
from .summary import ADS_SUMMARY_IDS, HEADLINE_IDS, PNL_IDS
from .tracker import Tracker
from .workbook import (
    DASHBOARD_ALERTS_ROW,
    DASHBOARD_CHANGES_ROW,
    DASHBOARD_CHART_DATA_COL,
    DASHBOARD_FORECAST_CELL,
    FORECAST_HEADER_ROW,
    FORECAST_LOW_CASH_CELL,
    FORECAST_MAX_PAY_CELL,
    DASHBOARD_CHARTS_ROW,
    DASHBOARD_KPI_HEADER_ROW,
    DASHBOARD_MONTH_CELL,
    DASHBOARD_REFRESHED_CELL,
    OUTPUT_HEADER_ROW,
)

RED, AMBER = "red", "amber"
COLORS = {RED: ("#FFC7CE", "#9C0006"), AMBER: ("#FFEB9C", "#9C5700")}  # (fill, font), Excel's own presets

OUTPUT_SHEETS = ("Dashboard", "Ads Summary", "P&L", "Forecast")
"""The sheets a refresh rewrites."""

CHART_DATA_COL = DASHBOARD_CHART_DATA_COL
CHART_DATA_ROW = DASHBOARD_KPI_HEADER_ROW
MAX_LINES = 6  # alerts / what-changed lines shown on Dashboard


@dataclass(frozen=True)
class Block:
    """Values at a position: ``rows`` of cells under (row, col), 0-based; ``None`` leaves a cell empty."""

    sheet: str
    row: int
    col: int
    rows: list[list[Any]]
    units: list[str]  # per column: month, text, money, percent, multiple, months, count
    bold_rows: frozenset[int] = frozenset()  # offsets of total rows
    header: bool = False  # the first row is a header (chart data)

    @property
    def ref(self) -> str:
        last_row = self.row + max(len(self.rows), 1) - 1
        return f"{cell_name(self.row, self.col)}:{cell_name(last_row, self.col + len(self.units) - 1)}"


@dataclass(frozen=True)
class Rule:
    """A conditional format: ``formula`` is written for the top-left cell of ``ref``."""

    sheet: str
    ref: str
    formula: str
    severity: str


@dataclass(frozen=True)
class Chart:
    sheet: str
    name: str
    row: int
    col: int
    kind: str  # "line" or "column"
    title: str
    data: Block  # header row (series names) then one row per month; first column: the months
    secondary: tuple[int, ...] = ()  # data columns on the secondary axis
    width: int = 640
    height: int = 300


@dataclass
class Report:
    blocks: list[Block] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    latest_month: str | None = None


def _month_cell(label: str) -> dt.date:
    year, month = map(int, label.split("-"))
    return dt.date(year, month, 1)


def _unit(kpi_id: str) -> str:
    return KPIS[kpi_id].unit


def _rule_formula(cell: str, op: str, name: str) -> str:
    """An alert formula that stays quiet while the cell or the target is blank."""
    return f"=AND(ISNUMBER({cell}),ISNUMBER({name}),{cell}{op}{name})"


_TARGET_RULES = (  # KPI id → (comparison that is an alert, named Settings cell, severity)
    ("roas", "<", "TargetROAS", RED),
    ("cac", ">", "MaxCAC", RED),
    ("cpl", ">", "MaxCPL", AMBER),
    ("ctr", "<", "MinCTR", AMBER),
    ("gross_margin", "<", "MinGrossMargin", AMBER),
)


def _column_rules(sheet: str, ids: tuple[str, ...], first_col: int, first_row: int, last_row: int) -> list[Rule]:
    rules = []
    for kpi_id, op, name, severity in _TARGET_RULES:
        if kpi_id in ids:
            col = first_col + ids.index(kpi_id)
            top = f"{column_letter(col)}{first_row + 1}"
            rules.append(Rule(sheet, f"{top}:{column_letter(col)}{last_row + 1}", _rule_formula(top, op, name),
                              severity))
    return rules


def _ads_summary(tracker: Tracker, report: Report) -> None:
    rows, bold = [], set()
    for i, r in enumerate(summary.ads_summary(tracker)):
        rows.append([_month_cell(r.month), r.channel, *[r.values[k] for k in ADS_SUMMARY_IDS]])
        if r.is_total:
            bold.add(i)
    first = OUTPUT_HEADER_ROW + 1
    report.blocks.append(Block("Ads Summary", first, 0, rows, ["month", "text", *map(_unit, ADS_SUMMARY_IDS)],
                               frozenset(bold)))
    if rows:
        report.rules += _column_rules("Ads Summary", ADS_SUMMARY_IDS, 2, first, first + len(rows) - 1)


def _pnl(tracker: Tracker, report: Report) -> None:
    lines = summary.pnl(tracker)
    rows = [[_month_cell(m), *[v[k] for k in PNL_IDS]] for m, v in lines]
    first = OUTPUT_HEADER_ROW + 1
    report.blocks.append(Block("P&L", first, 0, rows, ["month", *map(_unit, PNL_IDS)]))
    if not rows:
        return
    last = first + len(rows) - 1
    report.rules += _column_rules("P&L", PNL_IDS, 1, first, last)

    def col(kpi_id: str) -> str:
        return column_letter(1 + PNL_IDS.index(kpi_id))

    net, cash, fixed = col("net_profit"), col("cash_end"), col("fixed_costs")
    top = first + 1
    report.rules.append(Rule("P&L", f"{net}{top}:{net}{last + 1}", f"=AND(ISNUMBER({net}{top}),{net}{top}<0)", RED))
    report.rules.append(Rule("P&L", f"{cash}{top}:{cash}{last + 1}",
                             f"=AND(ISNUMBER({cash}{top}),ISNUMBER(ReserveMonths),"
                             f"{cash}{top}<ReserveMonths*{fixed}{top})", RED))


def _dashboard(tracker: Tracker, report: Report, today: dt.date) -> None:
    latest = summary.latest_month(tracker)
    r, c = DASHBOARD_REFRESHED_CELL
    report.blocks.append(Block("Dashboard", r, c, [[today]], ["date"]))
    if latest is None:
        r, c = DASHBOARD_MONTH_CELL
        report.blocks.append(Block("Dashboard", r, c, [["no data yet"]], ["text"]))
        report.blocks.append(Block("Dashboard", DASHBOARD_ALERTS_ROW + 1, 6, [[line] for line in _fit(
            ["No data yet: type or import your rows in Ads and Ledger, then refresh."])], ["text"]))
        return
    report.latest_month = month_label(latest)
    r, c = DASHBOARD_MONTH_CELL
    report.blocks.append(Block("Dashboard", r, c, [[month_start(latest)]], ["month"]))
    now = tracker.kpis(month_label(latest), ids=HEADLINE_IDS)
    year = tracker.kpis(summary.trailing_12(latest), ids=HEADLINE_IDS)
    first = DASHBOARD_KPI_HEADER_ROW + 1
    for i, kpi_id in enumerate(HEADLINE_IDS):
        report.blocks.append(Block("Dashboard", first + i, 2, [[now[kpi_id], year[kpi_id]]], [_unit(kpi_id)] * 2))
    for kpi_id, op, name, severity in _TARGET_RULES:
        if kpi_id in HEADLINE_IDS:
            row = first + HEADLINE_IDS.index(kpi_id)
            cells = f"C{row + 1}:D{row + 1}"
            report.rules.append(Rule("Dashboard", cells, _rule_formula(f"C{row + 1}", op, name), severity))
    row = first + HEADLINE_IDS.index("net_profit") + 1
    report.rules.append(Rule("Dashboard", f"C{row}:D{row}", f"=AND(ISNUMBER(C{row}),C{row}<0)", RED))
    row = first + HEADLINE_IDS.index("cash_end") + 1
    reserve = summary.reserve(tracker, latest) / tracker.settings.reserve_months if tracker.settings.reserve_months else 0
    # The latest month's fixed costs are not on the Dashboard: the rule carries them as a number.
    report.rules.append(Rule("Dashboard", f"C{row}", f"=AND(ISNUMBER(C{row}),C{row}<ReserveMonths*{reserve:.2f})",
                             RED))

    alerts = summary.alerts(tracker, latest) or [f"None: every target is met in {month_label(latest)}."]
    report.blocks.append(Block("Dashboard", DASHBOARD_ALERTS_ROW + 1, 6,
                               [[line] for line in _fit(alerts)], ["text"]))
    changes = summary.what_changed(tracker, latest)
    report.blocks.append(Block("Dashboard", DASHBOARD_CHANGES_ROW + 1, 6,
                               [[line] for line in _fit(changes)], ["text"]))
    _charts(tracker, report)


def _fit(lines: list[str]) -> list[str]:
    """At most MAX_LINES lines, always the same number (a refresh overwrites the last one's lines)."""
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [f"… and {len(lines) - MAX_LINES + 1} more (see Ads Summary and P&L)."]
    return lines + [""] * (MAX_LINES - len(lines))


def _charts(tracker: Tracker, report: Report) -> None:
    months = tracker.months()
    months = list(range(months[0], months[-1] + 1))[-24:]  # the last two years at most
    labels = [month_label(m) for m in months]
    values = [tracker.kpis(m, ids=("cpc", "cpl", "cac", "sales", "variable_costs", "fixed_costs", "net_profit",
                                   "cash_end")) for m in labels]
    reserve = [summary.reserve(tracker, m) for m in months]
    col = CHART_DATA_COL
    specs = [
        ("funnel", "Cost per click, lead and customer", "line",
         ["Cost per click", "Cost per lead", "Cost per customer"],
         [[v["cpc"], v["cpl"], v["cac"]] for v in values], ["money"] * 3, (3,)),
        ("profit", "Sales, costs and net profit", "column",
         ["Sales", "Costs", "Net profit"],
         [[v["sales"], v["variable_costs"] + v["fixed_costs"], v["net_profit"]] for v in values], ["money"] * 3, ()),
        ("cash", "Cash at month end against the reserve", "line",
         ["Cash at month end", "Reserve"], [[v["cash_end"], r] for v, r in zip(values, reserve)], ["money"] * 2, ()),
    ]
    anchors = [(DASHBOARD_CHARTS_ROW + 3, 1), (DASHBOARD_CHARTS_ROW + 3, 6), (DASHBOARD_CHARTS_ROW + 20, 1)]
    for (name, title, kind, headers, rows, units, secondary), (r, c) in zip(specs, anchors):
        block = Block("Dashboard", CHART_DATA_ROW, col, [["Month", *headers]] + [[lab, *row] for lab, row in
                                                                                  zip(labels, rows)],
                      ["text", *units], header=True)
        report.blocks.append(block)
        # Column G is narrower than B:E: a chart there is narrower, to stay on the printed page.
        report.charts.append(Chart("Dashboard", f"kpi_xl {name}", r, c, kind, title, block, secondary,
                                   width=560 if c == 6 else 640))
        col += len(headers) + 2


def forecast_sentence(tracker: Tracker, forecast, as_of: int) -> str:
    """The forecast in one sentence, for the Dashboard."""
    cur = tracker.settings.currency
    money = lambda v: f"{v:,.0f} {cur}"  # noqa: E731
    low = forecast.low()
    reserve = f"{tracker.settings.reserve_months:g}-month reserve ({money(forecast.reserve)})"
    name = lambda m: f"{month_start(m):%B %Y}"  # noqa: E731
    low_text = f"the low point is {name(as_of + low.offset)} ({money(low.cash_end)})"
    if low.plan:
        low_text += ", after the Plan items of that month"
    pay = forecast.max_owner_pay()
    until = name(as_of + forecast.months)
    if pay > 0:
        return (f"You can pay yourself up to {money(pay)} a month until {until} without going under your "
                f"{reserve}; {low_text}.")
    return (f"Any owner pay would take cash under your {reserve} before {until}: hold it and review costs; "
            f"{low_text}.")


NO_FORECAST = "No Ledger entries yet: nothing to project. The forecast starts from the last month in Ledger."


def _forecast(tracker: Tracker, report: Report) -> None:
    forecast = tracker.figures(Selection()).forecast  # from the last month with Ledger entries
    if forecast is None:
        r, c = FORECAST_LOW_CASH_CELL
        report.blocks.append(Block("Forecast", r, c, [[NO_FORECAST]], ["text"]))
        r, c = DASHBOARD_FORECAST_CELL
        report.blocks.append(Block("Dashboard", r, c, [[NO_FORECAST]], ["sentence"]))
        return
    as_of = tracker.as_of(ALL)
    pay = forecast.max_owner_pay()
    rows = [[month_start(as_of + a.offset), a.sales, a.variable_costs, a.fixed_costs, a.tax, a.owner_pay, a.plan,
             a.cash_end, b.cash_end, forecast.reserve]
            for a, b in zip(forecast.rows(), forecast.rows(owner_pay=pay))]
    report.blocks.append(Block("Forecast", FORECAST_HEADER_ROW + 1, 0, rows, ["month"] + ["money"] * 9))
    low = forecast.low()
    r, c = FORECAST_LOW_CASH_CELL
    report.blocks.append(Block("Forecast", r, c, [[low.cash_end, month_start(as_of + low.offset)]],
                               ["money", "month"]))
    r, c = FORECAST_MAX_PAY_CELL
    report.blocks.append(Block("Forecast", r, c, [[pay]], ["money"]))
    first, last = FORECAST_HEADER_ROW + 2, FORECAST_HEADER_ROW + 1 + len(rows)
    for col in ("H", "I"):
        report.rules.append(Rule("Forecast", f"{col}{first}:{col}{last}",
                                 f"=AND(ISNUMBER({col}{first}),{col}{first}<J{first})", RED))
    r, c = DASHBOARD_FORECAST_CELL
    report.blocks.append(Block("Dashboard", r, c, [[forecast_sentence(tracker, forecast, as_of)]], ["sentence"]))
    data = Block("Dashboard", CHART_DATA_ROW, CHART_DATA_COL + 23,
                 [["Month", "Projected cash", "Paying the most you can", "Reserve"]]
                 + [[month_label(m[0].year * 12 + m[0].month - 1), m[7], m[8], m[9]] for m in rows],
                 ["text", "money", "money", "money"], header=True)
    report.blocks.append(data)
    report.charts.append(Chart("Dashboard", "kpi_xl forecast", DASHBOARD_CHARTS_ROW + 20, 6, "line",
                               "Projected cash against the reserve", data, width=560))


def build_report(tracker: Tracker, today: dt.date | None = None) -> Report:
    """Everything a refresh writes, at its place."""
    report = Report()
    _dashboard(tracker, report, today or dt.date.today())
    _ads_summary(tracker, report)
    _pnl(tracker, report)
    _forecast(tracker, report)
    return report
