"""`kpi-xl doctor`: each defect of a tracker another program (or an older kpi-xl) damaged is found,
and `--fix` cures it while keeping the data, the user's sheets and every figure."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from kpi_xl.doctor import diagnose
from kpi_xl.ooxml.vbaproject import read_vba_project
from kpi_xl.workbook import vba_project_bytes

from . import ooxml_checks as oc
from .conftest import kpis_json, run_cli

CORPUS = Path(__file__).resolve().parent / "data" / "foreign"


def rewrite_part(src: Path, dst: Path, part: str, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == part else data)
    return dst


def unbound_r(path: Path, dst: Path) -> Path:
    """What kpi-xl 0.1 left after adding a sheet to a workbook openpyxl had saved: r:id with no r: declared."""
    r = b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    return rewrite_part(path, dst, "xl/workbook.xml", lambda data: data.replace(r, b""))


def undefined_format(path: Path, dst: Path) -> Path:
    """What kpi-xl 0.1's style merge left after an openpyxl save: a cell style with a format id defined nowhere."""
    def change(data: bytes) -> bytes:
        text = data.decode()
        start = text.index("<numFmt ", text.index("<numFmts"))
        end = text.index("/>", start) + 2
        return (text[:start] + text[end:]).encode()
    return rewrite_part(path, dst, "xl/styles.xml", change)


@pytest.fixture
def pristine_figures(tmp_path) -> dict:
    copy = shutil.copy(CORPUS / "pristine.xlsm", tmp_path / "p.xlsm")
    return kpis_json(Path(copy))


