"""Reading and validating a tracker workbook without Excel.

The `Ads` and `Ledger` Excel Tables are found by name (wherever they sit and
however far a user grew them) and read with fastexcel; the `Settings` are
found by their defined names.  Every problem is collected, each as
``Sheet!Cell (Header): expected …, found …``, and raised together in one
:class:`~kpi_xl.errors.InputError`; odd-but-possible data gives warnings.

Fast path and slow path: fastexcel infers each column's type over *all* its
rows; a column that comes back as the expected type has no wrong-typed cell
and is checked with vectorised filters.  Only a column with a wrong-typed cell
(text in a number column, a text date…) is read again cell by cell with
python-calamine, which keeps each cell's own type, to say exactly which cells
are wrong and what they hold.

What neither reader can see — an error value (``#DIV/0!``), a formula whose
value the file does not hold, both read as blank and so as 0; a TRUE read as
1; merged cells; hidden rows — comes from the sheets' XML, read as a byte
stream in a second thread while fastexcel reads (:mod:`.ooxml.scan`).  The
Settings are read through fastexcel's reader, already open, one cell each.

Errors and warnings (see "Validation" in ``docs/workbook.md``):

* errors — a missing or duplicated table, header, or named Setting; a
  renamed header; an error value, a formula without a value, merged cells or
  TRUE/FALSE in an input cell; text where a number or date belongs (including
  numbers pasted as text such as ``"1 234,50"`` or ``"12.5 €"``: reported,
  never guessed); a date Excel cannot hold (serial 0, negative, a time alone,
  after 9999); NaN, infinity or a number beyond ±10^15; negative or
  fractional counts; negative spend; an unknown Ledger ``Type``; a row with
  values but no date; a Setting of the wrong type, a Currency that is no
  ISO 4217 code.
* warnings — data that is odd but can be true: more clicks than impressions
  (clicks without impressions), customers without ad spend, a blank channel,
  a hidden row, a date before 1990 or after today plus the forecast's months.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import threading
import zipfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterator, Protocol

import fastexcel
import polars as pl

from .currencies import currency_code
from .errors import InputError, Problem, WorkbookError
from .ooxml.cells import (
    EXCEL_FIRST_DAY,
    EXCEL_LAST_DAY,
    CellError,
    Uncalculated,
    cell_name,
    column_letter,
    parse_cell,
    serial_to_date,
)
from .ooxml.package import TableInfo, read_package, sheet_parts
from .ooxml.rows import read_row
from .ooxml.scan import Area, Finding, SheetScan, scan_sheet
from .schema import (
    ADS,
    ADS_SUMS,
    LEDGER,
    LEDGER_TYPES,
    MAX_AMOUNT,
    PLAN,
    SETTING_KINDS,
    SETTINGS,
    Column,
    Setting,
    TableSpec,
)
from .texts import LANGUAGES, Header, LedgerType, Message, SettingLabel, Sheet, canonical_types, fold
from .tracker import ADS_FRAME_SCHEMA, LEDGER_FRAME_SCHEMA, Settings, Tracker

MAX_LISTED = 20
"""Cells listed per column and kind of problem; the rest are counted in one line."""

_TYPE_BY_KEY = canonical_types()
"""Folded spelling → Type: both languages' names (``Fixed cost``, ``Frais fixes``) and common variants."""


class Problems:
    """Collects problems, listing at most :data:`MAX_LISTED` cells per (column, kind)."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._counts: dict[tuple, int] = defaultdict(int)
        self._columns: dict[tuple, str] = {}

    def add(self, where: str, message: str, severity: str = "error", group: tuple | None = None,
            column: str | None = None) -> None:
        if group is not None:
            self._counts[group] += 1
            self._columns[group] = column or where
            if self._counts[group] > MAX_LISTED:
                return
        self.items.append(Problem(where, message, severity))  # type: ignore[arg-type]

    def finish(self) -> list[Problem]:
        out = list(self.items)
        for group, n in self._counts.items():
            if n > MAX_LISTED:
                severity = group[-1]
                out.append(Problem(self._columns[group], Message("input.more", n=n - MAX_LISTED), severity))
        return out

    def count_more(self, group: tuple, n: int, column: str) -> None:
        """Count ``n`` more problems of ``group`` that are not listed one by one."""
        self._counts[group] += n
        self._columns[group] = column

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)


def describe(value: object) -> str:
    """How a found value is quoted in a message (a :class:`~kpi_xl.texts.Message`, said in the reader's language).

    >>> describe("12.5 €"), describe(3.5), describe(None), describe(True)
    ('text "12.5 €"', '3.5', 'a blank cell', 'TRUE')
    """
    if value is None or value == "":
        return Message("input.found.blank")
    if isinstance(value, bool):
        return Message("input.found.true" if value else "input.found.false")
    if isinstance(value, str):
        return Message("input.found.text", text=value)
    if isinstance(value, CellError):
        return Message("input.found.error", code=value.code)
    if isinstance(value, Uncalculated):
        return Message("input.found.formula", formula=str(value))
    if isinstance(value, float) and not math.isfinite(value):
        return Message("input.found.nan" if math.isnan(value) else "input.found.infinity" if value > 0
                       else "input.found.minus_infinity")
    if isinstance(value, (int, float)):
        return Message("input.found.number", value=value)
    if isinstance(value, (dt.date, dt.datetime)):
        return Message("input.found.date", day=value)
    if isinstance(value, dt.time):
        return Message("input.found.time", time=f"{value:%H:%M}")
    return str(value)


def expected(what: str, value: object, why: str = "") -> Message:
    """``expected a number ≥ 0, found text "12,5 €"``, and why, when the found value does not say it."""
    return Message("input.check", expected=what, found=describe(value), why=why)


# --- cell-by-cell checks (the slow path, and Settings) --------------------------

EXPECTED = {kind: Message(f"input.expected.{kind}") for kind in ("date", "month", "text", "count", "money",
                                                                    "signed_money")}
EXPECTED["ledger_type"] = Message("input.expected.ledger_type", types=[LedgerType(t) for t in LEDGER_TYPES])


def check_cell(kind: str, value: object) -> tuple[object, str | None]:
    """(typed value, None) for a good cell, (None, message) for a bad one; blank → (None, None).

    >>> check_cell("count", 12.0), check_cell("count", "12")[1]
    ((12.0, None), 'expected a whole number ≥ 0, found text "12"')
    >>> check_cell("date", 46083.0)
    (datetime.date(2026, 3, 2), None)
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, (CellError, Uncalculated)):
        return None, expected(EXPECTED[kind], value, FIX[type(value).__name__])
    typed = _CHECKS[kind](value)
    return (None, expected(EXPECTED[kind], value, _why(kind, value))) if typed is None else (typed, None)


