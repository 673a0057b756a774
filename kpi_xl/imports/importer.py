"""``kpi-xl import``: read exports, check them all, append what is new, atomically.

Nothing is written while any file has a problem: every malformed line of
every file is reported (``file:line: what is wrong``) and the tracker is left
as it was.  Rows already in the tracker are skipped, so importing the same
file twice adds nothing:

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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import ArgumentError, InputError, Problem, WorkbookError
from ..files import atomic_path
from ..reader import FileSource, Problems, _resolve_headers, check_setting, serial_to_date
from ..schema import ADS, LEDGER, SETTINGS_BY_NAME, TableSpec
from .ads import AdExport, ads_key, read_ad_export
from .append import Append, append_rows
from .fec import FecExport, ledger_key, parse_mapping, read_fec
from .sniff import FORMATS, DecodeError, UnknownFormat, sniff
from .text import parse_date

Progress = Callable[[str], None]


@dataclass
class FileSummary:
    """What one file gave: its format, how many rows it holds, how many were new."""

    path: str
    format: str
    details: str
    table: str  # "Ads" or "Ledger"
    lines: int  # data lines read
    rows: int  # rows it makes (an ad export's lines are summed per day and campaign)
    added: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    path: Path  # the workbook written (or that would be)
    files: list[FileSummary]
    written: bool

    def added(self, table: str) -> int:
        return sum(f.added for f in self.files if f.table == table)

    def skipped(self, table: str) -> int:
        return sum(f.skipped for f in self.files if f.table == table)


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


@contextlib.contextmanager
def _quiet_fastexcel() -> Iterator[None]:
    """fastexcel logs a warning for every blank column it reads (a fresh table is all blank)."""
    logger = logging.getLogger("fastexcel.types.dtype")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _existing(source: FileSource, spec: TableSpec, columns: Sequence[str], problems: Problems):
    """(table, header spelling, rows of ``columns`` as Python values) of an input table."""
    table = source.table(spec.name)
    if table is None:
        others = ", ".join(f"{t.name} on {t.sheet}" for t in source.tables()) or "none"
        problems.add(spec.name, f'expected an Excel Table named "{spec.name}", found none '
                                f"(tables in this workbook: {others})")
        return None, None, []
    headers = _resolve_headers(spec, table, problems)
    if headers is None:
        return table, None, []
    n = max(table.data_rows, 0)
    with _quiet_fastexcel():
        frame = source.load(table, [headers[c] for c in columns]).head(n)
    values = [frame[headers[c]].to_list() for c in columns]
    return table, headers, list(zip(*values, strict=True))


def _read_file(path: Path, expected: str | None, date: dt.date | None, mapping,
               problems: list[Problem]) -> AdExport | FecExport | None:
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        problems.append(Problem(where, f"cannot read the file: {e.strerror or e}"))
        return None
    try:
        sniffed = sniff(Path(path), data)
    except UnknownFormat as e:
        problems.append(Problem(where, f"{e}: expected one of the formats kpi-xl imports — {'; '.join(FORMATS)}"))
        return None
    except DecodeError as e:
        problems.append(Problem(f"{where}:{e.line}", str(e)))
        return None
    if expected == "ads" and sniffed.kind == "fec":
        problems.append(Problem(where, "a FEC accounting file, not an ad export: pass it with --fec"))
        return None
    if expected == "fec" and sniffed.kind == "ads":
        problems.append(Problem(where, f"a {sniffed.platform.name}, not a FEC: pass it with --ads"))
        return None
    if sniffed.kind == "ads":
        export, found = read_ad_export(sniffed, date, where)
    else:
        export, found = read_fec(sniffed, mapping, where)
    problems.extend(found)
    return export


def import_files(path: str | Path, ads: Iterable[str | Path] = (), fec: Iterable[str | Path] = (),
                 files: Iterable[str | Path] = (), *, mapping: Sequence[str] | Mapping[str, str | None] | None = None,
                 date: dt.date | str | None = None, out: str | Path | None = None, dry_run: bool = False,
                 progress: Progress | None = None) -> ImportResult:
    """Append the rows of ad exports (``ads``) and FEC files (``fec``) to the tracker at ``path``.

    ``files`` are recognised as either.  ``mapping`` overrides the FEC's
    account → Type mapping (``["6226=Variable cost"]``); ``date`` is the day
    to put the rows of an ad report without dates on; ``out`` writes the
    result there and leaves ``path`` alone; ``dry_run`` checks and counts
    without writing.  Raises :class:`~kpi_xl.errors.InputError` listing every
    problem (nothing written), :class:`~kpi_xl.errors.ArgumentError` for a
    bad ``mapping`` or ``date``, :class:`~kpi_xl.errors.WorkbookError` when
    the tracker cannot be read or grown.
    """
    step = progress or (lambda _: None)
    path = Path(path)
    overrides = parse_mapping(mapping)
    if isinstance(date, str):
        day = parse_date(date)
        if day is None:
            raise ArgumentError(f'--date "{date}": expected a day such as 2026-01-16')
        date = day
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder")
    step(f"Reading {path.name}")
    source = FileSource(path)

    problems: list[Problem] = []
    currency_setting = SETTINGS_BY_NAME["currency"]
    found = source.setting("Currency")
    currency, currency_where = None, "Settings (Currency)"
    if found is None or isinstance(found, str):
        problems.append(Problem(currency_where, 'expected a named cell "Currency" (Formulas › Name Manager), '
                                                "found none"))
    else:
        currency_where, raw = found
        currency, error = check_setting(currency_setting, raw)
        if error:
            problems.append(Problem(f"{currency_where} (Currency)", error))

    exports: list[AdExport | FecExport] = []
    for files_, expected in ((ads, "ads"), (fec, "fec"), (files, None)):
        for file in files_:
            step(f"Reading {Path(file).name}")
            export = _read_file(Path(file), expected, date, overrides, problems)
            if export is None:
                continue
            exports.append(export)
            if currency is None:
                continue
            for code, line in export.currencies.items():
                if code.casefold() != str(currency).casefold():
                    problems.append(Problem(
                        f"{export.path}:{line}",
                        f"currency {code}, expected {currency} (the tracker's Currency, {currency_where}): import it "
                        f"into a tracker whose Currency is {code}, or convert the amounts first"))
            if isinstance(export, AdExport) and not export.currencies and export.rows:
                export.notes.append(f"the export does not say its currency: taken to be {currency}")
    if problems:
        raise InputError(problems)

    summaries: list[FileSummary] = []
    appends: dict[str, Append] = {}
    has_ads = any(isinstance(e, AdExport) and e.rows for e in exports)
    has_ledger = any(isinstance(e, FecExport) and e.rows for e in exports)
    table_problems = Problems()
    ads_seen: set = set()
    ledger_seen: Counter = Counter()
    if has_ads:
        table, headers, rows = _existing(source, ADS, ("Date", "Channel", "Campaign"), table_problems)
        ads_seen = {ads_key(_as_date(d), ch, ca) for d, ch, ca in rows}
        if headers:
            appends["Ads"] = Append(table, ADS, headers)
    if has_ledger:
        table, headers, rows = _existing(source, LEDGER, ("Date", "Label", "Amount"), table_problems)
        ledger_seen = Counter(ledger_key(_as_date(d), label, amount) for d, label, amount in rows)
        if headers:
            appends["Ledger"] = Append(table, LEDGER, headers)
    if table_problems.has_errors:
        raise InputError(table_problems.finish())

    for export in exports:
        ads_file = isinstance(export, AdExport)
        summary = FileSummary(export.path, export.format, export.details, "Ads" if ads_file else "Ledger",
                              export.lines, len(export.rows), notes=list(export.notes))
        summaries.append(summary)
        append = appends.get(summary.table)
        in_file: Counter = Counter()
        for row in export.rows:
            key = row.key()
            if ads_file:
                new = key not in ads_seen
                ads_seen.add(key)
            else:
                in_file[key] += 1
                new = in_file[key] > ledger_seen[key]
            if new:
                append.rows.append(row.cells())
                summary.added += 1
            else:
                summary.skipped += 1
        for key, n in in_file.items():  # the same line in two files is one line
            ledger_seen[key] = max(ledger_seen[key], n)

    target = Path(out) if out is not None else path
    written = False
    if not dry_run:
        todo = [a for a in appends.values() if a.rows]
        if todo:
            step(f"Writing {target.name}")
            with atomic_path(target) as tmp:
                append_rows(path, tmp, todo, source.tables())
            written = True
        elif out is not None and target.resolve() != path.resolve():
            with atomic_path(target) as tmp:
                shutil.copyfile(path, tmp)
            written = True
    return ImportResult(target, summaries, written)


__all__ = ["FileSummary", "ImportResult", "import_files"]
