"""The one adapter between kpi_xl and a workbook open in Excel (through xlwings).

Only this module touches live Excel objects, and only a handful of their
attributes (listed in :func:`snapshot`), so everything else runs and is tested
on Linux with a small fake of those objects.

A :class:`Snapshot` is the plain-Python copy of what a tracker's KPIs depend
on: the values of every Excel Table (header, data, totals) and of the named
`Settings` cells, as Excel holds them *now* — unsaved edits included.  Two
snapshots are equal exactly when the KPIs cannot differ, which makes the
snapshot itself the cache key of the Excel functions (see :mod:`kpi_xl.udfs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import polars as pl

import datetime as dt

from .errors import Problem
from .formatting import excel_format
from .ooxml.package import TableInfo
from .reader import check_source
from .ooxml.cells import cell_name
from .report import CHART_DATA_COL, CHART_DATA_ROW, COLORS, MAX_LINES, OUTPUT_SHEETS, Block, Report, build_report
from .schema import SETTINGS
from .summary import HEADLINE_IDS
from .tracker import Tracker
from .workbook import (
    DASHBOARD_ALERTS_ROW,
    DASHBOARD_CHANGES_ROW,
    DASHBOARD_FORECAST_CELL,
    DASHBOARD_KPI_HEADER_ROW,
    DASHBOARD_MONTH_CELL,
    DASHBOARD_REFRESHED_CELL,
    FORECAST_HEADER_ROW,
    FORECAST_LABELS,
    FORECAST_LOW_CASH_CELL,
    FORECAST_MAX_PAY_CELL,
    OUTPUT_HEADER_ROW,
    output_layout,
)

TOTAL_FILL = (217, 225, 242)  # the total rows' fill, as on a refreshed file
# Forecast cells a refresh owns above its table: the lowest cash, its month, the most the owner can pay.
FORECAST_OUTPUT = (f"{cell_name(*FORECAST_LOW_CASH_CELL)}:{cell_name(FORECAST_LOW_CASH_CELL[0], FORECAST_LOW_CASH_CELL[1] + 1)},"
                   f"{cell_name(*FORECAST_MAX_PAY_CELL)}")
# Dashboard cells a refresh owns: latest month, last refresh, the KPI values, alerts, changes, chart data.
_KPI_TOP = DASHBOARD_KPI_HEADER_ROW + 1
DASHBOARD_OUTPUT = ",".join([
    cell_name(*DASHBOARD_MONTH_CELL),
    cell_name(*DASHBOARD_REFRESHED_CELL),
    cell_name(*DASHBOARD_FORECAST_CELL),
    f"{cell_name(_KPI_TOP, 2)}:{cell_name(_KPI_TOP + len(HEADLINE_IDS) - 1, 3)}",
    f"{cell_name(DASHBOARD_ALERTS_ROW + 1, 6)}:{cell_name(DASHBOARD_ALERTS_ROW + MAX_LINES, 6)}",
    f"{cell_name(DASHBOARD_CHANGES_ROW + 1, 6)}:{cell_name(DASHBOARD_CHANGES_ROW + MAX_LINES, 6)}",
    f"{cell_name(CHART_DATA_ROW, CHART_DATA_COL)}:{cell_name(CHART_DATA_ROW + 25, CHART_DATA_COL + 27)}",
])


@dataclass
class TableSnapshot:
    name: str
    sheet: str
    ref: str  # "A1:J120", no $
    rows: list[list[Any]]  # header row (if shown), data rows, totals row (if shown)
    header_rows: int = 1
    totals_rows: int = 0


@dataclass
class Snapshot:
    """Every value a tracker's KPIs depend on, copied out of Excel."""

    tables: dict[str, TableSnapshot] = field(default_factory=dict)  # casefolded name → table
    settings: dict[str, tuple[str, Any] | str] = field(default_factory=dict)  # casefolded name → (where, value) | ref


def _address(address: str) -> str:
    return address.replace("$", "")


