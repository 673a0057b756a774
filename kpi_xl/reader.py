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

Errors and warnings (see "Validation" in ``docs/workbook.md``):

* errors — a missing table, header, or named Setting; a renamed header; text
  where a number or date belongs (including numbers pasted as text such as
  ``"1 234,50"`` or ``"12.5 €"``: reported, never guessed); negative or
  fractional counts; negative spend; an unknown Ledger ``Type``; a row with
  values but no date; a Setting of the wrong type.
* warnings — data that is odd but can be true: more clicks than impressions
  (clicks without impressions), customers without ad spend, a blank channel.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterator, Protocol

import fastexcel
import polars as pl
import python_calamine

from .errors import InputError, Problem, WorkbookError
from .ooxml.cells import cell_name, column_letter, parse_cell, serial_to_date
from .ooxml.package import TableInfo, read_package
from .ooxml.rows import read_row
from .schema import ADS, ADS_SUMS, LEDGER, LEDGER_TYPES, PLAN, SETTING_KINDS, SETTINGS, Column, Setting, TableSpec
from .texts import LANGUAGES, canonical_types, fold
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
                out.append(Problem(self._columns[group], f"… and {n - MAX_LISTED:,} more cells like these", severity))
        return out

    def count_more(self, group: tuple, n: int, column: str) -> None:
        """Count ``n`` more problems of ``group`` that are not listed one by one."""
        self._counts[group] += n
        self._columns[group] = column

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)


def describe(value: object) -> str:
    """How a found value is quoted in a message.

    >>> describe("12.5 €"), describe(3.5), describe(None), describe(True)
    ('text "12.5 €"', '3.5', 'a blank cell', 'TRUE')
    """
    if value is None or value == "":
        return "a blank cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f'text "{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value:%Y-%m-%d}"
    return str(value)


# --- cell-by-cell checks (the slow path, and Settings) --------------------------

EXPECTED = {
    "date": "a date",
    "month": "a month (2027-02) or a date",
    "text": "text",
    "count": "a whole number ≥ 0",
    "money": "a number ≥ 0",
    "signed_money": "a number",
    "ledger_type": "one of " + ", ".join(LEDGER_TYPES),
}


def check_cell(kind: str, value: object) -> tuple[object, str | None]:
    """(typed value, None) for a good cell, (None, message) for a bad one; blank → (None, None).

    >>> check_cell("count", 12.0), check_cell("count", "12")[1]
    ((12.0, None), 'expected a whole number ≥ 0, found text "12"')
    >>> check_cell("date", 46083.0)
    (datetime.date(2026, 3, 2), None)
    """
    if value is None or value == "":
        return None, None
    expected = f"expected {EXPECTED[kind]}, found {describe(value)}"
    typed = _CHECKS[kind](value)
    return (None, expected) if typed is None else (typed, None)


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
        return value.date()
    if isinstance(value, dt.date):
        return value
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

SETTING_EXPECTED = {
    "currency": "a currency code (EUR, USD…)",
    "name": "a name of at most 100 characters",
    "money": "a number",
    "date": "a date",
    "ratio": "a number ≥ 0",
    "rate": "a percentage (e.g. 1%)",
    "months": "a number of months ≥ 0",
    "whole_months": "a whole number of months from 1 to 120",
    "language": "en or fr",
}


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
    expected = f"expected {SETTING_EXPECTED[kind.name]}, found {describe(value)}"
    if value is None or value == "":
        if setting.blank_ok:
            return None, None
        if setting.default is not None:
            return setting.default, None
        return None, expected
    if kind.value == "text":
        # A name may be typed as a number ("1664"); a currency code may not.
        text = value.strip() if isinstance(value, str) else _as_text(value) if kind.name == "name" else ""
        if kind.choices:
            return (text.casefold(), None) if text.casefold() in kind.choices else (None, expected)
        return (text, None) if kind.low <= len(text) <= kind.high else (None, expected)
    if kind.value == "date":
        day, error = check_cell("date", value) if not isinstance(value, str) else (None, expected)
        if error or day < kind.low:
            return None, expected
        return day, None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None, expected
    value = float(value)
    if (kind.low is not None and value < kind.low) or (kind.high is not None and value > kind.high):
        return None, expected
    if kind.value == "whole":
        return (int(value), None) if value.is_integer() else (None, expected)
    return value, None


