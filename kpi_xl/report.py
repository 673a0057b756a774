"""The refresh's output as data: where every value, alert rule and chart goes, and the one way to write it.

:func:`build_report` turns a tracker into a :class:`Report` — blocks of values
at sheet positions with their units, conditional-format rules that read the
named `Settings` cells, and chart specifications — at the places
:mod:`kpi_xl.layout` gives, in the words of :mod:`kpi_xl.texts`.

:func:`write_report` lays a report out through a :class:`ReportWriter`.  There
are two: one writes a file (:class:`kpi_xl.refresh.FileReportWriter`, XlsxWriter
and the package patch), one the workbook open in Excel
(:class:`kpi_xl.excel.writer.ExcelReportWriter`, xlwings), so the button and
``kpi-xl refresh`` cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import analysis
from . import layout as L
from .metrics import REGISTRY
from .ooxml.cells import cell_name, column_letter
from .periods import ALL, Selection, month_label, month_start
from .texts import Texts, texts
from .tracker import Tracker


@dataclass(frozen=True)
class Block:
    """Values at a position: ``rows`` of cells under (row, col), 0-based; ``None`` leaves a cell empty."""

    sheet: str
    row: int
    col: int
    rows: list[list[Any]]
    units: list[str]  # per column: month, date, text, sentence, money, percent, multiple, months, count
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
    name: str  # the chart object's name (kpi_xl's own start with layout.CHART_PREFIX)
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
    lines: dict[str, list[str]] = field(default_factory=dict)
    """The Dashboard's sentences by kind ("alerts", "changes", "forecast"), for the command's summary."""


class ReportWriter(Protocol):
    """What a report is written through: a file being built, or a workbook open in Excel."""

    def sheet(self, name: str) -> None:
        """Make ``name`` the sheet written next: add it if the workbook lacks it (with its titles and
        headers), and clear what the last refresh wrote there."""

    def block(self, block: Block) -> None:
        """Write values with their number formats; total rows bold."""

    def rule(self, rule: Rule) -> None:
        """Add a conditional format in the severity's colours (:data:`kpi_xl.layout.ALERT_COLORS`)."""

    def chart(self, chart: Chart) -> None:
        """Add a chart of ``chart.data``."""


def write_report(report: Report, writer: ReportWriter) -> None:
    """Lay ``report`` out, sheet by sheet, through ``writer``."""
    for name in L.OUTPUT_SHEETS:
        writer.sheet(name)
        for block in report.blocks:
            if block.sheet == name:
                writer.block(block)
        for rule in report.rules:
            if rule.sheet == name:
                writer.rule(rule)
        for chart in report.charts:
            if chart.sheet == name:
                writer.chart(chart)


# --- building the report --------------------------------------------------------------


def _month_cell(label: str) -> dt.date:
    year, month = map(int, label.split("-"))
    return dt.date(year, month, 1)


def _unit(kpi_id: str) -> str:
    return REGISTRY[kpi_id].unit


def _rule_formula(cell: str, op: str, name: str) -> str:
    """An alert formula that stays quiet while the cell or the target is blank."""
    return f"=AND(ISNUMBER({cell}),ISNUMBER({name}),{cell}{op}{name})"


def _column_rules(sheet: str, ids: tuple[str, ...], first_col: int, first_row: int, last_row: int) -> list[Rule]:
    rules = []
    for t in L.TARGETS:
        if t.kpi_id in ids:
            col = first_col + ids.index(t.kpi_id)
            top = f"{column_letter(col)}{first_row + 1}"
            rules.append(Rule(sheet, f"{top}:{column_letter(col)}{last_row + 1}", _rule_formula(top, t.op, t.setting),
                              t.severity))
    return rules


def _ads_summary(tracker: Tracker, report: Report, words: Texts) -> None:
    rows, bold = [], set()
    total = words("ads_summary.total")
    for i, r in enumerate(analysis.ads_summary(tracker)):
        rows.append([_month_cell(r.month), total if r.is_total else r.channel,
                     *[r.values[k] for k in L.ADS_SUMMARY_IDS]])
        if r.is_total:
            bold.add(i)
    first = L.OUTPUT_HEADER_ROW + 1
    report.blocks.append(Block("Ads Summary", first, 0, rows, ["month", "text", *map(_unit, L.ADS_SUMMARY_IDS)],
                               frozenset(bold)))
    if rows:
        report.rules += _column_rules("Ads Summary", L.ADS_SUMMARY_IDS, 2, first, first + len(rows) - 1)


