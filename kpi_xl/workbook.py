"""Writing a tracker workbook with XlsxWriter: the template's sheets, tables, names and VBA.

One builder for every tracker kpi_xl writes — the committed template
(``workbook/KPI_Template.xlsm``, see :mod:`kpi_xl.dev.template`), ``kpi-xl new``
(with or without sample rows) and ``kpi-xl demo`` — so they cannot drift; the
refresh lays out the static part of its output sheets with the same
functions.  Where things go is :mod:`kpi_xl.layout`, the words are
:mod:`kpi_xl.texts`, the input tables and Settings :mod:`kpi_xl.schema`:

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

A ``.xlsm`` gets the packaged VBA project (``kpi_xl/data/vbaProject.bin``)
and the button; a ``.xlsx`` the same sheets without macros.  Same arguments,
same bytes: the only clock read is the file's creation date, which callers
may fix.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Iterable, Mapping

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from . import layout as L
from .errors import TemplateError
from .files import atomic_path
from .formatting import excel_format, setting_format
from .metrics import REGISTRY
from .schema import ADS, LEDGER, LEDGER_TYPES, PLAN, SETTING_KINDS, SETTINGS, Setting, TableSpec
from .texts import Texts, texts
from .tracker import Settings

VBA_PROJECT = "data/vbaProject.bin"
"""The packaged VBA project, relative to the ``kpi_xl`` package."""


class Formats:
    """The workbook's cell formats, made once (XlsxWriter numbers a format when it is first used)."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str, words: Texts | None = None):
        self._wb = wb
        self.currency = currency
        words = words or texts()
        self.lang = lang = words.lang
        font = {"font_name": "Calibri", "font_size": 11}
        self.font = font
        self.title = wb.add_format({**font, "bold": True, "font_size": 18, "font_color": L.NAVY})
        self.subtitle = wb.add_format({**font, "italic": True, "font_color": L.GREY})
        self.section = wb.add_format({**font, "bold": True, "font_size": 12, "font_color": L.NAVY,
                                      "bottom": 2, "bottom_color": L.NAVY})
        header = {**font, "bold": True, "bg_color": L.BLUE, "font_color": "#FFFFFF", "text_wrap": True,
                  "valign": "vcenter", "border": 1, "border_color": "#BFBFBF"}
        self.header = wb.add_format(header)
        self.header_number = wb.add_format({**header, "align": "right"})  # over a column of numbers
        self.header_indented = wb.add_format({**header, "indent": 1})  # over indented notes
        self.label = wb.add_format({**font, "bold": True, "valign": "vcenter"})
        self.note = wb.add_format({**font, "font_color": L.GREY, "text_wrap": True, "valign": "vcenter", "indent": 1})
        self.hint = wb.add_format({**font, "italic": True, "font_color": L.GREY})
        self.step = wb.add_format({**font, "font_color": "#262626", "valign": "vcenter"})
        self.text = wb.add_format(font)
        self.sentence = wb.add_format({**font, "bold": True, "font_color": L.NAVY, "text_wrap": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "font_size": 11})
        self.date = wb.add_format({**font, "num_format": excel_format("date", lang=lang), "align": "left"})
        self.month = wb.add_format({**font, "num_format": excel_format("month", lang=lang), "align": "left"})
        self.money = wb.add_format({**font, "num_format": excel_format("money", currency, lang)})
        self.count = wb.add_format({**font, "num_format": excel_format("count", lang=lang)})
        self.percent = wb.add_format({**font, "num_format": excel_format("percent", lang=lang)})
        self.multiple = wb.add_format({**font, "num_format": excel_format("multiple", lang=lang)})
        self.months = wb.add_format({**font, "num_format": excel_format("months", lang=lang)})
        # Settings values: the input look (pale yellow, thin border) with each kind's number format.
        framed = {**font, "bg_color": L.INPUT, "border": 1, "border_color": "#BFBFBF", "align": "right",
                  "valign": "vcenter"}
        self.input = {}
        for kind in SETTING_KINDS:
            num = setting_format(kind, currency, words("unit.months"), lang)
            self.input[kind] = wb.add_format({**framed, "num_format": num} if num else framed)
        self._cache: dict[tuple, object] = {}

    def for_kind(self, kind: str):
        """The format of a table column's cells."""
        return {"date": self.date, "month": self.month, "count": self.count, "money": self.money,
                "signed_money": self.money}.get(kind, self.text)

    def for_unit(self, unit: str):
        """The format of a value of ``unit`` (a summary or dashboard cell)."""
        return {"money": self.money, "percent": self.percent, "multiple": self.multiple, "months": self.months,
                "month": self.month, "date": self.date, "text": self.text,
                "sentence": self.sentence}.get(unit, self.count)

    def total(self, unit: str):
        """A cell of a total row: bold, on the total fill, a line above."""
        key = ("total", unit)
        if key not in self._cache:
            num = self.for_unit(unit).num_format or "General"
            self._cache[key] = self._wb.add_format({**self.font, "bold": True, "num_format": num,
                                                    "bg_color": L.TOTAL_FILL, "top": 1, "top_color": L.TOTAL_RULE})
        return self._cache[key]

    def alert(self, severity: str):
        """A conditional format's look (Excel's own presets)."""
        key = ("alert", severity)
        if key not in self._cache:
            fill, font = L.ALERT_COLORS[severity]
            self._cache[key] = self._wb.add_format({"bg_color": fill, "font_color": font})
        return self._cache[key]

    def kpi_cell(self, unit: str, bold: bool = False):
        """A dashboard value cell: the unit's format, a light rule under it."""
        key = ("kpi", unit, bold)
        if key not in self._cache:
            num = excel_format(unit, self.currency, self.lang) if unit != "text" else "General"
            self._cache[key] = self._wb.add_format({**self.font, "num_format": num, "bold": bold,
                                                    "bottom": 1, "bottom_color": L.LIGHT})
        return self._cache[key]

    def target_cell(self, unit: str, kind: str):
        """A target shown with its direction: ``≥ 2.00×``, ``≤ 60.00 EUR``."""
        key = ("target", unit, kind)
        if key not in self._cache:
            sign = "≥ " if kind == "min" else "≤ "
            # Prefix each section of the number format (positive;negative) with the sign.
            num = ";".join(f'"{sign}"{part}' for part in excel_format(unit, self.currency, self.lang).split(";"))
            self._cache[key] = self._wb.add_format({**self.font, "num_format": num, "font_color": L.GREY,
                                                    "align": "right", "bottom": 1, "bottom_color": L.LIGHT})
        return self._cache[key]