def read_settings(source: "Source", problems: Problems) -> Settings:
    values: dict[str, object] = {}
    for setting in SETTINGS:
        found = source.setting(setting.name)
        if found is None:
            if setting.required:
                problems.add(f"Settings ({setting.name})",
                             f'expected a named cell "{setting.name}", found none (Formulas › Name Manager)')
            continue
        if isinstance(found, str):  # the name exists but is not one cell
            problems.add(f"Settings ({setting.name})",
                         f'expected the name "{setting.name}" to point at one cell, found "{found}"')
            continue
        where, raw = found
        value, error = check_setting(setting, raw)
        if error:
            problems.add(f"{where} ({setting.name})", error)
        elif value is not None or setting.blank_ok:
            values[setting.field] = value
    return Settings(**values)


# --- tables --------------------------------------------------------------------

def _resolve_headers(spec: TableSpec, table: TableInfo, problems: Problems) -> dict[str, str] | None:
    """Expected header → the table's own spelling, or None (after reporting) if any is missing.

    A header may be written in any language of :mod:`kpi_xl.texts` (``Spend``
    or ``Dépense HT``), case, accents and spaces aside; one table in two
    languages is a problem (its headers say two different things).
    """
    by_key = {fold(c): c for c in table.columns}
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
    known = {fold(words.header(spec.name, h)) for h in spec.headers for words in LANGUAGES.values()}
    for position, header in missing:
        _report_missing_header(spec, table, position, header, known, problems)
    if missing:
        return None
    if not set.intersection(*languages.values()):
        where = f"{table.sheet}!{cell_name(table.first_row, table.first_col)}"
        mixed = ", ".join(f"{h} ({'/'.join(sorted(ls))})" for h, ls in languages.items() if len(ls) == 1)
        problems.add(where, f"expected the headers of table {table.name} in one language, found {mixed}: "
                            "rename them all in one language")
        return None
    return found


def _report_missing_header(spec: TableSpec, table: TableInfo, position: int, header: str, known: set[str],
                           problems: Problems) -> None:
    # A header at the expected position that is no header of ours was renamed.
    if position < len(table.columns) and fold(table.columns[position]) not in known:
        where = f"{table.sheet}!{table.header_cell(table.columns[position])} ({header})"
        problems.add(where, f'expected header "{header}", found "{table.columns[position]}"')
    else:
        first = cell_name(table.first_row, table.first_col)
        last = cell_name(table.first_row, table.first_col + len(table.columns) - 1)
        problems.add(f"{table.sheet}!{first}:{last} ({header})",
                     f'expected a column "{header}" in table {table.name}, found none '
                     f'(headers: {", ".join(table.columns)})')


def find_table(source: "Source", spec: TableSpec, problems: Problems) -> tuple[TableInfo, dict[str, str]] | None:
    """The input table ``spec`` names and its headers' own spellings, or None after reporting why not.

    One lookup for every reader of the tables (``kpis``, ``refresh``,
    ``import``): a missing table, a missing or renamed header, and a header
    row that no longer matches the table's columns are reported the same way.
    """
    table = source.table(spec.name)
    if table is None:
        others = ", ".join(f"{t.name} on {t.sheet}" for t in source.tables()) or "none"
        problems.add(spec.name, f'expected an Excel Table named "{spec.name}", found none '
                                f"(tables in this workbook: {others})")
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
        problems.add(where, f"expected table {table.name} to span its {len(table.columns)} columns "
                            f"({', '.join(table.columns)}), found {width} columns in {table.ref}: make the change "
                            "again in Excel (or undo it)")
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
                         f'expected the header "{name}" of table {table.name}, found {describe(value)}: the sheet\'s '
                         "header row no longer matches the table's columns (a column deleted or moved outside "
                         "Excel?); put the column back, or make the change again in Excel")
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


