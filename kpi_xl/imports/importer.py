"""``kpi-xl import``: read exports, check them and the tracker, append what is new, atomically.

Nothing is written while any file, or the tracker itself, has a problem:
every malformed line of every file is reported (``file:line: what is
wrong``), the tracker is validated exactly as ``kpi-xl kpis`` validates it
(:func:`kpi_xl.reader.check_source`: a sheet that cannot be read, a column
deleted outside Excel, a bad cell), and the tracker is left as it was.  Rows
already in the tracker are skipped, so importing the same file twice adds
nothing:

* an `Ads` row is the same row when its Date, Channel and Campaign are
  (case and surrounding spaces ignored) — whether it was imported or typed;
  the numbers may differ (platforms revise their figures), the first one
  stays;
* a `Ledger` row is the same row when its Date, Label and Amount (in absolute
  value, to the cent) are; the Label of an imported FEC line ends with its
  journal and entry number (``Facture 123 [VE 456]``), so a re-import
  recognises its lines even after a user has changed their Type or Category.
  Identical lines are counted: a file's line is added only when the table
  holds fewer rows like it than that file does (so two identical lines of one
  entry both stay, and overlapping files add each line once).

Texts are compared as the workbook will hold them (:func:`~.text.cell_text`:
cut to a cell's 32,767 characters), so a long campaign name cut on the first
import still matches on the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..errors import ArgumentError, InputError, Problem, WorkbookError
from ..files import atomic_path, check_suffix, writing
from ..ooxml.cells import serial_to_date
from ..ooxml.package import has_macros
from ..reader import FileSource, Problems, check_source, find_table, source_language
from ..schema import ADS, LEDGER, TableSpec
from ..texts import Message, SettingLabel, Sheet, Texts, texts
from .ads import AdExport, ads_key, read_ad_export
from .append import Append, append_rows
from .fec import FecExport, ledger_key, parse_mapping, read_fec
from .reading import Refused, read_export_bytes
from .sniff import FORMATS, DecodeError, UnknownFormat, sniff
from .text import parse_date

Progress = Callable[[str], None]
Export = AdExport | FecExport

DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "JMD", "TTD", "BSD", "BBD", "BZD",
                     "FJD", "LRD", "NAD", "SBD", "SRD", "XCD", "GYD", "KYD", "BMD", "BND", "ZWL"})
"""Currencies written "$": an export that writes only "$" is taken to be the tracker's if it is one of these."""


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how: the options of ``kpi-xl import``.

    ``ads`` are ad exports, ``fec`` FEC files, ``files`` either (recognised
    from their content).  ``mapping`` overrides the FEC's account → Type
    mapping (``["6226=Variable cost"]``); ``date`` is the day to put the rows
    of an ad report without dates on; ``out`` writes the result there and
    leaves the tracker alone; ``dry_run`` checks and counts without writing;
    ``progress`` is told each step; ``force`` writes although Excel's lock
    file is beside the target; ``notify`` is told when the import waits for
    another writer.
    """

    ads: Sequence[str | Path] = ()
    fec: Sequence[str | Path] = ()
    files: Sequence[str | Path] = ()
    mapping: Sequence[str] | Mapping[str, str | None] | None = None
    date: dt.date | str | None = None
    out: str | Path | None = None
    dry_run: bool = False
    progress: Progress | None = None
    force: bool = False  # write even though Excel's lock file is beside the tracker
    notify: Progress | None = None  # told when the import waits for another writer of the tracker

    def step(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)


@dataclass
class FileSummary:
    """What one file gave: its format, how many rows it holds, how many were new.

    ``format``, ``details``, ``notes`` and ``warnings`` are English text; most
    are :class:`~kpi_xl.texts.Message` s, which ``texts(lang).say(...)`` says
    in another language.
    """

    path: str
    format: str
    details: str
    table: str  # "Ads" or "Ledger"
    lines: int  # data lines read
    rows: int  # rows it makes (an ad export's lines are summed per day and campaign)
    added: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    path: Path  # the workbook written (or that would be)
    files: list[FileSummary]
    written: bool
    warnings: list[Problem] = field(default_factory=list)  # the tracker's own, as `kpi-xl kpis` gives them
    language: str = "en"  # the tracker's
    currency: str | None = None  # the tracker's: the amounts of the notes are in it

    def added(self, table: str) -> int:
        return sum(f.added for f in self.files if f.table == table)

    def skipped(self, table: str) -> int:
        return sum(f.skipped for f in self.files if f.table == table)


def import_files(path: str | Path, options: ImportOptions | None = None, **fields) -> ImportResult:
    """Append the rows of ad exports and FEC files to the tracker at ``path``.

    Pass an :class:`ImportOptions`, or its fields as keywords
    (``import_files(path, ads=[…], fec=[…])``).  Raises
    :class:`~kpi_xl.errors.InputError` listing every problem (nothing
    written), :class:`~kpi_xl.errors.ArgumentError` for a bad ``mapping`` or
    ``date``, :class:`~kpi_xl.errors.WorkbookError` when the tracker cannot
    be read or grown.
    """
    if options is not None and fields:
        raise TypeError("import_files: pass an ImportOptions or keywords, not both")
    options = options or ImportOptions(**fields)
    path = Path(path)
    overrides, day = parse_mapping(options.mapping), _day(options.date)
    if path.is_dir():
        raise WorkbookError(f"{path}: a folder, not a workbook: name the tracker file inside it")
    exports, problems = read_exports(options, day, overrides)
    target = Path(options.out) if options.out is not None else path
    lock = (contextlib.nullcontext(target) if options.dry_run else
            writing(target, sources=(path,), force=options.force, command="kpi-xl import", notify=options.notify))
    with lock:  # the tracker is read under its lock: rows another writer adds meanwhile are not lost
        options.step(Message("step.reading", file=path.name))
        source = FileSource(path)
        options.step(Message("step.checking", file=path.name))
        tracker, found = check_source(source)
        if tracker is None:
            problems.extend(found)
        else:
            problems.extend(check_currencies(exports, tracker.settings.currency, _currency_cell(source)))
        if problems:  # said in the tracker's language
            raise InputError(problems, tracker.settings.language if tracker is not None else source_language(source))
        if options.out is not None and not options.dry_run:
            check_suffix(target, has_macros(path))
        appends, summaries = plan_rows(source, exports)
        _in_language(appends, texts(tracker.settings.language))
        written = _write(path, options, appends, source)
    return ImportResult(target, summaries, written, found, tracker.settings.language, tracker.settings.currency)


def _in_language(appends: dict[str, Append], words: Texts) -> None:
    """The `Type` of each new Ledger row as the tracker's language writes it (``Vente`` in a French one)."""
    for append in appends.values():
        if any(c.kind == "ledger_type" for c in append.spec.columns):
            for row in append.rows:
                if row.get("Type"):
                    row["Type"] = words.ledger_type(row["Type"])