FIX = {name: Message(f"input.why.{key}") for name, key in (("CellError", "cell_error"),
                                                           ("Uncalculated", "uncalculated"), ("recalc", "recalc"))}
"""What to do about a cell that holds no value kpi-xl can use, by what it holds."""


def _why(kind: str, value: object) -> str:
    """Why a number or date that looks like one is refused (empty when the found value says it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    if math.isnan(value):
        return Message("input.why.nan")
    if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
        return Message("input.why.bound", bound=MAX_AMOUNT)
    if kind in ("date", "month"):
        return _serial_why(value)
    return ""


def _serial_why(serial: float) -> str:
    """Why an Excel serial number is no day."""
    if serial == 0:
        return Message("input.why.day_zero")
    if serial < 0:
        return Message("input.why.negative_serial")
    if serial < 1:
        return Message("input.why.time_alone")
    if serial >= 2958466:
        return Message("input.why.after_last_day", last=EXCEL_LAST_DAY)
    return ""


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _as_type(value: object) -> str | None:
    if isinstance(value, str) and fold(value) in _TYPE_BY_KEY:
        return _TYPE_BY_KEY[fold(value)]
    return None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if EXCEL_FIRST_DAY <= value <= EXCEL_LAST_DAY else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return serial_to_date(value)  # an Excel serial number without a date format
    return None


def _as_month(value: object) -> dt.date | None:
    if isinstance(value, str):
        m = re.match(r"^\s*(\d{4})-(\d{2})(?:-\d{2})?\s*$", value)
        return dt.date(int(m[1]), int(m[2]), 1) if m and 1 <= int(m[2]) <= 12 else None
    day = _as_date(value)
    return None if day is None else day.replace(day=1)


def _as_number(value: object, low: float | None = None, whole: bool = False) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    if abs(value) > MAX_AMOUNT:  # 1e308 twice sums to infinity; no tracker holds a quadrillion
        return None
    if (low is not None and value < low) or (whole and not float(value).is_integer()):
        return None
    return float(value)


_CHECKS: dict[str, Callable[[object], object]] = {
    "text": _as_text,
    "ledger_type": _as_type,
    "date": _as_date,
    "month": _as_month,
    "count": lambda v: _as_number(v, 0, whole=True),
    "money": lambda v: _as_number(v, 0),
    "signed_money": _as_number,
}
"""Each column kind's check: the typed value, or None when the cell does not hold one."""


# --- Settings ------------------------------------------------------------------

SETTING_EXPECTED = {kind: Message(f"input.expected.setting.{kind}") for kind in (
    "currency", "name", "money", "date", "ratio", "rate", "months", "whole_months", "language")}


def check_setting(setting: Setting, value: object) -> tuple[object, str | None]:
    """(typed value, None) or (None, message) for one named Settings cell, by its kind's bounds.

    >>> check_setting(SETTINGS[3], 2.5)
    (2.5, None)
    >>> check_setting(SETTINGS[3], "2x")[1]
    'expected a number ≥ 0, found text "2x"'
    >>> check_setting(SETTINGS[6], 1.5)[1]   # MinCTR typed as 1.5 (150 %)
    'expected a percentage (e.g. 1%), found 1.5'
    """
    kind = SETTING_KINDS[setting.kind]
    what = SETTING_EXPECTED[kind.name]
    wrong = expected(what, value)
    if value is None or value == "":
        if setting.blank_ok:
            return None, None
        if setting.default is not None:
            return setting.default, None
        return None, wrong
    if isinstance(value, (CellError, Uncalculated)):
        return None, expected(what, value, FIX[type(value).__name__])
    if kind.value == "text":
        return _check_currency(value, what, wrong) if kind.name == "currency" else _check_text(kind, value, wrong)
    if kind.value == "date":
        day, error = check_cell("date", value) if not isinstance(value, str) else (None, wrong)
        if isinstance(value, dt.datetime) and value < dt.datetime(1900, 1, 1):  # calamine's serial 0 is 1899-12-31
            serial = (value - dt.datetime(1899, 12, 31)).total_seconds() / 86400
            return None, expected(what, serial, _serial_why(serial))
        if error or day < kind.low:
            return None, expected(what, value, _why("date", value))
        return day, None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > MAX_AMOUNT:
        return None, expected(what, value, _why("number", value))
    value = float(value)
    if (kind.low is not None and value < kind.low) or (kind.high is not None and value > kind.high):
        return None, wrong
    if kind.value == "whole":
        return (int(value), None) if value.is_integer() else (None, wrong)
    return value, None


def _check_text(kind, value: object, wrong: str) -> tuple[object, str | None]:
    # A name may be typed as a number ("1664"); a currency code may not.
    text = value.strip() if isinstance(value, str) else _as_text(value) if kind.name == "name" else ""
    if kind.choices:
        return (text.casefold(), None) if text.casefold() in kind.choices else (None, wrong)
    return (text, None) if kind.low <= len(text) <= kind.high else (None, wrong)


def _check_currency(value: object, what: str, wrong: str) -> tuple[object, str | None]:
    """An ISO 4217 code (``eur`` is EUR) or a symbol that names one currency (``€``)."""
    if not isinstance(value, str):
        return None, wrong
    code, why = currency_code(value)
    return (code, None) if code else (None, Message("input.check.currency", expected=what, found=describe(value),
                                                    why=why))


