"""Checks of a workbook package that no schema validator makes, callable on any .xlsx/.xlsm.

The Open XML SDK validates each part against its schema; it does not see a
cell style index past the end of ``cellXfs``, a number format id that no
``<numFmt>`` defines, a table whose header cell says something else than its
column name, a ``<sheet>`` whose ``r:id`` resolves to nothing, two sheets
with one VBA code name — nor a valid but *wrong* number format.  Excel
repairs or silently misformats such files.  Standard library only (plus
openpyxl's table of built-in formats and, for ``vbaProject.bin``, olefile
and oletools from the test extras).

* :func:`not_well_formed` — every XML part parses (an unbound prefix is an error).
* :func:`structure` — :class:`Finding` s, errors and warnings, of what Excel would repair:
  relationships and content types, orphan parts (warning), sheets and their
  ``r:id``, defined names, style indexes (``s``, ``style``, ``xfId``, font/fill/
  border ids, ``numFmtId``, ``dxfId`` in conditional formats and tables), a
  ``<dxf>`` number format whose id means another format in ``<numFmts>``
  (warning), row and cell order, list validations over 255 characters, table
  header text, ids and names, chart series sheets, code names (unique, and
  against the VBA project's document modules), the VBA ``PROJECT`` stream's
  modules against its ``dir`` stream's.  Element order, unknown elements and
  attribute types are the schema validator's business, not this module's.
* :func:`new_errors` — the errors of one file that another (its input) did not have.
* :func:`cell_formats` / :func:`format_differences` — the effective number
  format of every cell (style → ``numFmtId`` → format code, built-ins included).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree as ET

from openpyxl.styles.numbers import BUILTIN_FORMATS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
M = f"{{{MAIN}}}"
RID = f"{{{R}}}id"

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

OUTPUT_SHEETS = ("Dashboard", "Ads Summary", "P&L", "Forecast")
MAX_LIST_VALIDATION = 255
"""Excel's limit on a data validation list typed in (``"a,b,c"``), separators included."""

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "error": Excel repairs, refuses or misreads; "warning": harmless to Excel, odd for tools
    part: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.part}: {self.message}"


BAD = 2**31
"""What :func:`num` gives for an index that is no integer: past the end of every list."""