def _day(date: dt.date | str | None) -> dt.date | None:
    if not isinstance(date, str):
        return date
    day = parse_date(date)
    if day is None:
        raise ArgumentError(f'--date "{date}": expected a day such as 2026-01-16')
    return day


def _currency_cell(source: FileSource) -> str:
    found = source.setting("Currency")
    return found[0] if isinstance(found, tuple) else Message("input.where.setting", cell=Sheet("Settings"),
                                                             name=SettingLabel("Currency"))


# --- reading the files -----------------------------------------------------------------


def read_exports(options: ImportOptions, day: dt.date | None,
                 mapping: Mapping[str, str | None]) -> tuple[list[Export], list[Problem]]:
    """Every file of ``options``, recognised and parsed, and every problem found in them."""
    exports: list[Export] = []
    problems: list[Problem] = []
    for files, expected in ((options.ads, "ads"), (options.fec, "fec"), (options.files, None)):
        for file in files:
            options.step(Message("step.reading", file=Path(file).name))
            export = read_export(Path(file), expected, day, mapping, problems)
            if export is not None:
                exports.append(export)
    return exports, problems


def read_export(path: Path, expected: str | None, day: dt.date | None, mapping: Mapping[str, str | None],
                problems: list[Problem]) -> Export | None:
    """One file: read (bounded), recognised, parsed; its problems appended to ``problems``."""
    where = str(path)
    try:
        sniffed = sniff(path, read_export_bytes(path))
    except (Refused, UnknownFormat, DecodeError) as e:
        line = getattr(e, "line", None)
        message = e.args[0] if e.args else str(e)  # a Message, said in the reader's language
        if isinstance(e, UnknownFormat) and e.none_alike:
            message = Message("import.unknown.formats", unknown=message, formats=list(FORMATS))
        problems.append(Problem(f"{where}:{line}" if line else where, message))
        return None
    if expected == "ads" and sniffed.kind == "fec":
        problems.append(Problem(where, Message("import.not_ads")))
        return None
    if expected == "fec" and sniffed.kind == "ads":
        problems.append(Problem(where, Message("import.not_fec", format=sniffed.format_name)))
        return None
    export, found = (read_ad_export(sniffed, day, where) if sniffed.kind == "ads"
                     else read_fec(sniffed, mapping, where))
    problems.extend(found)
    return export


