"""The small metadata of a workbook package: sheets, defined names, tables.

Read straight from the zip's XML parts with the standard library.  openpyxl
only exposes tables after loading a worksheet's cells, which for a
million-row `Ads` sheet means minutes; these parts are a few kilobytes.
"""

from __future__ import annotations

import codecs
import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .errors import WorkbookError

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_ID = f"{{{NS['r']}}}id"

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")


def column_letter(index: int) -> str:
    """``A`` for 0, ``AA`` for 26.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0 for ``A``.

    >>> column_index("A"), column_index("AA")
    (0, 26)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_cell(ref: str) -> tuple[int, int]:
    """(row, column), both 0-based, of ``B3`` or ``$B$3``.

    >>> parse_cell("$B$3")
    (2, 1)
    """
    m = _CELL.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m[2]) - 1, column_index(m[1])


def cell_name(row: int, col: int) -> str:
    """``B3`` for 0-based (2, 1)."""
    return f"{column_letter(col)}{row + 1}"


@dataclass(frozen=True)
class TableInfo:
    name: str
    sheet: str
    part: str
    ref: str
    columns: tuple[str, ...]
    header_rows: int
    totals_rows: int

    @property
    def first_row(self) -> int:
        """0-based row of the table's first line (its header)."""
        return parse_cell(self.ref.split(":")[0])[0]

    @property
    def first_col(self) -> int:
        return parse_cell(self.ref.split(":")[0])[1]

    @property
    def last_row(self) -> int:
        return parse_cell(self.ref.split(":")[-1])[0]

    @property
    def data_rows(self) -> int:
        return self.last_row - self.first_row + 1 - self.header_rows - self.totals_rows

    def data_row(self, i: int) -> int:
        """0-based sheet row of the table's ``i``-th data row."""
        return self.first_row + self.header_rows + i

    def cell(self, i: int, column: str) -> str:
        """``B7`` for data row ``i`` of ``column`` (a header of this table)."""
        return cell_name(self.data_row(i), self.first_col + self.columns.index(column))

    def header_cell(self, column: str) -> str:
        return cell_name(self.first_row, self.first_col + self.columns.index(column))


@dataclass(frozen=True)
class DefinedName:
    name: str
    sheet: str | None
    ref: str  # as written, e.g. "$B$3" or "$B$3:$C$4"
    local_sheet: int | None = None

    def single_cell(self) -> tuple[int, int] | None:
        try:
            return parse_cell(self.ref)
        except ValueError:
            return None


