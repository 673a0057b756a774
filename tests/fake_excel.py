"""A small fake of the xlwings objects kpi_xl.excel.snapshot touches, built from a tracker file.

It mimics what xlwings hands to Python: numbers as floats, dates as
datetimes, blanks as None, a table's range value as a list of row lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import absolute_coordinate


def _xl(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


class FakeRange:
    def __init__(self, sheet: "FakeSheet", ref: str):
        self.sheet, self.ref = sheet, ref

    @property
    def address(self) -> str:
        return ":".join(absolute_coordinate(part) for part in self.ref.split(":"))

    def _bounds(self):
        return range_boundaries(self.ref if ":" in self.ref else f"{self.ref}:{self.ref}")

    @property
    def count(self) -> int:
        c1, r1, c2, r2 = self._bounds()
        return (c2 - c1 + 1) * (r2 - r1 + 1)

    def options(self, ndim: int | None = None, **_: Any) -> "FakeRange":
        self._ndim = ndim
        return self

    @property
    def value(self) -> Any:
        c1, r1, c2, r2 = self._bounds()
        rows = [[_xl(self.sheet.cells.get((r, c))) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if getattr(self, "_ndim", None) == 2 or self.count > 1:
            return rows
        return rows[0][0]


class FakeTable:
    def __init__(self, sheet: "FakeSheet", name: str, ref: str):
        self.name, self.range = name, FakeRange(sheet, ref)
        self.show_headers, self.show_totals = True, False


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], Any] = {}
        self.tables: list[FakeTable] = []

    def __setitem__(self, address: str, value: Any) -> None:
        """sheet["F2"] = 12.5, as a user typing in a cell."""
        c1, r1, _, _ = range_boundaries(f"{address}:{address}")
        self.cells[(r1, c1)] = value


class FakeName:
    def __init__(self, book: "FakeBook", refers_to: str):
        self.book, self.refers_to = book, refers_to

    @property
    def refers_to_range(self) -> FakeRange:
        sheet, ref = self.refers_to.lstrip("=").rsplit("!", 1)
        return FakeRange(self.book.sheet(sheet.strip("'")), ref.replace("$", ""))


class FakeNames(dict):
    def __getitem__(self, name: str) -> FakeName:
        for key, value in self.items():
            if key.casefold() == name.casefold():
                return value
        raise KeyError(name)  # COM raises its own error: the adapter catches any


class FakeBook:
    def __init__(self, fullname: str = "C:\\Users\\me\\tracker.xlsm"):
        self.fullname = fullname
        self.sheets: list[FakeSheet] = []
        self.names = FakeNames()

    def sheet(self, name: str) -> FakeSheet:
        return next(s for s in self.sheets if s.name == name)

    def caller(self, sheet: str = "Dashboard") -> "FakeCaller":
        return FakeCaller(self.sheet(sheet) if any(s.name == sheet for s in self.sheets) else self.sheets[0])


class FakeCaller:
    """The Range xlwings passes as ``caller``: only ``.sheet.book`` is used."""

    def __init__(self, sheet: FakeSheet):
        self.sheet = sheet


def fake_book_from_file(path, fullname: str | None = None) -> FakeBook:
    wb = openpyxl.load_workbook(path, data_only=True)
    book = FakeBook(fullname or str(path))
    for ws in wb.worksheets:
        sheet = FakeSheet(book, ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.cells[(cell.row, cell.column)] = cell.value
        for table in ws.tables.values():
            sheet.tables.append(FakeTable(sheet, table.displayName, table.ref))
        book.sheets.append(sheet)
    for name, dn in wb.defined_names.items():
        book.names[name] = FakeName(book, "=" + dn.attr_text)
    return book