def snapshot(book: Any) -> Snapshot:
    """Copy a live workbook's tables and named Settings cells (xlwings ``Book``).

    The xlwings API used — and so all a fake needs — is: ``book.sheets`` →
    ``sheet.name``, ``sheet.tables`` → ``table.name``, ``table.show_headers``,
    ``table.show_totals``, ``table.range.address``, ``table.range.options(ndim=2).value``;
    ``book.names[name]`` → ``.refers_to``, ``.refers_to_range`` →
    ``.sheet.name``, ``.address``, ``.count``, ``.value``.
    """
    snap = Snapshot()
    for sheet in book.sheets:
        for table in sheet.tables:
            rng = table.range
            snap.tables[table.name.casefold()] = TableSnapshot(
                table.name, sheet.name, _address(rng.address), rng.options(ndim=2).value or [],
                1 if table.show_headers else 0, 1 if table.show_totals else 0,
            )
    for setting in SETTINGS:
        try:
            name = book.names[setting.name]
        except Exception:  # COM raises its own error for a missing name
            continue
        try:
            rng = name.refers_to_range
        except Exception:  # a constant or a formula, not a range
            snap.settings[setting.name.casefold()] = str(name.refers_to).lstrip("=")
            continue
        where = f"{rng.sheet.name}!{_address(rng.address)}"
        if rng.count != 1:
            snap.settings[setting.name.casefold()] = where
        else:
            snap.settings[setting.name.casefold()] = (where, rng.value)
    return snap


class SnapshotSource:
    """A :class:`~kpi_xl.reader.Source` over a snapshot: the same validation as for files."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self._infos = {key: self._info(t) for key, t in snap.tables.items()}

    @staticmethod
    def _info(t: TableSnapshot) -> TableInfo:
        header = t.rows[0] if t.header_rows and t.rows else []
        columns = tuple("" if h is None else str(h) for h in header)
        return TableInfo(t.name, t.sheet, "", t.ref, columns, t.header_rows, t.totals_rows)

    def table(self, name: str) -> TableInfo | None:
        return self._infos.get(name.casefold())

    def tables(self) -> list[TableInfo]:
        return list(self._infos.values())

    def _data(self, table: TableInfo) -> list[list[Any]]:
        t = self.snap.tables[table.name.casefold()]
        return t.rows[t.header_rows:t.header_rows + table.data_rows]

    def load(self, table: TableInfo, columns: list[str]) -> pl.DataFrame:
        rows = self._data(table)
        series = []
        for column in columns:
            j = table.columns.index(column)
            values = [row[j] if j < len(row) else None for row in rows]
            try:
                s = pl.Series(column, values, strict=True)
            except (TypeError, ValueError, pl.exceptions.PolarsError):
                # Mixed cell types: an Object column, which the reader checks cell by cell.
                s = pl.Series(column, values, dtype=pl.Object)
            series.append(s)
        return pl.DataFrame(series, schema={s.name: s.dtype for s in series}) if series else pl.DataFrame()

    def raw_column(self, table: TableInfo, column: str) -> Iterator[tuple[int, object]]:
        j = table.columns.index(column)
        for i, row in enumerate(self._data(table)):
            yield i, (row[j] if j < len(row) else None)

    def setting(self, name: str) -> tuple[str, object] | str | None:
        return self.snap.settings.get(name.casefold())


def check_snapshot(snap: Snapshot) -> tuple[Tracker | None, list[Problem]]:
    return check_source(SnapshotSource(snap))


def book_of(caller: Any) -> Any:
    """The workbook of the cell that called an Excel function (xlwings passes a Range)."""
    return caller.sheet.book


def refresh_from_excel() -> None:  # pragma: no cover - runs inside Excel only
    """The **Refresh KPIs** button's entry point (VBA ``RefreshKPIs`` → ``RunPython``)."""
    import xlwings as xw

    refresh_book(xw.Book.caller())


def refresh_book(book: Any, today: dt.date | None = None) -> Report | None:
    """Refresh the open workbook: the same report as ``kpi-xl refresh``, written through xlwings.

    Reads the workbook as Excel holds it (unsaved edits included).  Input
    problems appear in one message box and nothing is written.
    """
    tracker, problems = check_snapshot(snapshot(book))
    if tracker is None:
        book.app.alert(refresh_message(tracker, problems), title="Refresh KPIs")
        return None
    report = build_report(tracker, today)
    added = write_report(book, report)
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        book.app.alert(refresh_message(tracker, warnings), title="Refresh KPIs")
    book.app.status_bar = (f"KPIs refreshed (latest month {report.latest_month or 'none'})"
                           + "".join(f"; added the {name} sheet" for name in added))
    return report


def _rc(row: int, col: int) -> tuple[int, int]:
    """xlwings' 1-based (row, column) for our 0-based one."""
    return row + 1, col + 1


