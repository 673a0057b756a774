"""The committed template: a fresh build, the VBA inside it, and the sheets of docs/workbook.md.

When a test here fails after an intended change (layout, Excel functions,
xlwings pin), rebuild with ``python -m kpi_xl.dev.template build`` and look at
the result before committing it.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import inspect
import re
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.utils
import pytest
import tomllib
import xlwings

from kpi_xl.dev import vba
from kpi_xl.dev.template import SCREENSHOTS, TEMPLATE, VBA_BIN, write_template
from kpi_xl.dev.vba_project import build_vba_project, modules
from kpi_xl.layout import CODE_NAMES, REFRESH_MACRO, SHEETS, WORKBOOK_CODE_NAME
from kpi_xl.ooxml.compare import compare_packages
from kpi_xl.ooxml.package import read_package
from kpi_xl.reader import read_tracker
from kpi_xl.schema import ADS, LEDGER, LEDGER_TYPES, PLAN, SETTINGS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:oletools.olevba")

ROOT = Path(__file__).resolve().parents[1]
REBUILD = "rebuild with: python -m kpi_xl.dev.template build"


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


@pytest.fixture(scope="module")
def project() -> dict[str, str]:
    """Module name → source, read back by olevba from the template's vbaProject.bin."""
    return modules(part(TEMPLATE, "xl/vbaProject.bin"))


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(TEMPLATE, keep_vba=True)


def code(source: str) -> str:
    """A module's code without its Attribute lines, LF line ends."""
    return "\n".join(line for line in source.replace("\r\n", "\n").split("\n")
                     if not line.startswith("Attribute VB_")).strip()


def subs(source: str, public_only: bool = False) -> dict[str, str]:
    """Sub name → its parameter list."""
    scope = r"(?:Public\s+)?" if public_only else r"(?:Public\s+|Private\s+)?"
    return dict(re.findall(rf"^{scope}Sub\s+(\w+)\s*\(([^)]*)\)", source, re.M | re.I))


# --- golden files ----------------------------------------------------------------

def test_the_committed_vba_project_is_a_fresh_build():
    assert VBA_BIN.read_bytes() == build_vba_project(), f"kpi_xl/data/vbaProject.bin is stale: {REBUILD}"


def test_the_committed_template_is_a_fresh_build(tmp_path):
    fresh = write_template(tmp_path / TEMPLATE.name)
    assert compare_packages(fresh, TEMPLATE) == [], f"workbook/KPI_Template.xlsm is stale: {REBUILD}"


def test_the_template_embeds_the_packaged_vba_project_unchanged():
    assert part(TEMPLATE, "xl/vbaProject.bin") == VBA_BIN.read_bytes()


def test_the_build_is_deterministic(tmp_path):
    a, b = write_template(tmp_path / "a.xlsm"), write_template(tmp_path / "b.xlsm")
    assert a.read_bytes() == b.read_bytes()


# --- the VBA project ----------------------------------------------------------------

def test_olevba_lists_every_module_with_its_source(project):
    assert set(project) == {vba.MODULE_NAME, "xlwings", "Dictionary", WORKBOOK_CODE_NAME, *CODE_NAMES.values()}
    assert code(project[vba.MODULE_NAME]) == code(vba.module_source())
    assert "Public Function Exists" in project["Dictionary"]


def test_the_kpixl_module_has_the_macro_the_functions_and_their_help(project):
    from kpi_xl.udfs import FUNCTION_NAMES

    source = project[vba.MODULE_NAME]
    assert subs(source)[REFRESH_MACRO] == ""
    assert subs(source)["RegisterKPIFunctions"] == ""
    functions = set(re.findall(r"^Function\s+(\w+)\(", source, re.M))
    assert functions == set(FUNCTION_NAMES)
    # No procedure may be named like the module: Excel could not call =KPI() otherwise.
    assert vba.MODULE_NAME not in functions | set(subs(source))


def test_thisworkbook_registers_the_functions_help_when_opened(project):
    source = project[WORKBOOK_CODE_NAME]
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in source  # its header is kept
    assert subs(source)["Workbook_Open"] == ""
    body = source.split("Sub Workbook_Open()")[1].split("End Sub")[0]
    assert f"{vba.MODULE_NAME}.RegisterKPIFunctions" in body
    assert "RegisterKPIFunctions" in subs(project[vba.MODULE_NAME], public_only=True)


