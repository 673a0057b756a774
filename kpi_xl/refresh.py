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

All four steps run under the tracker's lock (:func:`kpi_xl.files.writing`):
the tracker is read after it is taken, so a refresh never writes over rows an
import added meanwhile, and no other writer drops the refresh's output.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import xlsxwriter

from . import layout as L
from .files import Notify, atomic_path, check_suffix, scratch, writing
from .ooxml.package import VBA_PART, sheet_parts
from .ooxml.transplant import replace_sheets
from .reader import FileSource, validate
from .report import Block, Chart, Report, Rule, build_report, write_report
from .texts import Message, Texts, all_names, fold, texts
from .tracker import Settings, Tracker
from .workbook import Formats, write_dashboard, write_output_sheet


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    tracker: Tracker
    report: Report
    added: list[str] = field(default_factory=list)  # output sheets the tracker lacked (made before they existed)


class FileReportWriter:
    """Lays a report out in a scratch workbook with XlsxWriter: each output sheet with the template's own
    builders (titles, headers, the button), then the report's values, rules and charts."""

    def __init__(self, path: Path, settings: Settings, button: bool, words: Texts,
                 sheet_names: dict[str, str] | None = None):
        # in_memory: XlsxWriter would otherwise stage each part in the system's temporary folder, where a kill
        # would leave them; the scratch workbook itself is beside the tracker, where the next writer cleans up.
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                                  "strings_to_urls": False, "in_memory": True})
        self.fmt = Formats(self.wb, settings.currency, words)
        self.settings, self.button, self.words = settings, button, words
        self.names = sheet_names or {name: words.sheet(name) for name in L.OUTPUT_SHEETS}
        self.ws = None

    def sheet(self, name: str) -> None:
        self.ws = self.wb.add_worksheet(self.names[name])
        if name == "Dashboard":
            write_dashboard(self.ws, self.settings, self.fmt, self.button, self.words)
        else:
            write_output_sheet(self.ws, name, self.fmt, self.words)

    def block(self, b: Block) -> None:
        for i, row in enumerate(b.rows):
            header = b.header and i == 0
            bold = i in b.bold_rows
            for j, value in enumerate(row):
                f = self.fmt.header if header else self.fmt.total(b.units[j]) if bold \
                    else self.fmt.for_unit(b.units[j])
                r, c = b.row + i, b.col + j
                if value is None or value == "":
                    self.ws.write_blank(r, c, None, f)
                elif isinstance(value, dt.date):
                    self.ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), f)
                elif isinstance(value, str):
                    self.ws.write_string(r, c, value, f)
                else:
                    self.ws.write_number(r, c, value, f)

    def rule(self, rule: Rule) -> None:
        self.ws.conditional_format(rule.ref, {"type": "formula", "criteria": rule.formula,
                                              "format": self.fmt.alert(rule.severity)})

    def chart(self, spec: Chart) -> None:
        data = spec.data
        chart = self.wb.add_chart({"type": spec.kind})
        n = len(data.rows) - 1
        sheet = self.names[data.sheet]
        for j in range(1, len(data.units)):
            series = {
                "name": [sheet, data.row, data.col + j],
                "categories": [sheet, data.row + 1, data.col, data.row + n, data.col],
                "values": [sheet, data.row + 1, data.col + j, data.row + n, data.col + j],
            }
            if spec.kind == "line":
                series["marker"] = {"type": "circle", "size": 4}
            if j in spec.secondary:
                series["y2_axis"] = True
            chart.add_series(series)
        chart.set_title({"name": spec.title, "name_font": {"size": 12, "bold": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
        if spec.secondary:
            chart.set_y2_axis({"num_format": "#,##0"})
        chart.set_size({"width": spec.width, "height": spec.height})
        self.ws.insert_chart(spec.row, spec.col, chart, {"object_position": 3})

    def close(self) -> None:
        self.wb.close()


def write_output_sheets(path: Path, tracker: Tracker, report: Report, button: bool, words: Texts | None = None,
                        sheet_names: dict[str, str] | None = None) -> None:
    """A scratch workbook holding the output sheets, laid out and filled."""
    writer = FileReportWriter(path, tracker.settings, button, words or texts(), sheet_names)
    write_report(report, writer)
    writer.close()


def sheet_names(present: list[str], words: Texts) -> dict[str, str]:
    """Each template sheet's name in this workbook: the one it has (in whatever language the tracker was
    made), or, for a sheet it lacks, the name ``words`` gives it.

    >>> sheet_names(["Dashboard", "Ads"], texts("fr"))["Dashboard"], sheet_names([], texts("fr"))["Dashboard"]
    ('Dashboard', 'Tableau de bord')
    """
    by_key = {fold(name): name for name in present}
    out = {}
    for name in L.SHEETS:
        found = next((by_key[fold(n)] for n in all_names("sheet", name) if fold(n) in by_key), None)
        out[name] = found or words.sheet(name)
    return out


def refresh(path: str | Path, out: str | Path | None = None, today: dt.date | None = None,
            progress: Callable[[str], None] | None = None, *, force: bool = False,
            notify: Notify | None = None) -> RefreshResult:
    """Refresh a tracker file in place (or write the refreshed copy to ``out``).

    Raises :class:`~kpi_xl.errors.InputError` with every problem, having
    written nothing, when the input is invalid;
    :class:`~kpi_xl.files.WriteRefused` when the target must not be written
    (read-only, open in Excel — ``force`` passes over that —, another writer
    busy for too long).  ``notify`` is told when the refresh waits for
    another writer.
    """
    path = Path(path)
    say = progress or (lambda _: None)
    target = Path(out) if out is not None else path
    with writing(target, sources=(path,), force=force, command="kpi-xl refresh", notify=notify) as real:
        say(Message("step.reading", file=path.name))
        tracker = validate(FileSource(path), today)
        with zipfile.ZipFile(path) as zf:
            macros, parts = VBA_PART in zf.NameToInfo, list(sheet_parts(zf))
        if out is not None:
            check_suffix(target, macros)
        say(Message("step.computing"))
        words = texts(tracker.settings.language)
        report = build_report(tracker, today, words)
        names = sheet_names(parts, words)
        with scratch(real, ".xlsx") as sheets:
            write_output_sheets(sheets, tracker, report, macros, words, names)
            say(Message("step.writing", file=target.name))
            with atomic_path(real) as dest:
                added = replace_sheets(path, sheets, [names[n] for n in L.OUTPUT_SHEETS], dest,
                                       order=tuple(names[n] for n in L.SHEETS),
                                       code_names={names[n]: c for n, c in L.CODE_NAMES.items()})
    return RefreshResult(target, tracker, report, added)