@dataclass(frozen=True)
class PackageInfo:
    sheets: dict[str, str]  # sheet name → part path, in workbook order
    names: dict[str, DefinedName]  # casefolded name → workbook-level defined name
    tables: dict[str, TableInfo]  # casefolded table name → table

    def table(self, name: str) -> TableInfo | None:
        return self.tables.get(name.casefold())

    def name(self, name: str) -> DefinedName | None:
        return self.names.get(name.casefold())


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, absolute target part) for a part."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in zf.namelist():
        return {}
    root = ET.fromstring(zf.read(rels_part))
    out = {}
    for rel in root.findall("rel:Relationship", NS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    return out


def read_package(path: str | Path) -> PackageInfo:
    """Sheets, workbook-level defined names and tables of an .xlsx/.xlsm file."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, IsADirectoryError, PermissionError) as e:
        raise WorkbookError(f"{path}: not an Excel workbook (.xlsx or .xlsm): {e}") from None
    with zf:
        try:
            workbook_part = "xl/workbook.xml"
            root = ET.fromstring(zf.read(workbook_part))
        except KeyError:
            raise WorkbookError(f"{path}: not an Excel workbook (no xl/workbook.xml)") from None
        rels = _rels(zf, workbook_part)
        sheets: dict[str, str] = {}
        sheet_order: list[str] = []
        for sheet in root.findall("m:sheets/m:sheet", NS):
            name = sheet.get("name", "")
            sheets[name] = rels.get(sheet.get(_R_ID), ("", ""))[1]
            sheet_order.append(name)
        names: dict[str, DefinedName] = {}
        for dn in root.findall("m:definedNames/m:definedName", NS):
            local = dn.get("localSheetId")
            m = _REF.match((dn.text or "").strip())
            sheet, ref = (m[1].replace("''", "'") if m[1] else m[2], m[3]) if m else (None, dn.text or "")
            if local is None:  # sheet-scoped names (print areas, filters) are not Settings
                names[dn.get("name", "").casefold()] = DefinedName(dn.get("name", ""), sheet, ref)
        tables: dict[str, TableInfo] = {}
        for sheet_name, part in sheets.items():
            for rel_type, target in _rels(zf, part).values():
                if rel_type != "table":
                    continue
                t = ET.fromstring(zf.read(target))
                name = t.get("displayName") or t.get("name", "")
                columns = tuple(c.get("name", "") for c in t.findall("m:tableColumns/m:tableColumn", NS))
                tables[name.casefold()] = TableInfo(
                    name, sheet_name, target, t.get("ref", ""), columns,
                    int(t.get("headerRowCount", "1")), int(t.get("totalsRowCount", "0")),
                )
    return PackageInfo(sheets, names, tables)


# --- one row of a sheet, without loading the sheet ---------------------------------

_ROW_START = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
_ROW_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_T = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)


def read_row(path: str | Path, part: str, row: int, first_col: int, count: int) -> list[object] | None:
    """The values of ``count`` cells from (``row``, ``first_col``), 0-based, of a worksheet part.

    Only the sheet's XML up to that row is read, and the shared strings up
    to the highest one needed, so a million-row sheet costs no more than a
    small one.  Text is a ``str``, a number a ``float``, a blank ``None``.
    None when the row cannot be found the way Excel writes sheets (rows with
    ``r=`` numbers, unprefixed tags).
    """
    with zipfile.ZipFile(path) as zf:
        xml = _row_xml(zf, part, row + 1)
        if xml is None:
            return None
        found: dict[int, tuple[str, str]] = {}
        for m in _ROW_CELL.finditer(xml):
            ref = re.search(r'\br="([A-Z]+)\d+"', m.group(1))
            if ref is None:
                return None
            col = column_index(ref.group(1)) - first_col
            if 0 <= col < count:
                kind = re.search(r'\bt="(\w+)"', m.group(1))
                found[col] = (kind.group(1) if kind else "n", m.group(2) or "")
        shared = [int(v) for k, body in found.values() if k == "s" and (v := _v(body)) is not None and v.isdigit()]
        strings = _shared_strings(zf, max(shared)) if shared else []
        return [_value(*found[i], strings) if i in found else None for i in range(count)]


def _v(body: str) -> str | None:
    m = re.search(r"<v>(.*?)</v>", body, re.S)
    return m.group(1) if m else None


def _value(kind: str, body: str, strings: list[str]) -> object:
    if kind == "inlineStr":
        return html.unescape("".join(_T.findall(body)))
    v = _v(body)
    if v is None:
        return None
    if kind == "s":
        i = int(v)
        return strings[i] if i < len(strings) else None
    if kind in ("str", "e"):
        return html.unescape(v)
    try:
        return float(v)
    except ValueError:
        return html.unescape(v)


def _row_xml(zf: zipfile.ZipFile, part: str, r: int) -> str | None:
    """The XML inside row ``r`` (1-based) of a sheet part, "" for a blank row: read in pieces, up to that row."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    buf, eof = "", False
    with zf.open(part) as f:
        while True:
            for m in _ROW_START.finditer(buf):
                n = int(m.group(1))
                if n > r or (n == r and m.group(2)):
                    return ""  # no such row, or an empty one: every cell of it is blank
                if n == r:
                    end = buf.find("</row>", m.end())
                    if end >= 0:
                        return buf[m.end():end]
                    buf = buf[m.start():]  # its end is in the next pieces
                    break
            else:
                if "</sheetData>" in buf:
                    return ""
                cut = buf.rfind("<")
                buf = buf[cut:] if cut >= 0 else ""  # keep a tag the piece may have cut in two
            if eof:
                return None
            chunk = f.read(1 << 16)
            eof = not chunk
            buf += decoder.decode(chunk, final=eof)


def _shared_strings(zf: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings 0 … ``last``, read as a stream (a big tracker has millions of them)."""
    out: list[str] = []
    try:
        with zf.open("xl/sharedStrings.xml") as f:
            for _, elem in ET.iterparse(f, events=("end",)):
                if elem.tag != f"{{{NS['m']}}}si":
                    continue
                out.append(_si_text(elem))
                elem.clear()
                if len(out) > last:
                    break
    except KeyError:
        pass
    return out


def _si_text(si: ET.Element) -> str:
    """A shared string's text: its ``<t>``, or its rich-text runs' (phonetic hints left out)."""
    t, r = f"{{{NS['m']}}}t", f"{{{NS['m']}}}r"
    parts = []
    for child in si:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            parts.extend(x.text or "" for x in child if x.tag == t)
    return "".join(parts)