def num(value: str | None, default: int = 0) -> int:
    """An integer attribute (``default`` when absent); one that is no integer counts as out of every range."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return BAD


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """(row, column), 1-based, of ``B3`` (``$`` allowed)."""
    m = _REF.match(ref.replace("$", ""))
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def _quoted_sheet(formula: str) -> list[str]:
    """Sheet names a formula or reference names (``'P&L'!A1``, ``Settings!$B$4``)."""
    names = [m.group(1).replace("''", "'") for m in re.finditer(r"'((?:[^']|'')+)'!", formula)]
    stripped = re.sub(r"'(?:[^']|'')+'!", "", re.sub(r'"[^"]*"', "", formula))
    names += re.findall(r"([A-Za-z_][\w.]*)!", stripped)
    return names


class Package:
    """The parts of a workbook package, parsed on demand."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as z:
            self.parts = {i.filename: z.read(i) for i in z.infolist() if not i.filename.endswith("/")}
        self._xml: dict[str, ET.Element | None] = {}
        self.parse_errors: dict[str, str] = {}

    def xml(self, part: str) -> ET.Element | None:
        """The parsed part, or None (absent, or not well-formed: see :attr:`parse_errors`)."""
        if part not in self._xml:
            data = self.parts.get(part)
            root = None
            if data is not None:
                try:
                    root = ET.fromstring(data)
                except ET.ParseError as e:
                    self.parse_errors[part] = str(e)
            self._xml[part] = root
        return self._xml[part]

    @cached_property
    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by extension, overrides by part name)."""
        root = self.xml("[Content_Types].xml")
        defaults, overrides = {}, {}
        if root is not None:
            for d in root.iter(f"{{{CT}}}Default"):
                defaults[d.get("Extension", "").lower()] = d.get("ContentType", "")
            for o in root.iter(f"{{{CT}}}Override"):
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
        for rel in root.iter(f"{{{PKG}}}Relationship"):
            target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
            if not external:
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target, external)
        return out

    @cached_property
    def workbook_part(self) -> str:
        for _, (kind, target, _) in self.rels("").items():
            if kind == "officeDocument":
                return target
        return "xl/workbook.xml"

    @cached_property
    def sheets(self) -> list[tuple[str, str | None, ET.Element]]:
        """(name, part or None when its r:id resolves to nothing, <sheet> element) in workbook order."""
        root = self.xml(self.workbook_part)
        if root is None:
            return []
        rels = self.rels(self.workbook_part)
        out = []
        for s in root.iter(f"{M}sheet"):
            rel = rels.get(s.get(RID, ""))
            out.append((s.get("name", ""), rel[1] if rel and rel[1] in self.parts else None, s))
        return out

    def sheet_part(self, name: str) -> str | None:
        return next((part for n, part, _ in self.sheets if n == name), None)

    @cached_property
    def styles_part(self) -> str | None:
        return next((t for kind, t, _ in self.rels(self.workbook_part).values() if kind == "styles"), None)

    @cached_property
    def styles(self) -> ET.Element | None:
        return self.xml(self.styles_part) if self.styles_part else None

    def style_list(self, name: str) -> list[ET.Element]:
        node = self.styles.find(f"{M}{name}") if self.styles is not None else None
        return list(node) if node is not None else []

    @cached_property
    def num_fmts(self) -> dict[int, str]:
        """The ``<numFmts>`` table (not the ``<numFmt>`` of ``<dxf>`` s, which Excel keeps apart)."""
        return {num(n.get("numFmtId"), -1): n.get("formatCode", "") for n in self.style_list("numFmts")}

    def format_code(self, style: int) -> str:
        """The effective number format of cell style ``style`` (an index into ``cellXfs``)."""
        xfs = self.style_list("cellXfs")
        if style >= len(xfs):
            return f"<undefined style {style}>"
        nid = num(xfs[style].get("numFmtId"), 0)
        if nid in self.num_fmts:
            return self.num_fmts[nid]
        if nid < 164:
            return BUILTIN_FORMATS.get(nid, f"<built-in {nid}>")
        return f"<undefined numFmtId {nid}>"


# --- well-formedness ---------------------------------------------------------------------------


def is_xml_part(pkg: Package, part: str) -> bool:
    ct = pkg.content_type(part) or ""
    return part == "[Content_Types].xml" or part.endswith(".rels") or ct.endswith("xml")


def not_well_formed(path: str | Path) -> dict[str, str]:
    """XML part → parser message, for every XML part (by content type, and the .rels) that does not parse.

    VML parts are left out: their content type is not XML and Excel writes them as HTML-ish markup.
    """
    pkg = Package(path)
    for part in pkg.parts:
        if is_xml_part(pkg, part):
            pkg.xml(part)
    return dict(pkg.parse_errors)


# --- structure -------------------------------------------------------------------------------


def _check_package(pkg: Package, out: list[Finding]) -> None:
    for part in sorted(pkg.parts):
        if part == "[Content_Types].xml" or part.endswith(".rels"):
            continue
        if pkg.content_type(part) is None:
            out.append(Finding("error", part, "no content type ([Content_Types].xml has neither Override nor Default)"))
    for part in ["", *sorted(p for p in pkg.parts if not p.endswith(".rels"))]:
        for rid, (kind, target, external) in pkg.rels(part).items():
            want = CONTENT_TYPES.get(kind)
            got = pkg.content_type(target) if not external and target in pkg.parts else None
            if want and got and got not in want:
                out.append(Finding("error", target, f"content type {got}, but {part or '/'} relates to it as {kind} "
                                                    f"({' or '.join(sorted(want))})"))
    reached, todo = set(), [""]
    while todo:
        part = todo.pop()
        for rid, (kind, target, external) in pkg.rels(part).items():
            if external:
                continue
            if target not in pkg.parts:
                out.append(Finding("error", part or "/", f"relationship {rid} ({kind}) targets {target}, not in the package"))
            elif target not in reached:
                reached.add(target)
                todo.append(target)
    for part in sorted(pkg.parts):
        if part not in reached and part != "[Content_Types].xml" and not part.endswith(".rels"):
            out.append(Finding("warning", part, "no relationship leads to this part (an orphan Excel ignores)"))


def _check_workbook(pkg: Package, out: list[Finding]) -> None:
    wb = pkg.workbook_part
    root = pkg.xml(wb)
    if root is None:
        out.append(Finding("error", wb, f"cannot read the workbook: {pkg.parse_errors.get(wb, 'missing')}"))
        return
    names = Counter(n.casefold() for n, _, _ in pkg.sheets)
    for name, n in names.items():
        if n > 1:
            out.append(Finding("error", wb, f"sheet name {name!r} used {n} times"))
    ids = Counter(s.get("sheetId") for _, _, s in pkg.sheets)
    for sid, n in ids.items():
        if n > 1:
            out.append(Finding("error", wb, f"sheetId {sid} used {n} times"))
    for name, part, s in pkg.sheets:
        if part is None:
            out.append(Finding("error", wb, f"<sheet name={name!r}> r:id={s.get(RID)!r} resolves to no part"))
    sheet_names = {n.casefold() for n, _, _ in pkg.sheets}
    dn = root.find(f"{M}definedNames")
    seen = Counter()
    for d in (dn if dn is not None else []):
        name, local, text = d.get("name", ""), d.get("localSheetId"), d.text or ""
        seen[(name.casefold(), local)] += 1
        if local is not None and not (0 <= num(local) < len(pkg.sheets)):
            out.append(Finding("error", wb, f"defined name {name}: localSheetId {local} is no sheet"))
        if "#REF!" in text:
            out.append(Finding("error", wb, f"defined name {name} = {text}: a deleted reference"))
        for sheet in _quoted_sheet(text):
            if sheet.casefold() not in sheet_names:
                out.append(Finding("error", wb, f"defined name {name} = {text}: no sheet {sheet!r}"))
    for (name, local), n in seen.items():
        if n > 1:
            out.append(Finding("error", wb, f"defined name {name} (localSheetId {local}) defined {n} times"))


def _check_styles(pkg: Package, out: list[Finding]) -> None:
    part = pkg.styles_part or "xl/styles.xml"
    if pkg.styles is None:
        if part in pkg.parts:
            out.append(Finding("error", part, f"cannot read the styles: {pkg.parse_errors.get(part)}"))
        return
    counts = {name: len(pkg.style_list(name)) for name in ("fonts", "fills", "borders", "cellStyleXfs", "dxfs")}
    ids = Counter(num(n.get("numFmtId"), -1) for n in pkg.style_list("numFmts"))
    for nid, n in ids.items():
        if n > 1:
            out.append(Finding("error", part, f"numFmtId {nid} defined {n} times in <numFmts>"))
    for section in ("cellStyleXfs", "cellXfs"):
        for i, xf in enumerate(pkg.style_list(section)):
            nid = num(xf.get("numFmtId"), 0)
            if nid >= 164 and nid not in pkg.num_fmts:
                out.append(Finding("error", part, f"{section}[{i}] numFmtId={nid}: not defined in <numFmts>"))
            for attr, lst in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                if num(xf.get(attr), 0) >= counts[lst]:
                    out.append(Finding("error", part, f"{section}[{i}] {attr}={xf.get(attr)}: only {counts[lst]} {lst}"))
            if section == "cellXfs" and num(xf.get("xfId"), 0) >= max(counts["cellStyleXfs"], 1):
                out.append(Finding("error", part, f"cellXfs[{i}] xfId={xf.get('xfId')}: only "
                                                  f"{counts['cellStyleXfs']} cellStyleXfs"))
    for i, dxf in enumerate(pkg.style_list("dxfs")):
        n = dxf.find(f"{M}numFmt")
        if n is None:
            continue
        nid, code = num(n.get("numFmtId"), -1), n.get("formatCode", "")
        if nid in pkg.num_fmts and pkg.num_fmts[nid] != code:
            out.append(Finding("warning", part, f"dxfs[{i}] numFmt {nid} = {code!r}, but <numFmts> has {nid} = "
                                                f"{pkg.num_fmts[nid]!r} (Excel keeps them apart; a tool mapping codes "
                                                f"to ids from every <numFmt> goes wrong)"))
        elif nid < 164 and nid in BUILTIN_FORMATS and BUILTIN_FORMATS[nid] != code:
            out.append(Finding("warning", part, f"dxfs[{i}] numFmt {nid} = {code!r}, but built-in {nid} is "
                                                f"{BUILTIN_FORMATS[nid]!r}"))


def _cell_text(pkg: Package, c: ET.Element, strings: list[str]) -> str | None:
    t = c.get("t")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(f"{M}t"))
    v = c.find(f"{M}v")
    if v is None:
        return None
    if t == "s":
        i = num(v.text, 0)
        return strings[i] if i < len(strings) else f"<missing shared string {i}>"
    return v.text


@dataclass
class _Cell:
    ref: str
    elem: ET.Element


def _shared_strings(pkg: Package) -> list[str]:
    part = next((t for kind, t, _ in pkg.rels(pkg.workbook_part).values() if kind == "sharedStrings"), None)
    root = pkg.xml(part) if part else None
    if root is None:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{M}t") if not _in_phonetic(si, t)) for si in root.findall(f"{M}si")]


def _in_phonetic(si: ET.Element, t: ET.Element) -> bool:
    return any(t in list(rph.iter()) for rph in si.findall(f"{M}rPh"))


def _check_sheets(pkg: Package, out: list[Finding]) -> None:
    # Unreadable styles are reported once (_check_styles); no index can be checked against them.
    n_xfs = len(pkg.style_list("cellXfs")) if pkg.styles is not None else BAD + 1
    n_dxfs = len(pkg.style_list("dxfs")) if pkg.styles is not None else BAD + 1
    strings = _shared_strings(pkg)
    sheet_names = {n.casefold() for n, _, _ in pkg.sheets}
    code_names: dict[str, list[str]] = defaultdict(list)
    wb = pkg.xml(pkg.workbook_part)
    wb_pr = wb.find(f"{M}workbookPr") if wb is not None else None
    if wb_pr is not None and wb_pr.get("codeName"):
        code_names[wb_pr.get("codeName").casefold()].append("the workbook")
    table_names: Counter = Counter()
    table_ids: Counter = Counter()
    for name, part, _ in pkg.sheets:
        if part is None:
            continue
        root = pkg.xml(part)
        if root is None:
            out.append(Finding("error", part, f"sheet {name}: cannot read: {pkg.parse_errors.get(part, 'missing')}"))
            continue
        pr = root.find(f"{M}sheetPr")
        if pr is not None and pr.get("codeName"):
            code_names[pr.get("codeName").casefold()].append(name)
        cells: dict[tuple[int, int], ET.Element] = {}
        last_row = 0
        for col in root.iter(f"{M}col"):
            if col.get("style") and num(col.get("style")) >= n_xfs:
                out.append(Finding("error", part, f"{name}: <col> style={col.get('style')}, only {n_xfs} cellXfs"))
        for row in root.iter(f"{M}row"):
            r = num(row.get("r"), last_row + 1)
            if r <= last_row:
                out.append(Finding("error", part, f"{name}: row {r} after row {last_row}"))
            last_row = r
            if row.get("s") and num(row.get("s")) >= n_xfs:
                out.append(Finding("error", part, f"{name}: row {r} s={row.get('s')}, only {n_xfs} cellXfs"))
            last_col = 0
            for c in row.findall(f"{M}c"):
                ref = c.get("r")
                if ref is None:
                    cr, cc = r, last_col + 1
                elif _REF.match(ref):
                    cr, cc = parse_ref(ref)
                else:
                    out.append(Finding("error", part, f"{name}: cell r={ref!r} is no cell reference"))
                    continue
                if cr != r:
                    out.append(Finding("error", part, f"{name}!{ref} in row {r}"))
                if cc <= last_col:
                    out.append(Finding("error", part, f"{name}!{ref}: cells out of order in row {r}"))
                last_col = cc
                cells[(cr, cc)] = c
                s = num(c.get("s"), 0)
                if s >= n_xfs:
                    out.append(Finding("error", part, f"{name}!{ref} s={c.get('s')}, only {n_xfs} cellXfs"))
        for rule in root.iter(f"{M}cfRule"):
            if rule.get("dxfId") is not None and num(rule.get("dxfId")) >= n_dxfs:
                out.append(Finding("error", part, f"{name}: conditional format dxfId={rule.get('dxfId')}, "
                                                  f"only {n_dxfs} dxfs"))
        for dv in root.iter(f"{M}dataValidation"):
            f1 = dv.find(f"{M}formula1")
            text = f1.text if f1 is not None and f1.text else ""
            if dv.get("type") == "list" and text.startswith('"') and len(text) - 2 > MAX_LIST_VALIDATION:
                out.append(Finding("error", part, f"{name}: list validation on {dv.get('sqref')} is "
                                                  f"{len(text) - 2} characters (Excel's limit: 255)"))
            for sheet in _quoted_sheet(text):
                if sheet.casefold() not in sheet_names:
                    out.append(Finding("error", part, f"{name}: validation on {dv.get('sqref')} names no sheet {sheet!r}"))
        rels = pkg.rels(part)
        for tp in root.iter(f"{M}tablePart"):
            rel = rels.get(tp.get(RID, ""))
            if rel is None or rel[1] not in pkg.parts:
                out.append(Finding("error", part, f"{name}: tablePart r:id={tp.get(RID)} resolves to no part"))
                continue
            _check_table(pkg, rel[1], name, cells, strings, n_dxfs, table_names, table_ids, out)
        for kind, target, external in rels.values():
            if kind == "drawing" and not external:
                _check_drawing(pkg, target, sheet_names, out)
    for code, owners in code_names.items():
        if len(owners) > 1:
            out.append(Finding("error", pkg.workbook_part, f"code name {code!r} used by {', '.join(owners)}"))
    for what, counter in (("name", table_names), ("id", table_ids)):
        for key, n in counter.items():
            if n > 1:
                out.append(Finding("error", "xl/tables", f"table {what} {key} used {n} times"))


def _check_table(pkg: Package, part: str, sheet: str, cells: dict, strings: list[str], n_dxfs: int,
                 names: Counter, ids: Counter, out: list[Finding]) -> None:
    t = pkg.xml(part)
    if t is None:
        out.append(Finding("error", part, f"cannot read the table: {pkg.parse_errors.get(part)}"))
        return
    names[(t.get("name") or "").casefold()] += 1
    ids[t.get("id")] += 1
    try:
        first, last = (t.get("ref") or "").split(":")
        (r0, c0), (_, c1) = parse_ref(first), parse_ref(last)
    except ValueError:
        out.append(Finding("error", part, f"table {t.get('name')}: ref={t.get('ref')!r} is no range"))
        return
    columns = t.findall(f"{M}tableColumns/{M}tableColumn")
    if len(columns) != c1 - c0 + 1:
        out.append(Finding("error", part, f"table {t.get('name')}: {len(columns)} columns for ref {t.get('ref')}"))
    header_rows = num(t.get("headerRowCount"), 1)
    for j, col in enumerate(columns):
        for attr in ("dataDxfId", "headerRowDxfId", "totalsRowDxfId"):
            if col.get(attr) is not None and num(col.get(attr)) >= n_dxfs:
                out.append(Finding("error", part, f"table {t.get('name')} column {col.get('name')}: "
                                                  f"{attr}={col.get(attr)}, only {n_dxfs} dxfs"))
        if header_rows:
            c = cells.get((r0, c0 + j))
            text = _cell_text(pkg, c, strings) if c is not None else None
            if text != col.get("name"):
                out.append(Finding("error", part, f"table {t.get('name')}: header cell {sheet} row {r0} column "
                                                  f"{c0 + j} holds {text!r}, the column is named {col.get('name')!r}"))


def _check_drawing(pkg: Package, drawing: str, sheet_names: set[str], out: list[Finding]) -> None:
    for kind, target, external in pkg.rels(drawing).values():
        if kind != "chart" or external:
            continue
        chart = pkg.xml(target)
        if chart is None:
            out.append(Finding("error", target, f"cannot read the chart: {pkg.parse_errors.get(target, 'missing')}"))
            continue
        for f in chart.iter(f"{{{CHART}}}f"):
            for sheet in _quoted_sheet(f.text or ""):
                if sheet.casefold() not in sheet_names:
                    out.append(Finding("error", target, f"series reference {f.text} names no sheet {sheet!r}"))


def _check_vba(pkg: Package, out: list[Finding]) -> None:
    """Code names against the VBA project's document modules; the PROJECT stream against ``dir``."""
    raw = pkg.parts.get("xl/vbaProject.bin")
    if raw is None:
        return
    project, dir_modules = vba_modules(raw)
    documents = {m.casefold() for kind, m in project if kind == "Document"}
    listed = {m.casefold() for _, m in project}
    for m in sorted(dir_modules):
        if m.casefold() not in listed:
            out.append(Finding("error", "xl/vbaProject.bin", f"the dir stream lists module {m}, the PROJECT stream does not"))
    for _, m in project:
        if m.casefold() not in {d.casefold() for d in dir_modules}:
            out.append(Finding("error", "xl/vbaProject.bin", f"the PROJECT stream lists module {m}, the dir stream does not"))
    wb = pkg.xml(pkg.workbook_part)
    if wb is None:  # reported already; every sheet would look orphaned
        return
    owners = []
    pr = wb.find(f"{M}workbookPr") if wb is not None else None
    owners.append(("the workbook", pr.get("codeName") if pr is not None else None))
    unreadable = False
    for name, part, _ in pkg.sheets:
        root = pkg.xml(part) if part else None
        if root is None:
            unreadable = True  # reported already; its code name is unknown
            continue
        spr = root.find(f"{M}sheetPr")
        owners.append((f"sheet {name}", spr.get("codeName") if spr is not None else None))
    for owner, code in owners:
        if not code:
            out.append(Finding("error", pkg.workbook_part, f"{owner} has no code name, and the workbook has a VBA "
                                                           f"project (Excel adds a document module for it)"))
        elif code.casefold() not in documents:
            out.append(Finding("error", pkg.workbook_part, f"{owner} has code name {code}, which no document module "
                                                           f"of the VBA project has"))
    used = {(code or "").casefold() for _, code in owners}
    for kind, m in project:
        if kind == "Document" and m.casefold() not in used and not unreadable:
            out.append(Finding("error", "xl/vbaProject.bin", f"document module {m} belongs to no sheet (an orphan)"))