def _table_width(kind: str, header: str) -> float:
    return max(len(header) + 4, {"date": 12, "month": 10, "text": 18, "count": 12, "money": 15,
                                 "signed_money": 15, "ledger_type": 15}[kind])


_NUMBER_KINDS = ("count", "money", "signed_money")
_WIDTHS = {"Label": 38, "Campaign": 22, "Category": 16, "Channel": 13}


def print_setup(ws: Worksheet, words: Texts, one_page: bool = False, repeat_row: int | None = None) -> None:
    """What a client expects on paper: landscape, one page wide, the sheet's name and page numbers."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.6)
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_header("&L&A", {"margin": 0.3})
    ws.set_footer("&R" + words("print.footer"), {"margin": 0.3})
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def write_table(wb: xlsxwriter.Workbook, ws: Worksheet, spec: TableSpec, rows: Iterable[Mapping],
                fmt: Formats, words: Texts | None = None, first_row: int = 0, min_rows: int = 1) -> int:
    """Write ``rows`` as the Excel Table ``spec.name``; return the number of data rows.

    Rows are keyed by the identifiers of ``spec`` (the English headers); the
    headers and the `Type` values are written in the language of ``words``.
    Columns get their number format and a validation that reaches to the
    sheet's last row, so that typing below the table (where Excel grows it)
    or into a grown table is checked as the reader checks it.
    """
    words = words or texts()
    rows = list(rows)
    n = max(len(rows), min_rows)
    for j, col in enumerate(spec.columns):
        header = words.header(spec.name, col.header)
        ws.set_column(j, j, _WIDTHS.get(col.header, _table_width(col.kind, header)), fmt.for_kind(col.kind))
    for i, row in enumerate(rows):
        r = first_row + 1 + i
        for j, col in enumerate(spec.columns):
            _write_value(ws, r, j, col.kind, row.get(col.header), fmt, words)
    ws.add_table(first_row, 0, first_row + n, len(spec.columns) - 1, {
        "name": spec.name,
        "style": "Table Style Medium 2",
        # Explicit header cells too: LibreOffice and viewers do not draw Excel's table styles.
        "columns": [{"header": words.header(spec.name, c.header), "format": fmt.for_kind(c.kind),
                     "header_format": fmt.header_number if c.kind in _NUMBER_KINDS else fmt.header}
                    for c in spec.columns],
    })
    ws.set_row(first_row, 20)
    ws.freeze_panes(first_row + 1, 0)
    _validate_columns(ws, spec, first_row + 1, words)
    print_setup(ws, words, repeat_row=first_row)
    return n


def _write_value(ws: Worksheet, r: int, j: int, kind: str, value: object, fmt: Formats, words: Texts) -> None:
    if value is None or value == "":
        return
    if kind in ("date", "month") and isinstance(value, dt.date):
        ws.write_datetime(r, j, dt.datetime.combine(value, dt.time()), fmt.for_kind(kind))
    elif kind == "ledger_type":
        ws.write_string(r, j, words.ledger_type(str(value)), fmt.text)
    elif kind in ("text", "month"):
        ws.write_string(r, j, str(value), fmt.text)  # never a formula, whatever it starts with
    else:
        ws.write_number(r, j, float(value), fmt.for_kind(kind))


def _validate_columns(ws: Worksheet, spec: TableSpec, first: int, words: Texts) -> None:
    last = 1_048_575
    types = [words.ledger_type(t) for t in LEDGER_TYPES]
    for j, col in enumerate(spec.columns):
        header = words.header(spec.name, col.header)
        meaning = words(f"column.{spec.name}.{col.header}", types=", ".join(types))
        message = words(f"validation.{col.kind}", header=header, meaning=meaning, types=", ".join(types)) \
            if col.kind in ("count", "money", "signed_money", "date", "ledger_type") else ""
        rule: dict | None = None
        if col.kind == "count":
            rule = {"validate": "integer", "criteria": ">=", "value": 0}
        elif col.kind == "money":
            rule = {"validate": "decimal", "criteria": ">=", "value": 0}
        elif col.kind == "signed_money":
            rule = {"validate": "decimal", "criteria": "between", "minimum": -10**15, "maximum": 10**15}
        elif col.kind == "date":
            rule = {"validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1)}
        elif col.kind == "ledger_type":
            rule = {"validate": "list", "source": types}
        if rule:
            ws.data_validation(first, j, last, j, {**rule, "error_message": message, "error_title": header})


def _setting_rule(setting: Setting) -> dict:
    """The Excel validation of a setting's cell: the bounds of its kind (:data:`kpi_xl.schema.SETTING_KINDS`)."""
    kind = SETTING_KINDS[setting.kind]
    if kind.choices:
        return {"validate": "list", "source": list(kind.choices)}
    validate = {"text": "length", "number": "decimal", "whole": "integer", "date": "date"}[kind.value]
    if kind.high is None:
        return {"validate": validate, "criteria": ">=", "value": kind.low}
    return {"validate": validate, "criteria": "between", "minimum": kind.low, "maximum": kind.high}


