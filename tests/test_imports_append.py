"""Growing an Excel Table inside the file: where rows go, what they look like, what is kept."""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl import read_tracker
from kpi_xl.errors import WorkbookError
from kpi_xl.imports import import_files
from kpi_xl.ooxml.styles import CellStyles as Styles
from kpi_xl.workbook import write_tracker

from .conftest import HAND_ADS, HAND_SETTINGS, digest, edit_workbook, require_libreoffice

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


def google(tmp_path: Path, campaigns: list[str], name: str = "g.csv") -> Path:
    lines = ["Campaign report", "March 2, 2026 - March 2, 2026", "Campaign,Impr.,Clicks,Currency code,Cost"]
    lines += [f'"{c.replace(chr(34), chr(34) * 2)}",{100 + i},{i},EUR,{i + 0.5}' for i, c in enumerate(campaigns)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sheet_xml(path: Path, sheet: str) -> str:
    from kpi_xl.ooxml.package import sheet_parts

    with zipfile.ZipFile(path) as z:
        return z.read(sheet_parts(z)[sheet]).decode("utf-8")


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsm")
    import_files(tracker, ads=[google(tmp_path, INJECTIONS)])
    xml = sheet_xml(tracker, "Ads")
    assert "<f>" not in xml and "<f " not in xml
    assert xml.count('t="inlineStr"') == 2 * len(INJECTIONS)  # Channel and Campaign
    ws = openpyxl.load_workbook(tracker)["Ads"]
    cells = [ws.cell(r, 3) for r in range(2, 2 + len(INJECTIONS))]
    assert [c.value for c in cells] == INJECTIONS
    assert {c.data_type for c in cells} == {"s"}


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_shows_formula_like_text_as_text(tmp_path):
    soffice = require_libreoffice()
    tracker = write_tracker(tmp_path / "t.xlsx")
    import_files(tracker, ads=[google(tmp_path, INJECTIONS)])
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
                    "--outdir", str(tmp_path / "csv"), str(tracker)], check=True, capture_output=True, timeout=180)
    rows = list(csv.reader((tmp_path / "csv" / "t-Ads.csv").open(encoding="utf-8")))
    assert [r[2] for r in rows[1:1 + len(INJECTIONS)]] == INJECTIONS
    assert [r[0] for r in rows[1:3]] == ["2026-03-02", "2026-03-02"]  # dates shown as dates


