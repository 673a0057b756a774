"""Checking a workbook package as Excel reads it: what Excel would repair, refuse or misread.

The Open XML SDK validates each part against its schema; it does not see a
cell style past the end of ``cellXfs``, a number format id that no
``<numFmt>`` defines, a table whose header cell says something other than
its column's name, a ``<sheet>`` whose ``r:id`` leads nowhere, two sheets with
one VBA code name, or a VBA project whose two module lists disagree.  This
module does, on any ``.xlsx``/``.xlsm``, and says for each finding what it
means for the person who opens the file.

Worksheets are read as a stream (:func:`lxml.etree.iterparse`), so checking a
tracker at Excel's row limit takes seconds and little memory.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree

from ..texts import Message
from .cells import parse_cell
from .package import open_package
from .vbaproject import read_vba_project
from .xml import CT, MAIN, PKG, R, q

CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"

# What a finding means for the person opening the file (Messages: English, said in the reader's language).
REPAIR = Message("doctor.meaning.repair")
UNREADABLE = Message("doctor.meaning.unreadable")
FORMATS = Message("doctor.meaning.formats")
VBA = Message("doctor.meaning.vba")
VBA_BROKEN = Message("doctor.meaning.vba_broken")
HARMLESS = Message("doctor.meaning.harmless")

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CONTENT_TYPES = {
    "officeDocument": {_SML + "sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                       _SML + "template.main+xml", "application/vnd.ms-excel.template.macroEnabled.main+xml"},
    "worksheet": {_SML + "worksheet+xml"},
    "styles": {_SML + "styles+xml"},
    "sharedStrings": {_SML + "sharedStrings+xml"},
    "table": {_SML + "table+xml"},
    "comments": {_SML + "comments+xml"},
    "theme": {"application/vnd.openxmlformats-officedocument.theme+xml"},
    "drawing": {"application/vnd.openxmlformats-officedocument.drawing+xml"},
    "chart": {"application/vnd.openxmlformats-officedocument.drawingml.chart+xml"},
    "vmlDrawing": {"application/vnd.openxmlformats-officedocument.vmlDrawing"},
    "vbaProject": {"application/vnd.ms-office.vbaProject"},
}
"""Relationship type (last segment) → the content types its target may have."""
MAX_LIST_VALIDATION = 255
"""Excel's limit on a data-validation list typed in (``"a,b,c"``), separators included."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong: how bad (``error``: Excel repairs, refuses or misreads; ``warning``: harmless to
    Excel, odd for other programs), where, what, and what it means for the person opening the file.

    ``message`` and ``meaning`` are English text, most of them :class:`~kpi_xl.texts.Message` s that
    ``texts(lang).say(...)`` says in another language."""

    severity: str
    part: str
    message: str
    meaning: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.severity} {self.part}: {self.message}"


def _num(value: str | None, default: int = 0) -> int:
    """An integer attribute (``default`` when absent); one that is no integer counts as past every range."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return 2**31


def parse_ref(ref: str) -> tuple[int, int]:
    """(row, column), 1-based, of ``B3`` (``$`` allowed).

    >>> parse_ref("$B$3")
    (3, 2)
    """
    row, col = parse_cell(ref)
    return row + 1, col + 1


def sheets_named(formula: str) -> list[str]:
    """The sheet names a formula or reference names.

    >>> sheets_named("'P&L'!A1+Settings!$B$4")
    ['P&L', 'Settings']
    """
    names = [m.group(1).replace("''", "'") for m in re.finditer(r"'((?:[^']|'')+)'!", formula)]
    stripped = re.sub(r"'(?:[^']|'')+'!", "", re.sub(r'"[^"]*"', "", formula))
    return names + re.findall(r"([A-Za-z_][\w.]*)!", stripped)


