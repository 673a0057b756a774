"""`kpi-xl refresh`: write the summary sheets, alerts and charts of a tracker file, without Excel.

1. Read and validate the tracker (every problem at once; nothing written if any).
2. Build the :class:`~kpi_xl.report.Report` (the one computation the button shares).
3. Lay the output sheets out with XlsxWriter in a scratch workbook, with the
   template's own sheet builders.
4. Transplant them into the tracker (:mod:`kpi_xl.ooxml.transplant`): the input
   sheets, the VBA project, the button's macro, names and any sheet a user
   added are copied byte for byte; written to a temporary file beside the
   target and moved over it (:mod:`kpi_xl.files`), so a crash leaves the old
   file or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .errors import InputError
from .files import atomic_path
from .reader import FileSource, check_source
from .report import COLORS, OUTPUT_SHEETS, Block, Chart, Report, build_report
from .tracker import Tracker
from .workbook import Formats, write_ads_summary, write_dashboard, write_forecast, write_pnl
from .ooxml.transplant import replace_sheets


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    tracker: Tracker
    report: Report
    added: list[str] = field(default_factory=list)  # output sheets the tracker lacked (made before they existed)


class _Writer:
    """Lays a report's blocks, rules and charts onto XlsxWriter worksheets."""

    def __init__(self, wb: xlsxwriter.Workbook, fmt: Formats):
        self.wb, self.fmt = wb, fmt
        self._bold: dict[str, object] = {}
        self.alert = {sev: wb.add_format({"bg_color": fill, "font_color": font})
                      for sev, (fill, font) in COLORS.items()}

    def _format(self, unit: str, bold: bool):
        base = {"month": self.fmt.month, "date": self.fmt.date, "text": self.fmt.text,
                "sentence": self.fmt.sentence}.get(unit) \
            or self.fmt.for_unit(unit)
        if not bold:
            return base
        key = unit
        if key not in self._bold:
            num = base.num_format if base.num_format else "General"
            self._bold[key] = self.wb.add_format({**self.fmt._font, "bold": True, "num_format": num,
                                                  "bg_color": "#D9E1F2", "top": 1, "top_color": "#8EA9DB"})
        return self._bold[key]

    def block(self, ws: Worksheet, b: Block) -> None:
        for i, row in enumerate(b.rows):
            bold = i in b.bold_rows or (b.header and i == 0)
            for j, value in enumerate(row):
                unit = "text" if (b.header and i == 0) else b.units[j]
                f = self.fmt.header if (b.header and i == 0) else self._format(unit, bold)
                r, c = b.row + i, b.col + j
                if value is None or value == "":
                    ws.write_blank(r, c, None, f)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), f)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, f)
                else:
                    ws.write_number(r, c, value, f)

    def rule(self, ws: Worksheet, ref: str, formula: str, severity: str) -> None:
        ws.conditional_format(ref, {"type": "formula", "criteria": formula, "format": self.alert[severity]})

    def chart(self, ws: Worksheet, spec: Chart) -> None:
        data = spec.data
        chart = self.wb.add_chart({"type": spec.kind})
        n = len(data.rows) - 1
        sheet = f"'{data.sheet}'"
        for j in range(1, len(data.units)):
            series = {
                "name": [data.sheet, data.row, data.col + j],
                "categories": [data.sheet, data.row + 1, data.col, data.row + n, data.col],
                "values": [data.sheet, data.row + 1, data.col + j, data.row + n, data.col + j],
            }
            if spec.kind == "line":
                series["marker"] = {"type": "circle", "size": 4}
            if j in spec.secondary:
                series["y2_axis"] = True
            chart.add_series(series)
        del sheet
        chart.set_title({"name": spec.title, "name_font": {"size": 12, "bold": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
        if spec.secondary:
            chart.set_y2_axis({"num_format": "#,##0"})
        chart.set_size({"width": spec.width, "height": spec.height})
        ws.insert_chart(spec.row, spec.col, chart, {"object_position": 3})


def write_output_sheets(path: Path, tracker: Tracker, report: Report, button: bool) -> None:
    """A scratch workbook holding the output sheets, laid out and filled."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    fmt = Formats(wb, tracker.settings.currency)
    sheets = {name: wb.add_worksheet(name) for name in OUTPUT_SHEETS}
    write_dashboard(sheets["Dashboard"], tracker.settings, fmt, button=button)
    write_ads_summary(sheets["Ads Summary"], fmt)
    write_pnl(sheets["P&L"], fmt)
    write_forecast(sheets["Forecast"], fmt)
    writer = _Writer(wb, fmt)
    for b in report.blocks:
        writer.block(sheets[b.sheet], b)
    for rule in report.rules:
        writer.rule(sheets[rule.sheet], rule.ref, rule.formula, rule.severity)
    for chart in report.charts:
        writer.chart(sheets[chart.sheet], chart)
    wb.close()


def has_macros(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return "xl/vbaProject.bin" in z.NameToInfo


def refresh(path: str | Path, out: str | Path | None = None, today: dt.date | None = None,
            progress: Callable[[str], None] | None = None) -> RefreshResult:
    """Refresh a tracker file in place (or write the refreshed copy to ``out``).

    Raises :class:`~kpi_xl.errors.InputError` with every problem, having
    written nothing, when the input is invalid.
    """
    path = Path(path)
    say = progress or (lambda _: None)
    say(f"Reading {path.name}")
    tracker, problems = check_source(FileSource(path))
    if tracker is None:
        raise InputError(problems)
    say("Computing the summaries")
    report = build_report(tracker, today)
    target = Path(out) if out is not None else path
    with tempfile.TemporaryDirectory(prefix="kpi_xl-") as tmp:
        scratch = Path(tmp) / "output.xlsx"
        write_output_sheets(scratch, tracker, report, button=has_macros(path))
        say(f"Writing {target.name}")
        with atomic_path(target) as dest:
            added = replace_sheets(path, scratch, list(OUTPUT_SHEETS), dest)
    return RefreshResult(target, tracker, report, added)