def test_every_button_runs_an_existing_parameterless_public_sub(project):
    info = read_package(TEMPLATE)
    with zipfile.ZipFile(TEMPLATE) as z:
        macros = {}
        for name in z.namelist():
            if name.endswith(".vml"):
                macros[name] = re.findall(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", z.read(name).decode())
        dashboard_rels = z.read(info.sheets["Dashboard"].replace("worksheets/", "worksheets/_rels/") + ".rels")
    found = [m for ms in macros.values() for m in ms]
    assert found == [f"[0]!{REFRESH_MACRO}"], macros
    button_vml = next(n for n, ms in macros.items() if ms)
    assert Path(button_vml).name.encode() in dashboard_rels, "the button is not on Dashboard"
    standard = {name: src for name, src in project.items() if name in (vba.MODULE_NAME, "xlwings")}
    for macro in found:
        name = macro.removeprefix("[0]!")
        where = [m for m, src in standard.items() if subs(src, public_only=True).get(name) == ""]
        assert where, f"no public parameterless Sub {name} in a standard module"


def test_the_refresh_macro_runs_an_importable_python_entry_point(project):
    commands = re.findall(r'^\s*RunPython\s+"([^"]*)"', project[vba.MODULE_NAME], re.M)
    assert commands == [vba.MACROS[REFRESH_MACRO]]
    statements = ast.parse(commands[0]).body
    imported = [alias.name for s in statements if isinstance(s, ast.Import) for alias in s.names]
    calls = [s.value for s in statements if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)]
    assert len(calls) == 1 and not calls[0].args and not calls[0].keywords
    dotted = ast.unparse(calls[0].func)
    assert dotted == vba.REFRESH_ENTRY_POINT
    module_name, function_name = dotted.rsplit(".", 1)
    assert module_name in imported
    function = getattr(importlib.import_module(module_name), function_name)
    assert callable(function)
    assert all(p.default is not p.empty for p in inspect.signature(function).parameters.values())


def test_the_xlwings_runtime_is_the_pinned_version(project):
    runtime = project["xlwings"]
    version = xlwings.__version__
    assert f"'Version: {version}" in runtime
    assert f'XLWINGS_VERSION As String = "{version}"' in runtime
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"xlwings=={version}" in pyproject["project"]["dependencies"]


def test_document_modules_match_the_code_names_of_the_workbook_and_its_sheets(project):
    from pyopenvba.cfb import CFB

    declared = CFB.from_bytes(part(TEMPLATE, "xl/vbaProject.bin")).get_stream("PROJECT").decode("cp1252")
    documents = set(re.findall(r"^Document=(\w+)/", declared, re.M))
    assert documents == {WORKBOOK_CODE_NAME, *CODE_NAMES.values()}
    assert f'codeName="{WORKBOOK_CODE_NAME}"'.encode() in part(TEMPLATE, "xl/workbook.xml")
    info = read_package(TEMPLATE)
    for sheet, code_name in CODE_NAMES.items():
        assert f'codeName="{code_name}"'.encode() in part(TEMPLATE, info.sheets[sheet]), sheet


# --- sheets, tables, names, formats, validations ------------------------------------

def test_the_sheets_are_those_of_the_spec(book):
    assert book.sheetnames == list(SHEETS) == ["Dashboard", "Ads", "Ledger", "Settings", "Ads Summary", "P&L",
                                                "Plan", "Forecast", "xlwings.conf"]
    assert book.active.title == "Dashboard"


@pytest.mark.parametrize("spec", [ADS, LEDGER, PLAN], ids=lambda s: s.name)
def test_each_input_table_is_on_its_sheet_with_the_spec_headers(book, spec):
    ws = book[spec.name]
    table = ws.tables[spec.name]
    assert table.ref.startswith("A1:")
    assert [c.name for c in table.tableColumns] == list(spec.headers)
    assert ws.freeze_panes == "A2"