class Package:
    """A workbook package, its small parts parsed on demand (the sheets are streamed, never held)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.zf = open_package(path)
        self.names = {i.filename for i in self.zf.infolist() if not i.filename.endswith("/")}
        self._xml: dict[str, etree._Element | None] = {}
        self.parse_errors: dict[str, str] = {}

    def close(self) -> None:
        self.zf.close()

    def read(self, part: str) -> bytes:
        return self.zf.read(part)

    def xml(self, part: str | None) -> etree._Element | None:
        """The parsed part, or None (absent, or not well-formed: see :attr:`parse_errors`)."""
        if part is None:
            return None
        if part not in self._xml:
            root = None
            if part in self.names:
                try:
                    root = etree.fromstring(self.zf.read(part), _PARSER)
                except etree.XMLSyntaxError as e:
                    self.parse_errors[part] = e.msg
            self._xml[part] = root
        return self._xml[part]

    @cached_property
    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by extension, overrides by part name)."""
        root = self.xml("[Content_Types].xml")
        defaults, overrides = {}, {}
        if root is not None:
            for d in root.iter(q("Default", CT)):
                defaults[d.get("Extension", "").lower()] = d.get("ContentType", "")
            for o in root.iter(q("Override", CT)):
                overrides[o.get("PartName", "").lstrip("/")] = o.get("ContentType", "")
        return defaults, overrides

    def content_type(self, part: str) -> str | None:
        defaults, overrides = self.content_types
        if part in overrides:
            return overrides[part]
        return defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())

    def rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """Relationship id → (type's last segment, absolute target, external) of ``part`` ("" for the package)."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out = {}
        if root is None:
            return out
        for rel in root.iter(q("Relationship", PKG)):
            target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
            if not external:
                target = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join(folder, target)))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target, external)
        return out

    @cached_property
    def workbook_part(self) -> str:
        return next((t for kind, t, _ in self.rels("").values() if kind == "officeDocument"), "xl/workbook.xml")

    @cached_property
    def sheets(self) -> list[tuple[str, str | None, etree._Element]]:
        """(name, part or None when its r:id leads to no part, <sheet> element), in workbook order."""
        root = self.xml(self.workbook_part)
        if root is None:
            return []
        rels = self.rels(self.workbook_part)
        out = []
        for s in root.iter(q("sheet")):
            rel = rels.get(s.get(q("id", R), ""))
            out.append((s.get("name", ""), rel[1] if rel and rel[1] in self.names else None, s))
        return out

    @cached_property
    def styles(self) -> etree._Element | None:
        part = next((t for kind, t, _ in self.rels(self.workbook_part).values() if kind == "styles"), None)
        return self.xml(part)

    def style_list(self, name: str) -> list[etree._Element]:
        node = self.styles.find(q(name)) if self.styles is not None else None
        return [] if node is None else [c for c in node if isinstance(c.tag, str)]

    @cached_property
    def num_fmts(self) -> dict[int, str]:
        """The ``<numFmts>`` table (not the ``<numFmt>`` of the ``<dxf>`` s, which Excel keeps apart)."""
        return {_num(n.get("numFmtId"), -1): n.get("formatCode", "") for n in self.style_list("numFmts")}


def _is_xml(pkg: Package, part: str) -> bool:
    ct = pkg.content_type(part) or ""
    return part == "[Content_Types].xml" or part.endswith(".rels") or ct.endswith("xml")


# --- the package: content types and relationships ------------------------------------------


def _check_package(pkg: Package, out: list[Finding]) -> None:
    for part in sorted(pkg.names):
        if part != "[Content_Types].xml" and not part.endswith(".rels") and pkg.content_type(part) is None:
            out.append(Finding("error", part, Message("doctor.no_content_type"), REPAIR))
    reached, todo = set(), [""]
    while todo:
        part = todo.pop()
        for rid, (kind, target, external) in pkg.rels(part).items():
            if external:
                continue
            if target not in pkg.names:
                out.append(Finding("error", part or "/", Message("doctor.dangling_relationship", rid=rid, kind=kind,
                                                                 target=target), REPAIR))
                continue
            want, got = CONTENT_TYPES.get(kind), pkg.content_type(target)
            if want and got and got not in want:
                out.append(Finding("error", target, Message("doctor.wrong_content_type", got=got, part=part or "/",
                                                            kind=kind), REPAIR))
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for part in sorted(pkg.names - reached):
        if part != "[Content_Types].xml" and not part.endswith(".rels"):
            out.append(Finding("warning", part, Message("doctor.orphan_part"), HARMLESS))


def _check_workbook(pkg: Package, out: list[Finding]) -> None:
    wb = pkg.workbook_part
    root = pkg.xml(wb)
    if root is None:
        out.append(Finding("error", wb, Message("doctor.unreadable_workbook", error=_error(pkg, wb)), UNREADABLE))
        return
    for what, counter in (("doctor.sheet_name_twice", Counter(n.casefold() for n, _, _ in pkg.sheets)),
                          ("doctor.sheet_id_twice", Counter(s.get("sheetId") for _, _, s in pkg.sheets))):
        for key, n in counter.items():
            if n > 1:
                out.append(Finding("error", wb, Message(what, key=repr(key), n=n), REPAIR))
    for name, part, _ in pkg.sheets:
        if part is None:
            out.append(Finding("error", wb, Message("doctor.sheet_without_part", name=repr(name)), REPAIR))
    _check_names(pkg, root, out)


def _check_names(pkg: Package, root: etree._Element, out: list[Finding]) -> None:
    """Defined names: on existing sheets, each once per scope."""
    wb = pkg.workbook_part
    sheet_names = {n.casefold() for n, _, _ in pkg.sheets}
    seen: Counter = Counter()
    for d in root.iter(q("definedName")):
        name, local, text = d.get("name", ""), d.get("localSheetId"), d.text or ""
        seen[(name.casefold(), local)] += 1
        if local is not None and not 0 <= _num(local) < len(pkg.sheets):
            out.append(Finding("error", wb, Message("doctor.name_local_sheet", name=name, local=local), REPAIR))
        if "#REF!" in text:
            out.append(Finding("warning", wb, Message("doctor.name_deleted_reference", name=name, text=text),
                               Message("doctor.meaning.deleted_reference")))
        for sheet in sheets_named(text):
            if sheet.casefold() not in sheet_names:
                out.append(Finding("error", wb, Message("doctor.name_no_sheet", name=name, text=text,
                                                        sheet=repr(sheet)), REPAIR))
    for (name, local), n in seen.items():
        if n > 1:
            out.append(Finding("error", wb, Message("doctor.name_twice", name=name, local=str(local), n=n), REPAIR))


# --- styles -----------------------------------------------------------------------------


def _check_styles(pkg: Package, out: list[Finding]) -> None:
    part = next((t for kind, t, _ in pkg.rels(pkg.workbook_part).values() if kind == "styles"), "xl/styles.xml")
    if pkg.styles is None:
        if part in pkg.names:
            out.append(Finding("error", part, Message("doctor.unreadable_styles", error=_error(pkg, part)), UNREADABLE))
        return
    counts = {name: len(pkg.style_list(name)) for name in ("fonts", "fills", "borders", "cellStyleXfs", "dxfs")}
    for nid, n in Counter(_num(f.get("numFmtId"), -1) for f in pkg.style_list("numFmts")).items():
        if n > 1:
            out.append(Finding("error", part, Message("doctor.numfmt_twice", id=nid, n=n), FORMATS))
    for section in ("cellStyleXfs", "cellXfs"):
        for i, xf in enumerate(pkg.style_list(section)):
            _check_xf(section, i, xf, pkg.num_fmts, counts, part, out)
    for i, dxf in enumerate(pkg.style_list("dxfs")):
        n = dxf.find(q("numFmt"))
        if n is None:
            continue
        nid, code = _num(n.get("numFmtId"), -1), n.get("formatCode", "")
        if nid in pkg.num_fmts and pkg.num_fmts[nid] != code:
            out.append(Finding("warning", part, Message("doctor.dxf_numfmt", i=i, id=nid, code=repr(code),
                                                        other=repr(pkg.num_fmts[nid])), HARMLESS))


def _check_xf(section: str, i: int, xf: etree._Element, num_fmts: dict[int, str], counts: dict[str, int],
              part: str, out: list[Finding]) -> None:
    nid = _num(xf.get("numFmtId"), 0)
    if nid >= 164 and nid not in num_fmts:
        out.append(Finding("error", part, Message("doctor.xf_numfmt", section=section, i=i, id=nid), FORMATS))
    for attr, lst in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
        if _num(xf.get(attr), 0) >= counts[lst]:
            out.append(Finding("error", part, Message("doctor.xf_index", section=section, i=i, attr=attr,
                                                      value=str(xf.get(attr)), count=counts[lst], list=lst), REPAIR))
    if section == "cellXfs" and _num(xf.get("xfId"), 0) >= max(counts["cellStyleXfs"], 1):
        out.append(Finding("error", part, Message("doctor.xf_style", i=i, value=str(xf.get("xfId")),
                                                  count=counts["cellStyleXfs"]), REPAIR))


# --- worksheets (streamed) ----------------------------------------------------------------


@dataclass
class _Table:
    part: str
    name: str
    id: str | None
    first: tuple[int, int]  # 1-based (row, column) of the header's first cell
    columns: list[etree._Element]
    header: bool


@dataclass
class _SheetScan:
    """What a streamed worksheet holds that other checks need."""

    code_name: str | None = None
    headers: dict[tuple[int, int], tuple[str | None, str | None]] = field(default_factory=dict)
    """(row, column) of a table header cell → (its type ``t``, its raw text or shared-string index)."""


class _Limits:
    def __init__(self, pkg: Package):
        known = pkg.styles is not None
        self.xfs = len(pkg.style_list("cellXfs")) if known else 2**32
        self.dxfs = len(pkg.style_list("dxfs")) if known else 2**32
        self.sheet_names = {n.casefold() for n, _, _ in pkg.sheets}


def _tables(pkg: Package, part: str, out: list[Finding]) -> list[_Table]:
    tables = []
    for kind, target, external in pkg.rels(part).values():
        if kind != "table" or external:
            continue
        t = pkg.xml(target)
        if t is None:
            out.append(Finding("error", target, Message("doctor.unreadable_table", error=_error(pkg, target)), REPAIR))
            continue
        try:
            first, _, last = (t.get("ref") or "").partition(":")
            (r0, c0), (_, c1) = parse_ref(first), parse_ref(last)
        except ValueError:
            out.append(Finding("error", target, Message("doctor.table_ref", name=str(t.get("name")),
                                                        ref=repr(t.get("ref"))), REPAIR))
            continue
        columns = t.findall(f"{q('tableColumns')}/{q('tableColumn')}")
        if len(columns) != c1 - c0 + 1:
            out.append(Finding("error", target, Message("doctor.table_columns", name=str(t.get("name")),
                                                        n=len(columns), ref=str(t.get("ref"))), REPAIR))
        tables.append(_Table(target, t.get("name") or "", t.get("id"), (r0, c0), columns,
                             _num(t.get("headerRowCount"), 1) > 0))
    return tables


def _scan_sheet(pkg: Package, name: str, part: str, tables: list[_Table], limits: _Limits,
                out: list[Finding]) -> _SheetScan:
    """Stream one worksheet: row and cell order, style indexes, conditional formats, validations."""
    scan = _SheetScan()
    wanted = {(t.first[0], t.first[1] + j) for t in tables if t.header for j in range(len(t.columns))}
    last_row = last_col = 0
    with pkg.zf.open(part) as f:
        try:
            for event, elem in etree.iterparse(f, events=("start", "end"), resolve_entities=False, huge_tree=True):
                tag = etree.QName(elem).localname if isinstance(elem.tag, str) else ""
                if event == "start":
                    if tag == "sheetPr":
                        scan.code_name = elem.get("codeName")
                    elif tag == "row":
                        r = _num(elem.get("r"), last_row + 1)
                        if r <= last_row:
                            out.append(Finding("error", part, Message("doctor.row_order", sheet=name, row=r,
                                                                      last=last_row), REPAIR))
                        last_row, last_col = r, 0
                        _style(elem.get("s"), limits, part, out, "doctor.where.row", sheet=name, row=r)
                    continue
                if tag == "c":
                    last_col = _cell(elem, name, part, last_row, last_col, limits, wanted, scan, out)
                elif tag == "col":
                    _style(elem.get("style"), limits, part, out, "doctor.where.col", sheet=name)
                elif tag == "cfRule" and elem.get("dxfId") is not None and _num(elem.get("dxfId")) >= limits.dxfs:
                    out.append(Finding("error", part, Message("doctor.cf_dxf", sheet=name, id=elem.get("dxfId"),
                                                              count=limits.dxfs), REPAIR))
                elif tag == "dataValidation":
                    _validation(elem, name, part, limits, out)
                if tag in ("row", "c", "col", "cfRule", "dataValidation"):
                    elem.clear(keep_tail=True)
        except etree.XMLSyntaxError as e:
            pkg.parse_errors[part] = e.msg
            out.append(Finding("error", part, Message("doctor.sheet_xml", sheet=name, error=e.msg), UNREADABLE))
    return scan


def _style(value: str | None, limits: _Limits, part: str, out: list[Finding], where: str, **params: object) -> None:
    """A style index past the end of ``cellXfs``; ``where`` is the text key that says where, with its ``params``
    (made only for a finding: this runs on every row and cell)."""
    if value is not None and _num(value) >= limits.xfs:
        out.append(Finding("error", part, Message("doctor.style_index", where=Message(where, **params), value=value,
                                                  count=limits.xfs), REPAIR))


def _cell(elem: etree._Element, name: str, part: str, row: int, last_col: int, limits: _Limits,
          wanted: set, scan: _SheetScan, out: list[Finding]) -> int:
    ref = elem.get("r")
    if ref is None:
        cr, cc = row, last_col + 1
    else:
        try:
            cr, cc = parse_ref(ref)
        except ValueError:
            out.append(Finding("error", part, Message("doctor.cell_ref", sheet=name, ref=repr(ref)), REPAIR))
            return last_col
    if cr != row:
        out.append(Finding("error", part, Message("doctor.cell_row", sheet=name, ref=str(ref), row=row), REPAIR))
    if cc <= last_col:
        out.append(Finding("error", part, Message("doctor.cell_order", sheet=name, ref=str(ref), row=row), REPAIR))
    _style(elem.get("s"), limits, part, out, "doctor.where.cell", sheet=name, ref=str(ref))
    if (cr, cc) in wanted:
        t = elem.get("t")
        if t == "inlineStr":
            scan.headers[(cr, cc)] = (t, "".join(x.text or "" for x in elem.iter(q("t"))))
        else:
            v = elem.find(q("v"))
            scan.headers[(cr, cc)] = (t, v.text if v is not None else None)
    return cc


def _validation(elem: etree._Element, name: str, part: str, limits: _Limits, out: list[Finding]) -> None:
    f1 = elem.find(q("formula1"))
    text = f1.text if f1 is not None and f1.text else ""
    if elem.get("type") == "list" and text.startswith('"') and len(text) - 2 > MAX_LIST_VALIDATION:
        out.append(Finding("error", part, Message("doctor.list_validation", sheet=name, sqref=str(elem.get("sqref")),
                                                  n=len(text) - 2, limit=MAX_LIST_VALIDATION), REPAIR))
    for sheet in sheets_named(text):
        if sheet.casefold() not in limits.sheet_names:
            out.append(Finding("error", part, Message("doctor.validation_sheet", sheet=name,
                                                      sqref=str(elem.get("sqref")), name=repr(sheet)), REPAIR))


def _shared_strings(pkg: Package, wanted: set[int]) -> dict[int, str]:
    """The shared strings at indexes ``wanted`` (streamed: a tracker may hold a million)."""
    part = next((t for kind, t, _ in pkg.rels(pkg.workbook_part).values() if kind == "sharedStrings"), None)
    found: dict[int, str] = {}
    if not wanted or part is None or part not in pkg.names:
        return found
    with pkg.zf.open(part) as f:
        i = 0
        for _, si in etree.iterparse(f, tag=q("si"), resolve_entities=False, huge_tree=True):
            if i in wanted:
                found[i] = "".join(t.text or "" for t in si.iter(q("t")) if t.getparent().tag != q("rPh"))
            i += 1
            si.clear(keep_tail=True)
            if len(found) == len(wanted):
                break
    return found


def _check_headers(pkg: Package, name: str, tables: list[_Table], scan: _SheetScan, strings: dict[int, str],
                   out: list[Finding]) -> None:
    for t in tables:
        if not t.header:
            continue
        for j, col in enumerate(t.columns):
            kind, raw = scan.headers.get((t.first[0], t.first[1] + j), (None, None))
            text = strings.get(_num(raw)) if kind == "s" else raw
            if text != col.get("name"):
                out.append(Finding("error", t.part, Message("doctor.header_cell", table=t.name,
                                                            column=repr(col.get("name")), sheet=name, row=t.first[0],
                                                            text=repr(text)), REPAIR))


def _check_sheets(pkg: Package, out: list[Finding]) -> dict[str, str | None]:
    """Every worksheet; returns each sheet's code name (for the VBA check)."""
    limits = _Limits(pkg)
    scans: list[tuple[str, list[_Table], _SheetScan]] = []
    for name, part, _ in pkg.sheets:
        if part is None:
            continue
        tables = _tables(pkg, part, out)
        _check_table_dxfs(tables, limits, out)
        scans.append((name, tables, _scan_sheet(pkg, name, part, tables, limits, out)))
        for kind, target, external in pkg.rels(part).values():
            if kind == "drawing" and not external:
                _check_drawing(pkg, target, limits.sheet_names, out)
    wanted = {_num(raw) for _, _, scan in scans for kind, raw in scan.headers.values() if kind == "s"}
    strings = _shared_strings(pkg, wanted)
    for name, tables, scan in scans:
        _check_headers(pkg, name, tables, scan, strings, out)
    tables = [t for _, ts, _ in scans for t in ts]
    for what, counter in (("doctor.table_name_twice", Counter(t.name.casefold() for t in tables)),
                          ("doctor.table_id_twice", Counter(t.id for t in tables))):
        for key, n in counter.items():
            if n > 1:
                out.append(Finding("error", "xl/tables", Message(what, key=str(key), n=n), REPAIR))
    code_names = {name: scan.code_name for name, _, scan in scans}
    _check_code_names(pkg, code_names, out)
    return code_names


