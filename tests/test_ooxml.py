"""Replacing output sheets in a package: the rest is copied byte for byte, styles are merged, idempotent."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

from kpi_xl.ooxml.transplant import replace_sheets


def make_target(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name in ("Dashboard", "Ads", "P&L", "Mine"):
        wb.add_worksheet(name)
    ads = wb.get_worksheet_by_name("Ads")
    ads.write_row(0, 0, ["Date", "Spend"], wb.add_format({"bold": True}))
    ads.write_comment("A1", "a note: comments have VML parts too")
    wb.get_worksheet_by_name("Mine").write_formula("A1", "=SUM(Ads!B:B)")
    wb.get_worksheet_by_name("P&L").write("A1", "old output", wb.add_format({"italic": True}))
    wb.define_name("TargetROAS", "=Ads!$B$1")
    wb.close()
    return path


def make_scratch(path: Path, sales: float) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    dash, pnl = wb.add_worksheet("Dashboard"), wb.add_worksheet("P&L")
    money = wb.add_format({"num_format": '#,##0.00 "EUR"', "bold": True})
    pnl.write_row(0, 0, ["Month", "Sales"])
    pnl.write_row(1, 0, ["2026-01", sales], money)
    pnl.conditional_format("B2", {"type": "formula", "criteria": "=B2<TargetROAS",
                                  "format": wb.add_format({"bg_color": "#FFC7CE"})})
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"categories": "='P&L'!$A$2:$A$2", "values": "='P&L'!$B$2:$B$2"})
    dash.insert_chart("B5", chart)
    dash.insert_button("B2", {"macro": "RefreshKPIs", "caption": "Refresh KPIs"})
    dash.write("A1", "KPI tracker")
    wb.close()
    return path


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_only_the_named_sheets_change_and_the_rest_is_copied(tmp_path):
    target = make_target(tmp_path / "t.xlsx")
    out = tmp_path / "o.xlsx"
    replace_sheets(target, make_scratch(tmp_path / "s.xlsx", 5000.0), ["Dashboard", "P&L"], out)
    before, after = entries(target), entries(out)
    changed = {n for n in after if before.get(n) != after[n]}
    assert changed == {"[Content_Types].xml", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                       "xl/worksheets/sheet3.xml", "xl/worksheets/_rels/sheet1.xml.rels",
                       "xl/charts/chart1.xml", "xl/drawings/drawing1.xml",
                       "xl/drawings/_rels/drawing1.xml.rels", "xl/drawings/vmlDrawing2.vml"}
    # Ads (sheet2), the user's sheet (sheet4), the comment and its VML are untouched.
    for part in ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet4.xml", "xl/comments1.xml",
                 "xl/drawings/vmlDrawing1.vml", "xl/workbook.xml", "xl/sharedStrings.xml"):
        assert after[part] == before[part], part

    wb = openpyxl.load_workbook(out)
    pnl = wb["P&L"]
    assert pnl["A1"].value == "Month" and pnl["B2"].value == 5000.0
    assert pnl["B2"].number_format == '#,##0.00 "EUR"' and pnl["B2"].font.b
    assert wb["Mine"]["A1"].value == "=SUM(Ads!B:B)"
    rules = [r for cf in pnl.conditional_formatting for r in cf.rules]
    assert rules[0].formula == ["B2<TargetROAS"] and rules[0].dxf.fill.bgColor.rgb == "FFFFC7CE"
    assert b"[0]!RefreshKPIs" in after["xl/drawings/vmlDrawing2.vml"]
    assert b"<c:lineChart>" in after["xl/charts/chart1.xml"]


def test_refreshing_again_gives_the_same_bytes_and_styles_do_not_grow(tmp_path):
    target = make_target(tmp_path / "t.xlsx")
    once, twice, thrice = tmp_path / "1.xlsx", tmp_path / "2.xlsx", tmp_path / "3.xlsx"
    replace_sheets(target, make_scratch(tmp_path / "s1.xlsx", 5000.0), ["Dashboard", "P&L"], once)
    replace_sheets(once, make_scratch(tmp_path / "s2.xlsx", 5000.0), ["Dashboard", "P&L"], twice)
    replace_sheets(twice, make_scratch(tmp_path / "s3.xlsx", 7000.0), ["Dashboard", "P&L"], thrice)
    assert once.read_bytes() == twice.read_bytes()
    a, c = entries(twice), entries(thrice)
    assert a["xl/styles.xml"] == c["xl/styles.xml"]
    # Only the new number changes: in the sheet, and in the chart's cached values.
    assert sorted(n for n in a if a[n] != c.get(n)) == ["xl/charts/chart1.xml", "xl/worksheets/sheet3.xml"]
    assert openpyxl.load_workbook(thrice)["P&L"]["B2"].value == 7000.0


def test_shared_strings_are_found_by_index_in_the_raw_bytes(tmp_path):
    """A header's strings may come after a million labels: counted in the bytes, only the wanted ones parsed."""
    from kpi_xl.ooxml.rows import shared_strings_at

    sst = ('<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" count="3">' + "".join(f"<x:si><x:t>label {i}</x:t></x:si>" for i in range(300_000))
           + '<x:si><x:r><x:t>Sp</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">end </x:t></x:r>'
           "<x:rPh><x:t>ignored</x:t></x:rPh></x:si><x:si><x:t>A &amp; B</x:t></x:si></x:sst>")
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", sst)
    with zipfile.ZipFile(path) as z:
        assert shared_strings_at(z, {0, 299_999, 300_000, 300_001, 400_000}) == {
            0: "label 0", 299_999: "label 299999", 300_000: "Spend ", 300_001: "A & B"}
