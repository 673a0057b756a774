"""Writing a tracker workbook with XlsxWriter: the template's sheets, tables, names and VBA.

One builder for every tracker kpi_xl writes — the committed template
(``workbook/KPI_Template.xlsm``, see :mod:`kpi_xl.template`), ``kpi-xl new``
(with or without sample rows) and ``kpi-xl demo`` — so they cannot drift.
The layout (``docs/workbook.md``):

=============  ======================================================  ==========
sheet          holds                                                   written by
=============  ======================================================  ==========
Dashboard      title, how-to, the **Refresh KPIs** button, headline    template,
               KPI places, alerts and what changed                     refresh
Ads            Excel Table ``Ads`` at A1                               the user
Ledger         Excel Table ``Ledger`` at A1                            the user
Settings       one named cell per setting in column B, from row 4      the user
Ads Summary    headers; one row per month × channel                    refresh
P&L            headers; one row per month                              refresh
Plan           Excel Table ``Plan`` at A1 (may stay empty)             the user
Forecast       headers; the coming months                              refresh
xlwings.conf   ``UDF Modules`` = ``kpi_xl.udfs`` (read from A1 down)   template
=============  ======================================================  ==========

Everything the reader needs is found by table and by name, so this layout
can change without breaking trackers already sent around.  A ``.xlsm`` gets
the packaged VBA project (``kpi_xl/data/vbaProject.bin``) and the button; a
``.xlsx`` the same sheets without macros.  Same arguments, same bytes: the
only clock read is the file's creation date, which callers may fix.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Iterable, Mapping

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .errors import TemplateError
from .files import atomic_path
from .formatting import excel_format
from .metrics import KPIS
from .package import cell_name
from .schema import ADS, LEDGER, LEDGER_TYPES, PLAN, SETTINGS, TableSpec
from .summary import ADS_SUMMARY_IDS, HEADLINE_IDS, PNL_IDS
from .tracker import Settings
from .vba import UDF_MODULE

SHEETS = ("Dashboard", "Ads", "Ledger", "Settings", "Ads Summary", "P&L", "Plan", "Forecast", "xlwings.conf")
WORKBOOK_CODE_NAME = "ThisWorkbook"
# The VBA project has exactly one document module per code name (see kpi_xl.vba_project).
# Sheet1… are also Excel's and XlsxWriter's defaults, so a sheet added later does not clash.
CODE_NAMES = {name: f"Sheet{i}" for i, name in enumerate(SHEETS, 1)}
REFRESH_MACRO = "RefreshKPIs"
VBA_PROJECT = "data/vbaProject.bin"
"""The packaged VBA project, relative to the ``kpi_xl`` package."""

XLWINGS_CONF = (("UDF Modules", UDF_MODULE),)
"""The `xlwings.conf` sheet's rows (key, value) from A1: no header, no blank row, nothing of this machine."""

SETTINGS_FIRST_ROW = 3  # 0-based row of the first setting (row 4 in Excel)

# Dashboard: where the refresh writes (0-based rows and columns).
DASHBOARD_MONTH_CELL = (7, 2)  # C8: the latest month
DASHBOARD_REFRESHED_CELL = (7, 4)  # E8: when the last refresh ran
DASHBOARD_KPI_HEADER_ROW = 9  # B10:E10: KPI, Latest month, Last 12 months, Target
DASHBOARD_ALERTS_ROW = 9  # G10: "Alerts", lines below
DASHBOARD_CHANGES_ROW = 17  # G18: "What changed since last month", lines below
DASHBOARD_CHARTS_ROW = 25  # B26: "Charts"
DASHBOARD_CHART_DATA_COL = 12  # M10…: the charts' data, one block per chart, right of the printed page

# Headline KPI → (the named Settings cell holding its target, "min" or "max").
DASHBOARD_TARGETS = {
    "cpl": ("MaxCPL", "max"),
    "cac": ("MaxCAC", "max"),
    "ctr": ("MinCTR", "min"),
    "roas": ("TargetROAS", "min"),
    "gross_margin": ("MinGrossMargin", "min"),
}

OUTPUT_HEADER_ROW = 3  # Ads Summary and P&L: row 4 holds the headers, the rows start below
FORECAST_HEADER_ROW = 6
FORECAST_LOW_CASH_CELL = (3, 1)  # B4 (its month in C4)
FORECAST_MAX_PAY_CELL = (4, 1)  # B5
FORECAST_HEADERS = ("Month", "Sales", "Variable costs", "Fixed costs", "Tax", "Owner pay", "Plan items",
                    "Cash at month end", "Cash, paying the most you can", "Reserve")