def _check_code_names(pkg: Package, code_names: dict[str, str | None], out: list[Finding]) -> None:
    owners = defaultdict(list)
    for name, code in code_names.items():
        if code:
            owners[code.casefold()].append(name)
    for code, names in owners.items():
        if len(names) > 1:
            out.append(Finding("error", pkg.workbook_part, Message("doctor.code_name_twice", code=repr(code),
                                                                   sheets=names), REPAIR))


def _check_table_dxfs(tables: list[_Table], limits: _Limits, out: list[Finding]) -> None:
    for t in tables:
        for col in t.columns:
            for attr in ("dataDxfId", "headerRowDxfId", "totalsRowDxfId"):
                if col.get(attr) is not None and _num(col.get(attr)) >= limits.dxfs:
                    out.append(Finding("error", t.part, Message("doctor.table_dxf", table=t.name,
                                                                column=str(col.get("name")), attr=attr,
                                                                value=col.get(attr), count=limits.dxfs), REPAIR))


def _check_drawing(pkg: Package, drawing: str, sheet_names: set[str], out: list[Finding]) -> None:
    for kind, target, external in pkg.rels(drawing).values():
        if kind != "chart" or external:
            continue
        chart = pkg.xml(target)
        if chart is None:
            out.append(Finding("error", target, Message("doctor.unreadable_chart", error=_error(pkg, target)), REPAIR))
            continue
        for f in chart.iter(q("f", CHART)):
            for sheet in sheets_named(f.text or ""):
                if sheet.casefold() not in sheet_names:
                    out.append(Finding("error", target, Message("doctor.chart_sheet", formula=str(f.text),
                                                                sheet=repr(sheet)), REPAIR))


