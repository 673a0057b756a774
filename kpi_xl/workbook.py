"""Writing a tracker workbook with XlsxWriter: the input sheets and the named Settings.

The layout follows SPEC.md ("Workbook"): an Excel Table `Ads` on sheet `Ads`,
an Excel Table `Ledger` on sheet `Ledger`, one named cell per setting on
`Settings`.  Everything the reader needs is found by table and by name, so
this layout can change without breaking trackers already sent around.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Mapping

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .files import atomic_path
from .formatting import excel_format
from .package import cell_name
from .schema import ADS, LEDGER, LEDGER_TYPES, SETTINGS, TableSpec
from .tracker import Settings

SETTINGS_FIRST_ROW = 3  # 0-based row of the first setting (row 4 in Excel)

_SETTING_VALUES = {
    "Currency": lambda s: s.currency,
    "OpeningCash": lambda s: s.opening_cash,
    "OpeningDate": lambda s: s.opening_date,
    "TargetROAS": lambda s: s.target_roas,
    "MaxCAC": lambda s: s.max_cac,
    "MaxCPL": lambda s: s.max_cpl,
    "MinCTR": lambda s: s.min_ctr,
    "MinGrossMargin": lambda s: s.min_gross_margin,
    "ReserveMonths": lambda s: s.reserve_months,
    "ForecastMonths": lambda s: s.forecast_months,
}


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str):
        font = {"font_name": "Calibri", "font_size": 11}
        self.title = wb.add_format({**font, "bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.subtitle = wb.add_format({**font, "italic": True, "font_color": "#595959"})
        self.header = wb.add_format({**font, "bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                     "border": 1, "border_color": "#BFBFBF"})
        self.label = wb.add_format({**font, "bold": True})
        self.note = wb.add_format({**font, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.text = wb.add_format(font)
        self.date = wb.add_format({**font, "num_format": "yyyy-mm-dd", "align": "left"})
        self.money = wb.add_format({**font, "num_format": excel_format("money", currency)})
        self.count = wb.add_format({**font, "num_format": excel_format("count")})
        self.percent = wb.add_format({**font, "num_format": excel_format("percent")})
        self.multiple = wb.add_format({**font, "num_format": excel_format("multiple")})
        self.months = wb.add_format({**font, "num_format": "0.0"})
        self.input = wb.add_format({**font, "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})

    def for_kind(self, kind: str):
        return {"date": self.date, "count": self.count, "money": self.money,
                "signed_money": self.money}.get(kind, self.text)


def _column_width(kind: str, header: str) -> float:
    return max(len(header) + 4, {"date": 12, "text": 18, "count": 12, "money": 14,
                                 "signed_money": 14, "ledger_type": 15}[kind])


def write_table(wb: xlsxwriter.Workbook, ws: Worksheet, spec: TableSpec, rows: Iterable[Mapping],
                fmt: Formats, first_row: int = 0, min_rows: int = 1) -> int:
    """Write ``rows`` as the Excel Table ``spec.name``; return the number of data rows."""
    rows = list(rows)
    n = max(len(rows), min_rows)
    widths = {"Label": 34, "Campaign": 22, "Category": 16}
    for j, col in enumerate(spec.columns):
        ws.set_column(j, j, widths.get(col.header, _column_width(col.kind, col.header)), fmt.for_kind(col.kind))
    for i, row in enumerate(rows):
        r = first_row + 1 + i
        for j, col in enumerate(spec.columns):
            value = row.get(col.header)
            if value is None or value == "":
                continue
            if col.kind == "date":
                ws.write_datetime(r, j, dt.datetime.combine(value, dt.time()), fmt.date)
            elif col.kind in ("text", "ledger_type"):
                ws.write_string(r, j, str(value), fmt.text)  # never a formula, whatever it starts with
            else:
                ws.write_number(r, j, float(value), fmt.for_kind(col.kind))
    ws.add_table(first_row, 0, first_row + n, len(spec.columns) - 1, {
        "name": spec.name,
        "style": "Table Style Medium 2",
        "columns": [{"header": c.header, "format": fmt.for_kind(c.kind)} for c in spec.columns],
    })
    ws.freeze_panes(first_row + 1, 0)
    last = first_row + max(n, 1000)  # validation reaches past the table, where Excel grows it
    for j, col in enumerate(spec.columns):
        if col.kind == "count":
            ws.data_validation(first_row + 1, j, last, j, {
                "validate": "integer", "criteria": ">=", "value": 0,
                "error_title": col.header, "error_message": f"{col.header}: a whole number ≥ 0."})
        elif col.kind == "money":
            ws.data_validation(first_row + 1, j, last, j, {
                "validate": "decimal", "criteria": ">=", "value": 0,
                "error_title": col.header, "error_message": f"{col.header}: a number ≥ 0."})
        elif col.kind == "date":
            ws.data_validation(first_row + 1, j, last, j, {
                "validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1),
                "error_title": col.header, "error_message": f"{col.header}: a date (e.g. 2026-03-15)."})
        elif col.kind == "ledger_type":
            ws.data_validation(first_row + 1, j, last, j, {
                "validate": "list", "source": list(LEDGER_TYPES),
                "error_title": col.header, "error_message": "Type: one of " + ", ".join(LEDGER_TYPES) + "."})
    return n


def write_settings(wb: xlsxwriter.Workbook, ws: Worksheet, settings: Settings, fmt: Formats) -> None:
    """One named cell per setting in column B, its name in A and what it does in C."""
    ws.write(0, 0, "Settings", fmt.title)
    ws.write(1, 0, "Targets and parameters. Each value is a named cell (Formulas › Name Manager).", fmt.subtitle)
    ws.write_row(SETTINGS_FIRST_ROW - 1, 0, ["Setting", "Value", "What it does"], fmt.header)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 90)
    kind_format = {"currency": fmt.input, "money": fmt.money, "date": fmt.date, "ratio": fmt.multiple,
                   "rate": fmt.percent, "months": fmt.months, "whole_months": fmt.count}
    for i, setting in enumerate(SETTINGS):
        r = SETTINGS_FIRST_ROW + i
        value = _SETTING_VALUES[setting.name](settings)
        ws.write_string(r, 0, setting.name, fmt.label)
        cell_format = kind_format[setting.kind]
        if value is None:
            ws.write_blank(r, 1, None, cell_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), cell_format)
        elif isinstance(value, str):
            ws.write_string(r, 1, value, cell_format)
        else:
            ws.write_number(r, 1, value, cell_format)
        ws.write_string(r, 2, setting.note, fmt.note)
        ws.write_comment(r, 1, f"{setting.name}: {setting.note}", {"x_scale": 2, "y_scale": 1.2})
        wb.define_name(setting.name, f"=Settings!${'B'}${r + 1}")
    ws.freeze_panes(SETTINGS_FIRST_ROW, 0)


def setting_cell(name: str) -> str:
    """Where the template puts a setting, e.g. ``B7`` (for docs and tests)."""
    index = [s.name for s in SETTINGS].index(name)
    return cell_name(SETTINGS_FIRST_ROW + index, 1)


def write_tracker(path: str | Path, ads: Iterable[Mapping] = (), ledger: Iterable[Mapping] = (),
                  settings: Settings | None = None) -> Path:
    """Write a tracker holding these rows (atomically).  Rows are keyed by the tables' headers."""
    settings = settings or Settings()
    path = Path(path)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False})
        wb.set_properties({"title": "KPI tracker", "comments": "Made with kpi_xl"})
        fmt = Formats(wb, settings.currency)
        dashboard = wb.add_worksheet("Dashboard")
        dashboard.write(0, 0, "KPI tracker", fmt.title)
        dashboard.write(1, 0, "Run `kpi-xl kpis` on this file for the KPIs.", fmt.subtitle)
        write_table(wb, wb.add_worksheet("Ads"), ADS, ads, fmt)
        write_table(wb, wb.add_worksheet("Ledger"), LEDGER, ledger, fmt)
        write_settings(wb, wb.add_worksheet("Settings"), settings, fmt)
        wb.close()
    return path
