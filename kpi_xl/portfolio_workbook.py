"""The portfolio workbook: many trackers side by side, built like a tracker (``kpi-xl portfolio``).

=========  ===========================================================================
sheet      holds
=========  ===========================================================================
Dashboard  the trackers most over their CAC limit, those with the shortest runway,
           and two charts: return on ad spend and net profit by client
Portfolio  Excel Table ``Portfolio``: one row per tracker at its latest month, each
           target beside its KPI with a conditional format comparing the two; below
           it, one total per currency
Months     Excel Table ``Months``: one row per tracker and month, every KPI id a column
Problems   Excel Table ``Problems``: every file that is not in the portfolio, and why
=========  ===========================================================================

Every amount is formatted in its own tracker's currency, and totals are never
taken across currencies.  Positions are :mod:`kpi_xl.layout`'s, words
:mod:`kpi_xl.texts`', cell formats :class:`kpi_xl.workbook.Formats` and
:func:`kpi_xl.formatting.excel_format`.

XlsxWriter lays out everything except the data rows of `Months`, which at a
thousand trackers are half a million cells: XlsxWriter takes about ten
seconds over them, more than reading the thousand trackers in parallel.
Those rows are written here as XML in one pass and put in the sheet in place
of the blank cells XlsxWriter wrote there (one row per currency, to number
its cell styles, and the last cell, to size the sheet), so every style comes
from XlsxWriter.  ``tests/test_portfolio.py`` checks cell by cell that the
result is what XlsxWriter alone writes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Iterator

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from . import layout as L
from .batch import BAD_INPUT, Portfolio, TrackerSummary
from .files import atomic_path, scratch, writing
from .formatting import excel_format
from .imports.append import escape_text, number_text
from .metrics import KPI_IDS, REGISTRY
from .ooxml.cells import column_letter, date_to_serial
from .ooxml.package import sheet_parts
from .ooxml.zipfiles import rewrite
from .periods import month_start, parse_period
from .texts import Texts, texts
from .workbook import Formats, print_setup

MONTHS_COLUMNS = (*(L.Column(k, "month" if k == "month" else "text", False) for k in L.MONTHS_KEYS),
                  *(L.Column(k, REGISTRY[k].unit) for k in KPI_IDS))
"""The `Months` table's columns: who and when, then every KPI id."""


ALERT_LINE = 100
"""The characters of an alert on one line of the Alerts column (its width follows)."""


def _month(label: str | None) -> dt.date | None:
    return None if label is None else month_start(parse_period(label).first)