def write_settings(wb: xlsxwriter.Workbook, ws: Worksheet, settings: Settings, fmt: Formats, words: Texts) -> None:
    """One named cell per setting in column B, its name in A and what it does in C (and in a note)."""
    ws.hide_gridlines(2)
    ws.write(0, 0, words("settings.title"), fmt.title)
    ws.write(1, 0, words("settings.subtitle"), fmt.subtitle)
    ws.write(L.SETTINGS_FIRST_ROW - 1, 0, words("settings.header.name"), fmt.header)
    ws.write(L.SETTINGS_FIRST_ROW - 1, 1, words("settings.header.value"), fmt.header_number)
    ws.write(L.SETTINGS_FIRST_ROW - 1, 2, words("settings.header.note"), fmt.header_indented)
    ws.set_row(0, 26)
    ws.set_row(L.SETTINGS_FIRST_ROW - 1, 20)
    ws.set_column(0, 0, max(18, 3 + max(len(words.setting_label(st.name)) for st in SETTINGS)))
    ws.set_column(1, 1, 17)
    ws.set_column(2, 2, 100)
    for i, setting in enumerate(SETTINGS):
        r = L.SETTINGS_FIRST_ROW + i
        value = getattr(settings, setting.field)
        cell_format = fmt.input[setting.kind]
        note = words(f"setting.{setting.name}")
        label = words.setting_label(setting.name)
        ws.write_string(r, 0, label, fmt.label)
        if value is None:
            ws.write_blank(r, 1, None, cell_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), cell_format)
        elif isinstance(value, str):
            ws.write_string(r, 1, value, cell_format)
        else:
            ws.write_number(r, 1, value, cell_format)
        ws.write_string(r, 2, note, fmt.note)
        ws.write_comment(r, 1, words("settings.comment", name=setting.name, label=label, note=note),
                         {"x_scale": 2.2, "y_scale": 1.1})
        hint = words(f"setting_kind.{setting.kind}.hint")
        ws.data_validation(r, 1, r, 1, {**_setting_rule(setting), "error_title": label,
                                        "error_message": words("settings.validation", label=label, hint=hint)})
        ws.set_row(r, 20)
        wb.define_name(setting.name, f"={quote_sheet(words.sheet('Settings'))}!$B${r + 1}")
    ws.freeze_panes(L.SETTINGS_FIRST_ROW, 0)
    print_setup(ws, words, one_page=True)


