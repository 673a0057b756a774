"""`kpi-xl doctor`: check a tracker's package as Excel would, and repair what can be repaired.

:func:`diagnose` runs the package checks of :mod:`kpi_xl.ooxml.doctor` (what
Excel would repair, refuse or misread), then the tracker's own: its output
sheets, and whether its VBA project is this kpi-xl's (module by module,
against the project packaged with this version).  :func:`repair` fixes, in
a copy written atomically over the file:

* a ``workbook.xml`` whose ``r:`` prefix is unbound (what kpi-xl 0.1 wrote
  when it added a sheet to a workbook openpyxl had saved);
* cell styles whose number format is defined nowhere (they fall back to
  General; the refresh gives the output cells their formats again);
* the VBA project: one LibreOffice rewrote (its two module lists disagree),
  one another kpi-xl version embedded, or one whose document modules and the
  sheets' code names disagree is replaced by this version's, and the
  template's sheets and the workbook get back their code names — unless the
  project holds macros of your own, which a replacement would lose (then it
  says so and leaves the project alone);
* missing or damaged output sheets, by a refresh (so the tracker's input must
  be valid).

The input sheets, the tables and every sheet you added are kept as they are.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import layout as L
from .errors import InputError, Problem, WorkbookError
from .files import Notify, atomic_path, check_suffix, scratch, writing
from .ooxml.doctor import FORMATS, VBA, VBA_BROKEN, Finding, structure
from .ooxml.package import STYLES, VBA_PART, WORKBOOK, read_rels, sheet_parts
from .ooxml.styles import FIRST_CUSTOM_FORMAT, custom_formats
from .ooxml.vbaproject import VbaProject, body, read_vba_project
from .ooxml.xml import R, parse, q, serialize
from .ooxml.zipfiles import rewrite
from .reader import FileSource, check_tracker, setting_language
from .texts import Message, Sheet, all_names

KPI_XL_MODULES = ("KpiXl", "xlwings", "Dictionary")
"""The modules kpi-xl's VBA project brings (its document modules aside)."""
OUTPUT = Message("doctor.meaning.output")


@dataclass
class Diagnosis:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    input_problems: list[Problem] = field(default_factory=list)
    vba: VbaProject | None = None
    user_code: list[str] = field(default_factory=list)
    """Modules of the VBA project holding code kpi-xl did not put there."""

    @property
    def clean(self) -> bool:
        return not self.findings and not self.input_problems


@dataclass
class Repair:
    fixed: list[str]  # what was repaired: English text, Messages said in another language by Texts.say
    after: Diagnosis


def _packaged_project() -> VbaProject:
    from .workbook import vba_project_bytes

    return read_vba_project(vba_project_bytes(), "kpi_xl/data/vbaProject.bin")


def _user_code(project: VbaProject, packaged: VbaProject) -> list[str]:
    """Modules holding code kpi-xl did not put there: the owner's own macros, which a new project would lose."""
    ours = {name.casefold(): body(code) for name, code in packaged.code.items()}
    return [name for name, code in project.code.items()
            if name not in KPI_XL_MODULES and body(code) and body(code) != ours.get(name.casefold())]


def _check_vba_version(diagnosis: Diagnosis, packaged: VbaProject) -> None:
    project = diagnosis.vba
    if project is None:
        return
    have = {name.casefold(): body(code) for name, code in project.code.items()}
    for name in KPI_XL_MODULES:
        mine = body(packaged.code[name])
        theirs = have.get(name.casefold())
        if theirs is None:
            diagnosis.findings.append(Finding("error", VBA_PART, Message("doctor.vba_no_module", name=name),
                                              VBA_BROKEN))
        elif theirs != mine:
            diagnosis.findings.append(Finding("warning", VBA_PART, Message("doctor.vba_old_module", name=name),
                                              Message("doctor.meaning.vba_version")))


