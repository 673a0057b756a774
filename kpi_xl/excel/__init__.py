"""The one adapter between kpi_xl and a workbook open in Excel (through xlwings).

Only this package touches live Excel objects: :mod:`.snapshot` reads a
workbook's tables and Settings (a :class:`~kpi_xl.reader.Source`, validated as
a file is), :mod:`.writer` writes a report onto it (a
:class:`~kpi_xl.report.ReportWriter`, as a file is written).  Both use a
handful of xlwings attributes, so the rest runs and is tested on Linux with a
small fake of those objects.

The **Refresh KPIs** button's macro runs :func:`refresh_from_excel` through
xlwings' ``RunPython`` (the name is embedded in the workbook's VBA: keep it).

The button takes no file lock (:mod:`kpi_xl.files`): it writes into the
workbook Excel holds open, and Excel's save is the write.  While the
workbook is open, Excel's own lock file (``~$NAME``) makes every kpi-xl
file writer refuse, so the two never write the same file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import analysis
from ..errors import Problem
from ..reader import check_source, source_language
from ..report import Report, build_report, write_report
from ..texts import texts
from ..tracker import Tracker
from .snapshot import Snapshot, SnapshotSource, TableSnapshot, check_snapshot, snapshot
from .writer import ExcelReportWriter

__all__ = ["Snapshot", "SnapshotSource", "TableSnapshot", "check_snapshot", "snapshot", "ExcelReportWriter",
           "book_of", "refresh_from_excel", "refresh_book", "refresh_message"]


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
    source = SnapshotSource(snapshot(book))
    tracker, problems = check_source(source)
    if tracker is None:  # said in the tracker's language (its Language setting, else its sheets')
        words = texts(source_language(source))
        book.app.alert(refresh_message(tracker, problems, words=words), title=words("excel.title"))
        return None
    words = texts(tracker.settings.language)
    report = build_report(tracker, today, words)
    writer = ExcelReportWriter(book, tracker.settings, words)
    write_report(report, writer)
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        book.app.alert(refresh_message(tracker, warnings, words=words), title=words("excel.title"))
    latest = words.month(analysis.latest_month(tracker)) if report.latest_month else words("excel.refreshed.none")
    book.app.status_bar = (words("excel.refreshed", month=latest)
                           + "".join(words("excel.added_sheet", name=words.sheet(name)) for name in writer.added))
    return report


def refresh_message(tracker: Tracker | None, problems: list[Problem], limit: int = 25, words=None) -> str:
    """The text of the message box after a refresh (problems first, at most ``limit`` lines)."""
    words = words or texts(tracker.settings.language if tracker is not None else None)
    errors = [p for p in problems if p.severity == "error"]
    if tracker is None:
        lines = [words.problem(p) for p in errors[:limit]]
        if len(errors) > limit:
            lines.append(words("excel.more", n=len(errors) - limit))
        return words("excel.invalid", n=len(errors)) + "\n\n" + "\n".join(lines)
    text = words("excel.valid")
    if problems:
        text += "\n\n" + words("excel.warnings") + "\n" + "\n".join(words.problem(p) for p in problems[:limit])
    return text