CASES = {
    # name: (make the damaged file, a fragment of what doctor says)
    "LibreOffice's VBA project": (lambda src, dst: shutil.copy(CORPUS / "libreoffice.xlsm", dst),
                                  "the dir stream lists module Dictionary, the PROJECT stream does not"),
    "Forecast deleted by openpyxl": (lambda src, dst: shutil.copy(CORPUS / "openpyxl-no-forecast.xlsm", dst),
                                     "no Forecast sheet"),
    "orphan document module": (lambda src, dst: shutil.copy(CORPUS / "openpyxl-no-forecast.xlsm", dst),
                               "document module Sheet8 belongs to no sheet"),
    "openpyxl's dxf format ids": (lambda src, dst: shutil.copy(CORPUS / "openpyxl.xlsm", dst),
                                  "dxfs[0] numFmt 172 = 'yyyy-mm-dd', but <numFmts> has 172"),
    "unbound r: prefix": (unbound_r, "cannot read the workbook: Namespace prefix r"),
    "undefined number format": (undefined_format, "not defined in <numFmts>"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_doctor_finds_the_defect_and_fix_cures_it(tmp_path, case, pristine_figures):
    make, expected = CASES[case]
    path = tmp_path / "t.xlsm"
    make(CORPUS / "pristine.xlsm", path)
    before = path.read_bytes()
    r = run_cli("doctor", path)
    assert r.exit_code == 1 and expected in r.output, r.output
    assert "--fix repairs what can be repaired" in r.output
    assert path.read_bytes() == before  # without --fix nothing is written

    r = run_cli("doctor", path, "--fix")
    assert r.exit_code == 0, r.output
    assert "Repaired" in r.output and "nothing to repair" in r.output
    r = run_cli("doctor", path)
    assert r.exit_code == 0 and "nothing to repair" in r.output, r.output
    assert kpis_json(path) == pristine_figures
    assert oc.errors(path) == []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        vba = z.read("xl/vbaProject.bin")
    assert all(n in names for n in ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"))  # Ads, Ledger
    assert read_vba_project(vba).mismatches() == []


def test_fix_keeps_the_vba_project_when_nothing_is_wrong_with_it(tmp_path):
    from kpi_xl.sample import sample_data
    from kpi_xl.workbook import write_tracker

    data = sample_data("2026-06")
    current = write_tracker(tmp_path / "current.xlsm", data.ads, data.ledger, data.settings, data.plan)
    path = undefined_format(current, tmp_path / "t.xlsm")
    with zipfile.ZipFile(path) as z:
        vba = z.read("xl/vbaProject.bin")
    assert run_cli("doctor", path, "--fix").exit_code == 0
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba


def test_fix_reembeds_this_versions_vba_in_a_tracker_made_by_another_version(tmp_path):
    pyopenvba = pytest.importorskip("pyopenvba")
    path = shutil.copy(CORPUS / "pristine.xlsm", tmp_path / "old.xlsm")
    source = read_vba_project(vba_project_bytes()).code["KpiXl"]
    book = pyopenvba.ExcelFile(str(path))
    project = book.vba_project()
    project.delete_module("KpiXl")
    project.add_module("KpiXl", source.replace("Sub RefreshKPIs()", "Sub RefreshKPIs()\r\n    ' an older version"))
    book.save(str(path), full_rebuild=True)
    r = run_cli("doctor", path)
    assert r.exit_code == 1 and "the KpiXl module is not this kpi-xl version's" in r.output, r.output
    assert run_cli("doctor", path, "--fix").exit_code == 0
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba_project_bytes()


def test_fix_never_loses_the_owners_own_macros(tmp_path):
    pyopenvba = pytest.importorskip("pyopenvba")
    path = shutil.copy(CORPUS / "pristine.xlsm", tmp_path / "mine.xlsm")
    book = pyopenvba.ExcelFile(str(path))
    book.vba_project().add_module("MyMacros", 'Attribute VB_Name = "MyMacros"\r\nSub Hello()\r\n    MsgBox "hi"\r\n'
                                              "End Sub\r\n")
    book.save(str(path), full_rebuild=True)
    damaged = rewrite_part(Path(path), tmp_path / "damaged.xlsm", "xl/worksheets/sheet2.xml",
                           lambda data: data.replace(b' codeName="Sheet2"', b""))
    assert "MyMacros" in diagnose(damaged).user_code
    with zipfile.ZipFile(damaged) as z:
        vba = z.read("xl/vbaProject.bin")
    r = run_cli("doctor", damaged, "--fix")
    assert r.exit_code == 1, r.output
    assert "Not replaced: the VBA project holds your own macros (MyMacros)" in r.output
    with zipfile.ZipFile(damaged) as z:
        assert z.read("xl/vbaProject.bin") == vba


def test_doctor_on_what_is_no_workbook_is_bad_input(tmp_path):
    text = tmp_path / "notes.xlsm"
    text.write_text("hello")
    r = run_cli("doctor", text)
    assert r.exit_code == 2 and "not an Excel workbook" in r.output
    r = run_cli("doctor", tmp_path / "missing.xlsm")
    assert r.exit_code == 2 and "no such file" in r.output


def test_fix_needs_valid_input_to_restore_output_sheets(tmp_path):
    import openpyxl

    path = shutil.copy(CORPUS / "openpyxl-no-forecast.xlsm", tmp_path / "t.xlsm")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["Ads"]["F5"] = "twelve"
    wb.save(path)
    before = Path(path).read_bytes()
    r = run_cli("doctor", path, "--fix")
    assert r.exit_code == 2 and 'Ads!F5 (Spend): expected a number ≥ 0, found text "twelve"' in r.output, r.output
    assert Path(path).read_bytes() == before


def test_fix_with_out_leaves_the_original_alone(tmp_path):
    path = shutil.copy(CORPUS / "openpyxl-no-forecast.xlsm", tmp_path / "t.xlsm")
    before = Path(path).read_bytes()
    r = run_cli("doctor", path, "--fix", "--out", tmp_path / "fixed.xlsm")
    assert r.exit_code == 0, r.output
    assert Path(path).read_bytes() == before
    assert run_cli("doctor", tmp_path / "fixed.xlsm").exit_code == 0