def _output_sheet(book: Any, name: str, added: list[str]) -> Any:
    """The output sheet ``name``, added after the last sheet (with its titles and headers) if the
    workbook was made before it existed."""
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    sheet = book.sheets.add(name, after=book.sheets[-1])
    added.append(name)
    if name == "Dashboard":
        sheet.range("A1").value = "KPI tracker"
        return sheet
    title, subtitle, headers, header_row = output_layout(name)
    sheet.range("A1").value = [[title], [subtitle]]
    line = sheet.range(_rc(header_row, 0), _rc(header_row, len(headers) - 1))
    line.value = [h for h, _ in headers]
    line.font.bold = True
    if name == "Forecast":
        for (r, c), label in FORECAST_LABELS.items():
            sheet.range(_rc(r, c - 1)).value = label
    return sheet


def write_report(book: Any, report: Report) -> list[str]:
    """Lay a report out on the open workbook's output sheets with xlwings.

    The template already gave these sheets their look (titles, headers,
    column formats); this clears what the last refresh wrote and writes the
    new values, number formats, total rows, alert rules and charts.  The
    button and everything outside the output areas stay as they are.  An
    output sheet the workbook lacks is added; their names are returned.
    """
    added: list[str] = []
    for name in OUTPUT_SHEETS:
        sheet = _output_sheet(book, name, added)
        blocks = [b for b in report.blocks if b.sheet == name]
        if name != "Dashboard":  # a table that may have been longer last time
            header = FORECAST_HEADER_ROW if name == "Forecast" else OUTPUT_HEADER_ROW
            last = max(sheet.used_range.last_cell.row, header + 2)
            width = max((len(b.units) for b in blocks), default=1)
            old = sheet.range(_rc(header + 1, 0), _rc(last - 1, max(width, 10) - 1))
            old.conditional_formats.clear()
            old.clear()
            if name == "Forecast":
                sheet.range(FORECAST_OUTPUT).clear_contents()
        else:
            sheet.range(DASHBOARD_OUTPUT).conditional_formats.clear()
            sheet.range(DASHBOARD_OUTPUT).clear_contents()
            for chart in list(sheet.charts):
                if chart.name.startswith("kpi_xl "):
                    chart.delete()
        for b in blocks:
            _write_block(sheet, b, book)
        for rule in (r for r in report.rules if r.sheet == name):
            fill, font = COLORS[rule.severity]
            sheet.range(rule.ref).conditional_formats.add_custom(rule.formula, fill_color=fill, font_color=font)
        for spec in (c for c in report.charts if c.sheet == name):
            anchor = sheet.range(_rc(spec.row, spec.col))
            chart = sheet.charts.add(left=anchor.left, top=anchor.top, width=spec.width * 0.75,
                                     height=spec.height * 0.75)
            chart.name = spec.name
            chart.chart_type = "line_markers" if spec.kind == "line" else "column_clustered"
            chart.set_source_data(sheet.range(spec.data.ref))
            _chart_title(chart, spec.title, spec.secondary)
    return added


def _write_block(sheet: Any, b: Block, book: Any) -> None:
    if not b.rows:
        return
    rows = [[None if v is None or v == "" else v for v in row] for row in b.rows]
    top = sheet.range(_rc(b.row, b.col))
    top.value = rows
    first = b.row + (1 if b.header else 0)
    last = b.row + len(rows) - 1
    currency = _currency(book)
    for j, unit in enumerate(b.units):
        if first <= last:
            sheet.range(_rc(first, b.col + j), _rc(last, b.col + j)).number_format = _number_format(unit, currency)
    for i in sorted(b.bold_rows):
        line = sheet.range(_rc(b.row + i, b.col), _rc(b.row + i, b.col + len(b.units) - 1))
        line.font.bold = True
        line.color = TOTAL_FILL


def _number_format(unit: str, currency: str) -> str:
    if unit == "month":
        return "yyyy-mm"
    if unit == "date":
        return "yyyy-mm-dd"
    if unit in ("text", "sentence"):
        return "@"
    return excel_format(unit, currency)


def _currency(book: Any) -> str:
    try:
        return str(book.names["Currency"].refers_to_range.value or "EUR")
    except Exception:
        return "EUR"


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


def refresh_message(tracker: Tracker | None, problems: list[Problem], limit: int = 25) -> str:
    """The text of the message box after a refresh (problems first, at most ``limit`` lines)."""
    errors = [p for p in problems if p.severity == "error"]
    if tracker is None:
        lines = [str(p) for p in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"… and {len(errors) - limit} more.")
        return f"{len(errors)} problem(s) in the input; nothing was written.\n\n" + "\n".join(lines)
    text = "The tracker is valid."
    if problems:
        text += "\n\nWarnings:\n" + "\n".join(str(p) for p in problems[:limit])
    return text