def read_settings(source: "Source", problems: Problems) -> Settings:
    values: dict[str, object] = {}
    for setting in SETTINGS:
        found = source.setting(setting.name)
        label = SettingLabel(setting.name)
        if found is None:
            if setting.required:
                problems.add(Message("input.where.setting", cell=Sheet("Settings"), name=label),
                             Message("input.setting.missing", name=setting.name))
            continue
        if isinstance(found, str):  # the name exists but is not one cell
            deleted = Message("input.setting.deleted") if "#REF!" in found else ""
            problems.add(Message("input.where.setting", cell=Sheet("Settings"), name=label),
                         Message("input.setting.not_one_cell", name=setting.name, found=found, deleted=deleted,
                                 settings=Sheet("Settings")))
            continue
        where, raw = found
        value, error = check_setting(setting, raw)
        if error:
            problems.add(Message("input.where.setting", cell=where, name=label), error)
        elif value is not None or setting.blank_ok:
            values[setting.field] = value
    return Settings(**values)


# --- tables --------------------------------------------------------------------

def _resolve_headers(spec: TableSpec, table: TableInfo, problems: Problems) -> dict[str, str] | None:
    """Expected header → the table's own spelling, or None (after reporting) if any is missing.

    A header may be written in any language of :mod:`kpi_xl.texts` (``Spend``
    or ``Dépense HT``), case, accents and spaces aside; one table in two
    languages is a problem (its headers say two different things), and so are
    two columns of one header (which one would count?).
    """
    known = {fold(words.header(spec.name, h)) for h in spec.headers for words in LANGUAGES.values()}
    by_key: dict[str, str] = {}
    for i, c in enumerate(table.columns):
        key = fold(c)
        if key in by_key and key in known:
            first = table.header_cell(by_key[key])
            problems.add(f"{table.sheet}!{cell_name(table.first_row, table.first_col + i)} ({c})",
                         Message("input.header.twice", header=c, table=table.name, first=f"{table.sheet}!{first}"))
            return None
        by_key.setdefault(key, c)
    found: dict[str, str] = {}
    languages: dict[str, set[str]] = {}
    missing = []
    for position, header in enumerate(spec.headers):
        names = {lang: fold(words.header(spec.name, header)) for lang, words in LANGUAGES.items()}
        key = next((k for k in names.values() if k in by_key), None)
        if key is None:
            missing.append((position, header))
            continue
        found[header] = by_key[key]
        languages[found[header]] = {lang for lang, k in names.items() if k == key}
    for position, header in missing:
        _report_missing_header(spec, table, position, header, known, problems)
    if missing:
        return None
    if not set.intersection(*languages.values()):
        where = f"{table.sheet}!{cell_name(table.first_row, table.first_col)}"
        mixed = ", ".join(f"{h} ({'/'.join(sorted(ls))})" for h, ls in languages.items() if len(ls) == 1)
        problems.add(where, Message("input.header.languages", table=table.name, mixed=mixed))
        return None
    return found


def _report_missing_header(spec: TableSpec, table: TableInfo, position: int, header: str, known: set[str],
                           problems: Problems) -> None:
    # A header at the expected position that is no header of ours was renamed.
    if position < len(table.columns) and fold(table.columns[position]) not in known:
        where = Message("input.where.header", cells=f"{table.sheet}!{table.header_cell(table.columns[position])}",
                        header=Header(spec.name, header))
        problems.add(where, Message("input.header.renamed", header=Header(spec.name, header),
                                    found=table.columns[position]))
    else:
        first = cell_name(table.first_row, table.first_col)
        last = cell_name(table.first_row, table.first_col + len(table.columns) - 1)
        problems.add(Message("input.where.header", cells=f"{table.sheet}!{first}:{last}",
                         header=Header(spec.name, header)),
                     Message("input.header.missing", header=Header(spec.name, header), table=table.name,
                             headers=list(table.columns)))


def find_table(source: "Source", spec: TableSpec, problems: Problems) -> tuple[TableInfo, dict[str, str]] | None:
    """The input table ``spec`` names and its headers' own spellings, or None after reporting why not.

    One lookup for every reader of the tables (``kpis``, ``refresh``,
    ``import``): a missing table, a missing or renamed header, and a header
    row that no longer matches the table's columns are reported the same way.
    """
    table = source.table(spec.name)
    if table is None:
        others = [Message("input.table.on", table=t.name, sheet=t.sheet) for t in source.tables()]
        problems.add(spec.name, Message("input.table.missing", table=spec.name,
                                        tables=others or Message("input.none")))
        return None
    headers = _resolve_headers(spec, table, problems)
    if headers is None or not _header_row_matches(source, table, problems):
        return None
    return table, headers


def _header_row_matches(source: "Source", table: TableInfo, problems: Problems) -> bool:
    """Whether the sheet's header row still says the table's column names, where the table says they are.

    A column deleted or moved by a program other than Excel can leave the
    table's definition as it was while the cells shift: every value would
    then be read, and written, under the wrong header.
    """
    width = parse_cell(table.ref.split(":")[-1])[1] - table.first_col + 1
    where = f"{table.sheet}!{table.ref}"
    if width != len(table.columns):
        problems.add(where, Message("input.table.span", table=table.name, n=len(table.columns),
                                    headers=list(table.columns), width=width, ref=table.ref))
        return False
    read = getattr(source, "header_cells", None)  # a workbook open in Excel keeps the two in step
    found = read(table) if read is not None and table.header_rows else None
    if found is None:
        return True
    ok = True
    for i, name in enumerate(table.columns):
        value = found[i] if i < len(found) else None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value or "")
        if text.strip().casefold() != name.strip().casefold():
            problems.add(f"{table.sheet}!{cell_name(table.first_row, table.first_col + i)} ({name})",
                         Message("input.header.moved", header=name, table=table.name, found=describe(value)))
            ok = False
    return ok


class Source(Protocol):
    """Where a tracker's input comes from: a file on disk, or a workbook open in Excel."""

    def table(self, name: str) -> TableInfo | None: ...

    def tables(self) -> list[TableInfo]: ...

    def load(self, table: TableInfo, columns: list[str]) -> pl.DataFrame:
        """The table's data rows for these columns, each typed from *all* its cells (mixed → text)."""

    def raw_column(self, table: TableInfo, column: str) -> Iterator[tuple[int, object]]:
        """(data row index, value as the cell holds it) for one column: the slow path."""

    def setting(self, name: str) -> tuple[str, object] | str | None:
        """(``Sheet!B4``, value) of a named cell; None when the name is missing; the
        reference as text when the name is not a single cell."""


