"""Building the workbook's VBA project (``vbaProject.bin``) without Excel: build time only.

The recipe, so that every part either comes from Excel or is generated here:

1. Start from the VBA project of xlwings' standalone quickstart workbook
   (``xlwings/quickstart_standalone.xlsm``, made by Excel and shipped with the
   pinned xlwings): ``ThisWorkbook``, ``Sheet1``, ``Sheet2``, the sample
   ``Module1``, the standalone runtime ``xlwings`` and the ``Dictionary``
   class it uses on the Mac.
2. With pyOpenVBA: drop ``Module1``; add the standard module ``KpiXl``
   (:func:`kpi_xl.dev.vba.module_source`: ``RefreshKPIs``, the Excel-function
   wrappers, ``RegisterKPIFunctions``); give ``ThisWorkbook`` a
   ``Workbook_Open`` that registers the functions' help; make the document
   modules exactly ``ThisWorkbook`` plus one per template sheet
   (:data:`kpi_xl.workbook.CODE_NAMES`), because Excel binds them by code
   name and invents ``ThisWorkbook1`` & co. for a mismatch.
3. Keep the ``PROJECT`` stream's ``[Workspace]`` section contiguous (pyOpenVBA
   appends after the quickstart's trailing blank line).

The result is deterministic (no timestamps, no random GUIDs) for a given
xlwings, pyOpenVBA and :mod:`kpi_xl.udfs`; it is committed as
``kpi_xl/data/vbaProject.bin`` so that ``kpi-xl new`` needs neither
pyOpenVBA nor this module (``python -m kpi_xl.dev.template build`` rewrites it,
and a test checks the committed copy against a fresh build).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import TemplateError
from ..layout import CODE_NAMES, WORKBOOK_CODE_NAME
from . import vba

SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
"""``VB_Base`` of a worksheet's document module (the worksheet's class id)."""

QUICKSTART_MODULES = {"ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"}

THISWORKBOOK_CODE = (
    "Private Sub Workbook_Open()\r\n"
    "    ' Descriptions and the KPI category for the Excel functions (Insert Function).\r\n"
    "    ' Registering them is not an edit: keep the workbook's saved state.\r\n"
    "    Dim wasSaved As Boolean\r\n"
    "    wasSaved = Me.Saved\r\n"
    f"    {vba.MODULE_NAME}.RegisterKPIFunctions\r\n"
    "    Me.Saved = wasSaved\r\n"
    "End Sub\r\n"
)

_VBA_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


def quickstart_path() -> Path:
    """xlwings' standalone quickstart workbook (what ``xlwings quickstart --standalone`` copies)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    if not path.exists():
        raise TemplateError(f"xlwings {xlwings.__version__} has no {path.name}: cannot build the VBA project")
    return path


def build_vba_project(module_source: str | None = None) -> bytes:
    """The template's ``vbaProject.bin``, built from the quickstart project (see the module docstring)."""
    import pyopenvba
    from pyopenvba._new_project import document_header
    from pyopenvba.vba import VBAModuleKind

    source = module_source if module_source is not None else vba.module_source()
    wanted = {name.casefold(): name for name in (WORKBOOK_CODE_NAME, *CODE_NAMES.values())}
    if len(wanted) != len(CODE_NAMES) + 1 or not all(_VBA_IDENT.match(n) for n in wanted.values()):
        raise TemplateError(f"code names must be unique VBA identifiers: {sorted(wanted.values())}")

    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "quickstart.xlsm"
        shutil.copyfile(quickstart_path(), original)
        book = pyopenvba.ExcelFile(original)
        try:
            project = book.vba_project()
            found = {m.name for m in project.modules}
            if found != QUICKSTART_MODULES:
                raise TemplateError(f"the xlwings quickstart project changed: modules {sorted(found)}")
            project.delete_module("Module1")  # the quickstart's SampleCall
            project.add_module(vba.MODULE_NAME, source)
            project.get_module(WORKBOOK_CODE_NAME).body = THISWORKBOOK_CODE
            documents = {m.name.casefold(): m.name for m in project.modules
                         if m.kind == VBAModuleKind.other and "VB_PredeclaredId = True" in m.attribute_header}
            for key, name in documents.items():
                if key not in wanted:
                    project.delete_module(name)
            # pyOpenVBA declares an added module `Document=` in PROJECT (not `Class=`) only when its
            # name is in this set, which add_vba_project() fills for a new project: private, hence
            # the exact pyOpenVBA pin.
            book._document_names = {key for key in wanted if key not in documents}
            for key, name in wanted.items():
                if key not in documents:
                    project.add_module(name, document_header(name, SHEET_BASE), kind=VBAModuleKind.other)
            problems = project.validate()
            if problems:
                raise TemplateError("pyOpenVBA finds the VBA project invalid: " + "; ".join(problems))
            edited = Path(tmp) / "edited.xlsm"
            book.save(edited, full_rebuild=True)
        finally:
            book.close()
        with zipfile.ZipFile(edited) as z:
            raw = z.read("xl/vbaProject.bin")
    return _tidy_project_stream(raw)


def _tidy_project_stream(raw: bytes) -> bytes:
    """Keep the ``[Workspace]`` entries together, ending in one blank line as Excel writes them."""
    from pyopenvba.cfb import CFB

    cfb = CFB.from_bytes(raw)
    text = cfb.get_stream("PROJECT").decode("cp1252")
    head, sep, workspace = text.partition("[Workspace]\r\n")
    lines = [line for line in workspace.split("\r\n") if line.strip()]
    tidy = head + sep + "".join(line + "\r\n" for line in lines) + "\r\n"
    if tidy == text:
        return raw
    cfb.write_stream("PROJECT", tidy.encode("cp1252"))
    return cfb.to_bytes()


def modules(raw: bytes) -> dict[str, str]:
    """Module name → source, as olevba (oletools) reads them back."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=raw)
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
