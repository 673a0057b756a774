"""Replace some worksheets of a workbook package with ones laid out in another, copying the rest raw.

A refresh rewrites the output sheets (`Dashboard`, `Ads Summary`, `P&L`, …)
and nothing else.  Loading and saving the whole workbook (openpyxl) would
take minutes and gigabytes on a million-row tracker and would re-serialise
parts it does not understand; here the input sheets, the VBA project, the
tables, the names and every part we do not own are copied as the zip holds
them (:mod:`.zipfiles`).

The new sheets are laid out by XlsxWriter in a scratch workbook; this module
transplants them:

* cell styles and conditional-format styles are merged into the target's
  ``styles.xml`` (:class:`.styles.StyleMerger`: an identical style is reused,
  so refreshing twice gives the same file), and every ``s=``/``style=``/
  ``dxfId=`` index is remapped;
* shared strings become inline strings (the target's shared string table,
  which may hold a million labels, is left alone);
* the sheets' drawings, charts and VML (the button) get fresh part names, and
  the parts the old sheets used are dropped;
* ``calcChain.xml`` is dropped (Excel rebuilds it), ``[Content_Types].xml``
  and the relationships follow.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable
from xml.etree import ElementTree as ET

from lxml import etree

from ..errors import WorkbookError
from .package import (
    CONTENT_TYPE,
    CONTENT_TYPES,
    STYLES,
    WORKBOOK,
    Rel,
    read_rels,
    rels_part,
    required_part,
    sheet_parts,
    write_rels,
)
from .styles import StyleMerger
from .xml import CT, MAIN, R, adopt, child, elements, parse, q, serialize
from .zipfiles import rewrite


def shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        root = ET.fromstring(zf.read("xl/sharedStrings.xml"))
    except KeyError:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t")) for si in root.findall(f"{{{MAIN}}}si")]


_CELL = re.compile(r"<c ([^>]*?)(/>|>(.*?)</c>)", re.S)


def transplant_sheet_xml(xml: str, styles: StyleMerger, strings: list[str], rel_ids: dict[str, str]) -> str:
    """Remap a scratch sheet's styles, strings and relationship ids for the target."""

    def cell(m: re.Match) -> str:
        attrs, body = m.group(1), m.group(3)
        attrs = re.sub(r'\bs="(\d+)"', lambda s: f's="{styles.xf(int(s.group(1)))}"', attrs)
        if re.search(r'\bt="s"', attrs) and body is not None:
            index = int(re.search(r"<v>(\d+)</v>", body).group(1))
            attrs = re.sub(r'\bt="s"', 't="inlineStr"', attrs)
            text = html.escape(strings[index], quote=False)
            return f'<c {attrs}><is><t xml:space="preserve">{text}</t></is></c>'
        return f"<c {attrs}{m.group(2)}"

    head, sep, rest = xml.partition("<sheetData")
    data, sep2, tail = rest.partition("</sheetData>")
    head = re.sub(r'(<col\b[^>]*\bstyle=")(\d+)"', lambda m: f'{m.group(1)}{styles.xf(int(m.group(2)))}"', head)
    head = re.sub(r'\stabSelected="1"', "", head)  # the target keeps its own active sheet
    data = _CELL.sub(cell, data)
    data = re.sub(r'(<row\b[^>]*\bs=")(\d+)"', lambda m: f'{m.group(1)}{styles.xf(int(m.group(2)))}"', data)
    tail = re.sub(r'\bdxfId="(\d+)"', lambda m: f'dxfId="{styles.dxf(int(m.group(1)))}"', tail)
    tail = re.sub(r'\br:id="(rId\d+)"', lambda m: f'r:id="{rel_ids[m.group(1)]}"', tail)
    return head + sep + data + sep2 + tail


def code_name(sheet_xml: IO[bytes]) -> str | None:
    """A worksheet's VBA code name (``<sheetPr codeName>``), read from the part's first bytes only."""
    for _, elem in etree.iterparse(sheet_xml, events=("start",), resolve_entities=False):
        local = etree.QName(elem).localname
        if local == "sheetPr":
            return elem.get("codeName")
        if local in ("dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData"):
            return None  # sheetPr comes first or not at all
    return None