class _Cells:
    """Cell formats by unit and currency (made once each), over the tracker's :class:`~kpi_xl.workbook.Formats`."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str, words: Texts):
        self.wb = wb
        self.fmt = Formats(wb, currency, words)
        self._cache: dict[tuple, object] = {}

    def _make(self, key: tuple, properties: dict) -> object:
        if key not in self._cache:  # centred: a row grows with its alerts
            self._cache[key] = self.wb.add_format({**self.fmt.font, "valign": "vcenter", **properties})
        return self._cache[key]

    def cell(self, unit: str, currency: str):
        """A value of ``unit``, money in ``currency``."""
        num = excel_format(unit, currency)
        extra = {"align": "left"} if unit in ("month", "date") else {"text_wrap": True} if unit == "sentence" else {}
        return self._make(("cell", unit, currency if unit == "money" else ""), {"num_format": num, **extra})

    def total(self, unit: str, currency: str):
        """A cell of a total row: bold, on the total fill, a line above."""
        return self._make(("total", unit, currency if unit == "money" else ""),
                          {"num_format": excel_format(unit, currency), "bold": True, "bg_color": L.TOTAL_FILL,
                           "top": 1, "top_color": L.TOTAL_RULE})

    def header(self, unit: str):
        return self.fmt.header if unit in ("text", "sentence", "month") else self.fmt.header_number

    def label(self):
        """The KPI names over the `Months` headers: small, grey, wrapped."""
        return self._make(("label",), {"font_size": 9, "font_color": L.GREY, "text_wrap": True, "valign": "bottom",
                                       "align": "right"})


def _write(ws: Worksheet, row: int, col: int, value: object, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _table(ws: Worksheet, name: str, header_row: int, rows: int, headers: list[tuple[str, object]]) -> int:
    """An Excel Table with these headers over ``rows`` data rows (one blank row when there are none)."""
    last = header_row + max(rows, 1)
    ws.add_table(header_row, 0, last, len(headers) - 1, {
        "name": name, "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": f} for h, f in headers],
    })
    return last


def _titles(ws: Worksheet, fmt: Formats, title: str, subtitle: str) -> None:
    ws.hide_gridlines(2)
    ws.set_row(0, 26)
    ws.write(0, 0, title, fmt.title)
    ws.write(1, 0, subtitle, fmt.subtitle)


class PortfolioBook:
    """Lays a :class:`~kpi_xl.batch.Portfolio` out in a new workbook with XlsxWriter (but `Months`' rows)."""

    def __init__(self, path: Path, portfolio: Portfolio, words: Texts, today: dt.date,
                 created: dt.datetime | None = None):
        self.p, self.words, self.today = portfolio, words, today
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                                  "strings_to_urls": False, "in_memory": True})
        properties = {"title": words("portfolio.title"), "comments": words("properties.comments")}
        if created is not None:
            properties["created"] = created
        self.wb.set_properties(properties)
        currencies = portfolio.currencies()
        self.cells = _Cells(self.wb, currencies[0] if currencies else "EUR", words)
        self.fmt = self.cells.fmt
        self.sheets = {name: self.wb.add_worksheet(words.sheet(name)) for name in L.PORTFOLIO_SHEETS}
        for ws in self.sheets.values():
            ws.set_tab_color(L.TAB_OUTPUT)
        self.months_first_row: int | None = None  # 1-based: where the rows written here start, if any

    # -- Portfolio ------------------------------------------------------------------------

    def _header(self, col: L.Column) -> str:
        return self.words.kpi(col.key) if col.kpi else self.words(f"portfolio.column.{col.key}")

    @staticmethod
    def _value(t: TrackerSummary, col: L.Column) -> object:
        if col.kpi:
            return t.kpis.get(col.key)
        return {"client": t.name, "file": t.path.name, "currency": t.currency, "month": _month(t.latest_month),
                "reserve": t.reserve, "alerts": "\n".join(t.alerts)}.get(col.key, t.targets.get(col.key))

    def portfolio(self) -> None:
        ws, words, cols = self.sheets["Portfolio"], self.words, L.PORTFOLIO_COLUMNS
        _titles(ws, self.fmt, words("portfolio.title"), words("portfolio.subtitle"))
        h = L.PORTFOLIO_HEADER_ROW
        trackers = self.p.trackers
        for i, t in enumerate(trackers):
            for j, col in enumerate(cols):
                _write(ws, h + 1 + i, j, self._value(t, col), self.cells.cell(col.unit, t.currency))
            lines = sum(-(-len(a) // ALERT_LINE) for a in t.alerts)
            if lines > 1:  # one alert a line: a row as tall as its alerts (no program sizes it on opening)
                ws.set_row(h + 1 + i, 15 * lines)
        last = _table(ws, "Portfolio", h, len(trackers), [(self._header(c), self.cells.header(c.unit)) for c in cols])
        for j, col in enumerate(cols):
            width = {"client": 22, "file": 18, "currency": 9, "month": 9, "alerts": ALERT_LINE * 0.9}.get(col.key, 14)
            ws.set_column(j, j, width if col.kpi or col.unit != "money" else 12)
        ws.set_row(h, 34)
        ws.freeze_panes(h + 1, L.PORTFOLIO_FROZEN_COLUMNS["Portfolio"])
        print_setup(ws, self.words, repeat_row=h)
        ws.fit_to_pages(2, 0)  # on paper, two pages wide, each with the clients' names
        ws.repeat_columns(0, L.PORTFOLIO_FROZEN_COLUMNS["Portfolio"] - 1)
        if trackers:
            self._rules(ws, h + 1, last)
        self._totals(ws, last + 2, h + 1, last)

    def _rules(self, ws: Worksheet, first: int, last: int) -> None:
        """Each KPI against its own tracker's target (the column beside it); net profit < 0; cash under the
        reserve."""
        col = {c.key: column_letter(j) for j, c in enumerate(L.PORTFOLIO_COLUMNS)}

        def rule(key: str, formula: str, severity: str) -> None:
            ws.conditional_format(first, list(col).index(key), last, list(col).index(key),
                                  {"type": "formula", "criteria": formula, "format": self.fmt.alert(severity)})

        top = first + 1
        for t in L.TARGETS:
            if t.kpi_id in col and t.setting in col:
                k, s = f"${col[t.kpi_id]}{top}", f"${col[t.setting]}{top}"
                rule(t.kpi_id, f"=AND(ISNUMBER({k}),ISNUMBER({s}),{k}{t.op}{s})", t.severity)
        net, cash, reserve = (f"${col[k]}{top}" for k in ("net_profit", "cash_end", "reserve"))
        rule("net_profit", f"=AND(ISNUMBER({net}),{net}<0)", L.RED)
        rule("cash_end", f"=AND(ISNUMBER({cash}),ISNUMBER({reserve}),{cash}<{reserve})", L.RED)

    def _totals(self, ws: Worksheet, row: int, first: int, last: int) -> None:
        """One total row per currency (a SUMIF over the table, its value cached), and what they add."""
        words, cols = self.words, L.PORTFOLIO_COLUMNS
        keys = [c.key for c in cols]
        totals = self.p.totals()
        ws.write(row, 0, words("portfolio.totals"), self.fmt.section)
        for j in range(1, len(cols) - 1):
            ws.write_blank(row, j, None, self.fmt.section)
        currency_col = column_letter(keys.index("currency"))
        for i, total in enumerate(totals, 1):
            r = row + i
            ws.write(r, 0, words("portfolio.total", currency=total.currency,
                                 trackers=words.count(total.trackers, "tracker")),
                     self.cells.total("text", total.currency))
            for j in range(1, len(cols)):
                fmt = self.cells.total(cols[j].unit, total.currency)
                if keys[j] not in total.sums:
                    ws.write_blank(r, j, None, fmt)
                    continue
                c = column_letter(j)
                code = total.currency.replace('"', '""')
                ws.write_formula(r, j, f'=SUMIF(${currency_col}${first + 1}:${currency_col}${last + 1},"{code}",'
                                       f"{c}${first + 1}:{c}${last + 1})", fmt, total.sums[keys[j]])
        notes = []
        currencies = [t.currency for t in totals]
        if len(currencies) > 1:
            notes.append(words("portfolio.currencies", currencies=", ".join(currencies)))
        elif currencies:
            notes.append(words("portfolio.one_currency", currency=currencies[0]))
        months = sorted(m for t in totals for m in t.months)
        if months and months[0] != months[-1]:
            notes.append(words("portfolio.months_differ", first=months[0], last=months[-1]))
        for i, note in enumerate(notes):
            ws.write(row + len(totals) + 1 + i, 0, note, self.fmt.hint)

    # -- Months -------------------------------------------------------------------------------

    def months(self) -> None:
        """Titles, the KPIs' names, the table; blank cells where the rows go (see the module's docstring)."""
        ws, words = self.sheets["Months"], self.words
        _titles(ws, self.fmt, words("portfolio.months.title"), words("portfolio.months.subtitle"))
        h = L.MONTHS_HEADER_ROW
        headers = []
        for j, col in enumerate(MONTHS_COLUMNS):
            if col.kpi:
                ws.write(h - 1, j, words.kpi(col.key), self.cells.label())
                headers.append((col.key, self.cells.header(col.unit)))
            else:  # a tracker's every month, not its latest: "Month"
                header = words("column.month") if col.key == "month" else words(f"portfolio.column.{col.key}")
                headers.append((header, self.cells.header(col.unit)))
            ws.set_column(j, j, {"client": 24, "file": 20, "currency": 9, "month": 10}.get(col.key, 13))
        ws.set_row(h - 1, 36)
        ws.set_row(h, 20)
        rows = sum(len(t.months) for t in self.p.trackers)
        last = _table(ws, "Months", h, rows, headers)
        ws.freeze_panes(h + 1, L.PORTFOLIO_FROZEN_COLUMNS["Months"])
        print_setup(ws, self.words, repeat_row=h)
        ws.fit_to_pages(4, 0)
        ws.repeat_columns(0, L.PORTFOLIO_FROZEN_COLUMNS["Months"] - 1)
        if not rows:
            return
        self.months_first_row = h + 2
        r, done = h + 1, set()
        for t in self.p.trackers:
            if t.months and t.currency not in done:  # this currency's first row: its styles, numbered
                done.add(t.currency)
                for j, col in enumerate(MONTHS_COLUMNS):
                    ws.write_blank(r, j, None, self.cells.cell(col.unit, t.currency))
            r += len(t.months)
        # The last cell, so that XlsxWriter sizes the sheet (its <dimension>) as the rows will fill it.
        ws.write_blank(last, len(MONTHS_COLUMNS) - 1, None, self.cells.cell(MONTHS_COLUMNS[-1].unit, t.currency))

    # -- Problems -------------------------------------------------------------------------------

    def problems(self) -> None:
        ws, words = self.sheets["Problems"], self.words
        _titles(ws, self.fmt, words("portfolio.problems.title"), words("portfolio.problems.subtitle"))
        if not self.p.failed:
            ws.write(2, 0, words("portfolio.problems.none"), self.fmt.hint)
        keys = ("file", "result", "where", "problem")
        rows = []
        for r in self.p.failed:
            status = words(f"batch.status.{r.status}")
            if r.status == BAD_INPUT and r.problems:
                rows += [(str(r.path), status, words.say(p.where), words.say(p.message)) for p in r.problems]
            else:
                rows.append((str(r.path), status, "", words.say(r.message)))
        h = L.PORTFOLIO_HEADER_ROW
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                ws.write_string(h + 1 + i, j, value, self.fmt.text)
        _table(ws, "Problems", h, len(rows), [(words(f"portfolio.problems.column.{k}"), self.fmt.header) for k in keys])
        for j, width in enumerate((36, 22, 30, 100)):
            ws.set_column(j, j, width)
        ws.set_row(h, 20)
        ws.freeze_panes(h + 1, L.PORTFOLIO_FROZEN_COLUMNS["Problems"])
        print_setup(ws, self.words, repeat_row=h)

    # -- Dashboard ---------------------------------------------------------------------------------

    def dashboard(self) -> None:
        ws, words, p = self.sheets["Dashboard"], self.words, self.p
        ws.hide_gridlines(2)
        for c, width in ((0, 2), (1, 30), (2, 17), (3, 17), (4, 17), (5, 3), (6, 30), (7, 17), (8, 17), (9, 17)):
            ws.set_column(c, c, width)
        ws.set_row(0, 30)
        ws.write(0, 1, words("portfolio.dashboard.title"), self.fmt.title)
        ws.write(1, 1, words("portfolio.dashboard.subtitle", trackers=words.count(len(p.trackers), "tracker"),
                             date=self.today.strftime(words.table["date.format"])), self.fmt.subtitle)
        r = L.PORTFOLIO_DASHBOARD_ROWS["notes"]
        by_currency = [f"{c} ({words.count(sum(t.currency == c for t in p.trackers), 'tracker')})"
                       for c in p.currencies()]
        if by_currency:
            ws.write(r, 1, words("portfolio.dashboard.currencies", currencies=", ".join(by_currency)), self.fmt.text)
        if p.failed:
            ws.write(r + 1, 1, words("portfolio.dashboard.problems", files=words.count(len(p.failed), "file")),
                     self.fmt.alert(L.RED))
        self._over_cac(ws)
        self._runway(ws)
        self._charts(ws)
        print_setup(ws, self.words, one_page=True)
        ws.print_area(0, 0, L.PORTFOLIO_DASHBOARD_ROWS["charts"] + 32, 10)

    def _list(self, ws: Worksheet, row: int, title: str, headers: list[str], rows: list[list], units: list[str],
              currencies: list[str], none: str) -> None:
        """A short list under its heading: a header row, then one row per tracker (or a line saying none)."""
        ws.write(row, 1, title, self.fmt.section)
        for c in range(2, 2 + len(headers) - 1):
            ws.write_blank(row, c, None, self.fmt.section)
        if not rows:
            ws.write(row + 1, 1, none, self.fmt.hint)
            return
        for j, header in enumerate(headers):
            ws.write(row + 1, 1 + j, header, self.cells.header(units[j]))
        for i, (values, currency) in enumerate(zip(rows, currencies, strict=True)):
            for j, value in enumerate(values):
                _write(ws, row + 2 + i, 1 + j, value, self.cells.cell(units[j], currency))

    def _over_cac(self, ws: Worksheet) -> None:
        words = self.words
        over = self.p.over_cac(L.PORTFOLIO_DASHBOARD_TOP)
        self._list(ws, L.PORTFOLIO_DASHBOARD_ROWS["over_cac"], words("portfolio.dashboard.over_cac"),
                   [words("portfolio.column.client"), words.kpi("cac"), words("portfolio.column.MaxCAC"),
                    words("portfolio.dashboard.over_by")],
                   [[t.name, t.kpis["cac"], t.targets["MaxCAC"], by] for t, by in over],
                   ["text", "money", "money", "percent"], [t.currency for t, _ in over],
                   words("portfolio.dashboard.over_cac.none"))

    def _runway(self, ws: Worksheet) -> None:
        words = self.words
        short = self.p.shortest_runway(L.PORTFOLIO_DASHBOARD_TOP)
        self._list(ws, L.PORTFOLIO_DASHBOARD_ROWS["runway"], words("portfolio.dashboard.runway"),
                   [words("portfolio.column.client"), words.kpi("runway_months"), words.kpi("cash_end"),
                    words.kpi("burn")],
                   [[t.name, t.kpis["runway_months"], t.kpis["cash_end"], t.kpis["burn"]] for t in short],
                   ["text", "months", "money", "money"], [t.currency for t in short],
                   words("portfolio.dashboard.runway.none"))

    def _chart_points(self, kpi_id: str) -> tuple[list[tuple[str, float, str]], str]:
        """The clients a chart shows, top to bottom (name, value, currency), and its title."""
        words = self.words
        points = [(t.name, t.kpis[kpi_id], t.currency) for t in self.p.trackers if t.kpis.get(kpi_id) is not None]
        title = words(f"portfolio.chart.{kpi_id}")
        if len(points) > L.PORTFOLIO_CHART_CLIENTS:
            points = sorted(points, key=lambda p: p[1])[:L.PORTFOLIO_CHART_CLIENTS]
            title = words("portfolio.chart.lowest", title=title, n=L.PORTFOLIO_CHART_CLIENTS)
        if REGISTRY[kpi_id].unit == "money" and len(self.p.currencies()) > 1:
            title = words("portfolio.chart.currencies", title=title)
        return points, title

    def _charts(self, ws: Worksheet) -> None:
        words = self.words
        row = L.PORTFOLIO_DASHBOARD_ROWS["charts"]
        ws.write(row, 1, words("portfolio.dashboard.charts"), self.fmt.section)
        for c in range(2, 10):
            ws.write_blank(row, c, None, self.fmt.section)
        col = L.PORTFOLIO_CHART_DATA_COL
        ws.write(row - 1, col, words("portfolio.dashboard.chart_data"), self.fmt.hint)
        sheet = self.words.sheet("Dashboard")
        for place in L.PORTFOLIO_CHARTS:
            points, title = self._chart_points(place.name)
            ws.write(row, col, words("portfolio.column.client"), self.fmt.header)
            ws.write(row, col + 1, words.kpi(place.name), self.fmt.header_number)
            ws.set_column(col, col, 24)
            ws.set_column(col + 1, col + 1, 14)
            for i, (name, value, currency) in enumerate(points, 1):
                ws.write_string(row + i, col, name, self.fmt.text)
                ws.write_number(row + i, col + 1, value, self.cells.cell(REGISTRY[place.name].unit, currency))
            if points:
                chart = self.wb.add_chart({"type": place.kind})
                chart.add_series({"name": [sheet, row, col + 1],
                                  "categories": [sheet, row + 1, col, row + len(points), col],
                                  "values": [sheet, row + 1, col + 1, row + len(points), col + 1],
                                  "fill": {"color": L.BLUE}, "invert_if_negative": False})
                chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
                chart.set_legend({"none": True})
                chart.set_x_axis({"num_format": "0.0" if place.name == "roas" else "#,##0",
                                  "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
                chart.set_y_axis({"reverse": True, "label_position": "low"})  # the first client on top; names
                # at the left even beside a negative bar
                chart.set_size({"width": place.width, "height": max(300, 80 + 22 * len(points))})
                r, c = place.anchor
                ws.insert_chart(r, c, chart, {"object_position": 3})
            col += 3

    def close(self) -> None:
        self.dashboard()
        self.portfolio()
        self.months()
        self.problems()
        self.wb.close()


# --- the rows of Months, written directly ------------------------------------------------------

_BLANK_STYLE = re.compile(r'<c r="([A-Z]+)(\d+)" s="(\d+)"/>')


def _text_cell(ref: str, style: str, text: str) -> str:
    escaped, preserve = escape_text(text)
    space = ' xml:space="preserve"' if preserve else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def months_rows(trackers: list[TrackerSummary], first_row: int, styles: dict[str, list[str]]) -> Iterator[str]:
    """The `Months` data rows as worksheet XML, from sheet row ``first_row`` (1-based): who, the month's serial
    date, then each KPI (a blank cell, with its style, when undefined); ``styles`` gives each currency's cell
    style per column."""
    letters = [column_letter(j) for j in range(len(MONTHS_COLUMNS))]
    r = first_row
    for t in trackers:
        s = styles.get(t.currency)
        texts_ = (t.name, t.path.name, t.currency)
        for label, values in t.months:
            cells = [_text_cell(f"{letters[j]}{r}", s[j], texts_[j]) for j in range(3)]
            cells.append(f'<c r="D{r}" s="{s[3]}"><v>{date_to_serial(_month(label))}</v></c>')
            for j, v in enumerate(values, 4):
                cells.append(f'<c r="{letters[j]}{r}" s="{s[j]}"/>' if v is None
                             else f'<c r="{letters[j]}{r}" s="{s[j]}"><v>{number_text(v)}</v></c>')
            yield f'<row r="{r}">{"".join(cells)}</row>'
            r += 1


def _styles_of(xml: str, trackers: list[TrackerSummary], first_row: int) -> dict[str, list[str]]:
    """Each currency's cell styles, from the blank cells XlsxWriter wrote on its first row."""
    by_row: dict[int, dict[str, str]] = {}
    for letter, row, style in _BLANK_STYLE.findall(xml):
        by_row.setdefault(int(row), {})[letter] = style
    styles, r = {}, first_row
    letters = [column_letter(j) for j in range(len(MONTHS_COLUMNS))]
    for t in trackers:
        if t.months and t.currency not in styles:
            styles[t.currency] = [by_row[r][letter] for letter in letters]
        r += len(t.months)
    return styles


def fill_months(xml: str, trackers: list[TrackerSummary], first_row: int) -> str:
    """The `Months` sheet XML with its data rows: those from ``first_row`` (1-based) on replaced."""
    styles = _styles_of(xml, trackers, first_row)
    start, end = xml.index(f'<row r="{first_row}"'), xml.index("</sheetData>")
    return xml[:start] + "".join(months_rows(trackers, first_row, styles)) + xml[end:]


def write_portfolio(portfolio: Portfolio, path: str | Path, *, today: dt.date | None = None,
                    created: dt.datetime | None = None, words: Texts | None = None) -> Path:
    """Write the portfolio workbook to ``path`` (an .xlsx), atomically.

    ``today`` is the date it says it was made (default: today); ``created``
    fixes the document's creation date, its only other varying part.
    """
    path = Path(path)
    words = words or texts()
    # Refused, like a tracker, while Excel or LibreOffice has it open (their next save would overwrite it); the
    # scratch workbook beside it, where the next writer cleans up after a kill.
    with writing(path, command="kpi-xl portfolio", offers=()) as real, scratch(real, ".xlsx") as work:
        book = PortfolioBook(work, portfolio, words, today or dt.date.today(), created)
        book.close()
        with zipfile.ZipFile(work) as zin, atomic_path(real) as dest:
            replace = {}
            if book.months_first_row is not None:
                part = sheet_parts(zin)[words.sheet("Months")]
                xml = zin.read(part).decode("utf-8")
                replace[part] = fill_months(xml, portfolio.trackers, book.months_first_row).encode("utf-8")
            rewrite(zin, dest, replace, compresslevel=1)
    return path