def check_currencies(exports: list[Export], currency: str, where: str) -> list[Problem]:
    """A problem for each export whose currency is not the tracker's; a note when an export does not say its own."""
    problems = []
    for export in exports:
        for code, line in export.currencies.items():
            if code == "$":
                problems.extend(_dollar(export, line, currency, where))
            elif code.casefold() != str(currency).casefold():
                problems.append(Problem(f"{export.path}:{line}", Message("import.currency.other", code=code,
                                                                         currency=currency, where=where)))
        if isinstance(export, AdExport) and not export.currencies and export.rows:
            export.notes.append(Message("import.currency.unsaid", currency=currency))
    return problems


def _dollar(export: Export, line: int, currency: str, where: str) -> list[Problem]:
    """Amounts written "$" only: the tracker's currency if it is a dollar, else a problem."""
    if str(currency).upper() in DOLLARS:
        export.notes.append(Message("import.currency.dollar", currency=currency))
        return []
    return [Problem(f"{export.path}:{line}", Message("import.currency.dollar_only", currency=currency, where=where))]


# --- the rows to add -------------------------------------------------------------------


def _as_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return serial_to_date(value)
    if isinstance(value, str):
        return parse_date(value) or value.strip()
    return value


def existing_rows(source: FileSource, spec: TableSpec, columns: Sequence[str]) -> tuple[Append, list[tuple]]:
    """(an empty :class:`Append` for the table, its rows of ``columns``) of a table already validated."""
    found = find_table(source, spec, Problems())
    if found is None:  # cannot happen once check_source passed; kept for the type checker
        raise WorkbookError(f"table {spec.name} could not be read")
    table, headers = found
    frame = source.load(table, [headers[c] for c in columns]).head(max(table.data_rows, 0))
    values = [frame[headers[c]].to_list() for c in columns]
    return Append(table, spec, headers), list(zip(*values, strict=True))


def plan_rows(source: FileSource, exports: list[Export]) -> tuple[dict[str, Append], list[FileSummary]]:
    """The rows each table gets (those not there yet), and each file's summary."""
    appends: dict[str, Append] = {}
    ads_seen: set = set()
    ledger_seen: Counter = Counter()
    if any(isinstance(e, AdExport) and e.rows for e in exports):
        appends["Ads"], rows = existing_rows(source, ADS, ("Date", "Channel", "Campaign"))
        ads_seen = {ads_key(_as_date(d), ch, ca) for d, ch, ca in rows}
    if any(isinstance(e, FecExport) and e.rows for e in exports):
        appends["Ledger"], rows = existing_rows(source, LEDGER, ("Date", "Label", "Amount"))
        ledger_seen = Counter(ledger_key(_as_date(d), label, amount) for d, label, amount in rows)
    summaries = []
    for export in exports:
        summary = _summary(export)
        summaries.append(summary)
        if isinstance(export, AdExport):
            _new_ads(export, summary, appends.get("Ads"), ads_seen)
        else:
            _new_ledger(export, summary, appends.get("Ledger"), ledger_seen)
    return appends, summaries


def _summary(export: Export) -> FileSummary:
    table = "Ads" if isinstance(export, AdExport) else "Ledger"
    return FileSummary(export.path, export.format, export.details, table, export.lines, len(export.rows),
                       notes=list(export.notes), warnings=list(export.warnings))


def _new_ads(export: AdExport, summary: FileSummary, append: Append | None, seen: set) -> None:
    for row in export.rows:
        key = row.key()
        if key in seen:
            summary.skipped += 1
            continue
        seen.add(key)
        append.rows.append(row.cells())
        summary.added += 1


def _new_ledger(export: FecExport, summary: FileSummary, append: Append | None, seen: Counter) -> None:
    in_file: Counter = Counter()
    for row in export.rows:
        key = row.key()
        in_file[key] += 1
        if in_file[key] > seen[key]:
            append.rows.append(row.cells())
            summary.added += 1
        else:
            summary.skipped += 1
    for key, n in in_file.items():  # the same line in two files is one line
        seen[key] = max(seen[key], n)


# --- writing ---------------------------------------------------------------------------


def _write(path: Path, options: ImportOptions, appends: dict[str, Append], source: FileSource) -> bool:
    """Write the tracker (or ``options.out``) with the new rows, atomically; whether anything was written."""
    if options.dry_run:
        return False
    target = Path(options.out) if options.out is not None else path
    todo = [a for a in appends.values() if a.rows]
    if todo:
        options.step(Message("step.writing", file=target.name))
        with atomic_path(target) as tmp:
            append_rows(path, tmp, todo, source.tables())
        return True
    if options.out is not None and target.resolve() != path.resolve():
        with atomic_path(target) as tmp:
            shutil.copyfile(path, tmp)
        return True
    return False


__all__ = ["FileSummary", "ImportOptions", "ImportResult", "import_files"]