def validations(ws) -> dict[str, tuple]:
    """Column letter → (type, operator, formula1, formula2) of the rule that starts at row 2."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            m = re.fullmatch(r"([A-Z]+)2:\1(\d+)", ref)
            if m:
                assert int(m[2]) == 1_048_576, f"{ref}: the rule should reach the sheet's last row"
                out[m[1]] = (dv.type, dv.operator, dv.formula1, dv.formula2)
    return out


def column_format(ws, letter: str) -> str:
    """The number format of a column (openpyxl keeps runs of like columns as one dimension)."""
    index = openpyxl.utils.column_index_from_string(letter)
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return dim.number_format
    return "General"


def test_counts_are_whole_numbers_from_zero_and_money_is_formatted_in_the_currency(book):
    ws = book["Ads"]
    rules = validations(ws)
    for letter, header in zip("DEGHI", ("Impressions", "Clicks", "Leads", "Calls", "Customers"), strict=True):
        assert ADS.headers["ABCDEFGHIJ".index(letter)] == header
        assert rules[letter] == ("whole", "greaterThanOrEqual", "0", None), header
        assert column_format(ws, letter) == "#,##0"
    assert rules["F"] == ("decimal", "greaterThanOrEqual", "0", None)  # Spend
    assert rules["A"][0] == "date"
    for letter in "FJ":  # Spend, Revenue
        assert column_format(ws, letter) == '#,##0.00 "EUR";-#,##0.00 "EUR"'
    assert column_format(ws, "A") == "yyyy-mm-dd"


@pytest.mark.parametrize("sheet, letter", [("Ledger", "D"), ("Plan", "C")])
def test_type_is_a_drop_down_of_the_five_types(book, sheet, letter):
    rule = validations(book[sheet])[letter]
    assert rule[0] == "list"
    assert rule[2] == '"' + ",".join(LEDGER_TYPES) + '"'


SETTING_DEFAULTS = {  # docs/workbook.md, "Settings"
    "Currency": "EUR", "OpeningCash": 0, "OpeningDate": dt.datetime(2026, 1, 1), "TargetROAS": 2,
    "MaxCAC": None, "MaxCPL": None, "MinCTR": None, "MinGrossMargin": None, "ReserveMonths": 3,
    "ForecastMonths": 6, "Language": "en", "Business": None,
}


def test_every_setting_is_a_named_cell_with_its_default_a_note_and_a_format(book):
    assert [s.name for s in SETTINGS] == list(SETTING_DEFAULTS)
    ws = book["Settings"]
    formats = {"money": '"EUR"', "rate": "%", "date": "yyyy-mm-dd", "ratio": "×", "months": "0",
               "whole_months": "0", "currency": "General", "language": "General", "name": "General"}
    for setting in SETTINGS:
        ref = book.defined_names[setting.name].attr_text
        sheet, cell = ref.split("!")
        assert sheet == "Settings", ref
        c = ws[cell.replace("$", "")]
        assert c.value == SETTING_DEFAULTS[setting.name], setting.name
        assert c.comment is not None and c.comment.text.startswith(f"{setting.name}: "), setting.name
        assert formats[setting.kind] in c.number_format, (setting.name, c.number_format)
        assert any(cell.replace("$", "") in str(dv.sqref) for dv in ws.data_validations.dataValidation), \
            f"{setting.name} has no validation"
    assert ws.freeze_panes == "A4"


def test_the_dashboard_has_the_button_and_labelled_places(book):
    ws = book["Dashboard"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"KPI tracker", "Latest month", "Last 12 months", "Target", "Alerts", "What changed since last month",
            "Charts", "Cost per lead", "Cost per customer", "Safe owner pay"} <= texts
    assert '=IF(ISBLANK(TargetROAS),"",TargetROAS)' in texts  # targets read Settings live
    vml = part(TEMPLATE, "xl/drawings/vmlDrawing1.vml").decode()
    assert "Refresh KPIs" in vml


def test_xlwings_conf_names_the_udf_module_and_nothing_of_this_machine(book):
    ws = book["xlwings.conf"]
    rows = []
    for r in range(1, ws.max_row + 1):  # what xlwings reads: A1 down to the first blank cell
        if ws.cell(r, 1).value in (None, ""):
            break
        rows.append((ws.cell(r, 1).value, ws.cell(r, 2).value))
    assert rows[0] == ("UDF Modules", vba.UDF_MODULE)
    keys = [k.upper() for k, _ in rows]
    assert len(keys) == len(set(keys)), "xlwings adds keys to a Dictionary: no duplicates"
    assert not any(k.startswith("INTERPRETER") for k in keys)
    machine = re.compile(r"[A-Za-z]:\\|^[/~]|\\\\|/home/|/root|/Users/|\.venv|site-packages|python\.exe", re.I)
    for key, value in rows:
        assert isinstance(value, str) and not machine.search(value), (key, value)
    everything = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert str(Path.home()) not in everything and str(ROOT) not in everything


# --- what users do with it ---------------------------------------------------------

def test_the_template_reads_as_a_valid_empty_tracker():
    tracker = read_tracker(TEMPLATE)
    assert tracker.warnings == []
    values = tracker.kpis()
    assert values["spend"] == 0 and values["cpc"] is None
    assert tracker.settings.opening_date == dt.date(2026, 1, 1)


def test_an_openpyxl_round_trip_keeps_the_vba_the_button_and_the_data(tmp_path):
    from kpi_xl.sample import sample_data
    from kpi_xl.workbook import write_tracker

    from .conftest import SAMPLE_END

    data = sample_data(SAMPLE_END)
    original = write_tracker(tmp_path / "tracker.xlsm", data.ads, data.ledger, data.settings)
    copy = tmp_path / "copy.xlsm"
    wb = openpyxl.load_workbook(original, keep_vba=True)  # what a user's script does
    wb["Settings"]["B8"] = 650  # MaxCAC
    wb.save(copy)
    assert part(copy, "xl/vbaProject.bin") == VBA_BIN.read_bytes()
    info = read_package(copy)
    rels = part(copy, info.sheets["Dashboard"].replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
    vml = re.search(r'Target="[^"]*?([^"/]+\.vml)"', rels).group(1)
    assert f"[0]!{REFRESH_MACRO}".encode() in part(copy, "xl/drawings/" + vml)
    before, after = read_tracker(original), read_tracker(copy)
    # approx: two reads of the same rows may differ in the last bit (polars sums in parallel).
    a, b = after.kpis(data.story_month), before.kpis(data.story_month)
    assert {k: v is None for k, v in a.items()} == {k: v is None for k, v in b.items()}
    assert {k: v for k, v in a.items() if v is not None} == pytest.approx(
        {k: v for k, v in b.items() if v is not None}, rel=1e-12)
    assert after.settings.max_cac == 650


def test_the_docs_show_the_committed_screenshots():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/dashboard.png)" in readme
    pages = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for name in SCREENSHOTS.values():
        path = ROOT / "docs" / name
        assert f"](docs/{name})" in readme or f"]({name})" in pages, name
        assert path.stat().st_size < 300_000, f"{name}: keep screenshots modest"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