def _quiet_fastexcel() -> logging.Logger:
    """fastexcel logs a warning for every all-blank column (an empty table, a blank setting): not news to a user."""
    return logging.getLogger("fastexcel.types.dtype")


class FileSource:
    """A workbook file: metadata from the zip, tables and Settings through fastexcel, what fastexcel cannot see
    (error values, formulas without a value, hidden rows, merges) from the sheets' XML (:mod:`.ooxml.scan`),
    in a second thread while fastexcel reads; python-calamine only for the cell-by-cell slow path."""

    def __init__(self, path: Path):
        self.path = path
        self.package = read_package(path)
        try:
            self.reader = fastexcel.read_excel(path)
        except Exception as e:  # fastexcel raises its own error classes, and OSError
            raise WorkbookError(f"{path}: cannot read the workbook: {_damage(path, e)}") from None
        self._book = None
        self._grids: dict[str, list[list]] = {}
        self._scans: dict[str, SheetScan] = {}
        self._scan_error: Exception | None = None
        self._thread: threading.Thread | None = None
        self._settings: dict[tuple[str, int, int], object] | None = None
        self._pending: set[str] = set()  # tables whose header row the second thread reads
        self._headers: dict[str, object] = {}
        self._ready = threading.Condition()

    # -- what fastexcel cannot see, read beside it ----------------------------------------------

    def prefetch(self, names: list[str]) -> None:
        """Start reading, in a second thread, these tables' header rows (see :meth:`header_cells`), then scanning
        their sheets (see :meth:`findings`), while this thread reads the values."""
        areas: dict[str, list[Area]] = defaultdict(list)
        tables = [t for t in (self.table(n) for n in names) if t is not None and t.sheet in self.package.sheets]
        for t in tables:
            areas[self.package.sheets[t.sheet]].append(
                Area(t.first_row + t.header_rows, t.last_row - t.totals_rows, t.first_col,
                     t.first_col + len(t.columns) - 1))
        self._pending = {t.name for t in tables if t.header_rows}
        self._thread = threading.Thread(target=self._scan_all, args=(tables, dict(areas)), daemon=True)
        self._thread.start()

    def _scan_all(self, tables: list[TableInfo], areas: dict[str, list[Area]]) -> None:
        # The header rows first: the reader needs them before each table's values.  A header's shared strings may
        # come after a million labels, which costs a read of the strings part: done here, beside the first table.
        for t in tables:
            try:
                found = self._read_header(t)
            except Exception as e:  # noqa: BLE001 - handed to the reader's thread, which raises it
                found = e
            with self._ready:
                self._headers[t.name] = found
                self._ready.notify_all()
        part = ""
        try:
            with zipfile.ZipFile(self.path) as zf:
                for part, where in areas.items():
                    self._scans[part] = _complete(self.path, scan_sheet(zf, part, where, self.package.recalc))
        except WorkbookError as e:
            self._scan_error = e
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError) as e:
            self._scan_error = WorkbookError(f"{self.path}: {part} cannot be read ({e}): the file is damaged; "
                                             "restore a backup, or open it in Excel, which may repair it")

    def wait(self) -> None:
        """Wait for the second thread, which may still hold the file open (Windows would not let it be replaced)."""
        if self._thread is not None:
            self._thread.join()

    def findings(self, table: TableInfo) -> SheetScan | None:
        """What the scan found on the table's sheet (waiting for it); None when it was not asked for."""
        if self._thread is None:
            self.prefetch([table.name])
        self._thread.join()
        if self._scan_error is not None:
            raise self._scan_error
        return self._scans.get(self.package.sheets.get(table.sheet, ""))

    # -- tables -------------------------------------------------------------------------------

    def _grid(self, sheet: str) -> list[list]:
        """Every cell of a sheet from A1, with each cell's own type ('' for blank)."""
        if sheet not in self._grids:
            if self._book is None:
                import python_calamine  # the slow path only: opening the workbook again costs 0.3 s at 1M rows

                self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self._grids[sheet] = self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return self._grids[sheet]

    def table(self, name: str) -> TableInfo | None:
        return self.package.table(name)

    def tables(self) -> list[TableInfo]:
        return list(self.package.tables.values())

    @property
    def duplicates(self) -> tuple[tuple[str, str], ...]:
        return self.package.duplicates

    def load(self, table: TableInfo, columns: list[str]) -> pl.DataFrame:
        log = _quiet_fastexcel()
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            frame = self.reader.load_table(table.name, schema_sample_rows=None, use_columns=columns).to_polars()
        except fastexcel.FastExcelError as e:
            part = self.package.sheets.get(table.sheet, "")
            raise WorkbookError(f"{self.path}: cannot read table {table.name} (sheet {table.sheet}): "
                                f"{_damage(self.path, e, part)}") from None
        finally:
            log.setLevel(level)
        return frame

    def header_cells(self, table: TableInfo) -> list[object] | None:
        """The table's header row as the sheet holds it, read from the file (None when it cannot be)."""
        if table.name not in self._pending:
            return self._read_header(table)
        with self._ready:
            self._ready.wait_for(lambda: table.name in self._headers)
        found = self._headers[table.name]
        if isinstance(found, Exception):
            raise found
        return found

    def _read_header(self, table: TableInfo) -> list[object] | None:
        part = self.package.sheets.get(table.sheet)
        return read_row(self.path, part, table.first_row, table.first_col, len(table.columns)) if part else None

    def raw_column(self, table: TableInfo, column: str) -> Iterator[tuple[int, object]]:
        rows = self._grid(table.sheet)
        col = table.first_col + table.columns.index(column)
        for i in range(table.data_rows):
            r = table.data_row(i)
            row = rows[r] if r < len(rows) else ()
            yield i, (row[col] if col < len(row) else None)

    # -- Settings -----------------------------------------------------------------------------

    def setting(self, name: str) -> tuple[str, object] | str | None:
        defined = self.package.name(name)
        if defined is None:
            return None
        cell = defined.single_cell()
        if defined.sheet not in self.package.sheets or cell is None:
            return f"{defined.sheet}!{defined.ref}" if defined.sheet else defined.ref
        row, col = cell
        if self._settings is None:
            self._settings = self._setting_findings()
        odd = self._settings.get((defined.sheet, row, col))
        value = odd if odd is not None else self._cell(defined.sheet, row, col)
        return f"{defined.sheet}!{cell_name(row, col)}", value

    def _setting_findings(self) -> dict[tuple[str, int, int], object]:
        """The named Settings cells that hold an error value or a formula without a value."""
        cells: dict[str, list[Area]] = defaultdict(list)
        for setting in SETTINGS:
            defined = self.package.name(setting.name)
            cell = defined.single_cell() if defined is not None else None
            if cell is not None and defined.sheet in self.package.sheets:
                cells[defined.sheet].append(Area(cell[0], cell[0], cell[1], cell[1]))
        out: dict[tuple[str, int, int], object] = {}
        with zipfile.ZipFile(self.path) as zf:
            for sheet, areas in cells.items():
                scan = _complete(self.path, scan_sheet(zf, self.package.sheets[sheet], areas, self.package.recalc))
                for f in scan.findings:
                    out[(sheet, f.row, f.col)] = _odd_value(f)
        return {k: v for k, v in out.items() if v is not None}

    def _cell(self, sheet: str, row: int, col: int) -> object:
        """One cell, typed as fastexcel types it (text, number, date, boolean; None when blank).

        The workbook is already open in fastexcel, with its shared strings: a
        one-cell read costs nothing, where opening it again would cost 0.3 s at a million rows.
        """
        log = _quiet_fastexcel()
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            frame = self.reader.load_sheet(sheet, header_row=None, skip_rows=row, n_rows=1,
                                           use_columns=column_letter(col), schema_sample_rows=1).to_polars()
        except fastexcel.InvalidParametersError:  # past the sheet's last row or column: a blank cell
            return None
        except fastexcel.FastExcelError as e:
            part = self.package.sheets.get(sheet, "")
            raise WorkbookError(f"{self.path}: cannot read sheet {sheet}: {_damage(self.path, e, part)}") from None
        finally:
            log.setLevel(level)
        if frame.height == 0 or frame.width == 0:
            return None
        value = frame.item(0, 0)
        return None if value == "" else value