def set_code_name(xml: str, code: str | None) -> str:
    """An XlsxWriter sheet's XML with ``code`` as its code name (None: none).

    >>> set_code_name('<worksheet xmlns="x"><sheetPr><tabColor rgb="FF2F5597"/></sheetPr><sheetData/>', "Sheet1")
    '<worksheet xmlns="x"><sheetPr codeName="Sheet1"><tabColor rgb="FF2F5597"/></sheetPr><sheetData/>'
    >>> set_code_name('<worksheet xmlns="x"><dimension ref="A1"/>', "Sheet1")
    '<worksheet xmlns="x"><sheetPr codeName="Sheet1"/><dimension ref="A1"/>'
    """
    xml = re.sub(r'(<sheetPr\b[^>]*?)\s+codeName="[^"]*"', r"\1", xml, count=1)
    if not code:
        return xml
    attr = f'codeName="{html.escape(code)}"'
    if re.search(r"<sheetPr\b", xml):
        return re.sub(r"<sheetPr\b", f"<sheetPr {attr}", xml, count=1)
    return re.sub(r"(<worksheet\b[^>]*>)", rf"\1<sheetPr {attr}/>", xml, count=1)


@dataclass
class Patch:
    """What to write instead of the target's parts: new content, deletions."""

    replace: dict[str, bytes] = field(default_factory=dict)
    delete: set[str] = field(default_factory=set)