def _pnl(tracker: Tracker, report: Report) -> None:
    lines = analysis.pnl(tracker)
    rows = [[_month_cell(m), *[v[k] for k in L.PNL_IDS]] for m, v in lines]
    first = L.OUTPUT_HEADER_ROW + 1
    report.blocks.append(Block("P&L", first, 0, rows, ["month", *map(_unit, L.PNL_IDS)]))
    if not rows:
        return
    last = first + len(rows) - 1
    report.rules += _column_rules("P&L", L.PNL_IDS, 1, first, last)

    def col(kpi_id: str) -> str:
        return column_letter(1 + L.PNL_IDS.index(kpi_id))

    net, cash, fixed = col("net_profit"), col("cash_end"), col("fixed_costs")
    top = first + 1
    report.rules.append(Rule("P&L", f"{net}{top}:{net}{last + 1}", f"=AND(ISNUMBER({net}{top}),{net}{top}<0)", L.RED))
    report.rules.append(Rule("P&L", f"{cash}{top}:{cash}{last + 1}",
                             f"=AND(ISNUMBER({cash}{top}),ISNUMBER(ReserveMonths),"
                             f"{cash}{top}<ReserveMonths*{fixed}{top})", L.RED))


def _lines(report: Report, kind: str, row: int, lines: list[str], words: Texts) -> None:
    """Alert or what-changed lines under their heading: always :data:`~kpi_xl.layout.DASHBOARD_LINES` of them,
    so that a refresh overwrites the last one's."""
    n = L.DASHBOARD_LINES
    if len(lines) > n:
        lines = lines[:n - 1] + [words("lines.more", n=len(lines) - n + 1)]
    report.lines[kind] = lines
    lines = lines + [""] * (n - len(lines))
    report.blocks.append(Block("Dashboard", row + 1, L.DASHBOARD_TEXT_COL, [[line] for line in lines], ["text"]))


def _dashboard(tracker: Tracker, report: Report, today: dt.date, words: Texts) -> None:
    latest = analysis.latest_month(tracker)
    r, c = L.DASHBOARD_REFRESHED_CELL
    report.blocks.append(Block("Dashboard", r, c, [[today]], ["date"]))
    if latest is None:
        r, c = L.DASHBOARD_MONTH_CELL
        report.blocks.append(Block("Dashboard", r, c, [[words("dashboard.no_data.month")]], ["text"]))
        _lines(report, "alerts", L.DASHBOARD_ALERTS_ROW, [words("dashboard.no_data")], words)
        return
    report.latest_month = month_label(latest)
    r, c = L.DASHBOARD_MONTH_CELL
    report.blocks.append(Block("Dashboard", r, c, [[month_start(latest)]], ["month"]))
    now = tracker.kpis(month_label(latest), ids=L.HEADLINE_IDS)
    year = tracker.kpis(analysis.trailing_12(latest), ids=L.HEADLINE_IDS)
    first = L.DASHBOARD_KPI_HEADER_ROW + 1
    for i, kpi_id in enumerate(L.HEADLINE_IDS):
        report.blocks.append(Block("Dashboard", first + i, 2, [[now[kpi_id], year[kpi_id]]], [_unit(kpi_id)] * 2))
    for t in L.TARGETS:
        if t.kpi_id in L.HEADLINE_IDS:
            row = first + L.HEADLINE_IDS.index(t.kpi_id)
            cells = f"C{row + 1}:D{row + 1}"
            report.rules.append(Rule("Dashboard", cells, _rule_formula(f"C{row + 1}", t.op, t.setting), t.severity))
    row = first + L.HEADLINE_IDS.index("net_profit") + 1
    report.rules.append(Rule("Dashboard", f"C{row}:D{row}", f"=AND(ISNUMBER(C{row}),C{row}<0)", L.RED))
    row = first + L.HEADLINE_IDS.index("cash_end") + 1
    reserve = analysis.reserve(tracker, latest) / tracker.settings.reserve_months \
        if tracker.settings.reserve_months else 0
    # The latest month's fixed costs are not on the Dashboard: the rule carries them as a number.
    report.rules.append(Rule("Dashboard", f"C{row}", f"=AND(ISNUMBER(C{row}),C{row}<ReserveMonths*{reserve:.2f})",
                             L.RED))

    alerts = analysis.alerts(tracker, latest, words) or [words("alert.none", month=words.month(latest))]
    _lines(report, "alerts", L.DASHBOARD_ALERTS_ROW, alerts, words)
    _lines(report, "changes", L.DASHBOARD_CHANGES_ROW, analysis.what_changed(tracker, latest, words), words)
    _charts(tracker, report, words)