def test_rows_go_after_the_last_row_with_data_in_the_date_style_of_the_column(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx", HAND_ADS, settings=HAND_SETTINGS)
    import_files(tracker, ads=[google(tmp_path, ["Search", "Brand"])])
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Ads"]
    assert ws.tables["Ads"].ref == "A1:J7"
    assert ws.tables["Ads"].autoFilter.ref == "A1:J7"
    assert [ws.cell(r, 3).value for r in range(2, 8)] == ["Guide", "Search", "guide", "Guide", "Search", "Brand"]
    assert ws["A6"].value == dt.datetime(2026, 3, 2) and ws["A6"].number_format == ws["A5"].number_format
    assert ws["F7"].number_format == ws["F5"].number_format  # money
    assert re.search(r'<dimension ref="A1:J7"/>', sheet_xml(tracker, "Ads"))
    assert read_tracker(tracker).kpis("2026-03", channel="google")["clicks"] == 100 + 0 + 1


def test_blank_rows_at_the_end_of_a_table_are_filled_and_cells_beside_it_kept(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx")

    def grow(wb):
        ws = wb["Ads"]
        ws.tables["Ads"].ref = "A1:J6"  # a user grew the table: five blank rows
        ws.tables["Ads"].autoFilter.ref = "A1:J6"
        ws["L3"] = "my note"  # beside the table, on a row the import fills
        ws["A9"] = "below, out of the way"

    edit_workbook(tracker, grow)
    import_files(tracker, ads=[google(tmp_path, ["One", "Two"])])
    ws = openpyxl.load_workbook(tracker)["Ads"]
    assert ws.tables["Ads"].ref == "A1:J6"  # room enough: the table keeps its size
    assert [ws.cell(r, 3).value for r in range(2, 5)] == ["One", "Two", None]
    assert ws["L3"].value == "my note" and ws["A9"].value == "below, out of the way"
    import_files(tracker, ads=[google(tmp_path, ["Three", "Four", "Five", "Six"], "more.csv")])
    ws = openpyxl.load_workbook(tracker)["Ads"]
    assert ws.tables["Ads"].ref == "A1:J7"
    assert [ws.cell(r, 3).value for r in range(2, 8)] == ["One", "Two", "Three", "Four", "Five", "Six"]


def test_a_table_cannot_grow_over_cells_below_it(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx")
    edit_workbook(tracker, lambda wb: wb["Ads"].__setitem__("C3", "in the way"))
    before = digest(tracker)
    with pytest.raises(WorkbookError, match=r"Ads!C3: the table Ads cannot grow over this cell"):
        import_files(tracker, ads=[google(tmp_path, ["One", "Two"])])
    assert digest(tracker) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.csv", "t.xlsx"]


def test_a_totals_row_moves_down_with_the_table(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx")

    def totals(wb):
        ws = wb["Ads"]
        table = ws.tables["Ads"]
        table.ref = "A1:J3"
        table.totalsRowCount = 1
        table.autoFilter.ref = "A1:J2"
        ws["A3"] = "Total"
        ws["F3"] = "=SUBTOTAL(109,Ads[Spend])"

    edit_workbook(tracker, totals)
    import_files(tracker, ads=[google(tmp_path, ["One", "Two", "Three"])])
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Ads"]
    assert ws.tables["Ads"].ref == "A1:J5"
    assert ws.tables["Ads"].autoFilter.ref == "A1:J4"
    assert [ws.cell(r, 3).value for r in range(2, 5)] == ["One", "Two", "Three"]
    assert ws["A5"].value == "Total" and ws["F5"].value == "=SUBTOTAL(109,Ads[Spend])"
    assert ws["A3"].value == dt.datetime(2026, 3, 2)
    assert read_tracker(tracker).kpis()["spend"] == 0.5 + 1.5 + 2.5


def test_a_date_style_is_added_only_when_the_workbook_has_none():
    xml = (b'<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:numFmts count="1">'
           b'<x:numFmt numFmtId="164" formatCode="#,##0.00 &quot;EUR&quot;"/></x:numFmts>'
           b'<x:cellXfs count="2"><x:xf numFmtId="0" fontId="0"/><x:xf numFmtId="164" fontId="0"/></x:cellXfs>'
           b'</x:styleSheet>')
    styles = Styles(xml)
    assert not styles.is_date(0) and not styles.is_date(1)
    assert styles.date_style() == 2 and styles.changed
    # Added in the part's own spelling (the x: prefix), counted.
    assert b'<x:cellXfs count="3">' in styles.bytes() and b'<x:xf numFmtId="14"' in styles.bytes()
    assert styles.is_date(2)
    assert Styles(styles.bytes()).date_style() == 2


def test_the_vba_project_and_every_other_part_survive_in_an_xlsm(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsm", HAND_ADS, settings=HAND_SETTINGS)
    with zipfile.ZipFile(tracker) as z:
        before = {i.filename: (i.CRC, i.compress_size) for i in z.infolist()}
        vba = z.read("xl/vbaProject.bin")
    import_files(tracker, ads=[google(tmp_path, ["Search"])])
    with zipfile.ZipFile(tracker) as z:
        after = {i.filename: (i.CRC, i.compress_size) for i in z.infolist()}
        assert z.read("xl/vbaProject.bin") == vba
        assert z.testzip() is None
    assert [n for n in before if before[n] != after[n]] == ["xl/worksheets/sheet2.xml", "xl/tables/table1.xml"]
    # openpyxl (with keep_vba) still opens it, and the tracker still reads.
    openpyxl.load_workbook(tracker, keep_vba=True)
    assert read_tracker(tracker).kpis("2026-03")["spend"] == 300 + 250 + 150 + 0.5
