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

_AS_IS = (float, str, bool, type(None))


def _xl(value: Any) -> Any:
    if value.__class__ in _AS_IS:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


class FakeRange:
    """A Range: reads as xlwings does, and records what a refresh writes."""

    def __init__(self, sheet: "FakeSheet", ref: str):
        self.sheet, self.ref = sheet, ref

    # -- writing (recorded on the sheet) --
    def _cells(self):
        for area in self.ref.split(","):
            c1, r1, c2, r2 = range_boundaries(area if ":" in area else f"{area}:{area}")
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def _top_left(self):
        first = self.ref.split(",")[0].split(":")[0]
        c1, r1, _, _ = range_boundaries(f"{first}:{first}")
        return r1, c1

    def set_value(self, value: Any) -> None:
        self.sheet.writes += 1
        r1, c1 = self._top_left()
        if isinstance(value, list) and value and isinstance(value[0], list):
            rows = value
        else:  # a flat list is one row, as xlwings writes it
            rows = [value] if isinstance(value, list) else [[value]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    self.sheet.cells.pop((r1 + i, c1 + j), None)
                else:
                    self.sheet.cells[(r1 + i, c1 + j)] = v

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get(self._top_left(), "General")

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.writes += 1
        for cell in self._cells():
            self.sheet.formats[cell] = fmt

    @property
    def font(self) -> "FakeFont":
        return FakeFont(self)

    @property
    def color(self):
        return self.sheet.fills.get(self._top_left())

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.writes += 1
        for cell in self._cells():
            self.sheet.fills[cell] = rgb

    def clear_contents(self) -> None:
        for cell in self._cells():
            self.sheet.cells.pop(cell, None)

    def clear(self) -> None:
        for cell in self._cells():
            self.sheet.cells.pop(cell, None)
            self.sheet.formats.pop(cell, None)
            self.sheet.fills.pop(cell, None)
            self.sheet.bold.discard(cell)

    @property
    def conditional_formats(self) -> "FakeConditionalFormats":
        return FakeConditionalFormats(self)

    @property
    def left(self) -> float:
        return (self._top_left()[1] - 1) * 48.0

    @property
    def top(self) -> float:
        return (self._top_left()[0] - 1) * 15.0

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
        get, columns = self.sheet.cells.get, range(c1, c2 + 1)
        rows = [[_xl(get((r, c))) for c in columns] for r in range(r1, r2 + 1)]
        if getattr(self, "_ndim", None) == 2 or self.count > 1:
            return rows
        return rows[0][0]

    @value.setter
    def value(self, value: Any) -> None:
        self.set_value(value)


class FakeFont:
    def __init__(self, rng: FakeRange):
        self.rng = rng

    @property
    def bold(self) -> bool:
        return self.rng._top_left() in self.rng.sheet.bold

    @bold.setter
    def bold(self, value: bool) -> None:
        self.rng.sheet.writes += 1
        for cell in self.rng._cells():
            (self.rng.sheet.bold.add if value else self.rng.sheet.bold.discard)(cell)


class FakeConditionalFormats:
    def __init__(self, rng: FakeRange):
        self.rng = rng

    def clear(self) -> None:
        inside = set(self.rng._cells())
        self.rng.sheet.rules[:] = [r for r in self.rng.sheet.rules
                                   if FakeRange(self.rng.sheet, r[0])._top_left() not in inside]

    def add_custom(self, formula: str, *, fill_color=None, font_color=None, **_: Any) -> None:
        self.rng.sheet.writes += 1
        self.rng.sheet.rules.append((self.rng.ref, formula, fill_color, font_color))


class FakeChart:
    def __init__(self, charts: "FakeCharts", left, top, width, height):
        self.charts, self.left, self.top, self.width, self.height = charts, left, top, width, height
        self.name, self.chart_type, self.source = "Chart 1", None, None

    def set_source_data(self, rng: FakeRange) -> None:
        self.source = rng.ref

    @property
    def api(self):
        raise NotImplementedError("no Excel object model in the fake")

    def delete(self) -> None:
        self.charts.items.remove(self)


class FakeCharts:
    def __init__(self, sheet: "FakeSheet"):
        self.sheet, self.items = sheet, []

    def __iter__(self):
        return iter(list(self.items))

    def add(self, left=0, top=0, width=355, height=211) -> FakeChart:
        self.sheet.writes += 1
        chart = FakeChart(self, left, top, width, height)
        self.items.append(chart)
        return chart


class FakeUsedRange:
    def __init__(self, sheet: "FakeSheet"):
        row = max((r for r, _ in sheet.cells), default=1)
        self.last_cell = type("Cell", (), {"row": row})()


class FakeTable:
    def __init__(self, sheet: "FakeSheet", name: str, ref: str):
        self.name, self.range = name, FakeRange(sheet, ref)
        self.show_headers, self.show_totals = True, False


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], Any] = {}
        self.tables: list[FakeTable] = []
        self.formats: dict[tuple[int, int], str] = {}
        self.fills: dict[tuple[int, int], Any] = {}
        self.bold: set[tuple[int, int]] = set()
        self.rules: list[tuple] = []
        self.charts = FakeCharts(self)
        self.writes = 0  # how many writing calls were made

    def range(self, first, second=None) -> FakeRange:
        """sheet.range("A1:B2"), sheet.range((1, 1)), sheet.range((1, 1), (2, 2)) — 1-based, as xlwings."""
        from openpyxl.utils import get_column_letter

        def name(rc):
            return f"{get_column_letter(rc[1])}{rc[0]}"

        if isinstance(first, str):
            return FakeRange(self, first)
        return FakeRange(self, name(first) if second is None else f"{name(first)}:{name(second)}")

    @property
    def used_range(self) -> FakeUsedRange:
        return FakeUsedRange(self)

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


class FakeApp:
    def __init__(self):
        self.alerts: list[tuple[str, str]] = []
        self.status_bar = None

    def alert(self, prompt: str, title: str = "", **_: Any) -> None:
        self.alerts.append((title, prompt))


class FakeSheets(list):
    def __init__(self, book: "FakeBook"):
        super().__init__()
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    def add(self, name: str, before: "FakeSheet | None" = None, after: "FakeSheet | None" = None) -> "FakeSheet":
        """xlwings' ``Sheets.add``: a new sheet before or after another one (default: before the active one)."""
        assert all(s.name != name for s in self), f"a sheet named {name} exists"  # Excel refuses it
        sheet = FakeSheet(self.book, name)
        at = self.index(after) + 1 if after is not None else self.index(before) if before is not None else 0
        self.insert(at, sheet)
        return sheet


class FakeBook:
    def __init__(self, fullname: str = "C:\\Users\\me\\tracker.xlsm"):
        self.fullname = fullname
        self.sheets: FakeSheets = FakeSheets(self)
        self.names = FakeNames()
        self.app = FakeApp()

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