def quote_sheet(name: str) -> str:
    """A sheet's name as a reference writes it: ``Settings``, ``'Paramètres'``.

    >>> quote_sheet("Settings"), quote_sheet("P&L"), quote_sheet("Tableau de bord")
    ('Settings', "'P&L'", "'Tableau de bord'")
    """
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def setting_cell(name: str) -> str:
    """Where the template puts a setting, e.g. ``B7`` (for docs and tests)."""
    index = [s.name for s in SETTINGS].index(name)
    return f"B{L.SETTINGS_FIRST_ROW + index + 1}"


def write_dashboard(ws: Worksheet, settings: Settings, fmt: Formats, button: bool, words: Texts) -> None:
    """Title, how-to, the button, and labelled places the refresh fills."""
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3, 17)
    ws.set_column(4, 4, 25)  # the targets, "≥ 3 months of fixed costs" included
    ws.set_column(5, 5, 3)
    ws.set_column(6, 6, 80)
    ws.set_row(0, 30)
    ws.write(0, 1, words("dashboard.title"), fmt.title)
    ws.write(1, 1, words("dashboard.subtitle"), fmt.subtitle)
    for i in range(3):
        ws.set_row(3 + i, 19)
        ws.write(3 + i, 3, words(f"dashboard.step.{i + 1}"), fmt.step)
    if button:
        ws.insert_button(3, 1, {"macro": L.REFRESH_MACRO, "caption": words("dashboard.button"), "width": 200,
                                "height": 54, "x_offset": 2, "y_offset": 2})
    else:
        ws.write(3, 1, words("dashboard.no_macros"), fmt.hint)
        ws.write(4, 1, words("dashboard.no_macros.command"), fmt.code)

    ws.set_row(L.DASHBOARD_FORECAST_CELL[0], 48)  # the forecast's sentence wraps in G7
    row, col = L.DASHBOARD_MONTH_CELL
    ws.write(row, col - 1, words("dashboard.latest_month"), fmt.label)
    ws.write(row, col, words("dashboard.not_refreshed"), fmt.hint)
    row, col = L.DASHBOARD_REFRESHED_CELL
    ws.write(row, col - 1, words("dashboard.last_refresh"), fmt.label)

    r = L.DASHBOARD_KPI_HEADER_ROW
    ws.set_row(r, 20)
    ws.write(r, 1, words("dashboard.header.kpi"), fmt.header)
    ws.write_row(r, 2, [words("dashboard.header.latest"), words("dashboard.header.year"),
                        words("dashboard.header.target")], fmt.header_number)
    for i, kpi_id in enumerate(L.HEADLINE_IDS, r + 1):
        unit = REGISTRY[kpi_id].unit
        ws.write(i, 1, words.kpi(kpi_id), fmt.kpi_cell("text"))
        ws.write_blank(i, 2, None, fmt.kpi_cell(unit, bold=True))
        ws.write_blank(i, 3, None, fmt.kpi_cell(unit))
        target = L.TARGET_BY_KPI.get(kpi_id)
        if target is not None:
            name = target.setting
            value = getattr(settings, next(s.field for s in SETTINGS if s.name == name))
            # Live: a new target in Settings shows here at once.  The cached value is today's.
            ws.write_formula(i, 4, f'=IF(ISBLANK({name}),"",{name})', fmt.target_cell(unit, target.kind),
                             "" if value is None else value)
        elif kpi_id == "net_profit":
            ws.write(i, 4, words("dashboard.target.net_profit"), fmt.target_cell("money", "min"))
        elif kpi_id == "cash_end":
            before, after = words.table["dashboard.target.reserve"].split("{months}")
            ws.write_formula(i, 4, f'="{before}"&ReserveMonths&"{after}"', fmt.target_cell("money", "min"),
                             words("dashboard.target.reserve", months=f"{settings.reserve_months:g}"))
        else:
            ws.write_blank(i, 4, None, fmt.kpi_cell("text"))

    ws.write(L.DASHBOARD_ALERTS_ROW, L.DASHBOARD_TEXT_COL, words("dashboard.alerts"), fmt.section)
    ws.write(L.DASHBOARD_ALERTS_ROW + 1, L.DASHBOARD_TEXT_COL, words("dashboard.alerts.hint"), fmt.hint)
    ws.write(L.DASHBOARD_CHANGES_ROW, L.DASHBOARD_TEXT_COL, words("dashboard.changes"), fmt.section)
    ws.write(L.DASHBOARD_CHANGES_ROW + 1, L.DASHBOARD_TEXT_COL, words("dashboard.changes.hint"), fmt.hint)
    ws.write(L.DASHBOARD_CHARTS_ROW, 1, words("dashboard.charts"), fmt.section)
    for c in range(2, 7):
        ws.write_blank(L.DASHBOARD_CHARTS_ROW, c, None, fmt.section)
    ws.write(L.DASHBOARD_CHARTS_ROW + 1, 1, words("dashboard.charts.hint"), fmt.hint)
    ws.set_column(L.CHART_DATA_COL - 1, L.CHART_DATA_COL - 1, 4)
    ws.set_column(L.CHART_DATA_COL, L.CHART_DATA_COL + 14, 12)
    ws.write(L.DASHBOARD_KPI_HEADER_ROW - 1, L.CHART_DATA_COL, words("dashboard.chart_data"), fmt.hint)
    print_setup(ws, words, one_page=True)
    ws.print_area(0, 0, L.DASHBOARD_CHARTS_ROW + 38, 6)  # the page without the chart data