DASHBOARD_FORECAST_CELL = (6, 6)  # G7: the forecast in one sentence

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

NAVY, BLUE, GREY, LIGHT, INPUT = "#1F3864", "#2F5597", "#595959", "#D9E1F2", "#FFF2CC"
TAB_INPUT, TAB_OUTPUT, TAB_TECH = "#548235", "#2F5597", "#A6A6A6"


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str):
        self._wb = wb
        font = {"font_name": "Calibri", "font_size": 11}
        self._font = font
        self.title = wb.add_format({**font, "bold": True, "font_size": 18, "font_color": NAVY})
        self.subtitle = wb.add_format({**font, "italic": True, "font_color": GREY})
        self.section = wb.add_format({**font, "bold": True, "font_size": 12, "font_color": NAVY,
                                      "bottom": 2, "bottom_color": NAVY})
        header = {**font, "bold": True, "bg_color": BLUE, "font_color": "#FFFFFF", "text_wrap": True,
                  "valign": "vcenter", "border": 1, "border_color": "#BFBFBF"}
        self.header = wb.add_format(header)
        self.header_number = wb.add_format({**header, "align": "right"})  # over a column of numbers
        self.header_indented = wb.add_format({**header, "indent": 1})  # over indented notes
        self.label = wb.add_format({**font, "bold": True, "valign": "vcenter"})
        self.note = wb.add_format({**font, "font_color": GREY, "text_wrap": True, "valign": "vcenter", "indent": 1})
        self.hint = wb.add_format({**font, "italic": True, "font_color": GREY})
        self.step = wb.add_format({**font, "font_color": "#262626", "valign": "vcenter"})
        self.text = wb.add_format(font)
        self.sentence = wb.add_format({**font, "bold": True, "font_color": NAVY, "text_wrap": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "font_size": 11})
        self.money_format = excel_format("money", currency)
        self.date = wb.add_format({**font, "num_format": "yyyy-mm-dd", "align": "left"})
        self.month = wb.add_format({**font, "num_format": "yyyy-mm", "align": "left"})
        self.money = wb.add_format({**font, "num_format": self.money_format})
        self.count = wb.add_format({**font, "num_format": excel_format("count")})
        self.percent = wb.add_format({**font, "num_format": excel_format("percent")})
        self.multiple = wb.add_format({**font, "num_format": excel_format("multiple")})
        self.months = wb.add_format({**font, "num_format": excel_format("months")})
        # Settings values: the input look (pale yellow, thin border) with each kind's number format.
        framed = {**font, "bg_color": INPUT, "border": 1, "border_color": "#BFBFBF", "align": "right",
                  "valign": "vcenter"}
        self.input = {
            "currency": wb.add_format(framed),
            "money": wb.add_format({**framed, "num_format": self.money_format}),
            "date": wb.add_format({**framed, "num_format": "yyyy-mm-dd"}),
            "ratio": wb.add_format({**framed, "num_format": excel_format("multiple")}),
            "rate": wb.add_format({**framed, "num_format": excel_format("percent")}),
            "months": wb.add_format({**framed, "num_format": '0.0" months"'}),
            "whole_months": wb.add_format({**framed, "num_format": '0" months"'}),
        }
        self._kpi_cells: dict[str, object] = {}

    def for_kind(self, kind: str):
        """The format of a table column's cells."""
        return {"date": self.date, "month": self.month, "count": self.count, "money": self.money,
                "signed_money": self.money}.get(kind, self.text)

    def for_unit(self, unit: str):
        """The format of a KPI value (a summary or dashboard cell)."""
        return {"money": self.money, "percent": self.percent, "multiple": self.multiple,
                "months": self.months}.get(unit, self.count)

    def kpi_cell(self, unit: str, bold: bool = False):
        """A dashboard value cell: the unit's format, a light rule under it."""
        key = f"{unit}:{bold}"
        if key not in self._kpi_cells:
            num = {"money": self.money_format, "percent": excel_format("percent"),
                   "multiple": excel_format("multiple"), "months": excel_format("months"),
                   "count": excel_format("count")}.get(unit, "General")
            self._kpi_cells[key] = self._wb.add_format({**self._font, "num_format": num, "bold": bold,
                                                        "bottom": 1, "bottom_color": LIGHT})
        return self._kpi_cells[key]

    def target_cell(self, unit: str, kind: str):
        """A target shown with its direction: ``≥ 2.00×``, ``≤ 60.00 EUR``."""
        key = f"target:{unit}:{kind}"
        if key not in self._kpi_cells:
            sign = "≥ " if kind == "min" else "≤ "
            num = {"money": self.money_format, "percent": excel_format("percent"),
                   "multiple": excel_format("multiple")}[unit]
            # Prefix each section of the number format (positive;negative) with the sign.
            num = ";".join(f'"{sign}"{part}' for part in num.split(";"))
            self._kpi_cells[key] = self._wb.add_format({**self._font, "num_format": num, "font_color": GREY,
                                                        "align": "right", "bottom": 1, "bottom_color": LIGHT})
        return self._kpi_cells[key]


