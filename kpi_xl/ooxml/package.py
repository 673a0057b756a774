"""The structure of a workbook package: parts, relationships, content types, sheets, names, tables.

Read straight from the zip's small XML parts with the standard library.
openpyxl only exposes tables after loading a worksheet's cells, which for a
million-row `Ads` sheet means minutes; these parts are a few kilobytes.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from xml.etree import ElementTree as ET

from ..errors import WorkbookError
from ..texts import Message, SettingLabel, Sheet
from .cells import cell_name, parse_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"m": MAIN, "r": R, "rel": PKG}
_R_ID = f"{{{R}}}id"

WORKBOOK = "xl/workbook.xml"
STYLES = "xl/styles.xml"
VBA_PART = "xl/vbaProject.bin"
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPE = {
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing",
}

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")


# --- relationships -----------------------------------------------------------


def rels_part(part: str) -> str:
    """The relationships part of ``part``: ``xl/_rels/workbook.xml.rels`` for ``xl/workbook.xml``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


@dataclass
class Rel:
    id: str
    type: str  # the last segment: "drawing", "chart", "vmlDrawing", …
    target: str  # absolute part name (or the URL of an external target)
    raw_type: str
    external: bool = False


def _read(files: zipfile.ZipFile | Mapping[str, bytes], name: str) -> bytes:
    return files.read(name) if isinstance(files, zipfile.ZipFile) else files[name]


def read_rels(files: zipfile.ZipFile | Mapping[str, bytes], part: str) -> list[Rel]:
    """The relationships of ``part`` (none when it has no relationships part)."""
    try:
        data = _read(files, rels_part(part))
    except KeyError:
        return []
    folder = posixpath.dirname(part)
    out = []
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        where = f"{files.filename}: " if isinstance(files, zipfile.ZipFile) else ""
        raise WorkbookError(f"{where}{rels_part(part)} is not well-formed XML ({e}): the file is damaged; "
                            "kpi-xl doctor says more") from None
    for rel in root.findall(f"{{{PKG}}}Relationship"):
        target = rel.get("Target", "")
        external = rel.get("TargetMode") == "External"
        if not external:
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
        raw_type = rel.get("Type", "")
        out.append(Rel(rel.get("Id", ""), raw_type.rsplit("/", 1)[-1], target, raw_type, external))
    return out


def write_rels(part: str, rels: list[Rel]) -> bytes:
    """The relationships part of ``part`` holding ``rels`` (targets relative to ``part``)."""
    folder = posixpath.dirname(part)
    items = []
    for r in rels:
        target = r.target if r.external else posixpath.relpath(r.target, folder)
        mode = ' TargetMode="External"' if r.external else ""
        items.append(f'<Relationship Id="{r.id}" Type="{r.raw_type}" Target="{html.escape(target)}"{mode}/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG}">' + "".join(items) + "</Relationships>").encode()


def parse_part(zf: zipfile.ZipFile, part: str) -> ET.Element:
    """A small part's root element; a :class:`WorkbookError` naming the file and the part if it is not XML."""
    try:
        return ET.fromstring(zf.read(part))
    except KeyError:
        raise WorkbookError(f"{zf.filename}: the part {part} is missing: the file is damaged; "
                            "kpi-xl doctor says more") from None
    except ET.ParseError as e:
        raise WorkbookError(f"{zf.filename}: {part} is not well-formed XML ({e}): the file is damaged; "
                            "kpi-xl doctor says more") from None


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name, in workbook order."""
    root = parse_part(zf, WORKBOOK)
    rels = {r.id: r.target for r in read_rels(zf, WORKBOOK)}
    return {s.get("name", ""): rels[s.get(_R_ID)] for s in root.iter(f"{{{MAIN}}}sheet")}


# --- tables and names ----------------------------------------------------------


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

    def single_cell(self) -> tuple[int, int] | None:
        try:
            return parse_cell(self.ref)
        except ValueError:
            return None


@dataclass(frozen=True)
class PackageInfo:
    sheets: dict[str, str]  # sheet name → part path, in workbook order
    names: dict[str, DefinedName]  # casefolded name → workbook-level defined name
    tables: dict[str, TableInfo]  # casefolded table name → table (the first, when two share a name)
    duplicates: tuple[tuple[str, str], ...] = ()  # (where, message): two tables or names Excel would not allow
    recalc: bool = False  # the workbook asks Excel to recalculate every formula on opening (calcPr fullCalcOnLoad)

    def table(self, name: str) -> TableInfo | None:
        return self.tables.get(name.casefold())

    def name(self, name: str) -> DefinedName | None:
        return self.names.get(name.casefold())


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel and save it as an Excel Macro-Enabled Workbook (.xlsm)"


def _not_a_package(path: Path, head: bytes, size: int, reason: str) -> str:
    """Why ``path`` is no workbook package, in words a user can act on."""
    if path.name.startswith("~$") and size < 1024:
        return (f"not a workbook but Excel's lock file: Excel has {path.name[2:]} open (run kpi-xl on "
                f"{path.name[2:]} itself)")
    if size == 0:
        return "an empty file (0 bytes), not a workbook: restore it from a backup, or make a new one with kpi-xl new"
    if head.startswith(_OLE2):
        return _ole2_kind(path)
    if head.startswith(b"PK"):
        return (f"a damaged workbook: the file is cut short or corrupt ({reason}); restore it from a backup, or "
                "open it in Excel, which may repair it, and save it again")
    return f"not an Excel workbook (.xlsx or .xlsm): {_SAVE_AS}"


def _ole2_kind(path: Path) -> str:
    """An OLE2 file: a password-protected (encrypted) workbook, or a legacy .xls."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(s).casefold() for s in ole.listdir()}
    except Exception:  # not even a readable OLE2 file
        streams = set()
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return ("a password-protected (encrypted) workbook, which kpi-xl cannot read: in Excel, File › Info › "
                "Protect Workbook › Encrypt with Password, clear the password, save, then run kpi-xl again")
    if "workbook" in streams or "book" in streams:
        return f"an Excel 97-2003 workbook (.xls), which kpi-xl does not read: {_SAVE_AS}"
    return f"an Office file that is not an Excel workbook (.xlsx or .xlsm): {_SAVE_AS}"


