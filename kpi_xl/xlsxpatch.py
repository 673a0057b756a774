"""Replace some worksheets of a workbook package, copying everything else byte for byte.

A refresh rewrites the output sheets (`Dashboard`, `Ads Summary`, `P&L`, …)
and nothing else.  Loading and saving the whole workbook (openpyxl) would
take minutes and gigabytes on a million-row tracker and would re-serialise
parts it does not understand; here the input sheets, the VBA project, the
tables, the names and every part we do not own are copied as the zip holds
them (their compressed bytes, not even re-deflated).

The new sheets are laid out by XlsxWriter in a scratch workbook; this module
transplants them:

* cell styles and conditional-format styles are merged into the target's
  ``styles.xml`` (an identical style is reused, so refreshing twice gives the
  same file), and every ``s=``/``style=``/``dxfId=`` index is remapped;
* shared strings become inline strings (the target's shared string table,
  which may hold a million labels, is left alone);
* the sheets' drawings, charts and VML (the button) get fresh part names, and
  the parts the old sheets used are dropped;
* ``calcChain.xml`` is dropped (Excel rebuilds it), ``[Content_Types].xml``
  and the relationships follow.

``styles.xml`` and the other small XML parts are edited as text, not
re-serialised: Excel-saved parts carry namespace prefixes and
``mc:Ignorable`` declarations that an XML library round trip can break.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET

from .errors import WorkbookError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = {
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
}
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"


# --- reading the package structure -----------------------------------------


def rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


@dataclass
class Rel:
    id: str
    type: str  # the last segment: "drawing", "chart", "vmlDrawing", …
    target: str  # absolute part name
    raw_type: str
    external: bool = False


def read_rels(files: dict[str, bytes] | zipfile.ZipFile, part: str) -> list[Rel]:
    name = rels_part(part)
    try:
        data = files.read(name) if isinstance(files, zipfile.ZipFile) else files[name]
    except KeyError:
        return []
    folder = posixpath.dirname(part)
    out = []
    for rel in ET.fromstring(data).findall(f"{{{PKG}}}Relationship"):
        target = rel.get("Target", "")
        external = rel.get("TargetMode") == "External"
        if not external:
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        raw_type = rel.get("Type", "")
        out.append(Rel(rel.get("Id", ""), raw_type.rsplit("/", 1)[-1], target, raw_type, external))
    return out


def write_rels(part: str, rels: list[Rel]) -> bytes:
    folder = posixpath.dirname(part)
    items = []
    for r in rels:
        target = r.target if r.external else posixpath.relpath(r.target, folder)
        mode = ' TargetMode="External"' if r.external else ""
        items.append(f'<Relationship Id="{r.id}" Type="{r.raw_type}" Target="{html.escape(target)}"{mode}/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG}">' + "".join(items) + "</Relationships>").encode()


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name."""
    root = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = {r.id: r.target for r in read_rels(zf, "xl/workbook.xml")}
    return {s.get("name", ""): rels[s.get(f"{{{R}}}id")] for s in root.iter(f"{{{MAIN}}}sheet")}


# --- styles ----------------------------------------------------------------


def _canonical(elem: ET.Element) -> tuple:
    """A key for "the same style": tags with their namespace URI (not a prefix), sorted attributes."""
    return (elem.tag, tuple(sorted(elem.attrib.items())), (elem.text or "").strip(),
            tuple(_canonical(child) for child in elem))


def _outer(elem: ET.Element) -> str:
    """An element as text in the default namespace (no ns0: prefixes)."""
    ET.register_namespace("", MAIN)
    text = ET.tostring(elem, encoding="unicode")
    return text.replace(f' xmlns="{MAIN}"', "")


