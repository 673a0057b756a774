"""A tracker last saved by another program refreshes as kpi-xl's own does (issue 13).

Each file of ``tests/data/foreign`` (see its README.md) is the same tracker
as ``pristine.xlsm`` (or ``pristine.xlsx``) after another program saved it.
Refreshed through the CLI, it must give what the pristine tracker gives: exit
0, the same figures, the same number format on every output cell, the VBA
project it found, well-formed parts, and no structural error
(:mod:`tests.ooxml_checks`) that the input did not already have.  Refreshing
it again changes nothing more.

No xfail here: a failure is a defect of the refresh on that file.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import zipfile
from pathlib import Path

import pytest
import python_calamine

from . import ooxml_checks as oc
from .conftest import kpis_json, run_cli

CORPUS = Path(__file__).resolve().parent / "data" / "foreign"
PRISTINE = {".xlsm": "pristine.xlsm", ".xlsx": "pristine.xlsx"}
FOREIGN = [
    "openpyxl.xlsm",
    "openpyxl-no-forecast.xlsm",
    "libreoffice.xlsm",
    "rezipped-stored.xlsm",
    "dotnet-prefixed.xlsm",
    "excel-numfmts.xlsm",
    "openpyxl.xlsx",
]
PERIODS = (None, "2026-04", "2026-05", "2026-06")
FIGURE_SHEETS = ("P&L", "Ads Summary", "Forecast", "Dashboard")


class Refreshed:
    """One corpus file copied and refreshed through the CLI (once, then twice)."""

    def __init__(self, name: str, folder: Path):
        self.name = name
        self.input = CORPUS / name
        self.path = folder / name
        shutil.copy(self.input, self.path)
        self.result = run_cli("refresh", self.path)
        self.again: Path | None = None
        self.again_result = None

    def require_refreshed(self) -> None:
        assert self.result.exit_code == 0, (f"kpi-xl refresh {self.name}: exit {self.result.exit_code}: "
                                            f"{self.result.stderr.strip()[-500:]}")

    def refreshed_twice(self) -> Path:
        self.require_refreshed()
        if self.again is None:
            self.again = self.path.with_name("twice-" + self.name)
            shutil.copy(self.path, self.again)
            self.again_result = run_cli("refresh", self.again)
        assert self.again_result.exit_code == 0, (f"second refresh of {self.name}: exit {self.again_result.exit_code}: "
                                                  f"{self.again_result.stderr.strip()[-500:]}")
        return self.again


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("foreign")
    cache: dict[str, Refreshed] = {}

    def get(name: str) -> Refreshed:
        if name not in cache:
            cache[name] = Refreshed(name, folder)
        return cache[name]

    return get


def golden(refreshed, name: str) -> Refreshed:
    """The pristine tracker of the same kind, refreshed the same way (today, by the same code)."""
    g = refreshed(PRISTINE[Path(name).suffix])
    g.require_refreshed()
    return g


def sheet_values(path: Path, sheet: str) -> list[list]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    assert sheet in wb.sheet_names, f"{path.name}: no sheet {sheet!r} (sheets: {wb.sheet_names})"
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def number(value):
    """A date as the serial number Excel stores (whether a cell shows it as a date is the format check's business)."""
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def same(a, b) -> bool:
    a, b = number(a), number(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


def value_differences(got: Path, expected: Path, sheet: str) -> list[str]:
    a, b = sheet_values(got, sheet), sheet_values(expected, sheet)
    out = []
    for r in range(max(len(a), len(b))):
        ra = a[r] if r < len(a) else []
        rb = b[r] if r < len(b) else []
        for c in range(max(len(ra), len(rb))):
            va = ra[c] if c < len(ra) else ""
            vb = rb[c] if c < len(rb) else ""
            if not same(va, vb):
                out.append(f"{sheet}!{oc_cell(r, c)}: {va!r}, expected {vb!r}")
    return out


def oc_cell(r: int, c: int) -> str:
    letters, c = "", c + 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


# --- the corpus itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRISTINE.values()))
def test_pristine_trackers_pass_every_check(name):
    assert oc.not_well_formed(CORPUS / name) == {}
    assert [str(f) for f in oc.structure(CORPUS / name)] == []


@pytest.mark.parametrize("name", sorted(PRISTINE.values()))
def test_pristine_refresh_passes_every_check(refreshed, name):
    g = golden(refreshed, name)
    assert [str(f) for f in oc.structure(g.path)] == []


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_input_reads_as_the_pristine_tracker(name):
    """Before any refresh: kpis gives the pristine tracker's figures (the reader copes with the program's quirks)."""
    pristine = CORPUS / PRISTINE[Path(name).suffix]
    for period in PERIODS:
        assert kpis_json(CORPUS / name, period=period) == kpis_json(pristine, period=period), period


# --- the refresh of each foreign file --------------------------------------------------------------


@pytest.mark.parametrize("name", FOREIGN)
def test_refresh_exits_0(refreshed, name):
    refreshed(name).require_refreshed()


@pytest.mark.parametrize("name", FOREIGN)
def test_refreshed_parts_are_well_formed_xml(refreshed, name):
    r = refreshed(name)
    r.require_refreshed()
    bad = oc.not_well_formed(r.path)
    assert not bad, "\n".join(f"{part}: {message}" for part, message in sorted(bad.items()))


@pytest.mark.parametrize("name", FOREIGN)
def test_refresh_adds_no_structural_error(refreshed, name):
    r = refreshed(name)
    r.require_refreshed()
    new = oc.new_errors(r.path, r.input)
    assert not new, "\n".join(map(str, new))


@pytest.mark.parametrize("name", FOREIGN)
def test_refreshed_figures_equal_the_pristine_trackers(refreshed, name):
    r, g = refreshed(name), golden(refreshed, name)
    r.require_refreshed()
    for period in PERIODS:
        assert kpis_json(r.path, period=period) == kpis_json(g.path, period=period), period
    diffs = [d for sheet in FIGURE_SHEETS for d in value_differences(r.path, g.path, sheet)]
    assert not diffs, f"{len(diffs)} cells differ:\n" + "\n".join(diffs[:20])


@pytest.mark.parametrize("name", FOREIGN)
def test_refreshed_output_cells_have_the_pristine_number_formats(refreshed, name):
    r, g = refreshed(name), golden(refreshed, name)
    r.require_refreshed()
    diffs = oc.format_differences(r.path, g.path)
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("name", FOREIGN)
def test_refresh_keeps_the_vba_project_bytes(refreshed, name):
    r = refreshed(name)
    r.require_refreshed()
    with zipfile.ZipFile(r.input) as before, zipfile.ZipFile(r.path) as after:
        had = "xl/vbaProject.bin" in before.NameToInfo
        assert ("xl/vbaProject.bin" in after.NameToInfo) == had
        if had:
            assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")


@pytest.mark.parametrize("name", FOREIGN)
def test_second_refresh_changes_nothing_more(refreshed, name):
    r = refreshed(name)
    twice = r.refreshed_twice()
    problems = [f"not well-formed: {p}: {m}" for p, m in sorted(oc.not_well_formed(twice).items())]
    problems += [f"new: {f}" for f in oc.new_errors(twice, r.path)]
    problems += oc.format_differences(twice, r.path)
    problems += [d for sheet in FIGURE_SHEETS for d in value_differences(twice, r.path, sheet)]
    assert not problems, "the second refresh changed the first one's result:\n" + "\n".join(problems[:20])


# --- kpi-xl import into each foreign file ----------------------------------------------------------

IMPORTS = ["--ads", str(CORPUS.parent / "google_ads_campaign_report_zeros_eur.csv"), "--date", "2026-06-15",
           "--fec", str(CORPUS.parent / "0000000001FEC20220831.txt")]
"""Real exports of tests/data in the tracker's currency (EUR): 3 Ads rows and 1,389 Ledger entries."""


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """``kpi-xl import`` of a Google Ads export and a FEC file into a copy of each corpus file, once."""
    folder = tmp_path_factory.mktemp("foreign-import")
    cache: dict[str, tuple[Path, object]] = {}

    def get(name: str):
        if name not in cache:
            path = folder / name
            shutil.copy(CORPUS / name, path)
            cache[name] = path, run_cli("import", path, *IMPORTS)
        return cache[name]

    return get


@pytest.mark.parametrize("name", FOREIGN)
def test_import_into_a_foreign_tracker(imported, name):
    """Import gives what it gives on the pristine tracker, and breaks nothing the input did not have."""
    path, result = imported(name)
    assert result.exit_code == 0, f"kpi-xl import {name}: exit {result.exit_code}: {result.stderr.strip()[-500:]}"
    gold, gold_result = imported(PRISTINE[Path(name).suffix])
    assert gold_result.exit_code == 0, gold_result.stderr
    bad = oc.not_well_formed(path)
    assert not bad, "\n".join(f"{part}: {message}" for part, message in sorted(bad.items()))
    new = oc.new_errors(path, CORPUS / name)
    assert not new, "\n".join(map(str, new))
    for period in PERIODS:
        assert kpis_json(path, period=period) == kpis_json(gold, period=period), period


# --- the checks catch what they are for ------------------------------------------------------------


def _damage(src: Path, dest: Path, part: str, change) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            zo.writestr(info, change(data.decode("utf-8")).encode("utf-8") if info.filename == part else data)
    return dest


DAMAGES = {
    "undefined numFmtId": ("xl/styles.xml", lambda t: t.replace('<numFmt numFmtId="176" formatCode="yyyy-mm"/>', ""),
                           "numFmtId=176: not defined in <numFmts>"),
    "cell style out of range": ("xl/worksheets/sheet5.xml", lambda t: t.replace(' s="', ' s="9', 1), "cellXfs"),
    "dxfId out of range": ("xl/tables/table1.xml", lambda t: t.replace('dataDxfId="0"', 'dataDxfId="40"', 1),
                           "dataDxfId=40, only 5 dxfs"),
    "header text": ("xl/tables/table1.xml", lambda t: t.replace('name="Spend"', 'name="Cost"'),
                    "the header cell of column 'Cost'"),
    "unbound prefix": ("xl/workbook.xml", lambda t: t.replace(' xmlns:r="http://schemas.openxmlformats.org/'
                                                              'officeDocument/2006/relationships"', "", 1),
                       "Namespace prefix r for id on sheet is not defined"),
    "duplicate code name": ("xl/worksheets/sheet2.xml", lambda t: t.replace('codeName="Sheet2"', 'codeName="Sheet1"'),
                            "code name 'sheet1' used by sheets Dashboard, Ads"),
    "orphan r:id": ("xl/workbook.xml", lambda t: t.replace('r:id="rId8"', 'r:id="rId99"'), "its r:id leads to no part"),
    "cell order": ("xl/worksheets/sheet2.xml", lambda t: t.replace('<c r="A2"', '<c r="Z2"', 1), "out of order"),
    "list validation length": ("xl/worksheets/sheet3.xml",
                               lambda t: t.replace('<formula1>"Revenue,', '<formula1>"' + "x," * 130 + "Revenue,", 1),
                               "Excel's limit: 255"),
    "defined name sheet": ("xl/workbook.xml", lambda t: t.replace(">Settings!$B$4<", ">Setings!$B$4<"),
                           "no sheet 'Setings'"),
    "content type": ("[Content_Types].xml", lambda t: t.replace("spreadsheetml.styles+xml", "spreadsheetml.sheet.main+xml"),
                     "relates to it as styles"),
    "style index no number": ("xl/worksheets/sheet5.xml", lambda t: t.replace(' s="', ' s="x', 1), 's=x'),
    "orphan document module": ("xl/worksheets/sheet8.xml", lambda t: t.replace(' codeName="Sheet8"', ""),
                               "document module Sheet8 belongs to no sheet"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_structure_check_finds_the_damage(tmp_path, damage):
    part, change, expected = DAMAGES[damage]
    path = _damage(CORPUS / "pristine.xlsm", tmp_path / "damaged.xlsm", part, change)
    # Errors and warnings the pristine file does not have (an orphan document module is a warning:
    # Excel opens the file, the VBA editor shows an empty object).
    before = set(oc.structure(CORPUS / "pristine.xlsm"))
    found = [str(f) for f in oc.structure(path) if f not in before]
    assert any(expected in f for f in found), found


def test_format_check_sees_a_valid_but_wrong_format(tmp_path):
    """Every index valid, one custom format's code changed: no structural error, only the format comparison sees it."""
    def swap(t: str) -> str:
        return t.replace('<numFmt numFmtId="172" formatCode="yyyy-mm-dd"/>',
                         '<numFmt numFmtId="172" formatCode="0.0&quot; months&quot;"/>')

    path = _damage(CORPUS / "pristine.xlsm", tmp_path / "swapped.xlsm", "xl/styles.xml", swap)
    assert oc.errors(path) == []
    assert oc.format_differences(path, CORPUS / "pristine.xlsm", ["Ads", "Ledger"]) == [
        "Ads: 455 cells (A2, A3, A4, A5, …) expected 'yyyy-mm-dd', found '0.0\" months\"'",
        "Ledger: 162 cells (A2, A3, A4, A5, …) expected 'yyyy-mm-dd', found '0.0\" months\"'",
    ]