def open_package(path: str | Path) -> zipfile.ZipFile:
    """The workbook's zip, or a :class:`~kpi_xl.errors.WorkbookError` saying why it cannot be one."""
    path = Path(path)
    try:
        if path.is_dir():
            raise WorkbookError(f"{path}: a folder, not a workbook: name the tracker file inside it")
        with open(path, "rb") as f:
            head = f.read(8)
            size = f.seek(0, 2)
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file: check the name and the folder") from None
    except PermissionError as e:
        raise WorkbookError(f"{path}: cannot be read ({e.strerror}): check its permissions") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise WorkbookError(f"{path}: {_not_a_package(path, head, size, str(e))}") from None


def _package_kind(path: Path, names: set[str]) -> None:
    """A zip that is a spreadsheet of another kind (OpenDocument, Excel binary): say which."""
    if "content.xml" in names and "mimetype" in names:
        raise WorkbookError(f"{path}: an OpenDocument spreadsheet (.ods), which kpi-xl does not read: open it in "
                            "LibreOffice or Excel and save it as an Excel Macro-Enabled Workbook (.xlsm)")
    if "xl/workbook.bin" in names:
        raise WorkbookError(f"{path}: an Excel binary workbook (.xlsb), which kpi-xl does not read: {_SAVE_AS}")
    raise WorkbookError(f"{path}: a zip file, not an Excel workbook (no {WORKBOOK}): {_SAVE_AS}")


def read_package(path: str | Path) -> PackageInfo:
    """Sheets, workbook-level defined names and tables of an .xlsx/.xlsm file."""
    with open_package(path) as zf:
        if WORKBOOK not in zf.NameToInfo:
            _package_kind(Path(path), set(zf.NameToInfo))
        root = parse_part(zf, WORKBOOK)
        rels = {r.id: r.target for r in read_rels(zf, WORKBOOK) if not r.external}
        sheets: dict[str, str] = {}
        for sheet in root.findall("m:sheets/m:sheet", NS):
            sheets[sheet.get("name", "")] = rels.get(sheet.get(_R_ID), "")
        names: dict[str, DefinedName] = {}
        duplicates: list[tuple[str, str]] = []
        for dn in root.findall("m:definedNames/m:definedName", NS):
            m = _REF.match((dn.text or "").strip())
            sheet, ref = (m[1].replace("''", "'") if m[1] else m[2], m[3]) if m else (None, (dn.text or "").strip())
            if dn.get("localSheetId") is None:  # sheet-scoped names (print areas, filters) are not Settings
                key = dn.get("name", "").casefold()
                if key in names:
                    duplicates.append((Message("input.where.setting", cell=Sheet("Settings"),
                                               name=SettingLabel(dn.get("name", ""))),
                                       Message("input.setting.twice", name=dn.get("name", ""))))
                names[key] = DefinedName(dn.get("name", ""), sheet, ref)
        tables: dict[str, TableInfo] = {}
        for sheet_name, part in sheets.items():
            for rel in read_rels(zf, part):
                if rel.external or rel.type != "table":
                    continue
                table = _table_info(zf, rel.target, sheet_name)
                if table.name.casefold() in tables:
                    other = tables[table.name.casefold()]
                    duplicates.append((table.name, Message("input.table.twice", table=table.name,
                                                           first=other.sheet, second=table.sheet)))
                tables.setdefault(table.name.casefold(), table)
        calc = root.find("m:calcPr", NS)
        recalc = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
    return PackageInfo(sheets, names, tables, tuple(duplicates), recalc)


_RANGE = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")


def _table_info(zf: zipfile.ZipFile, part: str, sheet: str) -> TableInfo:
    t = parse_part(zf, part)
    name = t.get("displayName") or t.get("name", "")
    columns = tuple(c.get("name", "") for c in t.findall("m:tableColumns/m:tableColumn", NS))
    ref = t.get("ref", "")
    counts = (t.get("headerRowCount", "1"), t.get("totalsRowCount", "0"))
    if not _RANGE.match(ref) or not all(c.isdigit() for c in counts):
        raise WorkbookError(f"{zf.filename}: {part} (table {name} on {sheet}) has no valid range "
                            f'(ref="{ref}"): the file is damaged; open it in Excel, which may repair it')
    return TableInfo(name, sheet, part, ref.replace("$", ""), columns, int(counts[0]), int(counts[1]))


def has_macros(path: str | Path) -> bool:
    """Whether the workbook at ``path`` holds a VBA project (an .xlsm's macros)."""
    with zipfile.ZipFile(path) as z:
        return VBA_PART in z.NameToInfo


def required_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of a part every workbook has; a :class:`WorkbookError` naming it when the file lacks it."""
    try:
        return zf.read(name)
    except KeyError:
        raise WorkbookError(f"{zf.filename}: a damaged workbook: its part {name} is missing (kpi-xl doctor says what "
                            "Excel would make of it); restore it from a backup, or open it in Excel, which may "
                            "repair it, and save it again") from None