def _table_width(kind: str, header: str) -> float:
    return max(len(header) + 4, {"date": 12, "month": 10, "text": 18, "count": 12, "money": 15,
                                 "signed_money": 15, "ledger_type": 15}[kind])


_NUMBER_KINDS = ("count", "money", "signed_money")
_WIDTHS = {"Label": 38, "Campaign": 22, "Category": 16, "Channel": 13}


def _print_setup(ws: Worksheet, landscape: bool = True, one_page: bool = False, repeat_row: int | None = None):
    """What a client expects on paper: landscape, one page wide, the sheet's name and page numbers."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.6)
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_header("&L&A", {"margin": 0.3})
    ws.set_footer("&RPage &P of &N", {"margin": 0.3})
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def write_table(wb: xlsxwriter.Workbook, ws: Worksheet, spec: TableSpec, rows: Iterable[Mapping],
                fmt: Formats, first_row: int = 0, min_rows: int = 1) -> int:
    """Write ``rows`` as the Excel Table ``spec.name``; return the number of data rows.

    Columns get their number format and a validation that reaches to the
    sheet's last row, so that typing below the table (where Excel grows it)
    or into a grown table is checked as the reader checks it.
    """
    rows = list(rows)
    n = max(len(rows), min_rows)
    for j, col in enumerate(spec.columns):
        ws.set_column(j, j, _WIDTHS.get(col.header, _table_width(col.kind, col.header)), fmt.for_kind(col.kind))
    for i, row in enumerate(rows):
        r = first_row + 1 + i
        for j, col in enumerate(spec.columns):
            value = row.get(col.header)
            if value is None or value == "":
                continue
            if col.kind in ("date", "month") and isinstance(value, dt.date):
                ws.write_datetime(r, j, dt.datetime.combine(value, dt.time()), fmt.for_kind(col.kind))
            elif col.kind in ("text", "ledger_type", "month"):
                ws.write_string(r, j, str(value), fmt.text)  # never a formula, whatever it starts with
            else:
                ws.write_number(r, j, float(value), fmt.for_kind(col.kind))
    ws.add_table(first_row, 0, first_row + n, len(spec.columns) - 1, {
        "name": spec.name,
        "style": "Table Style Medium 2",
        # Explicit header cells too: LibreOffice and viewers do not draw Excel's table styles.
        "columns": [{"header": c.header, "format": fmt.for_kind(c.kind),
                     "header_format": fmt.header_number if c.kind in _NUMBER_KINDS else fmt.header}
                    for c in spec.columns],
    })
    ws.set_row(first_row, 20)
    ws.freeze_panes(first_row + 1, 0)
    _validate_columns(ws, spec, first_row + 1)
    _print_setup(ws, repeat_row=first_row)
    return n


def _validate_columns(ws: Worksheet, spec: TableSpec, first: int) -> None:
    last = 1_048_575
    for j, col in enumerate(spec.columns):
        rule: dict | None = None
        if col.kind == "count":
            rule = {"validate": "integer", "criteria": ">=", "value": 0,
                    "error_message": f"{col.header}: a whole number ≥ 0 ({col.meaning})."}
        elif col.kind == "money":
            rule = {"validate": "decimal", "criteria": ">=", "value": 0,
                    "error_message": f"{col.header}: a number ≥ 0 ({col.meaning})."}
        elif col.kind == "signed_money":
            rule = {"validate": "decimal", "criteria": "between", "minimum": -10**15, "maximum": 10**15,
                    "error_message": f"{col.header}: a number ({col.meaning})."}
        elif col.kind == "date":
            rule = {"validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1),
                    "error_message": f"{col.header}: a date, e.g. 2026-03-15 ({col.meaning})."}
        elif col.kind == "ledger_type":
            rule = {"validate": "list", "source": list(LEDGER_TYPES),
                    "error_message": "Type: one of " + ", ".join(LEDGER_TYPES) + "."}
        if rule:
            ws.data_validation(first, j, last, j, {**rule, "error_title": col.header})


def write_settings(wb: xlsxwriter.Workbook, ws: Worksheet, settings: Settings, fmt: Formats) -> None:
    """One named cell per setting in column B, its name in A and what it does in C (and in a note)."""
    ws.hide_gridlines(2)
    ws.write(0, 0, "Settings", fmt.title)
    ws.write(1, 0, "Targets and parameters. Each value is a named cell (Formulas › Name Manager): "
                   "move it if you like, keep its name.", fmt.subtitle)
    ws.write(SETTINGS_FIRST_ROW - 1, 0, "Setting", fmt.header)
    ws.write(SETTINGS_FIRST_ROW - 1, 1, "Value", fmt.header_number)
    ws.write(SETTINGS_FIRST_ROW - 1, 2, "What it does", fmt.header_indented)
    ws.set_row(0, 26)
    ws.set_row(SETTINGS_FIRST_ROW - 1, 20)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 17)
    ws.set_column(2, 2, 100)
    for i, setting in enumerate(SETTINGS):
        r = SETTINGS_FIRST_ROW + i
        value = _SETTING_VALUES[setting.name](settings)
        cell_format = fmt.input[setting.kind]
        ws.write_string(r, 0, setting.name, fmt.label)
        if value is None:
            ws.write_blank(r, 1, None, cell_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), cell_format)
        elif isinstance(value, str):
            ws.write_string(r, 1, value, cell_format)
        else:
            ws.write_number(r, 1, value, cell_format)
        ws.write_string(r, 2, setting.note, fmt.note)
        ws.write_comment(r, 1, f"{setting.name}: {setting.note}", {"x_scale": 2.2, "y_scale": 1.1})
        ws.data_validation(r, 1, r, 1, {**_SETTING_RULES[setting.kind], "error_title": setting.name,
                                        "error_message": f"{setting.name}: {_SETTING_EXPECTED[setting.kind]}."})
        ws.set_row(r, 20)
        wb.define_name(setting.name, f"=Settings!$B${r + 1}")
    ws.freeze_panes(SETTINGS_FIRST_ROW, 0)
    _print_setup(ws, one_page=True)


# The same rules as the reader's (kpi_xl.reader.check_setting), as Excel validations.
_SETTING_RULES = {
    "currency": {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 12},
    "money": {"validate": "decimal", "criteria": "between", "minimum": -10**15, "maximum": 10**15},
    "date": {"validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1)},
    "ratio": {"validate": "decimal", "criteria": ">=", "value": 0},
    "rate": {"validate": "decimal", "criteria": "between", "minimum": -1, "maximum": 1},
    "months": {"validate": "decimal", "criteria": ">=", "value": 0},
    "whole_months": {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 120},
}
_SETTING_EXPECTED = {
    "currency": "a currency code such as EUR, USD or GBP",
    "money": "a number",
    "date": "a date, e.g. 2026-01-01",
    "ratio": "a number ≥ 0, e.g. 2 (blank: no alert)",
    "rate": "a percentage between -100% and 100%, e.g. 1% (blank: no alert)",
    "months": "a number of months ≥ 0",
    "whole_months": "a whole number of months from 1 to 120",
}


def setting_cell(name: str) -> str:
    """Where the template puts a setting, e.g. ``B7`` (for docs and tests)."""
    index = [s.name for s in SETTINGS].index(name)
    return cell_name(SETTINGS_FIRST_ROW + index, 1)


def _target_value(settings: Settings, name: str) -> float | str:
    value = _SETTING_VALUES[name](settings)
    return "" if value is None else value


def write_dashboard(ws: Worksheet, settings: Settings, fmt: Formats, button: bool) -> None:
    """Title, how-to, the button, and labelled places the refresh fills."""
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3, 17)
    ws.set_column(4, 4, 25)  # the targets, "≥ 3 months of fixed costs" included
    ws.set_column(5, 5, 3)
    ws.set_column(6, 6, 80)
    ws.set_row(0, 30)
    ws.write(0, 1, "KPI tracker", fmt.title)
    ws.write(1, 1, "Does your advertising pay, and how much can you safely pay yourself? "
                   "What is not measured does not improve.", fmt.subtitle)
    steps = [
        "1   Type your ad results in Ads and every money movement in Ledger; your targets once in Settings.",
        ("2   Click Refresh KPIs: the summaries, alerts and charts are rewritten. Needs macros enabled and "
         "Python with kpi-xl."),
        '3   Or use the functions in any cell: =CPC(), =CAC("2026-03"), =KPIS("2026").',
    ]
    for i, step in enumerate(steps):
        ws.set_row(3 + i, 19)
        ws.write(3 + i, 3, step, fmt.step)
    if button:
        ws.insert_button(3, 1, {"macro": REFRESH_MACRO, "caption": "Refresh KPIs", "width": 200, "height": 54,
                                "x_offset": 2, "y_offset": 2})
    else:
        ws.write(3, 1, "No macros in an .xlsx:", fmt.hint)
        ws.write(4, 1, "run kpi-xl refresh FILE", fmt.code)

    ws.set_row(DASHBOARD_FORECAST_CELL[0], 48)  # the forecast's sentence wraps in G7
    row, col = DASHBOARD_MONTH_CELL
    ws.write(row, col - 1, "Latest month", fmt.label)
    ws.write(row, col, "not refreshed yet", fmt.hint)
    row, col = DASHBOARD_REFRESHED_CELL
    ws.write(row, col - 1, "Last refresh", fmt.label)

    r = DASHBOARD_KPI_HEADER_ROW
    ws.set_row(r, 20)
    ws.write(r, 1, "KPI", fmt.header)
    ws.write_row(r, 2, ["Latest month", "Last 12 months", "Target"], fmt.header_number)
    for i, kpi_id in enumerate(HEADLINE_IDS, r + 1):
        kpi = KPIS[kpi_id]
        ws.write(i, 1, kpi.label, fmt.kpi_cell("text"))
        ws.write_blank(i, 2, None, fmt.kpi_cell(kpi.unit, bold=True))
        ws.write_blank(i, 3, None, fmt.kpi_cell(kpi.unit))
        if kpi_id in DASHBOARD_TARGETS:
            name, kind = DASHBOARD_TARGETS[kpi_id]
            # Live: a new target in Settings shows here at once.  The cached value is today's.
            ws.write_formula(i, 4, f'=IF(ISBLANK({name}),"",{name})', fmt.target_cell(kpi.unit, kind),
                             _target_value(settings, name))
        elif kpi_id == "net_profit":
            ws.write(i, 4, "≥ 0", fmt.target_cell("money", "min"))
        elif kpi_id == "cash_end":
            reserve = settings.reserve_months
            ws.write_formula(i, 4, '="≥ "&ReserveMonths&" months of fixed costs"',
                             fmt.target_cell("money", "min"), f"≥ {reserve:g} months of fixed costs")
        else:
            ws.write_blank(i, 4, None, fmt.kpi_cell("text"))

    ws.write(DASHBOARD_ALERTS_ROW, 6, "Alerts", fmt.section)
    ws.write(DASHBOARD_ALERTS_ROW + 1, 6, "Targets come from Settings; a refresh lists what is off target here.",
             fmt.hint)
    ws.write(DASHBOARD_CHANGES_ROW, 6, "What changed since last month", fmt.section)
    ws.write(DASHBOARD_CHANGES_ROW + 1, 6, "Every step of the funnel, side by side, in words.", fmt.hint)
    ws.write(DASHBOARD_CHARTS_ROW, 1, "Charts", fmt.section)
    for c in range(2, 7):
        ws.write_blank(DASHBOARD_CHARTS_ROW, c, None, fmt.section)
    ws.write(DASHBOARD_CHARTS_ROW + 1, 1, "Cost per click, lead and customer; sales, costs and net profit; "
                                          "cash against the reserve — by month, after a refresh.", fmt.hint)
    ws.set_column(DASHBOARD_CHART_DATA_COL - 1, DASHBOARD_CHART_DATA_COL - 1, 4)
    ws.set_column(DASHBOARD_CHART_DATA_COL, DASHBOARD_CHART_DATA_COL + 14, 12)
    ws.write(DASHBOARD_KPI_HEADER_ROW - 1, DASHBOARD_CHART_DATA_COL, "Chart data (written by Refresh KPIs)",
             fmt.hint)
    _print_setup(ws, one_page=True)
    ws.print_area(0, 0, DASHBOARD_CHARTS_ROW + 38, 6)  # the page without the chart data


def write_output_sheet(ws: Worksheet, title: str, subtitle: str, headers: list[tuple[str, str]],
                       fmt: Formats, frozen_cols: int = 1, header_row: int = OUTPUT_HEADER_ROW) -> None:
    """A sheet the refresh fills: a title, what it holds, and the header row of its table."""
    ws.hide_gridlines(2)
    ws.set_row(0, 26)
    ws.write(0, 0, title, fmt.title)
    ws.write(1, 0, subtitle, fmt.subtitle)
    ws.set_row(header_row, 34)
    for j, (header, unit) in enumerate(headers):
        width = 12 if unit == "month" else 18 if unit == "text" else max(12, min(16, len(header) * 0.7 + 4))
        ws.set_column(j, j, width, fmt.month if unit == "month" else fmt.text if unit == "text"
                      else fmt.for_unit(unit))
        ws.write(header_row, j, header, fmt.header if unit in ("month", "text") else fmt.header_number)
    ws.freeze_panes(header_row + 1, frozen_cols)
    _print_setup(ws, repeat_row=header_row)


FORECAST_LABELS = {FORECAST_LOW_CASH_CELL: "Lowest cash", FORECAST_MAX_PAY_CELL: "Max owner pay"}
"""The labels left of the Forecast figures above its table."""


def output_layout(name: str) -> tuple[str, str, list[tuple[str, str]], int]:
    """The title, subtitle, table headers (with their units) and header row of the output sheet ``name``."""
    if name == "Ads Summary":
        return ("Ads Summary",
                "One row per month and channel, then the month's total. Written by Refresh KPIs: "
                "the next refresh replaces what is typed here.",
                [("Month", "month"), ("Channel", "text")] + [(KPIS[k].label, KPIS[k].unit) for k in ADS_SUMMARY_IDS],
                OUTPUT_HEADER_ROW)
    if name == "P&L":
        return ("Profit and loss",
                "One row per month, from the Ledger. Written by Refresh KPIs: the next refresh replaces what is "
                "typed here.",
                [("Month", "month")] + [(KPIS[k].label, KPIS[k].unit) for k in PNL_IDS], OUTPUT_HEADER_ROW)
    if name == "Forecast":
        return ("Forecast",
                "The next ForecastMonths months after the last month with Ledger entries: the mean of "
                "the last 3 months, plus the Plan. Written by Refresh KPIs.",
                [(h, "month" if h == "Month" else "money") for h in FORECAST_HEADERS], FORECAST_HEADER_ROW)
    raise KeyError(name)


def write_ads_summary(ws: Worksheet, fmt: Formats) -> None:
    title, subtitle, headers, row = output_layout("Ads Summary")
    write_output_sheet(ws, title, subtitle, headers, fmt, frozen_cols=2, header_row=row)


def write_pnl(ws: Worksheet, fmt: Formats) -> None:
    title, subtitle, headers, row = output_layout("P&L")
    write_output_sheet(ws, title, subtitle, headers, fmt, header_row=row)


def write_forecast(ws: Worksheet, fmt: Formats) -> None:
    title, subtitle, headers, row = output_layout("Forecast")
    write_output_sheet(ws, title, subtitle, headers, fmt, header_row=row)
    ws.set_column(0, 0, 16, fmt.month)
    ws.set_column(1, len(FORECAST_HEADERS) - 1, 16, fmt.money)
    for (r, c), label in FORECAST_LABELS.items():
        ws.write(r, c - 1, label, fmt.label)
    # The value, then (lowest cash) the month it happens, then what it means.
    (r1, c1), (r2, c2) = FORECAST_LOW_CASH_CELL, FORECAST_MAX_PAY_CELL
    ws.write(r1, c1 + 2, "the lowest projected month-end cash over the horizon, owner pay as it is", fmt.hint)
    ws.write(r2, c2 + 2, "the largest monthly owner pay that keeps every month-end cash above the reserve", fmt.hint)


def write_xlwings_conf(ws: Worksheet, fmt: Formats) -> None:
    """xlwings' settings: keys in A, values in B, read from A1 down to the first blank cell."""
    for r, (key, value) in enumerate(XLWINGS_CONF):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    notes = [
        "xlwings reads its settings here: a name in A, its value in B, from row 1 down to the first blank row.",
        f"UDF Modules: the Python module of the Excel functions ({UDF_MODULE}). Keep it.",
        "Interpreter_Win: add a row with the full path of python.exe if the python on the PATH lacks kpi-xl.",
        "Other settings (Interpreter_Mac, PYTHONPATH, Conda Env, Show Console…): see xlwings' documentation.",
    ]
    for r, note in enumerate(notes):
        ws.write_string(r, 3, note, fmt.hint)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 3)
    ws.set_column(3, 3, 100)
    _print_setup(ws, one_page=True)