def _next_free(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    name = pattern.format(n)
    names.add(name)
    return name


_OWNED = ("chart", "chartUserShapes", "image", "drawing", "vmlDrawing", "comments", "printerSettings", "chartStyle",
          "chartColorStyle")
"""Relationship types whose parts belong to the sheet (or drawing) that points at them."""


class _Target:
    """The target package being patched: its workbook part, relationships and content types, edited by meaning."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.patch = Patch()
        self.workbook = parse(required_part(zf, WORKBOOK), WORKBOOK)
        self.rels = read_rels(zf, WORKBOOK)
        self.types = parse(required_part(zf, CONTENT_TYPES), CONTENT_TYPES)
        self.sheets = sheet_parts(zf)
        self.code_names = {}
        for name, part in self.sheets.items():
            with zf.open(part) as f:
                self.code_names[name] = code_name(f)
        self.workbook_changed = False
        self.taken = set(zf.NameToInfo)

    def drop(self, part: str, keep: set[str]) -> None:
        """Delete a part we replace, with the parts only it uses (drawing → charts)."""
        if part in keep or part in self.patch.delete:
            return
        self.patch.delete.add(part)
        if rels_part(part) in self.zf.NameToInfo:
            self.patch.delete.add(rels_part(part))
            for r in read_rels(self.zf, part):
                if not r.external and r.type in _OWNED:
                    self.drop(r.target, keep)

    def add_sheet(self, name: str, order: tuple[str, ...], code: str | None, print_names: list) -> str:
        """A new worksheet part for sheet ``name``, placed where ``order`` puts it; its part name."""
        part = _next_free(self.taken, "xl/worksheets/sheet{}.xml")
        rel_id = _next_free({r.id for r in self.rels}, "rId{}")
        self.rels.append(Rel(rel_id, "worksheet", part, f"{R}/worksheet"))
        sheets = self.workbook.find(q("sheets"))
        present = [e.get("name") for e in elements(sheets)]
        index = _position(name, present, order)
        ids = [int(e.get("sheetId", "0")) for e in elements(sheets)]
        new = etree.SubElement(sheets, q("sheet"), {"name": name, "sheetId": str(max(ids, default=0) + 1)},
                               nsmap=None if _prefix(sheets, R) else {"r": R})
        new.set(q("id", R), rel_id)
        sheets.insert(index, new)
        self._shift_sheet_indexes(index)
        names = child(self.workbook, "definedNames", _WORKBOOK_ORDER)
        for dn in print_names:
            added = adopt(dn, names)
            added.set("localSheetId", str(index))
        if not elements(names):
            self.workbook.remove(names)
        self.add_type(part, CONTENT_TYPE["worksheet"])
        self.sheets[name] = part
        self.code_names[name] = code
        self.workbook_changed = True
        return part

    def _shift_sheet_indexes(self, index: int) -> None:
        """A sheet inserted at ``index``: sheet-scoped names and the open tab follow the sheets after it."""
        for dn in self.workbook.iter(q("definedName")):
            local = dn.get("localSheetId")
            if local is not None and local.isdigit() and int(local) >= index:
                dn.set("localSheetId", str(int(local) + 1))
        for view in self.workbook.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and value.isdigit() and int(value) >= index:
                    view.set(attr, str(int(value) + 1))

    def add_type(self, part: str, content_type: str) -> None:
        name = "/" + part
        if any(o.get("PartName") == name for o in self.types.iter(q("Override", CT))):
            return
        etree.SubElement(self.types, q("Override", CT), {"PartName": name, "ContentType": content_type})

    def finish(self, styles: bytes) -> Patch:
        patch = self.patch
        patch.replace[STYLES] = styles
        # Excel rebuilds the calculation chain; a stale one that names replaced cells is an error.
        if "xl/calcChain.xml" in self.zf.NameToInfo:
            patch.delete.add("xl/calcChain.xml")
            self.rels = [r for r in self.rels if r.type != "calcChain"]
            self.workbook_changed = True
        if self.workbook_changed:
            patch.replace[WORKBOOK] = serialize(self.workbook)
            patch.replace[rels_part(WORKBOOK)] = write_rels(WORKBOOK, self.rels)
        patch.delete -= set(patch.replace)
        for override in list(self.types.iter(q("Override", CT))):
            if (override.get("PartName") or "").lstrip("/") in patch.delete:
                self.types.remove(override)
        if not any(d.get("Extension", "").casefold() == "vml" for d in self.types.iter(q("Default", CT))):
            default = etree.SubElement(self.types, q("Default", CT),
                                       {"Extension": "vml", "ContentType": CONTENT_TYPE["vml"]})
            self.types.insert(0, default)
        patch.replace[CONTENT_TYPES] = serialize(self.types)
        return patch


_WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                   "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
                   "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                   "fileRecoveryPr", "webPublishObjects", "extLst")


def _prefix(elem: etree._Element, ns: str) -> bool:
    """Whether a prefix for ``ns`` is declared in ``elem``'s scope."""
    return any(uri == ns and prefix for prefix, uri in elem.nsmap.items())


def _position(name: str, present: list[str], order: tuple[str, ...]) -> int:
    """Where sheet ``name`` goes among the ``present`` sheets: after the last one ``order`` puts before it."""
    if name not in order:
        return len(present)
    before = set(order[:order.index(name)])
    index = 0
    for i, other in enumerate(present):
        if other in before:
            index = i + 1
    return index


def _free_code_name(target: _Target, wanted: str | None) -> str | None:
    """A code name for a sheet the refresh adds: ``wanted`` (the template's) if no sheet has it, else the
    first free ``SheetN``; None when no sheet of the workbook has a code name (it uses none)."""
    used = {c for c in target.code_names.values() if c}
    if not used:
        return None
    if wanted and wanted not in used:
        return wanted
    n = 1
    while f"Sheet{n}" in used:
        n += 1
    return f"Sheet{n}"


def _scratch_print_names(zs: zipfile.ZipFile, sheet_index: int) -> list:
    """The scratch workbook's sheet-scoped names (print titles, print area) of its ``sheet_index``-th sheet."""
    root = parse(zs.read(WORKBOOK), "scratch workbook")
    return [dn for dn in root.iter(q("definedName")) if dn.get("localSheetId") == str(sheet_index)]


def _transplant_parts(zs: zipfile.ZipFile, new_part: str, name: str, target: _Target) -> list[Rel]:
    """Copy the scratch sheet's drawing (with its charts), VML and comments under fresh part names."""
    patch, taken = target.patch, target.taken
    out = []
    for r in read_rels(zs, new_part):
        if r.type == "drawing":
            dest = _next_free(taken, "xl/drawings/drawing{}.xml")
            drawing_rels = []
            for dr in read_rels(zs, r.target):
                chart = _next_free(taken, "xl/charts/chart{}.xml")
                patch.replace[chart] = zs.read(dr.target)
                target.add_type(chart, CONTENT_TYPE["chart"])
                drawing_rels.append(Rel(dr.id, dr.type, chart, dr.raw_type))
            patch.replace[dest] = zs.read(r.target)
            patch.replace[rels_part(dest)] = write_rels(dest, drawing_rels)
            target.add_type(dest, CONTENT_TYPE["drawing"])
        elif r.type == "vmlDrawing":
            dest = _next_free(taken, "xl/drawings/vmlDrawing{}.vml")
            patch.replace[dest] = zs.read(r.target)
        elif r.type == "comments":
            dest = _next_free(taken, "xl/comments{}.xml")
            patch.replace[dest] = zs.read(r.target)
            target.add_type(dest, CONTENT_TYPE["comments"])
        else:
            raise WorkbookError(f"cannot transplant a {r.type} part of sheet {name}")
        out.append(Rel(r.id, r.type, dest, r.raw_type))
    return out


def replace_sheets(target: Path, scratch: Path, names: list[str], out: Path, *, order: tuple[str, ...] = (),
                   code_names: dict[str, str] | None = None,
                   progress: Callable[[str], None] | None = None) -> list[str]:
    """Write ``out``: ``target`` with the sheets ``names`` taken from ``scratch``.

    ``scratch`` must have those sheets.  One that ``target`` lacks (made
    before the sheet existed, or deleted since) is added where ``order`` (every
    sheet's name, in the intended order) puts it, with its print titles, and,
    when the workbook's sheets have VBA code names, the one ``code_names`` gives
    it if free.  Everything else in ``target`` is copied as it is.  ``out`` must
    not be ``target``: write to a temporary file and replace the target after
    (see :mod:`kpi_xl.files`).  Returns the names of the sheets added.
    """
    with zipfile.ZipFile(target) as zt, zipfile.ZipFile(scratch) as zs:
        t = _Target(zt)
        s_sheets = sheet_parts(zs)
        missing = [n for n in names if n not in s_sheets]
        if missing:
            raise WorkbookError(f"{scratch}: missing sheet(s) {', '.join(missing)}")
        styles = StyleMerger(required_part(zt, STYLES), zs.read(STYLES))
        strings = shared_strings(zs)
        added = [n for n in names if n not in t.sheets]
        kept_parts = {t.sheets[n] for n in t.sheets if n not in names}
        # First drop what the old sheets used, so that the new parts can take
        # the same names again (refreshing twice gives the same package).
        for name in names:
            if name in t.sheets:
                for r in read_rels(zt, t.sheets[name]):
                    if not r.external:
                        t.drop(r.target, kept_parts | {t.sheets[name]})
        t.taken -= t.patch.delete
        scratch_index = {n: i for i, n in enumerate(s_sheets)}
        for name in added:
            code = _free_code_name(t, (code_names or {}).get(name))
            t.add_sheet(name, order, code, _scratch_print_names(zs, scratch_index[name]))

        for name in names:
            part = t.sheets[name]
            new_rels = _transplant_parts(zs, s_sheets[name], name, t)
            xml = transplant_sheet_xml(zs.read(s_sheets[name]).decode("utf-8"), styles, strings,
                                       {r.id: r.id for r in new_rels})
            t.patch.replace[part] = set_code_name(xml, t.code_names.get(name)).encode("utf-8")
            t.patch.delete.discard(part)
            if new_rels:
                t.patch.replace[rels_part(part)] = write_rels(part, new_rels)
                t.patch.delete.discard(rels_part(part))
            elif rels_part(part) in zt.NameToInfo:
                t.patch.delete.add(rels_part(part))
            if progress:
                progress(name)
        rewrite(zt, out, t.finish(styles.result()).replace, t.patch.delete)
    return added