class StyleMerger:
    """Merge the scratch workbook's styles into the target's ``styles.xml`` text."""

    LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")

    def __init__(self, target_xml: str, scratch_xml: str):
        self.text = target_xml
        self.target = ET.fromstring(target_xml.encode())
        self.scratch = ET.fromstring(scratch_xml.encode())
        self.added: dict[str, list[str]] = {k: [] for k in self.LISTS}
        self.known: dict[str, dict[tuple, int]] = {}
        self.counts: dict[str, int] = {}
        for name in self.LISTS:
            node = self.target.find(f"{{{MAIN}}}{name}")
            children = list(node) if node is not None else []
            self.counts[name] = len(children)
            self.known[name] = {}
            for i, child in enumerate(children):
                self.known[name].setdefault(_canonical(child), i)
        self.num_fmts = {n.get("formatCode"): int(n.get("numFmtId", "0"))
                         for n in self.target.iter(f"{{{MAIN}}}numFmt")}
        self._xf_map: dict[int, int] = {}
        self._dxf_map: dict[int, int] = {}

    def _add(self, name: str, elem: ET.Element) -> int:
        key = _canonical(elem)
        if key not in self.known[name]:
            self.known[name][key] = self.counts[name]
            self.counts[name] += 1
            self.added[name].append(_outer(elem))
        return self.known[name][key]

    def _scratch_list(self, name: str) -> list[ET.Element]:
        node = self.scratch.find(f"{{{MAIN}}}{name}")
        return list(node) if node is not None else []

    def _num_fmt(self, scratch_id: int) -> int:
        if scratch_id < 164:  # built-in formats have fixed ids
            return scratch_id
        code = next(n.get("formatCode") for n in self.scratch.iter(f"{{{MAIN}}}numFmt")
                    if int(n.get("numFmtId", "0")) == scratch_id)
        if code not in self.num_fmts:
            new_id = max([163, *self.num_fmts.values()]) + 1
            self.num_fmts[code] = new_id
            elem = ET.Element(f"{{{MAIN}}}numFmt", {"numFmtId": str(new_id), "formatCode": code})
            self.added["numFmts"].append(_outer(elem))
            self.counts["numFmts"] += 1
        return self.num_fmts[code]

    def xf(self, scratch_index: int) -> int:
        if scratch_index not in self._xf_map:
            xf = self._scratch_list("cellXfs")[scratch_index]
            new = ET.Element(xf.tag, dict(xf.attrib))
            new.set("numFmtId", str(self._num_fmt(int(xf.get("numFmtId", "0")))))
            for attr, lst in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                new.set(attr, str(self._add(lst, self._scratch_list(lst)[int(xf.get(attr, "0"))])))
            new.set("xfId", "0")
            for child in xf:
                new.append(child)
            self._xf_map[scratch_index] = self._add("cellXfs", new)
        return self._xf_map[scratch_index]

    def dxf(self, scratch_index: int) -> int:
        if scratch_index not in self._dxf_map:
            self._dxf_map[scratch_index] = self._add("dxfs", self._scratch_list("dxfs")[scratch_index])
        return self._dxf_map[scratch_index]

    def result(self) -> str:
        text = self.text
        for name in self.LISTS:
            if not self.added[name]:
                continue
            count = self.counts[name]
            # <fonts count="2" x14ac:knownFonts="1">…</fonts>, or <dxfs count="0"/>
            m = re.search(rf"<{name}\b([^>]*?)(/?)>", text)
            if m is None:  # the list is missing altogether: insert it where the schema wants it
                text = self._insert_list(text, name, count)
                continue
            attrs = re.sub(r'\scount="\d+"', "", m.group(1))
            opening = f'<{name} count="{count}"{attrs}>'
            if m.group(2):  # self-closing
                text = text[:m.start()] + opening + "".join(self.added[name]) + f"</{name}>" + text[m.end():]
            else:
                close = text.index(f"</{name}>", m.end())
                text = (text[:m.start()] + opening + text[m.end():close] + "".join(self.added[name])
                        + text[close:])
        return text

    ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
             "tableStyles", "colors", "extLst")

    def _insert_list(self, text: str, name: str, count: int) -> str:
        block = f'<{name} count="{count}">' + "".join(self.added[name]) + f"</{name}>"
        for later in self.ORDER[self.ORDER.index(name) + 1:]:
            m = re.search(rf"<{later}\b", text)
            if m:
                return text[:m.start()] + block + text[m.start():]
        close = text.rindex("</styleSheet>")
        return text[:close] + block + text[close:]


# --- sheets ----------------------------------------------------------------


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


def keep_code_name(old_xml: str, new_xml: str) -> str:
    """Give the new sheet the old one's VBA code name (its document module is bound by it).

    >>> keep_code_name('<worksheet><sheetPr codeName="Sheet1"><tabColor rgb="FF0000FF"/></sheetPr>',
    ...                '<worksheet xmlns="x"><sheetPr><tabColor rgb="FF2F5597"/></sheetPr><sheetData/>')
    '<worksheet xmlns="x"><sheetPr codeName="Sheet1"><tabColor rgb="FF2F5597"/></sheetPr><sheetData/>'
    >>> keep_code_name('<worksheet><sheetPr codeName="Sheet1"/>', '<worksheet xmlns="x"><dimension ref="A1"/>')
    '<worksheet xmlns="x"><sheetPr codeName="Sheet1"/><dimension ref="A1"/>'
    """
    m = re.search(r'<sheetPr\b[^>]*\bcodeName="([^"]*)"', old_xml)
    new_xml = re.sub(r'(<sheetPr\b[^>]*?)\s+codeName="[^"]*"', r"\1", new_xml, count=1)
    if not m:
        return new_xml
    code = f'codeName="{m.group(1)}"'
    if re.search(r"<sheetPr\b", new_xml):
        return re.sub(r"<sheetPr\b", f"<sheetPr {code}", new_xml, count=1)
    return re.sub(r"(<worksheet\b[^>]*>)", rf"\1<sheetPr {code}/>", new_xml, count=1)