def diagnose(path: str | Path) -> Diagnosis:
    """Every finding on ``path``: the package's, the tracker's output sheets and VBA, its input problems.

    Raises :class:`~kpi_xl.errors.WorkbookError` when the file is no workbook at all.
    """
    path = Path(path)
    diagnosis = Diagnosis(path, structure(path))
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        try:
            present = set(sheet_parts(zf))
        except Exception:  # an unreadable workbook part: reported by the package checks
            present = None
        raw = zf.read(VBA_PART) if VBA_PART in names else None
    if present is not None:
        for sheet in L.OUTPUT_SHEETS:  # by its name in any language (a French tracker's Synthèse pub)
            if not all_names("sheet", sheet) & present:
                diagnosis.findings.append(Finding("warning", "xl/workbook.xml",
                                                  Message("doctor.no_sheet", sheet=Sheet(sheet)), OUTPUT))
    if path.suffix.lower() == ".xlsm" and raw is None:
        diagnosis.findings.append(Finding("error", VBA_PART, Message("doctor.xlsm_without_vba"), VBA_BROKEN))
    if raw is not None:
        packaged = _packaged_project()
        try:
            diagnosis.vba = read_vba_project(raw)
        except WorkbookError:
            pass  # reported by the package checks
        else:
            diagnosis.user_code = _user_code(diagnosis.vba, packaged)
            _check_vba_version(diagnosis, packaged)
    try:
        tracker, problems = check_tracker(path)
        if tracker is None:
            diagnosis.input_problems = [p for p in problems if p.severity == "error"]
    except WorkbookError:
        pass  # the package checks say why it cannot be read
    diagnosis.findings.sort()
    return diagnosis


def language(path: str | Path) -> str | None:
    """The tracker's Language setting (``en``, ``fr``), read from its named cell alone; None when the
    workbook or the setting cannot be read (a damaged file is what doctor is for: it is never an error here)."""
    try:
        return setting_language(FileSource(Path(path)))
    except Exception:  # any reader's failure on a damaged package: doctor reports it, in English
        return None


# --- repairs ------------------------------------------------------------------------------


_UNBOUND_R = re.compile(r"Namespace prefix r\b.*not defined")