def _complete(path: Path, scan: SheetScan) -> SheetScan:
    """The scan of a whole part; a part cut short is damage, not a sheet that ends early."""
    if not scan.complete:
        raise WorkbookError(f"{path}: {scan.part} is not well-formed XML (it is cut short: it does not end as a "
                            "worksheet ends): the file is damaged; restore a backup, or open it in Excel, which may "
                            "repair it")
    return scan


def _odd_value(finding: Finding) -> object:
    """The value standing for a cell the scan found: an error, a formula without a value."""
    if finding.kind == "error":
        return CellError(finding.text)
    if finding.kind in ("uncached", "recalc"):
        return Uncalculated(finding.text)
    if finding.kind == "boolean":
        return finding.text == "TRUE"
    return None


def _damage(path: Path, error: Exception, part: str = "") -> str:
    """fastexcel's message, with the part of the package that is not well-formed XML when one is."""
    from xml.etree import ElementTree as ET

    parts = [part] if part else []
    try:
        with zipfile.ZipFile(path) as zf:
            parts += [n for n in zf.namelist() if n.endswith((".xml", ".rels")) and n not in parts]
            for name in parts:
                try:
                    with zf.open(name) as f:
                        for _ in ET.iterparse(f):
                            pass
                except ET.ParseError as e:
                    return (f"{name} is not well-formed XML ({e}): the file is damaged; restore a backup, or open "
                            "it in Excel, which may repair it")
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
        return f"the file is damaged ({e}); restore a backup, or open it in Excel, which may repair it"
    return str(error)


_TYPED = {"date": pl.Date, "month": pl.Date, "text": pl.String, "ledger_type": pl.String}
"""Internal dtype of each column kind (numbers: Float64)."""
_ACCEPTED = {
    "date": {pl.Datetime, pl.Date},
    "month": {pl.Datetime, pl.Date},
    "text": {pl.String},
    "ledger_type": {pl.String},
}
_NUMBERS = {pl.Float64, pl.Int64}


def _to_typed(s: pl.Series, kind: str) -> pl.Series | None:
    """The column in its internal type, or None when some cell has a wrong type.

    fastexcel infers a column's type from all its cells, so a column that
    arrives as the expected type holds no wrong-typed cell; a mixed one arrives
    as text.  Dates stored as serial numbers arrive as numbers: they go the
    slow way too, to be converted (and checked) one by one.  A column with no
    value at all (an empty ``Plan`` arrives as text) has nothing to check.
    """
    target = _TYPED.get(kind, pl.Float64)
    base = s.dtype.base_type()
    if base == pl.Null or base in _ACCEPTED.get(kind, _NUMBERS) or s.null_count() == s.len():
        return s.cast(target)
    return None


PLAUSIBLE_FROM = dt.date(1990, 1, 1)
"""Dates before this day are read but warned about (a typo for this century?)."""


def read_table(source: Source, spec: TableSpec, problems: Problems,
               latest: dt.date | None = None) -> pl.DataFrame | None:
    """One input table as a typed frame (headers as in ``spec``, plus ``_row``), or None after reporting.

    ``latest`` is the last plausible day (today plus the forecast horizon): a later date is a warning.
    """
    found = find_table(source, spec, problems)
    if found is None:
        return None
    table, headers = found
    n = max(table.data_rows, 0)
    try:
        frame = source.load(table, [headers[h] for h in spec.headers]).head(n)  # no totals row
    except WorkbookError:
        # fastexcel stops at some error values (#SPILL!, #NAME? in a text column): name them, if they are why
        if any(_report_findings(source, table, spec, headers, problems).values()):
            return None
        raise
    skip = _report_findings(source, table, spec, headers, problems)  # read meanwhile, in the second thread
    if frame.height < n:  # a reader may stop at the last non-blank row
        frame = pl.concat([frame, pl.DataFrame(
            [pl.Series(c, [None] * (n - frame.height), dtype=frame.schema[c]) for c in frame.columns])])

    columns: dict[str, pl.Series] = {}
    for col in spec.columns:
        actual = headers[col.header]
        typed = _to_typed(frame[actual], col.kind)
        if typed is None:
            typed = _slow_column(source, table, col, actual, problems, skip[col.header])
        elif col.kind in ("date", "month"):
            typed = _check_day_range(frame[actual], typed, table, col.header, actual, problems, skip[col.header])
        columns[col.header] = typed.alias(col.header)
    typed_frame = pl.DataFrame(columns).with_row_index("_row")
    # Rows where every column of ours is blank are skipped (Excel tables keep
    # blank lines; a grown table often ends with some).
    blank = pl.all_horizontal(pl.col(h).is_null() for h in spec.headers)
    typed_frame = typed_frame.filter(~blank)
    _check_rows(spec, table, headers, typed_frame, problems, skip, latest)
    return _canonical_types(spec, typed_frame)