def _chart(report: Report, place: L.ChartPlace, col: int, title: str, headers: list[str], labels: list[str],
           rows: list[list], secondary: tuple[int, ...], words: Texts) -> int:
    """Add a chart and its data block at column ``col``; return the column of the next block."""
    block = Block("Dashboard", L.CHART_DATA_ROW, col,
                  [[words("column.month"), *headers]] + [[lab, *row] for lab, row in zip(labels, rows, strict=True)],
                  ["text", *["money"] * len(headers)], header=True)
    report.blocks.append(block)
    r, c = place.anchor
    report.charts.append(Chart("Dashboard", L.CHART_PREFIX + place.name, r, c, place.kind, title, block, secondary,
                               width=place.width))
    return col + len(headers) + 2


def _charts(tracker: Tracker, report: Report, words: Texts) -> None:
    months = tracker.months()
    months = list(range(months[0], months[-1] + 1))[-24:]  # the last two years at most
    labels = [words.month(m) for m in months]
    values = [tracker.kpis(month_label(m), ids=("cpc", "cpl", "cac", "sales", "variable_costs", "fixed_costs",
                                                "net_profit", "cash_end")) for m in months]
    reserve = [analysis.reserve(tracker, m) for m in months]
    funnel, profit, cash = L.CHARTS[:3]
    col = _chart(report, funnel, L.CHART_DATA_COL, words("chart.funnel"),
                 [words.kpi(k) for k in ("cpc", "cpl", "cac")], labels,
                 [[v["cpc"], v["cpl"], v["cac"]] for v in values], (3,), words)
    col = _chart(report, profit, col, words("chart.profit"),
                 [words.kpi("sales"), words("chart.profit.costs"), words.kpi("net_profit")], labels,
                 [[v["sales"], v["variable_costs"] + v["fixed_costs"], v["net_profit"]] for v in values], (), words)
    _chart(report, cash, col, words("chart.cash"), [words.kpi("cash_end"), words("chart.reserve")], labels,
           [[v["cash_end"], r] for v, r in zip(values, reserve, strict=True)], (), words)


def _forecast(tracker: Tracker, report: Report, words: Texts) -> None:
    forecast = tracker.figures(Selection()).forecast  # from the last month with Ledger entries
    if forecast is None:
        none = words("forecast.none")
        r, c = L.FORECAST_LOW_CASH_CELL
        report.blocks.append(Block("Forecast", r, c, [[none]], ["text"]))
        r, c = L.DASHBOARD_FORECAST_CELL
        report.lines["forecast"] = [none]
        report.blocks.append(Block("Dashboard", r, c, [[none]], ["sentence"]))
        return
    as_of = tracker.as_of(ALL)
    pay = forecast.max_owner_pay()
    rows = [[month_start(as_of + a.offset), a.sales, a.variable_costs, a.fixed_costs, a.tax, a.owner_pay, a.plan,
             a.cash_end, b.cash_end, forecast.reserve]
            for a, b in zip(forecast.rows(), forecast.rows(owner_pay=pay), strict=True)]
    report.blocks.append(Block("Forecast", L.FORECAST_HEADER_ROW + 1, 0, rows, ["month"] + ["money"] * 9))
    low = forecast.low()
    r, c = L.FORECAST_LOW_CASH_CELL
    report.blocks.append(Block("Forecast", r, c, [[low.cash_end, month_start(as_of + low.offset)]],
                               ["money", "month"]))
    r, c = L.FORECAST_MAX_PAY_CELL
    report.blocks.append(Block("Forecast", r, c, [[pay]], ["money"]))
    first, last = L.FORECAST_HEADER_ROW + 2, L.FORECAST_HEADER_ROW + 1 + len(rows)
    for col in ("H", "I"):
        report.rules.append(Rule("Forecast", f"{col}{first}:{col}{last}",
                                 f"=AND(ISNUMBER({col}{first}),{col}{first}<J{first})", L.RED))
    r, c = L.DASHBOARD_FORECAST_CELL
    sentence = analysis.forecast_sentence(tracker, forecast, as_of, words)
    report.lines["forecast"] = [sentence]
    report.blocks.append(Block("Dashboard", r, c, [[sentence]], ["sentence"]))
    _chart(report, L.CHARTS[3], L.FORECAST_CHART_COL, words("chart.forecast"),
           [words("chart.forecast.cash"), words("chart.forecast.max_pay"), words("chart.reserve")],
           [words.month(as_of + a.offset) for a in forecast.rows()], [[m[7], m[8], m[9]] for m in rows], (), words)


def build_report(tracker: Tracker, today: dt.date | None = None, words: Texts | None = None) -> Report:
    """Everything a refresh writes, at its place."""
    words = words or texts()
    report = Report()
    _dashboard(tracker, report, today or dt.date.today(), words)
    _ads_summary(tracker, report, words)
    _pnl(tracker, report)
    _forecast(tracker, report, words)
    return report