class FileSource:
    """A workbook file: metadata from the zip, tables through fastexcel, single cells through python-calamine."""

    def __init__(self, path: Path):
        self.path = path
        self.package = read_package(path)
        try:
            self.reader = fastexcel.read_excel(path)
        except Exception as e:  # fastexcel raises its own error classes, and OSError
            raise WorkbookError(f"{path}: cannot read the workbook: {e}") from None
        self._book: python_calamine.CalamineWorkbook | None = None
        self._grids: dict[str, list[list]] = {}

    def _grid(self, sheet: str) -> list[list]:
        """Every cell of a sheet from A1, with each cell's own type ('' for blank)."""
        if sheet not in self._grids:
            if self._book is None:
                self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self._grids[sheet] = self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return self._grids[sheet]

    def table(self, name: str) -> TableInfo | None:
        return self.package.table(name)

    def tables(self) -> list[TableInfo]:
        return list(self.package.tables.values())

    def load(self, table: TableInfo, columns: list[str]) -> pl.DataFrame:
        # fastexcel logs a warning for every all-blank column (an empty table): not news to a user.
        log = logging.getLogger("fastexcel.types.dtype")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            frame = self.reader.load_table(table.name, schema_sample_rows=None, use_columns=columns).to_polars()
        except fastexcel.FastExcelError as e:
            raise WorkbookError(f"{table.sheet}: cannot read table {table.name}: {e}") from None
        finally:
            log.setLevel(level)
        return frame

    def header_cells(self, table: TableInfo) -> list[object] | None:
        """The table's header row as the sheet holds it, read from the file (None when it cannot be)."""
        part = self.package.sheets.get(table.sheet)
        return read_row(self.path, part, table.first_row, table.first_col, len(table.columns)) if part else None

    def raw_column(self, table: TableInfo, column: str) -> Iterator[tuple[int, object]]:
        rows = self._grid(table.sheet)
        col = table.first_col + table.columns.index(column)
        for i in range(table.data_rows):
            r = table.data_row(i)
            row = rows[r] if r < len(rows) else ()
            yield i, (row[col] if col < len(row) else None)

    def setting(self, name: str) -> tuple[str, object] | str | None:
        defined = self.package.name(name)
        if defined is None:
            return None
        cell = defined.single_cell()
        if defined.sheet not in self.package.sheets or cell is None:
            return f"{defined.sheet}!{defined.ref}"
        grid = self._grid(defined.sheet)
        row, col = cell
        raw = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
        return f"{defined.sheet}!{cell_name(row, col)}", (None if raw == "" else raw)


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
    slow way too, to be converted (and checked) one by one.
    """
    target = _TYPED.get(kind, pl.Float64)
    base = s.dtype.base_type()
    if base == pl.Null or base in _ACCEPTED.get(kind, _NUMBERS):
        return s.cast(target)
    return None


def read_table(source: Source, spec: TableSpec, problems: Problems) -> pl.DataFrame | None:
    """One input table as a typed frame (headers as in ``spec``, plus ``_row``), or None after reporting."""
    found = find_table(source, spec, problems)
    if found is None:
        return None
    table, headers = found
    n = max(table.data_rows, 0)
    frame = source.load(table, [headers[h] for h in spec.headers]).head(n)  # no totals row
    if frame.height < n:  # a reader may stop at the last non-blank row
        frame = pl.concat([frame, pl.DataFrame(
            [pl.Series(c, [None] * (n - frame.height), dtype=frame.schema[c]) for c in frame.columns])])

    columns: dict[str, pl.Series] = {}
    for col in spec.columns:
        actual = headers[col.header]
        typed = _to_typed(frame[actual], col.kind)
        if typed is None:
            typed = _slow_column(source, table, col, actual, problems)
        columns[col.header] = typed.alias(col.header)
    typed_frame = pl.DataFrame(columns).with_row_index("_row")
    # Rows where every column of ours is blank are skipped (Excel tables keep
    # blank lines; a grown table often ends with some).
    blank = pl.all_horizontal(pl.col(h).is_null() for h in spec.headers)
    typed_frame = typed_frame.filter(~blank)
    _check_rows(spec, table, headers, typed_frame, problems)
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


def _column_where(table: TableInfo, actual: str, header: str) -> str:
    """``Ads!F (Spend)``: a whole column, in a message."""
    return f"{table.sheet}!{column_letter(table.first_col + table.columns.index(actual))} ({header})"


def _slow_column(source: Source, table: TableInfo, col: Column, actual: str,
                 problems: Problems) -> pl.Series:
    values = []
    for i, raw in source.raw_column(table, actual):
        value, error = check_cell(col.kind, raw)
        if error:
            where = f"{table.sheet}!{table.cell(i, actual)} ({actual})"
            problems.add(where, error, group=(table.name, col.header, "type", "error"),
                         column=_column_where(table, actual, actual))
            # A wrong cell still makes its row non-blank, so a row holding only
            # it is not skipped; its value never reaches a sum (we stop first).
            value = _PLACEHOLDER.get(col.kind, 0.0)
        values.append(value)
    return pl.Series(col.header, values, dtype=_TYPED.get(col.kind, pl.Float64))


def _report(problems: Problems, table: TableInfo, header: str, actual: str, rows: pl.DataFrame,
            message: Callable[[dict], str], severity: str = "error", kind: str = "") -> None:
    column = _column_where(table, actual, actual)
    group = (table.name, header, kind, severity)
    for row in rows.head(MAX_LISTED).iter_rows(named=True):
        problems.add(f"{table.sheet}!{table.cell(row['_row'], actual)} ({actual})", message(row),
                     severity, group=group, column=column)
    if rows.height > MAX_LISTED:  # counted, without building a message for each
        problems.count_more(group, rows.height - MAX_LISTED, column)


def _check_rows(spec: TableSpec, table: TableInfo, headers: dict[str, str], frame: pl.DataFrame,
                problems: Problems) -> None:
    for col in spec.columns:
        c = pl.col(col.header)
        actual = headers[col.header]
        if col.kind in ("date", "month"):
            bad = frame.filter(c.is_null())
            _report(problems, table, col.header, actual, bad,
                    lambda r, k=col.kind: f"expected {EXPECTED[k]}, found a blank cell (the row has other values)",
                    kind="blank-date")
        elif col.kind == "count":
            bad = frame.filter((c < 0) | (c != c.floor()))
            _report(problems, table, col.header, actual, bad,
                    lambda r, h=col.header: f"expected a whole number ≥ 0, found {describe(r[h])}", kind="count")
        elif col.kind == "money":
            bad = frame.filter(c < 0)
            _report(problems, table, col.header, actual, bad,
                    lambda r, h=col.header: f"expected a number ≥ 0, found {describe(r[h])}", kind="money")
        elif col.kind == "ledger_type":
            known = c.is_in([v for v in frame[col.header].unique().to_list() if v is not None and _as_type(v)])
            bad = frame.filter(c.is_null() | ~known)
            _report(problems, table, col.header, actual, bad,
                    lambda r, h=col.header: f"expected {EXPECTED['ledger_type']}, found {describe(r[h])}",
                    kind="type")
    if spec is ADS:
        h = headers
        z = lambda name: pl.col(name).fill_null(0)  # noqa: E731 - a blank number counts as 0
        odd = frame.filter(z("Clicks") > z("Impressions"))
        _report(problems, table, "Clicks", h["Clicks"], odd,
                lambda r: f"{describe(r['Clicks'] or 0)} clicks but {describe(r['Impressions'] or 0)} impressions "
                          "(clicks without impressions: check the export)", "warning", "clicks>impr")
        odd = frame.filter((z("Customers") > 0) & (z("Spend") == 0))
        _report(problems, table, "Customers", h["Customers"], odd,
                lambda r: f"{describe(r['Customers'])} customers but no spend on this row "
                          "(counted, but they make the cost per customer look lower)", "warning", "cust-no-spend")
        odd = frame.filter(pl.col("Channel").is_null() | (pl.col("Channel").str.strip_chars() == ""))
        _report(problems, table, "Channel", h["Channel"], odd,
                lambda r: "a blank channel (the row counts in totals but in no channel)", "warning", "channel")


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


def check_source(source: Source) -> tuple[Tracker | None, list[Problem]]:
    """Validate a source: (tracker, warnings) when valid, (None, every problem) when not."""
    problems = Problems()
    settings = read_settings(source, problems)
    ads = read_table(source, ADS, problems)
    ledger = read_table(source, LEDGER, problems)
    # Plan is optional: trackers made before the forecast have none.
    plan = read_table(source, PLAN, problems) if source.table(PLAN.name) else None
    found = problems.finish()
    if problems.has_errors:
        return None, found
    plan_frame = None if plan is None else plan.select(
        pl.col("Month").alias("date"), pl.col("Type").alias("type"), pl.col("Amount").alias("amount"))
    tracker = Tracker(_ads_frame(ads), _ledger_frame(ledger), settings,
                      warnings=[p for p in found if p.severity == "warning"], plan=plan_frame)
    return tracker, tracker.warnings


def check_tracker(path: str | Path) -> tuple[Tracker | None, list[Problem]]:
    """Read a tracker file: (tracker, warnings) when valid, (None, every problem) when not.

    Raises :class:`~kpi_xl.errors.WorkbookError` when the file cannot be read
    as a workbook at all.
    """
    return check_source(FileSource(Path(path)))


def read_tracker(path: str | Path) -> Tracker:
    """Read and validate a tracker; raise :class:`~kpi_xl.errors.InputError` listing every problem."""
    tracker, problems = check_tracker(path)
    if tracker is None:
        raise InputError(problems)
    return tracker
