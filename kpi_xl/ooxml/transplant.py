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
from typing import Callable
from xml.etree import ElementTree as ET

from ..errors import WorkbookError
from .package import (
    CONTENT_TYPE,
    CONTENT_TYPES,
    MAIN,
    STYLES,
    WORKBOOK,
    R,
    Rel,
    read_rels,
    rels_part,
    sheet_parts,
    write_rels,
)
from .styles import StyleMerger
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


def _drop_part(part: str, target: zipfile.ZipFile, patch: Patch, keep: set[str]) -> None:
    """Delete a part we replace, with the parts only it uses (drawing → charts)."""
    if part in keep or part in patch.delete:
        return
    patch.delete.add(part)
    if rels_part(part) in target.NameToInfo:
        patch.delete.add(rels_part(part))
        for r in read_rels(target, part):
            if not r.external and r.type in _OWNED:
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
        styles = StyleMerger(zt.read(STYLES).decode("utf-8"), zs.read(STYLES).decode("utf-8"))
        strings = shared_strings(zs)
        patch = Patch()
        content_types = zt.read(CONTENT_TYPES).decode("utf-8")
        overrides_add: dict[str, str] = {}
        wb_rels = read_rels(zt, WORKBOOK)
        added = [n for n in names if n not in t_sheets]
        if added:
            t_sheets = dict(t_sheets)
            taken_parts = set(zt.NameToInfo)
            workbook_xml = zt.read(WORKBOOK).decode("utf-8")
            ids = [int(i) for i in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook_xml)]
            for n, name in enumerate(added, 1):
                part = _next_free(taken_parts, "xl/worksheets/sheet{}.xml")
                rel_id = _next_free({r.id for r in wb_rels}, "rId{}")
                wb_rels.append(Rel(rel_id, "worksheet", part, f"{R}/worksheet"))
                sheet = f'<sheet name="{html.escape(name)}" sheetId="{max(ids, default=0) + n}" r:id="{rel_id}"/>'
                workbook_xml = workbook_xml.replace("</sheets>", sheet + "</sheets>", 1)
                overrides_add[part] = CONTENT_TYPE["worksheet"]
                t_sheets[name] = part
            patch.replace[WORKBOOK] = workbook_xml.encode("utf-8")
            patch.replace[rels_part(WORKBOOK)] = write_rels(WORKBOOK, wb_rels)
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
                        overrides_add[chart] = CONTENT_TYPE["chart"]
                        drawing_rels.append(Rel(dr.id, dr.type, chart, dr.raw_type))
                    patch.replace[dest] = zs.read(r.target)
                    patch.replace[rels_part(dest)] = write_rels(dest, drawing_rels)
                    overrides_add[dest] = CONTENT_TYPE["drawing"]
                elif r.type == "vmlDrawing":
                    dest = _next_free(taken, "xl/drawings/vmlDrawing{}.vml")
                    patch.replace[dest] = zs.read(r.target)
                elif r.type == "comments":
                    dest = _next_free(taken, "xl/comments{}.xml")
                    patch.replace[dest] = zs.read(r.target)
                    overrides_add[dest] = CONTENT_TYPE["comments"]
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

        patch.replace[STYLES] = styles.result().encode("utf-8")
        # Excel rebuilds the calculation chain; a stale one that names replaced cells is an error.
        if "xl/calcChain.xml" in zt.NameToInfo:
            patch.delete.add("xl/calcChain.xml")
            wb_rels = [r for r in wb_rels if r.type != "calcChain"]
            patch.replace[rels_part(WORKBOOK)] = write_rels(WORKBOOK, wb_rels)
        patch.delete -= set(patch.replace)
        for part in patch.delete:
            content_types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", content_types)
        additions = "".join(f'<Override PartName="/{p}" ContentType="{c}"/>' for p, c in overrides_add.items()
                            if f'PartName="/{p}"' not in content_types)
        if 'Extension="vml"' not in content_types:
            additions = f'<Default Extension="vml" ContentType="{CONTENT_TYPE["vml"]}"/>' + additions
        content_types = content_types.replace("</Types>", additions + "</Types>")
        patch.replace[CONTENT_TYPES] = content_types.encode("utf-8")
        rewrite(zt, out, patch.replace, patch.delete)
    return added
