"""Reading a workbook open in Excel: a plain-Python snapshot of what its KPIs depend on.

A :class:`Snapshot` copies the values of every Excel Table (header, data,
totals) and of the named `Settings` cells, as Excel holds them *now* —
unsaved edits included — through a handful of xlwings attributes (listed in
:func:`snapshot`), so everything else runs and is tested on Linux with a
small fake of those objects.  Two snapshots are equal exactly when the KPIs
cannot differ, which makes the snapshot itself the cache key of the Excel
functions (see :mod:`kpi_xl.udfs`).  :class:`SnapshotSource` gives the reader
the same interface as a file, so validation is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import polars as pl

from ..errors import Problem
from ..ooxml.cells import ERROR_VALUES, CellError
from ..ooxml.package import TableInfo
from ..reader import check_source
from ..schema import SETTINGS
from ..tracker import Tracker


@dataclass
class TableSnapshot:
    name: str
    sheet: str
    ref: str  # "A1:J120", no $
    rows: list[list[Any]]  # header row (if shown), data rows, totals row (if shown)
    header_rows: int = 1
    totals_rows: int = 0


@dataclass
class Snapshot:
    """Every value a tracker's KPIs depend on, copied out of Excel."""

    tables: dict[str, TableSnapshot] = field(default_factory=dict)  # casefolded name → table
    settings: dict[str, tuple[str, Any] | str] = field(default_factory=dict)  # casefolded name → (where, value) | ref


def _address(address: str) -> str:
    return address.replace("$", "")


def _cell(value: Any) -> Any:
    """A cell's value, with Excel's error values (read as text) made :class:`CellError`."""
    return CellError(value) if isinstance(value, str) and value in ERROR_VALUES else value


def snapshot(book: Any) -> Snapshot:
    """Copy a live workbook's tables and named Settings cells (xlwings ``Book``).

    The xlwings API used — and so all a fake needs — is: ``book.sheets`` →
    ``sheet.name``, ``sheet.tables`` → ``table.name``, ``table.show_headers``,
    ``table.show_totals``, ``table.range.address``, ``table.range.options(ndim=2, err_to_str=True).value``;
    ``book.names[name]`` → ``.refers_to``, ``.refers_to_range`` →
    ``.sheet.name``, ``.address``, ``.count``, ``.options(err_to_str=True).value``.

    Error cells come as their text (``err_to_str``: xlwings would read them
    as blank, so 0) and become :class:`~kpi_xl.ooxml.cells.CellError`, which
    the reader refuses as it does in a file.
    """
    snap = Snapshot()
    for sheet in book.sheets:
        for table in sheet.tables:
            rng = table.range
            snap.tables[table.name.casefold()] = TableSnapshot(
                table.name, sheet.name, _address(rng.address),
                [[_cell(v) for v in row] for row in rng.options(ndim=2, err_to_str=True).value or []],
                1 if table.show_headers else 0, 1 if table.show_totals else 0,
            )
    for setting in SETTINGS:
        try:
            name = book.names[setting.name]
        except Exception:  # COM raises its own error for a missing name
            continue
        try:
            rng = name.refers_to_range
        except Exception:  # a constant or a formula, not a range
            snap.settings[setting.name.casefold()] = str(name.refers_to).lstrip("=")
            continue
        where = f"{rng.sheet.name}!{_address(rng.address)}"
        if rng.count != 1:
            snap.settings[setting.name.casefold()] = where
        else:
            snap.settings[setting.name.casefold()] = (where, _cell(rng.options(err_to_str=True).value))
    return snap


class SnapshotSource:
    """A :class:`~kpi_xl.reader.Source` over a snapshot: the same validation as for files."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self._infos = {key: self._info(t) for key, t in snap.tables.items()}

    @staticmethod
    def _info(t: TableSnapshot) -> TableInfo:
        header = t.rows[0] if t.header_rows and t.rows else []
        columns = tuple("" if h is None else str(h) for h in header)
        return TableInfo(t.name, t.sheet, "", t.ref, columns, t.header_rows, t.totals_rows)

    def table(self, name: str) -> TableInfo | None:
        return self._infos.get(name.casefold())

    def tables(self) -> list[TableInfo]:
        return list(self._infos.values())

    def _data(self, table: TableInfo) -> list[list[Any]]:
        t = self.snap.tables[table.name.casefold()]
        return t.rows[t.header_rows:t.header_rows + table.data_rows]

    def load(self, table: TableInfo, columns: list[str]) -> pl.DataFrame:
        rows = self._data(table)
        series = []
        for column in columns:
            j = table.columns.index(column)
            values = [row[j] if j < len(row) else None for row in rows]
            try:
                s = pl.Series(column, values, strict=True)
            except (TypeError, ValueError, pl.exceptions.PolarsError):
                # Mixed cell types: an Object column, which the reader checks cell by cell.
                s = pl.Series(column, values, dtype=pl.Object)
            series.append(s)
        return pl.DataFrame(series, schema={s.name: s.dtype for s in series}) if series else pl.DataFrame()

    def raw_column(self, table: TableInfo, column: str) -> Iterator[tuple[int, object]]:
        j = table.columns.index(column)
        for i, row in enumerate(self._data(table)):
            yield i, (row[j] if j < len(row) else None)

    def setting(self, name: str) -> tuple[str, object] | str | None:
        return self.snap.settings.get(name.casefold())


def check_snapshot(snap: Snapshot) -> tuple[Tracker | None, list[Problem]]:
    return check_source(SnapshotSource(snap))