def _fix_workbook_prefix(data: bytes) -> bytes | None:
    """``workbook.xml`` with the ``r:`` namespace declared on its root, if it is used and bound nowhere."""
    try:
        etree.fromstring(data)
        return None
    except etree.XMLSyntaxError as e:
        if not _UNBOUND_R.search(e.msg):
            return None
    text = data.decode("utf-8")
    m = re.search(r"<((?:\w+:)?workbook)\b", text)
    if m is None:
        return None
    fixed = text[:m.end()] + f' xmlns:r="{R}"' + text[m.end():]
    try:
        etree.fromstring(fixed.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None
    return fixed.encode("utf-8")


def _fix_styles(data: bytes) -> tuple[bytes | None, list[str]]:
    """``styles.xml`` with its number formats made unambiguous, and what was done.

    A cell style whose number format is defined nowhere falls back to General
    (the refresh gives the output cells their formats again); a conditional
    format's number format whose id ``<numFmts>`` uses for another format gets
    an id of its own (Excel keeps the two apart, other programs do not)."""
    root = parse(data, STYLES)
    custom = custom_formats(root)
    fixed = []
    for section in ("cellStyleXfs", "cellXfs"):
        node = root.find(q(section))
        for xf in ([] if node is None else node.iter(q("xf"))):
            nid = xf.get("numFmtId", "0")
            if nid.isdigit() and int(nid) >= FIRST_CUSTOM_FORMAT and int(nid) not in custom:
                xf.set("numFmtId", "0")
                fixed.append(Message("doctor.fixed.number_format"))
    used = {int(v) for v in root.xpath("//@numFmtId") if str(v).isdigit()}
    dxfs = root.find(q("dxfs"))
    for fmt in ([] if dxfs is None else dxfs.iter(q("numFmt"))):
        nid = fmt.get("numFmtId", "")
        if nid.isdigit() and int(nid) in custom and custom[int(nid)] != fmt.get("formatCode"):
            new_id = max([FIRST_CUSTOM_FORMAT - 1, *used]) + 1
            used.add(new_id)
            fmt.set("numFmtId", str(new_id))
            fixed.append(Message("doctor.fixed.dxf_id"))
    return (serialize(root) if fixed else None), sorted(set(fixed))


def _set_code_name(xml: bytes, code: str) -> bytes:
    """A worksheet part with ``code`` as its code name (only the part before its cells is touched)."""
    text = xml.decode("utf-8")
    head_end = text.find("sheetData")
    head, tail = (text[:head_end], text[head_end:]) if head_end >= 0 else (text, "")
    m = re.search(r"<((?:\w+:)?sheetPr)\b([^>]*?)(/?)>", head)
    if m:
        attrs = re.sub(r'\s+codeName="[^"]*"', "", m.group(2))
        head = head[:m.start()] + f'<{m.group(1)} codeName="{code}"{attrs}{m.group(3)}>' + head[m.end():]
    else:
        root = re.search(r"<((?:(\w+):)?worksheet)\b[^>]*>", head)
        prefix = f"{root.group(2)}:" if root and root.group(2) else ""
        head = head[:root.end()] + f'<{prefix}sheetPr codeName="{code}"/>' + head[root.end():]
    return (head + tail).encode("utf-8")


def _vba_needs_replacing(diagnosis: Diagnosis) -> bool:
    return any(f.part == VBA_PART or f.meaning in (VBA, VBA_BROKEN) for f in diagnosis.findings)


def _replace_vba(zf: zipfile.ZipFile, replace: dict[str, bytes], fixed: list[str]) -> None:
    """This version's VBA project, and the code names its document modules expect."""
    from .workbook import vba_project_bytes

    replace[VBA_PART] = vba_project_bytes()
    workbook = parse(replace.get(WORKBOOK) or zf.read(WORKBOOK), WORKBOOK)
    pr = workbook.find(q("workbookPr"))
    if pr is None:
        pr = etree.Element(q("workbookPr"))
        workbook.insert(0, pr)
    pr.set("codeName", L.WORKBOOK_CODE_NAME)
    replace[WORKBOOK] = serialize(workbook)
    targets = {r.id: r.target for r in read_rels(zf, WORKBOOK)}
    parts = {s.get("name"): targets.get(s.get(q("id", R))) for s in workbook.iter(q("sheet"))}
    for name, code in L.CODE_NAMES.items():  # the sheet by its name in any language
        part = next((parts[n] for n in sorted(all_names("sheet", name)) if parts.get(n)), None)
        if part is not None:
            replace[part] = _set_code_name(replace.get(part) or zf.read(part), code)
    fixed.append(Message("doctor.fixed.vba"))


def repair(path: str | Path, out: str | Path | None = None, *, force: bool = False,
           notify: Notify | None = None) -> Repair:
    """Repair what can be repaired (see the module's docstring) and diagnose the result.

    Writes ``out`` (default: ``path``, replaced atomically) only if something
    was repaired, under the tracker's lock (:func:`kpi_xl.files.writing`:
    refused when it is read-only or open in Excel — ``force`` passes over
    that).  Raises :class:`~kpi_xl.errors.InputError` when missing or
    damaged output sheets need a refresh and the tracker's input is invalid.
    """
    from .refresh import refresh

    path = Path(path)
    target = Path(out) if out is not None else path
    with writing(target, sources=(path,), force=force, command="kpi-xl doctor --fix", notify=notify) as real:
        before = diagnose(path)
        fixed: list[str] = []
        replace: dict[str, bytes] = {}
        with zipfile.ZipFile(path) as zf:
            needs_refresh = _plan_repairs(zf, before, replace, fixed)
            if not replace and not needs_refresh:
                return Repair([], before)
            if before.input_problems and needs_refresh:
                raise InputError(before.input_problems, language(path))
            if out is not None:
                check_suffix(target, VBA_PART in zf.NameToInfo)
            with scratch(real, path.suffix) as work:
                rewrite(zf, work, replace)
                if needs_refresh:
                    added = refresh(work).added
                    fixed.append(Message("doctor.fixed.refresh_added", sheets=added) if added
                                     else Message("doctor.fixed.refresh"))
                with atomic_path(real) as dest:
                    dest.write_bytes(work.read_bytes())
        return Repair(fixed, diagnose(target))


def _plan_repairs(zf: zipfile.ZipFile, before: Diagnosis, replace: dict[str, bytes], fixed: list[str]) -> bool:
    """The parts to replace (into ``replace``, said in ``fixed``); whether the output sheets need a refresh."""
    data = _fix_workbook_prefix(zf.read(WORKBOOK))
    if data is not None:
        replace[WORKBOOK] = data
        fixed.append(Message("doctor.fixed.prefix"))
    if STYLES not in zf.NameToInfo:  # nothing to rebuild the formats from, nor to refresh into: left as found
        return False
    data, done = _fix_styles(zf.read(STYLES))
    if data is not None:
        replace[STYLES] = data
        fixed += done
    if _vba_needs_replacing(before) and VBA_PART in zf.NameToInfo and not before.user_code:
        _replace_vba(zf, replace, fixed)
    return any(f.meaning in (OUTPUT, FORMATS) for f in before.findings) or (
        VBA_PART in replace and not before.input_problems)