def vba_project_bytes() -> bytes:
    """The packaged VBA project (built by ``python -m kpi_xl.template build``)."""
    try:
        return resources.files("kpi_xl").joinpath(VBA_PROJECT).read_bytes()
    except FileNotFoundError:
        raise TemplateError(f"kpi_xl/{VBA_PROJECT} is missing: run python -m kpi_xl.template build") from None


def build_workbook(path: str | Path, ads: Iterable[Mapping] = (), ledger: Iterable[Mapping] = (),
                   settings: Settings | None = None, plan: Iterable[Mapping] = (), *,
                   macros: bool | None = None, created: dt.datetime | None = None) -> None:
    """Write a tracker at ``path`` (not atomically: see :func:`write_tracker`).

    ``macros`` (default: when ``path`` ends in ``.xlsm``) embeds the VBA
    project and the Refresh KPIs button; ``created`` fixes the document's
    creation date (default: now), which is the output's only varying part.
    """
    settings = settings or Settings()
    if macros is None:
        macros = Path(path).suffix.lower() == ".xlsm"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    properties = {"title": "KPI tracker", "subject": "Advertising funnel and monthly profitability",
                  "comments": "Made with kpi_xl (https://pypi.org/project/kpi-xl/)"}
    if created is not None:
        properties["created"] = created
    wb.set_properties(properties)
    wb.set_size(1600, 1000)
    if macros:
        wb.add_vba_project(BytesIO(vba_project_bytes()), is_stream=True)
        wb.set_vba_name(WORKBOOK_CODE_NAME)
    fmt = Formats(wb, settings.currency)
    sheets = {name: wb.add_worksheet(name) for name in SHEETS}
    for name, ws in sheets.items():
        if macros:
            ws.set_vba_name(CODE_NAMES[name])
        ws.set_tab_color(TAB_INPUT if name in ("Ads", "Ledger", "Settings", "Plan")
                         else TAB_TECH if name == "xlwings.conf" else TAB_OUTPUT)

    write_dashboard(sheets["Dashboard"], settings, fmt, button=macros)
    write_table(wb, sheets["Ads"], ADS, ads, fmt)
    write_table(wb, sheets["Ledger"], LEDGER, ledger, fmt)
    write_settings(wb, sheets["Settings"], settings, fmt)
    write_ads_summary(sheets["Ads Summary"], fmt)
    write_pnl(sheets["P&L"], fmt)
    write_table(wb, sheets["Plan"], PLAN, plan, fmt)
    sheets["Plan"].set_column(4, 4, 3)
    sheets["Plan"].write(0, 5, "Planned one-off items for coming months (a hire, a tax bill, an investment); "
                               "the forecast adds them. May stay empty.", fmt.hint)
    sheets["Plan"].write(1, 5, "Month: a date or 2027-02. Type and Amount as in Ledger (a negative amount "
                               "reverses).", fmt.hint)
    write_forecast(sheets["Forecast"], fmt)
    write_xlwings_conf(sheets["xlwings.conf"], fmt)
    wb.close()


def write_tracker(path: str | Path, ads: Iterable[Mapping] = (), ledger: Iterable[Mapping] = (),
                  settings: Settings | None = None, plan: Iterable[Mapping] = (), *,
                  macros: bool | None = None, created: dt.datetime | None = None) -> Path:
    """Write a tracker holding these rows (atomically).  Rows are keyed by the tables' headers.

    A ``.xlsm`` path gets the VBA project and the Refresh KPIs button (see
    :func:`build_workbook`).
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        build_workbook(tmp, ads, ledger, settings, plan, created=created,
                       macros=macros if macros is not None else path.suffix.lower() == ".xlsm")
    return path