def output_headers(sheet: str, words: Texts) -> list[tuple[str, str]]:
    """The header texts and units of the table a refresh writes on ``sheet``."""
    prefix = "forecast.column." if sheet == "Forecast" else "column."
    return [(words.kpi(c.key) if c.kpi else words(prefix + c.key), c.unit) for c in L.output_columns(sheet)]


def write_output_sheet(ws: Worksheet, sheet: str, fmt: Formats, words: Texts) -> None:
    """A sheet the refresh fills (Ads Summary, P&L, Forecast): a title, what it holds, the header row of its table."""
    header_row = L.header_row(sheet)
    ws.hide_gridlines(2)
    ws.set_row(0, 26)
    ws.write(0, 0, words(f"output.{sheet}.title"), fmt.title)
    ws.write(1, 0, words(f"output.{sheet}.subtitle"), fmt.subtitle)
    ws.set_row(header_row, 34)
    headers = output_headers(sheet, words)
    month_width = max(12, 2 + max(len(words.month(2026 * 12 + m)) for m in range(12)))  # "septembre 2026"
    for j, (header, unit) in enumerate(headers):
        width = month_width if unit == "month" else 18 if unit == "text" else max(12, min(16, len(header) * 0.7 + 4))
        ws.set_column(j, j, width, fmt.for_unit(unit))
        ws.write(header_row, j, header, fmt.header if unit in ("month", "text") else fmt.header_number)
    ws.freeze_panes(header_row + 1, L.FROZEN_COLUMNS[sheet])
    print_setup(ws, words, repeat_row=header_row)
    if sheet == "Forecast":
        ws.set_column(0, 0, 16, fmt.month)
        ws.set_column(1, len(headers) - 1, 16, fmt.money)
        for (r, c), key in ((L.FORECAST_LOW_CASH_CELL, "forecast.low_cash"),
                            (L.FORECAST_MAX_PAY_CELL, "forecast.max_pay")):
            ws.write(r, c - 1, words(key), fmt.label)
        # The value, then (lowest cash) the month it happens, then what it means.
        (r1, c1), (r2, c2) = L.FORECAST_LOW_CASH_CELL, L.FORECAST_MAX_PAY_CELL
        ws.write(r1, c1 + 2, words("forecast.low_cash.hint"), fmt.hint)
        ws.write(r2, c2 + 2, words("forecast.max_pay.hint"), fmt.hint)