def vba_modules(raw: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """([(kind, name)] of the PROJECT stream's Document=/Module=/Class=/BaseClass= lines, [names in dir])."""
    import warnings

    import olefile

    with warnings.catch_warnings():  # oletools 0.60 uses pyparsing's old names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    ole = olefile.OleFileIO(io.BytesIO(raw))
    project_stream = next(s for s in ole.listdir() if s[-1].upper() == "PROJECT")
    text = ole.openstream(project_stream).read().decode("latin-1")
    project = []
    for line in text.split("[", 1)[0].splitlines():
        key, _, value = line.partition("=")
        if key in ("Document", "Module", "Class", "BaseClass"):
            project.append((key, value.split("/", 1)[0].strip('"')))
    parser = VBA_Parser("vbaProject.bin", data=raw)
    dir_modules = []
    try:
        for _, stream_path, _, _ in parser.extract_macros():
            dir_modules.append(stream_path.rsplit("/", 1)[-1])
    finally:
        parser.close()
    return project, dir_modules


def structure(path: str | Path) -> list[Finding]:
    """What Excel would repair or misread and no schema sees, errors and warnings, sorted."""
    pkg = Package(path)
    out: list[Finding] = []
    for check in (_check_package, _check_workbook, _check_styles, _check_sheets, _check_vba):
        check(pkg, out)
    for part, message in sorted(not_well_formed(path).items()):
        out.append(Finding("error", part, f"not well-formed XML: {message}"))
    return sorted(set(out))


def errors(path: str | Path) -> list[Finding]:
    return [f for f in structure(path) if f.severity == "error"]


def new_errors(got: str | Path, before: str | Path) -> list[Finding]:
    """The errors of ``got`` that ``before`` (the file it was made from) did not have."""
    old = set(errors(before))
    return [f for f in errors(got) if f not in old]


# --- number formats --------------------------------------------------------------------------


def cell_formats(path: str | Path, sheets=OUTPUT_SHEETS) -> dict[tuple[str, str], str]:
    """(sheet, cell) → effective number format code, for every ``<c>`` of these sheets (absent sheets skipped)."""
    pkg = Package(path)
    if pkg.xml(pkg.workbook_part) is None:
        raise ValueError(f"{Path(path).name}: cannot read {pkg.workbook_part}: "
                         f"{pkg.parse_errors.get(pkg.workbook_part, 'missing')}")
    out = {}
    for name in sheets:
        part = pkg.sheet_part(name)
        if part is None:
            continue
        root = pkg.xml(part)
        if root is None:
            raise ValueError(f"{Path(path).name}: cannot read sheet {name} ({part}): {pkg.parse_errors.get(part)}")
        for c in root.iter(f"{M}c"):
            out[(name, c.get("r", "?"))] = pkg.format_code(num(c.get("s"), 0))
    return out


def format_differences(got: str | Path, expected: str | Path, sheets=OUTPUT_SHEETS) -> list[str]:
    """One line per (sheet, expected format, found format): how many cells, the first few."""
    a, b = cell_formats(got, sheets), cell_formats(expected, sheets)
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], parse_ref(k[1]) if _REF.match(k[1]) else (0, 0))):
        fa, fb = a.get(key, "<no cell>"), b.get(key, "<no cell>")
        if fa != fb:
            groups[(key[0], fb, fa)].append(key[1])
    return [f"{sheet}: {len(cells)} cell{'s' if len(cells) > 1 else ''} ({', '.join(cells[:4])}"
            f"{', …' if len(cells) > 4 else ''}) expected {want!r}, found {found!r}"
            for (sheet, want, found), cells in sorted(groups.items())]