# --- writing the package ---------------------------------------------------


def _copy_raw(zin: zipfile.ZipFile, info: zipfile.ZipInfo, zout: zipfile.ZipFile) -> None:
    """Copy one entry's compressed bytes as they are (no inflate, no deflate)."""
    zin.fp.seek(info.header_offset)
    header = zin.fp.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    zin.fp.seek(info.header_offset + 30 + name_len + extra_len)
    data = zin.fp.read(info.compress_size)
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type, new.external_attr, new.create_system = info.compress_type, info.external_attr, info.create_system
    new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
    new.header_offset = zout.fp.tell()
    zout.fp.write(new.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    zout.fp.write(data)
    zout.filelist.append(new)
    zout.NameToInfo[new.filename] = new
    zout.start_dir = zout.fp.tell()
    zout._didModify = True


@dataclass
class Patch:
    """What to write instead of the target's parts: new content, deletions, additions."""

    replace: dict[str, bytes] = field(default_factory=dict)
    delete: set[str] = field(default_factory=set)


def _next_free(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    name = pattern.format(n)
    names.add(name)
    return name


def _drop_part(part: str, target: zipfile.ZipFile, patch: Patch, keep: set[str]) -> None:
    """Delete a part we replace, with the parts only it uses (drawing → charts)."""
    if part in keep or part in patch.delete:
        return
    patch.delete.add(part)
    if rels_part(part) in target.NameToInfo:
        patch.delete.add(rels_part(part))
        for r in read_rels(target, part):
            if not r.external and r.type in ("chart", "chartUserShapes", "image", "drawing", "vmlDrawing",
                                              "comments", "printerSettings", "chartStyle", "chartColorStyle"):
                _drop_part(r.target, target, patch, keep)


def replace_sheets(target: Path, scratch: Path, names: list[str], out: Path,
                   progress: Callable[[str], None] | None = None) -> list[str]:
    """Write ``out``: ``target`` with the sheets ``names`` taken from ``scratch``.

    ``scratch`` must have those sheets; one that ``target`` lacks (a tracker
    made before the sheet existed) is added after its last sheet.
    Everything else in ``target`` is copied as it is.  ``out`` must not be
    ``target``: write to a temporary file and replace the target after (see
    :mod:`kpi_xl.files`).  Returns the names of the sheets added.
    """
    with zipfile.ZipFile(target) as zt, zipfile.ZipFile(scratch) as zs:
        t_sheets, s_sheets = sheet_parts(zt), sheet_parts(zs)
        missing = [n for n in names if n not in s_sheets]
        if missing:
            raise WorkbookError(f"{scratch}: missing sheet(s) {', '.join(missing)}")
        styles = StyleMerger(zt.read("xl/styles.xml").decode("utf-8"), zs.read("xl/styles.xml").decode("utf-8"))
        strings = shared_strings(zs)
        patch = Patch()
        content_types = zt.read("[Content_Types].xml").decode("utf-8")
        overrides_add: dict[str, str] = {}
        wb_rels = read_rels(zt, "xl/workbook.xml")
        added = [n for n in names if n not in t_sheets]
        if added:
            t_sheets = dict(t_sheets)
            taken_parts = set(zt.NameToInfo)
            workbook_xml = zt.read("xl/workbook.xml").decode("utf-8")
            ids = [int(i) for i in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook_xml)]
            for n, name in enumerate(added, 1):
                part = _next_free(taken_parts, "xl/worksheets/sheet{}.xml")
                rel_id = _next_free({r.id for r in wb_rels}, "rId{}")
                wb_rels.append(Rel(rel_id, "worksheet", part, f"{R}/worksheet"))
                sheet = f'<sheet name="{html.escape(name)}" sheetId="{max(ids, default=0) + n}" r:id="{rel_id}"/>'
                workbook_xml = workbook_xml.replace("</sheets>", sheet + "</sheets>", 1)
                overrides_add[part] = CT["worksheet"]
                t_sheets[name] = part
            patch.replace["xl/workbook.xml"] = workbook_xml.encode("utf-8")
            patch.replace[rels_part("xl/workbook.xml")] = write_rels("xl/workbook.xml", wb_rels)
        kept_parts = {t_sheets[n] for n in t_sheets if n not in names}
        # First drop what the old sheets used, so that the new parts can take
        # the same names again (refreshing twice gives the same package).
        for name in (n for n in names if n not in added):
            for r in read_rels(zt, t_sheets[name]):
                if not r.external:
                    _drop_part(r.target, zt, patch, kept_parts | {t_sheets[name]})
        taken = set(zt.NameToInfo) - patch.delete

        for name in names:
            old_part, new_part = t_sheets[name], s_sheets[name]
            new_rels: list[Rel] = []
            rel_ids: dict[str, str] = {}
            for r in read_rels(zs, new_part):
                if r.type == "drawing":
                    dest = _next_free(taken, "xl/drawings/drawing{}.xml")
                    drawing_rels = []
                    for dr in read_rels(zs, r.target):
                        chart = _next_free(taken, "xl/charts/chart{}.xml")
                        patch.replace[chart] = zs.read(dr.target)
                        overrides_add[chart] = CT["chart"]
                        drawing_rels.append(Rel(dr.id, dr.type, chart, dr.raw_type))
                    patch.replace[dest] = zs.read(r.target)
                    patch.replace[rels_part(dest)] = write_rels(dest, drawing_rels)
                    overrides_add[dest] = CT["drawing"]
                elif r.type == "vmlDrawing":
                    dest = _next_free(taken, "xl/drawings/vmlDrawing{}.vml")
                    patch.replace[dest] = zs.read(r.target)
                elif r.type == "comments":
                    dest = _next_free(taken, "xl/comments{}.xml")
                    patch.replace[dest] = zs.read(r.target)
                    overrides_add[dest] = CT["comments"]
                else:
                    raise WorkbookError(f"cannot transplant a {r.type} part of sheet {name}")
                rel_ids[r.id] = r.id
                new_rels.append(Rel(r.id, r.type, dest, r.raw_type))
            xml = transplant_sheet_xml(zs.read(new_part).decode("utf-8"), styles, strings, rel_ids)
            if name not in added:
                xml = keep_code_name(zt.read(old_part).decode("utf-8"), xml)
            patch.replace[old_part] = xml.encode("utf-8")
            patch.delete.discard(old_part)
            if new_rels:
                patch.replace[rels_part(old_part)] = write_rels(old_part, new_rels)
                patch.delete.discard(rels_part(old_part))
            elif rels_part(old_part) in zt.NameToInfo:
                patch.delete.add(rels_part(old_part))
            if progress:
                progress(name)

        patch.replace["xl/styles.xml"] = styles.result().encode("utf-8")
        # Excel rebuilds the calculation chain; a stale one that names replaced cells is an error.
        if "xl/calcChain.xml" in zt.NameToInfo:
            patch.delete.add("xl/calcChain.xml")
            wb_rels = [r for r in wb_rels if r.type != "calcChain"]
            patch.replace[rels_part("xl/workbook.xml")] = write_rels("xl/workbook.xml", wb_rels)
        patch.delete -= set(patch.replace)
        for part in patch.delete:
            content_types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", content_types)
        additions = "".join(f'<Override PartName="/{p}" ContentType="{c}"/>' for p, c in overrides_add.items()
                            if f'PartName="/{p}"' not in content_types)
        if 'Extension="vml"' not in content_types:
            additions = f'<Default Extension="vml" ContentType="{VML_CT}"/>' + additions
        content_types = content_types.replace("</Types>", additions + "</Types>")
        patch.replace["[Content_Types].xml"] = content_types.encode("utf-8")

        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
            written = set()
            for info in zt.infolist():
                if info.filename in patch.delete and info.filename not in patch.replace:
                    continue
                if info.filename in patch.replace:
                    _write(zo, info.filename, patch.replace[info.filename], info.date_time)
                else:
                    _copy_raw(zt, info, zo)
                written.add(info.filename)
            for part, data in sorted(patch.replace.items()):
                if part not in written:
                    _write(zo, part, data)
                    written.add(part)
    return added


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _write(zo: zipfile.ZipFile, name: str, data: bytes, date_time=_FIXED_TIME) -> None:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    zo.writestr(info, data)
