"""`kpi-xl refresh`: the numbers are the core's, nothing else changes, twice is once, bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl import read_tracker
from kpi_xl.layout import ADS_SUMMARY_IDS, DASHBOARD_CHANGES_ROW, OUTPUT_HEADER_ROW, OUTPUT_SHEETS, PNL_IDS
from kpi_xl.metrics import REGISTRY
from kpi_xl.ooxml.package import sheet_parts
from kpi_xl.refresh import refresh
from kpi_xl.sample import sample_data
from kpi_xl.texts import texts
from kpi_xl.workbook import write_tracker

from .conftest import SAMPLE_END, digest, kpis_json, pre_forecast_tracker, run_cli

ALL_CHANNELS = texts()("ads_summary.total")

TODAY = dt.date(2026, 11, 25)
approx = pytest.approx


@pytest.fixture(scope="module")
def sample_xlsm(tmp_path_factory) -> Path:
    data = sample_data(SAMPLE_END)
    return write_tracker(tmp_path_factory.mktemp("refresh") / "sample.xlsm", data.ads, data.ledger, data.settings,
                         data.plan)


@pytest.fixture
def tracker_copy(sample_xlsm, tmp_path) -> Path:
    path = tmp_path / "t.xlsm"
    path.write_bytes(sample_xlsm.read_bytes())
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def table_rows(ws, width: int):
    rows = []
    for row in ws.iter_rows(min_row=OUTPUT_HEADER_ROW + 2, max_col=width, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


def test_every_number_on_the_summary_sheets_is_what_kpis_json_gives(tracker_copy):
    refresh(tracker_copy, today=TODAY)
    wb = openpyxl.load_workbook(tracker_copy)
    summary = table_rows(wb["Ads Summary"], 2 + len(ADS_SUMMARY_IDS))
    assert len(summary) == 12 * 4  # 3 channels + the month's total, every month
    for month, channel, *values in summary:
        label = f"{month:%Y-%m}"
        expected = kpis_json(tracker_copy, "--period", label,
                             *([] if channel == ALL_CHANNELS else ["--channel", channel]))
        for kpi_id, got in zip(ADS_SUMMARY_IDS, values, strict=True):
            assert got == (None if expected[kpi_id] is None else approx(expected[kpi_id])), (label, channel, kpi_id)
    pnl = table_rows(wb["P&L"], 1 + len(PNL_IDS))
    assert [f"{r[0]:%Y-%m}" for r in pnl] == [f"2026-{m:02d}" for m in range(1, 13)]
    for month, *values in pnl:
        expected = kpis_json(tracker_copy, "--period", f"{month:%Y-%m}")
        for kpi_id, got in zip(PNL_IDS, values, strict=True):
            assert got == (None if expected[kpi_id] is None else approx(expected[kpi_id])), (month, kpi_id)


def test_the_story_month_is_told_in_what_changed(tmp_path):
    data = sample_data(SAMPLE_END)
    until_may = [r for r in data.ads if r["Date"] < dt.date(2026, 6, 1)]
    ledger = [r for r in data.ledger if r["Date"] < dt.date(2026, 6, 1)]
    path = write_tracker(tmp_path / "may.xlsm", until_may, ledger, data.settings)
    refresh(path, today=TODAY)
    ws = openpyxl.load_workbook(path)["Dashboard"]
    lines = [ws.cell(DASHBOARD_CHANGES_ROW + 2 + i, 7).value for i in range(6)]
    april, may = kpis_json(path, "--period", "2026-04"), kpis_json(path, "--period", "2026-05")
    cpl = round((may["cpl"] - april["cpl"]) / april["cpl"] * 100)
    cac = round((may["cac"] - april["cac"]) / april["cac"] * 100)
    assert lines[0] == (f"2026-05 against 2026-04: Cost per lead +{cpl}% but cost per customer −{-cac}%: "
                        "the extra leads were better qualified.")
    assert cpl > 80 and cac < 0
    assert any(line and line.startswith("Cost per click −") and "cheaper clicks turned into fewer leads" in line
               for line in lines)
    assert any(line and line.startswith("Net profit +") for line in lines)
    sales = (may["sales"] - april["sales"]) / april["sales"]
    assert abs(sales) >= 0.10  # so it is told, old → new like the other moves
    assert f"Sales {sales:+.0%} ({april['sales']:,.2f} EUR → {may['sales']:,.2f} EUR).".replace("-", "−") in lines


def test_refresh_keeps_everything_it_does_not_own(tracker_copy, tmp_path):
    # A user adds a sheet with formulas (and saves with openpyxl, keeping the VBA, as users' scripts do).
    wb = openpyxl.load_workbook(tracker_copy, keep_vba=True)
    mine = wb.create_sheet("My notes")
    mine["A1"], mine["B1"] = "Spend to date", "=SUM(Ads[Spend])"
    mine["A2"], mine["B2"] = "Target", "=TargetROAS*2"
    wb.save(tracker_copy)
    before = parts(tracker_copy)
    kpis_before = read_tracker(tracker_copy).kpis("2026")
    refresh(tracker_copy, today=TODAY)
    after = parts(tracker_copy)

    with zipfile.ZipFile(tracker_copy) as z:
        sheets = sheet_parts(z)
    owned = {sheets[n] for n in OUTPUT_SHEETS}
    for name, part in sheets.items():
        if name not in OUTPUT_SHEETS:
            assert after[part] == before[part], name  # inputs and the user's sheet, byte for byte
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/workbook.xml"] == before["xl/workbook.xml"]  # sheets, names, code name
    for table in (n for n in before if n.startswith("xl/tables/")):
        assert after[table] == before[table]
    assert len(owned) == 4  # Dashboard, Ads Summary, P&L, Forecast
    # The button is still there, bound to the macro, on the Dashboard.
    dashboard_rels = after[f"xl/worksheets/_rels/{Path(sheets['Dashboard']).name}.rels"].decode()
    vml = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"', dashboard_rels).group(1)
    assert b"<x:FmlaMacro>[0]!RefreshKPIs</x:FmlaMacro>" in after[f"xl/drawings/{vml}"]
    assert b'codeName="Sheet1"' in after[sheets["Dashboard"]]
    assert read_tracker(tracker_copy).kpis("2026") == kpis_before
    kept = openpyxl.load_workbook(tracker_copy)
    assert kept["My notes"]["B1"].value == "=SUM(Ads[Spend])"


def test_refreshing_twice_gives_the_same_file(tracker_copy):
    refresh(tracker_copy, today=TODAY)
    once = tracker_copy.read_bytes()
    refresh(tracker_copy, today=TODAY)
    assert tracker_copy.read_bytes() == once


def test_a_tracker_made_before_the_forecast_gets_its_forecast_sheet(tracker_copy):
    from kpi_xl.layout import FORECAST_MAX_PAY_CELL

    before = parts(pre_forecast_tracker(tracker_copy))
    result = run_cli("refresh", tracker_copy)
    assert result.exit_code == 0, result.output
    assert "Added the Forecast sheet, which this tracker lacked" in result.output
    after = parts(tracker_copy)
    wb = openpyxl.load_workbook(tracker_copy)
    # Back at its place (after P&L: Plan was removed too), with its print titles and its VBA code name.
    assert wb.sheetnames == ["Dashboard", "Ads", "Ledger", "Settings", "Ads Summary", "P&L", "Forecast",
                             "xlwings.conf"]
    assert wb["Forecast"].print_title_rows == "$7:$7"
    assert 'codeName="Sheet8"' in after[sheet_parts(zipfile.ZipFile(tracker_copy))["Forecast"]].decode()[:600]
    values = kpis_json(tracker_copy)  # no Plan rows, the default horizon
    r, c = FORECAST_MAX_PAY_CELL
    assert wb["Forecast"].cell(r + 1, c + 1).value == approx(values["max_owner_pay"]) and values["max_owner_pay"] > 0
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    targets = sheet_parts(zipfile.ZipFile(tracker_copy))
    for name in ("Ads", "Ledger", "Settings", "xlwings.conf"):
        assert after[targets[name]] == before[targets[name]], name
    types = after["[Content_Types].xml"].decode()
    assert f'<Override PartName="/{targets["Forecast"]}"' in types
    result = run_cli("refresh", tracker_copy)  # now it has one: nothing added
    assert result.exit_code == 0 and "Added" not in result.output
    assert openpyxl.load_workbook(tracker_copy).sheetnames == wb.sheetnames
    refresh(tracker_copy, today=TODAY)
    once = tracker_copy.read_bytes()
    refresh(tracker_copy, today=TODAY)
    assert tracker_copy.read_bytes() == once


def test_out_leaves_the_original_alone(tracker_copy, tmp_path):
    before = digest(tracker_copy)
    result = run_cli("refresh", tracker_copy, "--out", tmp_path / "copy.xlsm")
    assert result.exit_code == 0, result.output
    assert digest(tracker_copy) == before
    assert openpyxl.load_workbook(tmp_path / "copy.xlsm")["P&L"].cell(OUTPUT_HEADER_ROW + 2, 2).value > 0


def test_invalid_input_writes_nothing(tracker_copy):
    wb = openpyxl.load_workbook(tracker_copy, keep_vba=True)
    wb["Ads"]["F2"] = "12,5 €"
    wb["Ledger"]["D2"] = "Rent"
    wb.save(tracker_copy)
    before = digest(tracker_copy)
    listing = sorted(p.name for p in tracker_copy.parent.iterdir())
    result = run_cli("refresh", tracker_copy)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        'Ads!F2 (Spend): expected a number ≥ 0, found text "12,5 €"',
        'Ledger!D2 (Type): expected one of Revenue, Variable cost, Fixed cost, Owner pay, Tax, Other income, Other expense, Non-cash income, Non-cash expense, found text "Rent"',
        "2 problems: nothing was written.",
    ]
    assert digest(tracker_copy) == before
    assert sorted(p.name for p in tracker_copy.parent.iterdir()) == listing  # no temp file left


def test_alerts_are_conditional_formats_on_the_named_settings(tracker_copy):
    refresh(tracker_copy, today=TODAY)
    wb = openpyxl.load_workbook(tracker_copy)
    formulas = {ws: [(str(cf.sqref), r.formula[0]) for cf in wb[ws].conditional_formatting for r in cf.rules]
                for ws in ("Ads Summary", "P&L", "Dashboard")}
    col = lambda ids, kpi_id, first: openpyxl.utils.get_column_letter(first + ids.index(kpi_id))  # noqa: E731
    roas = col(ADS_SUMMARY_IDS, "roas", 3)
    top = OUTPUT_HEADER_ROW + 2
    assert (f"{roas}{top}:{roas}{top + 47}", f"AND(ISNUMBER({roas}{top}),ISNUMBER(TargetROAS),{roas}{top}<TargetROAS)") \
        in formulas["Ads Summary"]
    named = {name for _, f in formulas["Ads Summary"] + formulas["P&L"] + formulas["Dashboard"]
             for name in re.findall(r"[A-Z][A-Za-z]+(?=\))|TargetROAS|MaxCAC|MaxCPL|MinCTR|MinGrossMargin|ReserveMonths", f)}
    assert {"TargetROAS", "MaxCAC", "MaxCPL", "MinCTR", "MinGrossMargin", "ReserveMonths"} <= named
    net = col(PNL_IDS, "net_profit", 2)
    assert any(f == f"AND(ISNUMBER({net}{top}),{net}{top}<0)" for _, f in formulas["P&L"])
    # Every alert colour rule stays quiet while its target is blank (ISNUMBER on the name).
    for _, f in formulas["Ads Summary"]:
        assert "ISNUMBER(" in f
    assert REGISTRY["roas"].unit == "multiple"


def test_refresh_writes_the_forecast_and_its_sentence(tracker_copy):
    from kpi_xl.layout import DASHBOARD_FORECAST_CELL, FORECAST_HEADER_ROW, FORECAST_MAX_PAY_CELL
    from kpi_xl.periods import Selection

    refresh(tracker_copy, today=TODAY)
    forecast = read_tracker(tracker_copy).figures(Selection()).forecast
    pay = forecast.max_owner_pay()
    wb = openpyxl.load_workbook(tracker_copy)
    ws = wb["Forecast"]
    rows = [r for r in ws.iter_rows(min_row=FORECAST_HEADER_ROW + 2, max_col=10, values_only=True) if r[0]]
    assert [f"{r[0]:%Y-%m}" for r in rows] == [f"2027-{m:02d}" for m in range(1, 7)]
    for row, a, b in zip(rows, forecast.rows(), forecast.rows(owner_pay=pay), strict=True):
        assert row[1:] == approx((a.sales, a.variable_costs, a.fixed_costs, a.tax, a.owner_pay, a.plan,
                                  a.cash_end, b.cash_end, forecast.reserve))
    assert ws.cell(FORECAST_MAX_PAY_CELL[0] + 1, FORECAST_MAX_PAY_CELL[1] + 1).value == approx(pay)
    assert rows[2][6] == -14_000  # the sample's planned tax balance, March 2027
    values = kpis_json(tracker_copy)
    assert values["max_owner_pay"] == approx(pay) and values["forecast_cash_low"] == approx(min(r[7] for r in rows))
    sentence = wb["Dashboard"].cell(DASHBOARD_FORECAST_CELL[0] + 1, DASHBOARD_FORECAST_CELL[1] + 1).value
    assert sentence == (f"You can pay yourself up to {pay:,.0f} EUR a month until June 2027 without going under "
                        f"your 3-month reserve ({forecast.reserve:,.0f} EUR); the low point is March 2027 "
                        f"({forecast.low().cash_end:,.0f} EUR), after the Plan items of that month.")