def _canonical_types(spec: TableSpec, frame: pl.DataFrame) -> pl.DataFrame:
    """Type cells as their identifier (``Frais fixes`` → ``Fixed cost``), whatever language they are typed in."""
    for col in spec.columns:
        if col.kind == "ledger_type":
            mapping = {v: _as_type(v) for v in frame[col.header].unique().to_list() if v is not None}
            frame = frame.with_columns(pl.col(col.header).replace_strict(mapping, default=None,
                                                                         return_dtype=pl.String))
    return frame


_PLACEHOLDER = {"date": dt.date(1900, 1, 1), "month": dt.date(1900, 1, 1), "text": "", "ledger_type": ""}
"""What stands in for a wrong cell while the problems are collected (its row is never summed)."""


def _column_where(table: TableInfo, actual: str) -> str:
    """``Ads!F (Spend)``: a whole column, in a message (``actual``: its header as the table spells it)."""
    return f"{table.sheet}!{column_letter(table.first_col + table.columns.index(actual))} ({actual})"


def _report_findings(source: Source, table: TableInfo, spec: TableSpec, headers: dict[str, str],
                     problems: Problems) -> dict[str, set[int]]:
    """Report what the sheet's XML holds that fastexcel reads as blank; the data rows of each column reported."""
    skip: dict[str, set[int]] = {h: set() for h in spec.headers}
    scan = source.findings(table) if hasattr(source, "findings") else None
    if scan is None:
        return skip
    ours = {actual: header for header, actual in headers.items()}
    first = table.first_row + table.header_rows
    hidden: list[int] = []
    for f in scan.findings:
        if not (first <= f.row <= table.last_row - table.totals_rows):
            continue
        if f.kind == "hidden":
            hidden.append(f.row)
        elif f.kind == "merged":
            _report_merge(table, f, ours, problems, skip)
        else:
            j = f.col - table.first_col
            header = ours.get(table.columns[j]) if 0 <= j < len(table.columns) else None
            if header is not None and _report_cell(table, spec, header, headers[header], f, problems):
                skip[header].add(f.row - first)
    listed = Counter((f.kind, f.col) for f in scan.findings)
    for (kind, col), n in scan.counts.items():  # the scan lists a few hundred of each kind per column
        j = col - table.first_col
        header = ours.get(table.columns[j]) if 0 <= j < len(table.columns) else None
        if kind not in ("hidden", "merged", "boolean") and header is not None and n > listed[(kind, col)]:
            problems.count_more((table.name, header, kind, "error"), n - listed[(kind, col)],
                                _column_where(table, headers[header]))
    _report_hidden(table, hidden, scan.counts[("hidden", -1)], problems)
    return skip


def _report_cell(table: TableInfo, spec: TableSpec, header: str, actual: str, f: Finding,
                 problems: Problems) -> bool:
    """Report one cell the scan found; whether it was one to report (a TRUE in a text column is not)."""
    kind = next(c.kind for c in spec.columns if c.header == header)
    value = _odd_value(f)
    if f.kind == "boolean":
        if kind == "text":
            return False
        message = expected(EXPECTED[kind], value, Message("input.why.boolean"))
    elif f.kind == "recalc":
        message = Message("input.check.recalc", expected=EXPECTED[kind], formula=str(value), why=FIX["recalc"])
    else:
        message = expected(EXPECTED[kind], value, FIX[type(value).__name__])
    problems.add(f"{table.sheet}!{cell_name(f.row, f.col)} ({actual})", message,
                 group=(table.name, header, f.kind, "error"), column=_column_where(table, actual))
    return True


def _report_merge(table: TableInfo, f: Finding, ours: dict[str, str], problems: Problems,
                  skip: dict[str, set[int]]) -> None:
    first = table.first_row + table.header_rows
    cols = [c for j, c in enumerate(table.columns) if c in ours and f.col <= table.first_col + j <= f.last_col]
    if not cols:
        return
    problems.add(f"{table.sheet}!{f.text} ({', '.join(cols)})", Message("input.merged"),
                 group=(table.name, "merge", "merged", "error"), column=f"{table.sheet}!{f.text}")
    for actual in cols:
        skip[ours[actual]].update(range(f.row - first, f.last_row - first + 1))