# --- VBA ------------------------------------------------------------------------------------


def _check_vba(pkg: Package, code_names: dict[str, str | None], out: list[Finding]) -> None:
    """The VBA project's two module lists, and its document modules against the sheets' code names."""
    part = "xl/vbaProject.bin"
    if part not in pkg.names:
        return
    try:
        project = read_vba_project(pkg.read(part))
    except Exception as e:  # a damaged project: say so, check nothing more
        out.append(Finding("error", part, str(e), VBA_BROKEN))
        return
    for message in project.mismatches():
        out.append(Finding("error", part, Message("doctor.vba_lists", mismatch=message), VBA_BROKEN))
    wb = pkg.xml(pkg.workbook_part)
    if wb is None:  # reported already; every sheet would look orphaned
        return
    pr = wb.find(q("workbookPr"))
    owners = [(Message("doctor.owner.workbook"), pr.get("codeName") if pr is not None else None)]
    owners += [(Message("doctor.owner.sheet", name=name), code) for name, code in code_names.items()]
    nameless = [owner for owner, code in owners if not code]
    if nameless:
        out.append(Finding("warning", pkg.workbook_part, Message("doctor.no_code_name", owners=nameless), VBA))
    for owner, code in owners:
        if code and code.casefold() not in project.documents:
            out.append(Finding("warning", pkg.workbook_part, Message("doctor.unknown_code_name", owner=owner,
                                                                     code=code), VBA))
    used = {(code or "").casefold() for _, code in owners}
    orphans = [m for kind, m in project.project if kind == "Document" and m.casefold() not in used]
    if orphans and len(code_names) == len(pkg.sheets):
        out.append(Finding("warning", part, Message("doctor.orphan_modules", modules=orphans), VBA))