def write_xlwings_conf(ws: Worksheet, fmt: Formats, words: Texts) -> None:
    """xlwings' settings: keys in A, values in B, read from A1 down to the first blank cell."""
    for r, (key, value) in enumerate(L.XLWINGS_CONF):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    for r in range(4):
        ws.write_string(r, 3, words(f"xlwings_conf.{r + 1}", module=L.UDF_MODULE), fmt.hint)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 3)
    ws.set_column(3, 3, 100)
    print_setup(ws, words, one_page=True)


def vba_project_bytes() -> bytes:
    """The packaged VBA project (built by ``python -m kpi_xl.dev.template build``)."""
    try:
        return resources.files("kpi_xl").joinpath(VBA_PROJECT).read_bytes()
    except FileNotFoundError:
        raise TemplateError(f"kpi_xl/{VBA_PROJECT} is missing: run python -m kpi_xl.dev.template build") from None


def build_workbook(path: str | Path, ads: Iterable[Mapping] = (), ledger: Iterable[Mapping] = (),
                   settings: Settings | None = None, plan: Iterable[Mapping] = (), *,
                   macros: bool | None = None, created: dt.datetime | None = None) -> None:
    """Write a tracker at ``path`` (not atomically: see :func:`write_tracker`).

    ``macros`` (default: when ``path`` ends in ``.xlsm``) embeds the VBA
    project and the Refresh KPIs button; ``created`` fixes the document's
    creation date (default: now), which is the output's only varying part.
    """
    settings = settings or Settings()
    words = texts(settings.language)
    if macros is None:
        macros = Path(path).suffix.lower() == ".xlsm"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False, "in_memory": True})  # no debris in TMPDIR
    properties = {"title": words("properties.title"), "subject": words("properties.subject"),
                  "comments": words("properties.comments")}
    if created is not None:
        properties["created"] = created
    wb.set_properties(properties)
    wb.set_size(1600, 1000)
    if macros:
        wb.add_vba_project(BytesIO(vba_project_bytes()), is_stream=True)
        wb.set_vba_name(L.WORKBOOK_CODE_NAME)
    fmt = Formats(wb, settings.currency, words)
    sheets = {name: wb.add_worksheet(words.sheet(name)) for name in L.SHEETS}
    for name, ws in sheets.items():
        if macros:
            ws.set_vba_name(L.CODE_NAMES[name])
        ws.set_tab_color(L.tab_color(name))

    write_dashboard(sheets["Dashboard"], settings, fmt, macros, words)
    write_table(wb, sheets["Ads"], ADS, ads, fmt, words)
    write_table(wb, sheets["Ledger"], LEDGER, ledger, fmt, words)
    write_settings(wb, sheets["Settings"], settings, fmt, words)
    write_output_sheet(sheets["Ads Summary"], "Ads Summary", fmt, words)
    write_output_sheet(sheets["P&L"], "P&L", fmt, words)
    write_table(wb, sheets["Plan"], PLAN, plan, fmt, words)
    sheets["Plan"].set_column(4, 4, 3)
    sheets["Plan"].write(0, 5, words("plan.hint.1"), fmt.hint)
    sheets["Plan"].write(1, 5, words("plan.hint.2"), fmt.hint)
    write_output_sheet(sheets["Forecast"], "Forecast", fmt, words)
    write_xlwings_conf(sheets["xlwings.conf"], fmt, words)
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
