"""Writing a report onto the workbook open in Excel, through xlwings: the button's report writer.

The template already gave the output sheets their look (titles, headers,
column formats); this clears what the last refresh wrote and writes the new
values, number formats, total rows, alert rules and charts.  The button and
everything outside the output areas stay as they are; an output sheet the
workbook lacks (a tracker made before it existed) is added with its titles
and headers.  Only xlwings' public API is used, plus Excel's own object model
for what xlwings has no call for (a chart's title, a secondary axis).
"""

from __future__ import annotations

from typing import Any

from .. import layout as L
from ..formatting import excel_format
from ..ooxml.cells import cell_name
from ..report import Block, Chart, Rule
from ..texts import Texts, all_names, fold
from ..tracker import Settings
from ..workbook import output_headers


def _rc(row: int, col: int) -> tuple[int, int]:
    """xlwings' 1-based (row, column) for our 0-based one."""
    return row + 1, col + 1


def _rgb(color: str) -> tuple[int, int, int]:
    """``(217, 225, 242)`` for ``#D9E1F2``."""
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def dashboard_output() -> str:
    """The Dashboard cells a refresh owns: latest month, last refresh, forecast sentence, KPI values, alert and
    what-changed lines, chart data."""
    kpi_top = L.DASHBOARD_KPI_HEADER_ROW + 1
    rows, cols = L.CHART_DATA_SIZE
    text, lines = L.DASHBOARD_TEXT_COL, L.DASHBOARD_LINES
    return ",".join([
        cell_name(*L.DASHBOARD_MONTH_CELL),
        cell_name(*L.DASHBOARD_REFRESHED_CELL),
        cell_name(*L.DASHBOARD_FORECAST_CELL),
        f"{cell_name(kpi_top, 2)}:{cell_name(kpi_top + len(L.HEADLINE_IDS) - 1, 3)}",
        f"{cell_name(L.DASHBOARD_ALERTS_ROW + 1, text)}:{cell_name(L.DASHBOARD_ALERTS_ROW + lines, text)}",
        f"{cell_name(L.DASHBOARD_CHANGES_ROW + 1, text)}:{cell_name(L.DASHBOARD_CHANGES_ROW + lines, text)}",
        f"{cell_name(L.CHART_DATA_ROW, L.CHART_DATA_COL)}:"
        f"{cell_name(L.CHART_DATA_ROW + rows - 1, L.CHART_DATA_COL + cols - 1)}",
    ])


def forecast_output() -> str:
    """The Forecast cells a refresh owns above its table: the lowest cash, its month, the most the owner can pay."""
    (r, c), pay = L.FORECAST_LOW_CASH_CELL, L.FORECAST_MAX_PAY_CELL
    return f"{cell_name(r, c)}:{cell_name(r, c + 1)},{cell_name(*pay)}"


class ExcelReportWriter:
    """A :class:`~kpi_xl.report.ReportWriter` onto an xlwings ``Book``; ``added`` lists the sheets it added."""

    def __init__(self, book: Any, settings: Settings, words: Texts):
        self.book, self.settings, self.words = book, settings, words
        self.added: list[str] = []
        self.sheet_ = None

    def _find_or_add(self, name: str) -> Any:
        title = self.words.sheet(name)
        names = {fold(n) for n in all_names("sheet", name)}
        for sheet in self.book.sheets:
            if fold(sheet.name) in names:  # the tracker's own name for it, in any language
                return sheet
        sheet = self.book.sheets.add(title, after=self.book.sheets[-1])
        self.added.append(name)
        if name == "Dashboard":
            sheet.range("A1").value = self.words("dashboard.title")
            return sheet
        headers = output_headers(name, self.words)
        row = L.header_row(name)
        sheet.range("A1").value = [[self.words(f"output.{name}.title")], [self.words(f"output.{name}.subtitle")]]
        line = sheet.range(_rc(row, 0), _rc(row, len(headers) - 1))
        line.value = [h for h, _ in headers]
        line.font.bold = True
        if name == "Forecast":
            for (r, c), key in ((L.FORECAST_LOW_CASH_CELL, "forecast.low_cash"),
                                (L.FORECAST_MAX_PAY_CELL, "forecast.max_pay")):
                sheet.range(_rc(r, c - 1)).value = self.words(key)
        return sheet

    def sheet(self, name: str) -> None:
        sheet = self.sheet_ = self._find_or_add(name)
        if name == "Dashboard":
            output = dashboard_output()
            sheet.range(output).conditional_formats.clear()
            sheet.range(output).clear_contents()
            for chart in list(sheet.charts):
                if chart.name.startswith(L.CHART_PREFIX):
                    chart.delete()
            return
        header = L.header_row(name)  # a table that may have been longer last time
        last = max(sheet.used_range.last_cell.row, header + 2)
        width = len(L.output_columns(name))
        old = sheet.range(_rc(header + 1, 0), _rc(last - 1, max(width, 10) - 1))
        old.conditional_formats.clear()
        old.clear()
        if name == "Forecast":
            sheet.range(forecast_output()).clear_contents()

    def block(self, b: Block) -> None:
        if not b.rows:
            return
        sheet = self.sheet_
        sheet.range(_rc(b.row, b.col)).value = [[None if v is None or v == "" else v for v in row] for row in b.rows]
        first = b.row + (1 if b.header else 0)
        last = b.row + len(b.rows) - 1
        for j, unit in enumerate(b.units):
            if first <= last:
                cells = sheet.range(_rc(first, b.col + j), _rc(last, b.col + j))
                cells.number_format = excel_format(unit, self.settings.currency, self.words.lang)
        for i in sorted(b.bold_rows):
            line = sheet.range(_rc(b.row + i, b.col), _rc(b.row + i, b.col + len(b.units) - 1))
            line.font.bold = True
            line.color = _rgb(L.TOTAL_FILL)

    def rule(self, rule: Rule) -> None:
        fill, font = L.ALERT_COLORS[rule.severity]
        self.sheet_.range(rule.ref).conditional_formats.add_custom(rule.formula, fill_color=fill, font_color=font)

    def chart(self, spec: Chart) -> None:
        sheet = self.sheet_
        anchor = sheet.range(_rc(spec.row, spec.col))
        chart = sheet.charts.add(left=anchor.left, top=anchor.top, width=spec.width * 0.75,
                                 height=spec.height * 0.75)
        chart.name = spec.name
        chart.chart_type = "line_markers" if spec.kind == "line" else "column_clustered"
        chart.set_source_data(sheet.range(spec.data.ref))
        _chart_title(chart, spec.title, spec.secondary)


def _chart_title(chart: Any, title: str, secondary: tuple[int, ...]) -> None:
    """Title and secondary axis through Excel's own object model (xlwings has no API for them)."""
    try:
        xl = chart.api[1]
        xl.HasTitle = True
        xl.ChartTitle.Text = title
        for index in secondary:
            xl.FullSeriesCollection(index).AxisGroup = 2
    except Exception:  # another engine (macOS, a fake): the chart stays untitled
        pass