def _error(pkg: Package, part: str) -> str:
    """Why a part cannot be read: the parser's message, or that it is missing."""
    return pkg.parse_errors[part] if part in pkg.parse_errors else Message("doctor.missing")


# --- all of it -----------------------------------------------------------------------------


def not_well_formed(path: str | Path) -> dict[str, str]:
    """XML part → parser message, for every XML part (the .rels included, VML left out) that does not parse."""
    pkg = Package(path)
    try:
        for part in pkg.names:
            if _is_xml(pkg, part):
                pkg.xml(part)
        return dict(pkg.parse_errors)
    finally:
        pkg.close()


def structure(path: str | Path) -> list[Finding]:
    """What Excel would repair, refuse or misread, and no schema sees: errors and warnings, sorted."""
    pkg = Package(path)
    out: list[Finding] = []
    try:
        _check_package(pkg, out)
        _check_workbook(pkg, out)
        _check_styles(pkg, out)
        code_names = _check_sheets(pkg, out)
        _check_vba(pkg, code_names, out)
        for part in sorted(pkg.names):
            if part not in pkg.parse_errors and _is_xml(pkg, part) and not part.startswith("xl/worksheets/"):
                pkg.xml(part)
        reported = {f.part for f in out if f.meaning == UNREADABLE}
        for part, message in sorted(pkg.parse_errors.items()):
            if part not in reported:
                out.append(Finding("error", part, Message("doctor.not_well_formed", error=message), UNREADABLE))
    finally:
        pkg.close()
    return sorted(set(out))


def errors(path: str | Path) -> list[Finding]:
    return [f for f in structure(path) if f.severity == "error"]


def new_errors(got: str | Path, before: str | Path) -> list[Finding]:
    """The errors of ``got`` that ``before`` (the file it was made from) did not have."""
    old = set(errors(before))
    return [f for f in errors(got) if f not in old]


__all__ = ["Finding", "Package", "structure", "errors", "new_errors", "not_well_formed", "parse_ref", "MAIN"]
