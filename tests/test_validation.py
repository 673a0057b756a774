"""Every bad input gives cell-addressed messages, all at once, exit 2, and leaves the file as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl import InputError, read_tracker
from kpi_xl.workbook import write_tracker

from .conftest import HAND_ADS, HAND_LEDGER, HAND_SETTINGS, digest, edit_workbook, run_cli

TYPES = "one of Revenue, Variable cost, Fixed cost, Owner pay, Tax, Other income, Other expense, Non-cash income, Non-cash expense"


def run_kpis(path, *args):
    return run_cli("kpis", path, *args)


def assert_rejected(path, expected: list[str]):
    """kpis exits 2, prints exactly these problems (in order) on stderr, writes nothing."""
    before = digest(path)
    result = run_kpis(path, "--json")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problem{'s' if len(expected) != 1 else ''}: nothing was written."
    assert result.stdout == ""
    assert digest(path) == before
    with pytest.raises(InputError) as e:
        read_tracker(path)
    assert [str(p) for p in e.value.problems] == expected


def test_every_problem_is_reported_at_once(hand_tracker):
    def damage(wb):
        ads, ledger, settings = wb["Ads"], wb["Ledger"], wb["Settings"]
        ads["F2"] = "1 234,50"        # a number pasted as text, French style
        ads["F3"] = "12.5 €"          # with its currency
        ads["E4"] = -5                # a negative count
        ads["G5"] = 2.5               # a fractional count
        ads["A3"] = "03/10/2026"      # a date that is text
        ledger["D3"] = "Rent"         # a category typed as the Type
        ledger["E4"] = "3 000"        # text amount
        settings["B7"] = "2x"         # TargetROAS

    edit_workbook(hand_tracker, damage)
    assert_rejected(hand_tracker, [
        'Settings!B7 (TargetROAS): expected a number ≥ 0, found text "2x"',
        'Ads!A3 (Date): expected a date, found text "03/10/2026"',
        'Ads!F2 (Spend): expected a number ≥ 0, found text "1 234,50"',
        'Ads!F3 (Spend): expected a number ≥ 0, found text "12.5 €"',
        "Ads!E4 (Clicks): expected a whole number ≥ 0, found -5",
        "Ads!G5 (Leads): expected a whole number ≥ 0, found 2.5",
        'Ledger!E4 (Amount): expected a number, found text "3 000"',
        f'Ledger!D3 (Type): expected {TYPES}, found text "Rent"',
    ])


def test_renamed_header(hand_tracker):
    def rename(wb):
        wb["Ads"]["F1"] = "Cost"
        wb["Ads"].tables["Ads"].tableColumns[5].name = "Cost"

    edit_workbook(hand_tracker, rename)
    assert_rejected(hand_tracker, ['Ads!F1 (Spend): expected header "Spend", found "Cost"'])


def test_missing_column(hand_tracker):
    def drop_revenue(wb):
        table = wb["Ads"].tables["Ads"]
        table.ref = "A1:I5"
        del table.tableColumns[9]
        table.autoFilter.ref = "A1:I5"
        for row in wb["Ads"]["J1:J5"]:
            row[0].value = None

    edit_workbook(hand_tracker, drop_revenue)
    assert_rejected(hand_tracker, [
        'Ads!A1:I1 (Revenue): expected a column "Revenue" in table Ads, found none '
        "(headers: Date, Channel, Campaign, Impressions, Clicks, Spend, Leads, Calls, Customers)"])


def test_missing_table_and_missing_setting(hand_tracker):
    def damage(wb):
        wb["Ads"].tables["Ads"].name = "Table1"
        wb["Ads"].tables["Ads"].displayName = "Table1"
        del wb.defined_names["MaxCAC"]

    edit_workbook(hand_tracker, damage)
    assert_rejected(hand_tracker, [
        'Settings (MaxCAC): expected a named cell "MaxCAC", found none (Formulas › Name Manager)',
        'Ads: expected an Excel Table named "Ads", found none (tables in this workbook: Table1 on Ads, Ledger on Ledger, Plan on Plan)',
    ])


def test_settings_of_the_wrong_type(hand_tracker):
    def damage(wb):
        s = wb["Settings"]
        s["B4"] = 12           # Currency
        s["B6"] = "tomorrow"   # OpeningDate
        s["B10"] = 1.5         # MinCTR: 150 %
        s["B12"] = -1          # ReserveMonths
        s["B13"] = 2.5         # ForecastMonths

    edit_workbook(hand_tracker, damage)
    assert_rejected(hand_tracker, [
        "Settings!B4 (Currency): expected an ISO 4217 currency code (EUR, USD…) or a symbol such as €, found 12",
        'Settings!B6 (OpeningDate): expected a date, found text "tomorrow"',
        "Settings!B10 (MinCTR): expected a percentage (e.g. 1%), found 1.5",
        "Settings!B12 (ReserveMonths): expected a number of months ≥ 0, found -1",
        "Settings!B13 (ForecastMonths): expected a whole number of months from 1 to 120, found 2.5",
    ])


def test_a_row_with_values_but_no_date(hand_tracker):
    edit_workbook(hand_tracker, lambda wb: wb["Ledger"].__setitem__("A5", None))
    assert_rejected(hand_tracker, ["Ledger!A5 (Date): expected a date, found a blank cell (the row has other values)"])


def test_many_bad_cells_are_counted_not_all_listed(tmp_path):
    ads = [dict(HAND_ADS[0], Clicks=-1) for _ in range(25)]
    path = write_tracker(tmp_path / "many.xlsx", ads, HAND_LEDGER, HAND_SETTINGS)
    with pytest.raises(InputError) as e:
        read_tracker(path)
    messages = [str(p) for p in e.value.problems]
    assert len(messages) == 21
    assert messages[0] == "Ads!E2 (Clicks): expected a whole number ≥ 0, found -1"
    assert messages[19] == "Ads!E21 (Clicks): expected a whole number ≥ 0, found -1"
    assert messages[20] == "Ads!E (Clicks): … and 5 more cells like these"


def test_odd_data_is_a_warning_not_an_error(hand_tracker):
    def odd(wb):
        wb["Ads"]["D2"] = 0     # 200 clicks, no impressions
        wb["Ads"]["F3"] = 0     # a customer, no spend

    edit_workbook(hand_tracker, odd)
    result = run_kpis(hand_tracker, "--json", "--period", "2026-03")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Ads!E2 (Clicks): warning: 200 clicks but 0 impressions (clicks without impressions: check the export)",
        "Ads!I3 (Customers): warning: 1 customers but no spend on this row "
        "(counted, but they make the cost per customer look lower)",
    ]


def test_grown_table_blank_rows_and_serial_dates_are_read(hand_tracker):
    def grow(wb):
        ws = wb["Ads"]
        # A user typed two more rows under the table and Excel grew it; one line is left blank.
        ws.append([])
        ws["A6"].value = None
        ws.append([dt.datetime(2026, 3, 25), "LinkedIn", "Webinar", 1000, 10, 50, 1, 1, 0, 0])
        ws.tables["Ads"].ref = "A1:J7"
        ws.tables["Ads"].autoFilter.ref = "A1:J7"
        # A date pasted as its serial number, without a date format (46083 = 2026-03-02).
        ws["A2"] = 46083
        ws["A2"].number_format = "General"

    edit_workbook(hand_tracker, grow)
    march = read_tracker(hand_tracker).kpis("2026-03")
    assert march["spend"] == 750 and march["clicks"] == 410
    assert read_tracker(hand_tracker).kpis("2026-03", channel="linkedin")["cpc"] == 5.0


def test_bad_arguments_and_unreadable_files(hand_tracker, tmp_path):
    result = run_kpis(hand_tracker, "--period", "2026-13")
    assert result.exit_code == 2
    assert result.stderr.strip() == 'error: period "2026-13": expected 2026-03, 2026-Q1, 2026 or a date'

    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_text("hello")
    result = run_kpis(not_a_workbook)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {not_a_workbook}: not an Excel workbook")

    result = run_kpis(tmp_path / "missing.xlsm")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'missing.xlsm'}: no such file: check the name and the folder"


def test_unknown_channel_is_a_warning(hand_tracker):
    result = run_kpis(hand_tracker, "--channel", "TikTok", "--json")
    assert result.exit_code == 0
    assert result.stderr.strip() == 'warning: channel "TikTok" matches no Ads row (channels: Google, Meta)'


def test_an_empty_table_is_read_without_the_cell_by_cell_path(tmp_path):
    """An empty Plan arrives from fastexcel as text columns; nothing to check in them, so python-calamine (the
    cell-by-cell path, a second open of the workbook) is never opened: it cost 0.8 s at Excel's row limit."""
    import subprocess
    import sys

    path = write_tracker(tmp_path / "t.xlsm", HAND_ADS, HAND_LEDGER, HAND_SETTINGS)
    code = ("import sys, kpi_xl; t = kpi_xl.read_tracker(sys.argv[1]); "
            "print(t.kpis()['clicks'], 'python_calamine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(float(sum(r["Clicks"] for r in HAND_ADS))), "False"]