def _report_hidden(table: TableInfo, rows: list[int], total: int, problems: Problems) -> None:
    """Hidden rows still count in every KPI: a warning per run of consecutive rows."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    a, b = column_letter(table.first_col), column_letter(table.first_col + len(table.columns) - 1)
    for r0, r1 in runs:
        n = r1 - r0 + 1
        what = Message("input.hidden.one") if n == 1 else Message("input.hidden.many", n=n)
        problems.add(Message("input.where.hidden", cells=f"{table.sheet}!{a}{r0 + 1}:{b}{r1 + 1}", n=n),
                     Message("input.hidden", what=what), "warning",
                     group=(table.name, "", "hidden", "warning"), column=f"{table.sheet}!{a}:{b}")
    if total > len(rows):
        problems.count_more((table.name, "", "hidden", "warning"), total - len(rows), f"{table.sheet}!{a}:{b}")


_DAY_RANGE = Message("input.expected.day_range", first=EXCEL_FIRST_DAY, last=EXCEL_LAST_DAY)
_MS_PER_DAY = 86_400_000
_UNIX_SERIAL = 25_569  # Excel's serial number of 1970-01-01
_MS_FIRST = (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days * _MS_PER_DAY
_MS_AFTER_LAST = (2_958_466 - _UNIX_SERIAL) * _MS_PER_DAY  # 10000-01-01, which Python's dates cannot hold
_MS_DAY_ZERO = _MS_FIRST - _MS_PER_DAY  # calamine reads serial 0 (and times with no date) as 1899-12-31


def _check_day_range(raw: pl.Series, typed: pl.Series, table: TableInfo, header: str, actual: str,
                     problems: Problems, skip: set[int]) -> pl.Series:
    """Dates Excel cannot hold — serial 0, negative serials, a time with no date, past 9999 — as errors."""
    if raw.dtype.base_type() not in (pl.Datetime, pl.Date):
        return typed
    ms = raw.cast(pl.Datetime("ms")).cast(pl.Int64)
    bad = ms.is_not_null() & ((ms < _MS_FIRST) | (ms >= _MS_AFTER_LAST))
    if not bad.any():
        return typed
    rows = bad.arg_true()
    group, column = (table.name, header, "day-range", "error"), _column_where(table, actual)
    for i in rows.head(MAX_LISTED).to_list():
        value = ms[i]
        serial = (value - _MS_DAY_ZERO) / _MS_PER_DAY if value < _MS_FIRST else value / _MS_PER_DAY + _UNIX_SERIAL
        problems.add(f"{table.sheet}!{table.cell(i, actual)} ({actual})",
                     expected(_DAY_RANGE, float(round(serial, 6)), _serial_why(serial)), group=group, column=column)
        skip.add(i)
    if rows.len() > MAX_LISTED:
        problems.count_more(group, rows.len() - MAX_LISTED, column)
    return typed.scatter(rows, _PLACEHOLDER["date"])


def _slow_column(source: Source, table: TableInfo, col: Column, actual: str,
                 problems: Problems, skip: set[int]) -> pl.Series:
    values = []
    for i, raw in source.raw_column(table, actual):
        value, error = check_cell(col.kind, raw)
        if error and i not in skip:
            where = f"{table.sheet}!{table.cell(i, actual)} ({actual})"
            problems.add(where, error, group=(table.name, col.header, "type", "error"),
                         column=_column_where(table, actual))
        if error:
            # A wrong cell still makes its row non-blank, so a row holding only
            # it is not skipped; its value never reaches a sum (we stop first).
            value = _PLACEHOLDER.get(col.kind, 0.0)
        values.append(value)
    return pl.Series(col.header, values, dtype=_TYPED.get(col.kind, pl.Float64))


def _report(problems: Problems, table: TableInfo, header: str, actual: str, rows: pl.DataFrame,
            message: Callable[[dict], str], severity: str = "error", kind: str = "",
            skip: set[int] = frozenset()) -> None:
    if skip:
        rows = rows.filter(~pl.col("_row").is_in(list(skip)))
    column = _column_where(table, actual)
    group = (table.name, header, kind, severity)
    for row in rows.head(MAX_LISTED).iter_rows(named=True):
        problems.add(f"{table.sheet}!{table.cell(row['_row'], actual)} ({actual})", message(row),
                     severity, group=group, column=column)
    if rows.height > MAX_LISTED:  # counted, without building a message for each
        problems.count_more(group, rows.height - MAX_LISTED, column)


def _out_of_bounds(c: pl.Expr) -> pl.Expr:
    """A number no tracker holds: NaN, ±infinity, or beyond ±:data:`~kpi_xl.schema.MAX_AMOUNT`."""
    return c.is_nan() | c.is_infinite() | (c.abs() > MAX_AMOUNT)


def _check_numbers(col: Column, table: TableInfo, actual: str, frame: pl.DataFrame, problems: Problems,
                   skip: set[int]) -> None:
    c = pl.col(col.header)
    h = col.header
    big = frame.filter(_out_of_bounds(c))
    _report(problems, table, h, actual, big,
            lambda r: expected(EXPECTED[col.kind], r[h], _why(col.kind, r[h])),
            kind="bound", skip=skip)
    ok = ~_out_of_bounds(c)
    if col.kind == "count":
        bad = frame.filter(ok & ((c < 0) | (c != c.floor())))
        _report(problems, table, h, actual, bad,
                lambda r: expected(EXPECTED["count"], r[h]), kind="count", skip=skip)
    elif col.kind == "money":
        bad = frame.filter(ok & (c < 0))
        _report(problems, table, h, actual, bad,
                lambda r: expected(EXPECTED["money"], r[h]), kind="money", skip=skip)


def _check_days(col: Column, table: TableInfo, actual: str, frame: pl.DataFrame, problems: Problems,
                skip: set[int], latest: dt.date | None) -> None:
    c = pl.col(col.header)
    h = col.header
    bad = frame.filter(c.is_null())
    _report(problems, table, h, actual, bad,
            lambda r, k=col.kind: expected(EXPECTED[k], None, Message("input.why.other_values")),
            kind="blank-date", skip=skip)
    old = frame.filter(c.is_not_null() & (c < PLAUSIBLE_FROM) & (c > _PLACEHOLDER["date"]))
    _report(problems, table, h, actual, old,
            lambda r: Message("input.date.old", day=r[h], year=PLAUSIBLE_FROM.year),
            "warning", "date-old", skip=skip)
    if latest is not None:
        late = frame.filter(c > latest)
        horizon = Message("input.date.late.forecast" if col.kind == "month" else "input.date.late.typo")
        _report(problems, table, h, actual, late,
                lambda r: Message("input.date.late", day=r[h], latest=latest, horizon=horizon), "warning",
                "date-late", skip=skip)


def _check_rows(spec: TableSpec, table: TableInfo, headers: dict[str, str], frame: pl.DataFrame,
                problems: Problems, skip: dict[str, set[int]] | None = None, latest: dt.date | None = None) -> None:
    skip = skip or {h: set() for h in spec.headers}
    for col in spec.columns:
        c = pl.col(col.header)
        actual = headers[col.header]
        if col.kind in ("date", "month"):
            _check_days(col, table, actual, frame, problems, skip[col.header], latest)
        elif col.kind in ("count", "money", "signed_money"):
            _check_numbers(col, table, actual, frame, problems, skip[col.header])
        elif col.kind == "ledger_type":
            known = c.is_in([v for v in frame[col.header].unique().to_list() if v is not None and _as_type(v)])
            bad = frame.filter(c.is_null() | ~known)
            _report(problems, table, col.header, actual, bad,
                    lambda r, h=col.header: expected(EXPECTED["ledger_type"], r[h]),
                    kind="type", skip=skip[col.header])
    if spec is ADS:
        _check_ads(table, headers, frame, problems)


def _check_ads(table: TableInfo, headers: dict[str, str], frame: pl.DataFrame, problems: Problems) -> None:
    h = headers
    z = lambda name: pl.col(name).fill_null(0)  # noqa: E731 - a blank number counts as 0
    odd = frame.filter(z("Clicks") > z("Impressions"))
    _report(problems, table, "Clicks", h["Clicks"], odd,
            lambda r: Message("input.ads.clicks", clicks=describe(r["Clicks"] or 0),
                              impressions=describe(r["Impressions"] or 0)), "warning", "clicks>impr")
    odd = frame.filter((z("Customers") > 0) & (z("Spend") == 0))
    _report(problems, table, "Customers", h["Customers"], odd,
            lambda r: Message("input.ads.customers", customers=describe(r["Customers"])), "warning",
            "cust-no-spend")
    odd = frame.filter(pl.col("Channel").is_null() | (pl.col("Channel").str.strip_chars() == ""))
    _report(problems, table, "Channel", h["Channel"], odd,
            lambda r: Message("input.ads.channel"), "warning", "channel")


def _ads_frame(frame: pl.DataFrame | None) -> pl.DataFrame:
    if frame is None:
        return pl.DataFrame(schema=ADS_FRAME_SCHEMA)
    return frame.select(
        pl.col("Date").alias("date"), pl.col("Channel").alias("channel"), pl.col("Campaign").alias("campaign"),
        *[pl.col(h).alias(s) for s, h in zip(ADS_SUMS, ADS.headers[3:], strict=True)],
    )


def _ledger_frame(frame: pl.DataFrame | None) -> pl.DataFrame:
    if frame is None:
        return pl.DataFrame(schema=LEDGER_FRAME_SCHEMA)
    return frame.select(pl.col("Date").alias("date"), pl.col("Type").alias("type"),
                        pl.col("Amount").alias("amount"))


def latest_plausible_day(today: dt.date | None, months: int) -> dt.date:
    """The last day of the month ``months`` after today's: later dates are warned about."""
    today = today or dt.date.today()
    month = today.year * 12 + today.month - 1 + months + 1
    return dt.date(month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def check_source(source: Source, today: dt.date | None = None) -> tuple[Tracker | None, list[Problem]]:
    """Validate a source: (tracker, warnings) when valid, (None, every problem) when not."""
    problems = Problems()
    names = [ADS.name, LEDGER.name] + ([PLAN.name] if source.table(PLAN.name) else [])
    if hasattr(source, "prefetch"):
        source.prefetch(names)  # what fastexcel cannot see is read beside it
    for where, message in getattr(source, "duplicates", ()):
        problems.add(where, message)
    settings = read_settings(source, problems)
    latest = latest_plausible_day(today, settings.forecast_months)
    ads = read_table(source, ADS, problems, latest)
    ledger = read_table(source, LEDGER, problems, latest)
    # Plan is optional: trackers made before the forecast have none.
    plan = read_table(source, PLAN, problems, latest) if source.table(PLAN.name) else None
    if hasattr(source, "wait"):
        source.wait()
    found = problems.finish()
    if problems.has_errors:
        return None, found
    plan_frame = None if plan is None else plan.select(
        pl.col("Month").alias("date"), pl.col("Type").alias("type"), pl.col("Amount").alias("amount"))
    tracker = Tracker(_ads_frame(ads), _ledger_frame(ledger), settings,
                      warnings=[p for p in found if p.severity == "warning"], plan=plan_frame)
    return tracker, tracker.warnings


def validate(source: Source, today: dt.date | None = None) -> Tracker:
    """The tracker of a valid source; raise :class:`~kpi_xl.errors.InputError` listing every problem (with the
    tracker's language, :func:`source_language`) when it is not valid."""
    tracker, problems = check_source(source, today)
    if tracker is None:
        raise InputError(problems, source_language(source))
    return tracker


def setting_language(source: Source) -> str | None:
    """The tracker's Language setting (``en``, ``fr``), read from its named cell alone; None when it cannot be."""
    found = source.setting("Language")
    if not isinstance(found, tuple):
        return None
    value, error = check_setting(next(s for s in SETTINGS if s.name == "Language"), found[1])
    return None if error else value


def source_language(source: Source) -> str:
    """The language a tracker is written in, to say its problems in: its Language setting, else (a Language
    that cannot be read) the language its tables' sheets are named in (``Publicités``), else English."""
    try:
        found = setting_language(source)
    except WorkbookError:
        found = None
    if found:
        return found
    return sheets_language({t.sheet for t in source.tables()}) or "en"


def sheets_language(sheets: set[str]) -> str | None:
    """The language whose own names for the `Ads` or `Ledger` sheet are among ``sheets`` (``Publicités`` → ``fr``);
    None when only the identifiers themselves are (an English tracker) or neither."""
    for lang, words in LANGUAGES.items():
        if any(words.sheet(name) != name and words.sheet(name) in sheets for name in (ADS.name, LEDGER.name)):
            return lang
    return None


def file_language(path: str | Path) -> str | None:
    """The language a tracker file's sheets are named in (``Publicités`` → ``fr``), from its workbook part alone
    (cheap, before reading it: for the words of a progress spinner); None when it cannot be told."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sheets_language(set(sheet_parts(zf)))
    except Exception:  # not a workbook, or a damaged one: the read that follows says what is wrong
        return None


def check_tracker(path: str | Path) -> tuple[Tracker | None, list[Problem]]:
    """Read a tracker file: (tracker, warnings) when valid, (None, every problem) when not.

    Raises :class:`~kpi_xl.errors.WorkbookError` when the file cannot be read
    as a workbook at all.
    """
    return check_source(FileSource(Path(path)))


def read_tracker(path: str | Path) -> Tracker:
    """Read and validate a tracker; raise :class:`~kpi_xl.errors.InputError` listing every problem."""
    return validate(FileSource(Path(path)))
