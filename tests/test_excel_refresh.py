"""The Refresh KPIs button's path: the open workbook, through xlwings, against a recording fake."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kpi_xl.excel import check_snapshot, refresh_book, snapshot
from kpi_xl.layout import ALERT_COLORS as COLORS
from kpi_xl.layout import FORECAST_HEADER_ROW, OUTPUT_HEADER_ROW, OUTPUT_SHEETS
from kpi_xl.refresh import refresh
from kpi_xl.report import build_report
from kpi_xl.sample import sample_data
from kpi_xl.texts import texts
from kpi_xl.workbook import output_headers, write_tracker

from .conftest import SAMPLE_END, pre_forecast_tracker
from .fake_excel import fake_book_from_file

FORECAST_HEADERS = [h for h, _ in output_headers("Forecast", texts())]

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    data = sample_data(SAMPLE_END)
    return write_tracker(tmp_path_factory.mktemp("excel") / "sample.xlsm", data.ads, data.ledger, data.settings)


def norm(v):
    if isinstance(v, dt.datetime):
        return v.date()
    return v


def test_the_button_writes_what_kpi_xl_refresh_writes(sample_file, tmp_path):
    book = fake_book_from_file(sample_file)
    report = refresh_book(book, today=TODAY)
    assert report is not None and book.app.alerts == []
    assert book.app.status_bar == "KPIs refreshed (latest month 2026-12)"

    copy = tmp_path / "copy.xlsm"
    copy.write_bytes(sample_file.read_bytes())
    refresh(copy, today=TODAY)
    on_file = openpyxl.load_workbook(copy)
    for name in OUTPUT_SHEETS:
        sheet, ws = book.sheets[name], on_file[name]
        for block in (b for b in report.blocks if b.sheet == name):
            for i, row in enumerate(block.rows):
                for j, value in enumerate(row):
                    r, c = block.row + 1 + i, block.col + 1 + j
                    expected = norm(ws.cell(r, c).value)
                    got = norm(sheet.cells.get((r, c)))
                    if value in (None, ""):
                        assert got is None and expected in (None, ""), (name, r, c)
                    else:
                        assert got == pytest.approx(expected) if isinstance(got, float) else got == expected, \
                            (name, r, c, got, expected)
    # Alert rules and charts: the same specification, through xlwings' API.
    recorded = [(s, ref, formula, fill, font)
                for s in OUTPUT_SHEETS for ref, formula, fill, font in book.sheets[s].rules]
    expected = [(r.sheet, r.ref, r.formula, *COLORS[r.severity]) for r in report.rules]
    assert sorted(recorded) == sorted(expected)
    charts = book.sheets["Dashboard"].charts.items
    assert [(c.name, c.chart_type, c.source) for c in charts] == [
        (spec.name, "line_markers" if spec.kind == "line" else "column_clustered", spec.data.ref)
        for spec in report.charts]
    totals = [r for r in range(OUTPUT_HEADER_ROW + 2, OUTPUT_HEADER_ROW + 60)
              if book.sheets["Ads Summary"].cells.get((r, 2)) == "All channels"]
    assert len(totals) == 12 and all((r, 1) in book.sheets["Ads Summary"].bold for r in totals)
    assert book.sheets["P&L"].formats[(OUTPUT_HEADER_ROW + 2, 2)] == '#,##0.00 "EUR";-#,##0.00 "EUR"'


def test_unsaved_edits_are_refreshed_and_a_second_refresh_replaces_the_first(sample_file):
    book = fake_book_from_file(sample_file)
    book.sheets["Dashboard"].charts.add().name = "My own chart"
    refresh_book(book, today=TODAY)
    first_row = OUTPUT_HEADER_ROW + 2
    ads = book.sheets["Ads"]
    spend_before = book.sheets["P&L"].cells[(first_row, 2)]
    # An unsaved edit: the year's first Ads row spends 1,000 more.
    ads.cells[(2, 6)] = ads.cells[(2, 6)] + 1000
    tracker, _ = check_snapshot(snapshot(book))
    refresh_book(book, today=TODAY)
    january = [r for r in range(first_row, first_row + 60)
               if book.sheets["Ads Summary"].cells.get((r, 2)) == "All channels"][0]
    assert book.sheets["Ads Summary"].cells[(january, 5)] == pytest.approx(tracker.kpis("2026-01")["spend"])
    assert book.sheets["P&L"].cells[(first_row, 2)] == spend_before  # sales do not depend on Ads
    names = [c.name for c in book.sheets["Dashboard"].charts.items]
    assert names.count("kpi_xl funnel") == 1 and "My own chart" in names  # ours replaced, the user's kept
    rules = book.sheets["P&L"].rules
    assert len(rules) == len({r for r in rules})  # not added twice
    assert len(rules) == len([r for r in build_report(tracker, TODAY).rules if r.sheet == "P&L"])


def test_invalid_input_shows_one_message_box_and_writes_nothing(sample_file):
    book = fake_book_from_file(sample_file)
    book.sheets["Ads"]["F2"] = "12,5 €"
    book.sheets["Ledger"]["D3"] = "Rent"
    assert refresh_book(book, today=TODAY) is None
    assert len(book.app.alerts) == 1
    title, text = book.app.alerts[0]
    assert title == "Refresh KPIs"
    assert text.splitlines() == [
        "2 problem(s) in the input; nothing was written.", "",
        'Ads!F2 (Spend): expected a number ≥ 0, found text "12,5 €"',
        'Ledger!D3 (Type): expected one of Revenue, Variable cost, Fixed cost, Owner pay, Tax, Other income, Other expense, Non-cash income, Non-cash expense, found text "Rent"',
    ]
    assert all(s.writes == 0 for s in book.sheets)


def test_the_button_adds_the_forecast_sheet_to_a_tracker_made_before_it(sample_file, tmp_path):
    older = tmp_path / "older.xlsm"
    older.write_bytes(sample_file.read_bytes())
    book = fake_book_from_file(pre_forecast_tracker(older))
    report = refresh_book(book, today=TODAY)
    assert book.app.status_bar == "KPIs refreshed (latest month 2026-12); added the Forecast sheet"
    assert [s.name for s in book.sheets][-2:] == ["xlwings.conf", "Forecast"]
    forecast = book.sheets["Forecast"]
    assert forecast.cells[(1, 1)] == "Forecast"
    assert [forecast.cells[(FORECAST_HEADER_ROW + 1, 1 + j)] for j in range(len(FORECAST_HEADERS))] == \
        list(FORECAST_HEADERS)
    assert all((FORECAST_HEADER_ROW + 1, 1 + j) in forecast.bold for j in range(len(FORECAST_HEADERS)))
    for block in (b for b in report.blocks if b.sheet == "Forecast"):  # every figure where a file refresh puts it
        for i, row in enumerate(block.rows):
            for j, value in enumerate(row):
                got = forecast.cells.get((block.row + 1 + i, block.col + 1 + j))
                assert norm(got) == (pytest.approx(value) if isinstance(value, float) else norm(value))
    assert forecast.cells[(5, 1)] == "Max owner pay" and forecast.cells[(5, 2)] == pytest.approx(
        refresh(older, today=TODAY).tracker.figures(__import__("kpi_xl").Selection()).forecast.max_owner_pay())
    refresh_book(book, today=TODAY)  # the second time it is there: nothing added
    assert book.app.status_bar == "KPIs refreshed (latest month 2026-12)"
    assert [s.name for s in book.sheets].count("Forecast") == 1


def test_the_button_refreshes_a_french_tracker_in_french(tmp_path):
    from kpi_xl.texts import texts

    words = texts("fr")
    data = sample_data(SAMPLE_END, lang="fr")
    path = write_tracker(tmp_path / "fr.xlsm", data.ads, data.ledger, data.settings, data.plan)
    book = fake_book_from_file(path)
    report = refresh_book(book, today=TODAY)
    assert report is not None and book.app.alerts == []
    assert book.app.status_bar == "KPI actualisés (dernier mois\u00a0: décembre\u00a02026)"
    assert [s.name for s in book.sheets][:1] == ["Tableau de bord"]  # found by its French name: none added
    assert "Synthèse pub" in [s.name for s in book.sheets] and "Ads Summary" not in [s.name for s in book.sheets]
    summary = book.sheets["Synthèse pub"]
    assert any(v == words("ads_summary.total") for v in summary.cells.values())
    assert summary.formats[(OUTPUT_HEADER_ROW + 2, 3)] == "#,##0"
    pnl = book.sheets["Compte de résultat"]
    assert pnl.formats[(OUTPUT_HEADER_ROW + 2, 2)] == '#,##0.00 "€";-#,##0.00 "€"'
    assert pnl.formats[(OUTPUT_HEADER_ROW + 2, 1)] == "[$-40C]mmmm yyyy"


def test_an_error_cell_in_the_open_workbook_is_refused_not_read_as_zero(sample_file):
    book = fake_book_from_file(sample_file)
    book.sheets["Ads"].cells[(5, 6)] = "#DIV/0!"  # what xlwings gives with err_to_str=True
    book.sheets["Settings"].cells[(5, 2)] = "#REF!"
    assert refresh_book(book, today=TODAY) is None
    message = "\n".join(book.app.alerts[0])
    assert "Ads!F5 (Spend): expected a number ≥ 0, found the error value #DIV/0!" in str(message)
    assert "Settings!B5 (OpeningCash): expected a number, found the error value #REF!" in str(message)
