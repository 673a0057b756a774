"""`kpi-xl portfolio` and `kpi_xl.portfolio`: every figure is the tracker's own, currencies are never mixed,
nothing is dropped silently, and the workbook is one Excel and LibreOffice open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

import kpi_xl
from kpi_xl import portfolio_workbook
from kpi_xl.batch import BAD_INPUT, NOT_TRACKER, Portfolio, TrackerSummary, portfolio
from kpi_xl.formatting import clean_number, excel_format
from kpi_xl.layout import MONTHS_HEADER_ROW, PORTFOLIO_COLUMNS, PORTFOLIO_HEADER_ROW, PORTFOLIO_SHEETS
from kpi_xl.metrics import KPI_IDS, REGISTRY
from kpi_xl.ooxml.doctor import errors
from kpi_xl.periods import month_start, parse_period
from kpi_xl.reader import check_setting, check_tracker
from kpi_xl.schema import SETTINGS_BY_NAME
from kpi_xl.texts import texts

from .clients import BROKEN, BROKEN_PROBLEMS, NOT_A_TRACKER, TRACKERS, make_clients
from .conftest import digest, kpis_json, require_libreoffice, run_cli

TODAY = dt.date(2027, 1, 5)
WORDS = texts()
NAMES = {"alpha.xlsm": "Alpha Coaching", "beta.xlsx": "Beta Shop", "gamma.xlsm": "gamma"}


@pytest.fixture(scope="module")
def clients(tmp_path_factory) -> Path:
    return make_clients(tmp_path_factory.mktemp("portfolio") / "clients")


@pytest.fixture(scope="module")
def book(clients) -> Path:
    """``kpi-xl portfolio clients -o clients/portfolio.xlsx`` (the workbook beside the trackers)."""
    out = clients / "portfolio.xlsx"
    result = run_cli("portfolio", clients, "-o", out, "--jobs", 2)
    assert result.exit_code == 2, result.output  # the broken tracker
    return out


@pytest.fixture(scope="module")
def wb(book) -> openpyxl.Workbook:
    return openpyxl.load_workbook(book)


def table_rows(ws, header_row: int) -> list[dict]:
    """The rows of the sheet's Excel Table, keyed by header (the table's own reference)."""
    (table,) = ws.tables.values()
    rows = list(ws[table.ref])
    headers = [c.value for c in rows[0]]
    assert rows[0][0].row == header_row + 1
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def same(cell_value, json_value) -> bool:
    """A cell holds what kpis --json says (a blank for null), to its 12 significant digits."""
    if json_value is None:
        return cell_value is None
    return cell_value is not None and clean_number(float(cell_value)) == json_value


def header(key: str) -> str:
    col = next(c for c in PORTFOLIO_COLUMNS if c.key == key)
    return WORDS.kpi(key) if col.kpi else WORDS(f"portfolio.column.{key}")


# --- the figures --------------------------------------------------------------------------------


def test_every_figure_on_portfolio_is_kpis_json_of_that_tracker_for_its_latest_month(clients, wb):
    rows = table_rows(wb["Portfolio"], PORTFOLIO_HEADER_ROW)
    assert [r[header("file")].value for r in rows] == list(TRACKERS)
    for r in rows:
        path = clients / r[header("file")].value
        month = f"{r[header('month')].value:%Y-%m}"
        assert month == ("2026-11" if path.name == "gamma.xlsm" else "2026-12")
        expected = kpis_json(path, "--period", month)
        settings = check_tracker(path)[0].settings
        assert r[header("client")].value == NAMES[path.name]
        assert r[header("currency")].value == settings.currency
        for col in PORTFOLIO_COLUMNS:
            cell = r[header(col.key)]
            if col.kpi:
                assert same(cell.value, expected[col.key]), (path.name, col.key, cell.value, expected[col.key])
            elif col.key in ("MaxCAC", "TargetROAS", "MinGrossMargin"):
                assert cell.value == getattr(settings, SETTINGS_BY_NAME[col.key.casefold()].field), col.key
            if col.unit in ("money", "percent", "multiple", "months"):
                assert cell.number_format == excel_format(col.unit, settings.currency), (col.key, cell.number_format)
        fixed = kpis_json(path, "--period", month)["fixed_costs"]
        assert same(r[header("reserve")].value, clean_number(settings.reserve_months * fixed))


def test_every_figure_on_months_is_kpis_json_of_that_tracker_for_that_month(clients, wb):
    rows = table_rows(wb["Months"], MONTHS_HEADER_ROW)
    seen = set()
    for r in rows:
        path = clients / r["File"].value
        month = f"{r['Month'].value:%Y-%m}"
        expected = kpis_json(path, "--period", month)
        currency = r["Currency"].value
        for kpi_id in KPI_IDS:
            assert same(r[kpi_id].value, expected[kpi_id]), (path.name, month, kpi_id)
            assert r[kpi_id].number_format == excel_format(REGISTRY[kpi_id].unit, currency)
        seen.add((path.name, month))
    for name in TRACKERS:  # every month of every tracker, once
        tracker = check_tracker(clients / name)[0]
        months = tracker.months()
        labels = {f"{month_start(m):%Y-%m}" for m in range(months[0], months[-1] + 1)}
        assert {m for n, m in seen if n == name} == labels
    assert len(rows) == len(seen) == 12 + 12 + 12


def test_months_is_an_excel_table_headed_by_the_kpi_ids(wb):
    ws = wb["Months"]
    assert list(ws.tables) == ["Months"]
    header_row = [c.value for c in ws[MONTHS_HEADER_ROW + 1]]
    assert header_row == ["Client", "File", "Currency", "Month", *KPI_IDS]
    names = [c.value for c in ws[MONTHS_HEADER_ROW]][4:]
    assert names == [WORDS.kpi(k) for k in KPI_IDS]
    assert ws.freeze_panes == f"E{MONTHS_HEADER_ROW + 2}"


def test_currencies_are_never_added_together(clients, wb):
    ws = wb["Portfolio"]
    rows = table_rows(ws, PORTFOLIO_HEADER_ROW)
    totals = {}
    for row in ws.iter_rows(min_row=PORTFOLIO_HEADER_ROW + len(rows) + 3):
        label = row[0].value or ""
        if label.startswith("Total "):
            totals[label] = {header(c.key): cell for c, cell in zip(PORTFOLIO_COLUMNS, row, strict=False)}
    assert list(totals) == ["Total EUR (2 trackers)", "Total USD (1 tracker)"]
    for currency, total in (("EUR", totals["Total EUR (2 trackers)"]), ("USD", totals["Total USD (1 tracker)"])):
        mine = [r for r in rows if r[header("currency")].value == currency]
        for key in ("spend", "sales", "net_profit", "cash_end", "safe_owner_pay", "max_owner_pay"):
            cell = total[header(key)]
            assert cell.value.startswith("=SUMIF(") and f'"{currency}"' in cell.value
            assert cell.number_format == excel_format("money", currency)
        for key in ("cac", "roas", "gross_margin"):  # ratios are not added up
            assert total[header(key)].value is None
        # The cached values, what a viewer that does not recalculate shows:
        cached = openpyxl.load_workbook(clients / "portfolio.xlsx", data_only=True)["Portfolio"]
        cell = total[header("net_profit")]
        assert cached[cell.coordinate].value == pytest.approx(sum(r[header("net_profit")].value for r in mine))
    notes = [row[0].value for row in ws.iter_rows(min_row=PORTFOLIO_HEADER_ROW + len(rows) + 3)]
    assert WORDS("portfolio.currencies", currencies="EUR, USD") in notes
    assert WORDS("portfolio.months_differ", first="2026-11", last="2026-12") in notes


def test_the_library_never_sums_across_currencies():
    def line(name: str, currency: str, net: float) -> TrackerSummary:
        kpis = dict.fromkeys(KPI_IDS, 1.0) | {"net_profit": net}
        return TrackerSummary(Path(f"{name}.xlsm"), name, currency, "2026-12", kpis, {}, None, (), ())

    p = Portfolio([line("a", "EUR", 100.0), line("b", "USD", 1000.0), line("c", "EUR", -30.0)])
    assert [(t.currency, t.trackers, t.sums["net_profit"]) for t in p.totals()] == [("EUR", 2, 70.0),
                                                                                  ("USD", 1, 1000.0)]


# --- nothing dropped silently ------------------------------------------------------------------


def test_a_broken_tracker_is_listed_with_every_problem_on_problems(clients, wb):
    rows = table_rows(wb["Problems"], PORTFOLIO_HEADER_ROW)
    listed = [(Path(r["File"].value).name, r["Result"].value, f"{r['Where'].value}: {r['Problem'].value}")
              for r in rows]
    assert listed[:2] == [(BROKEN, "bad input", p) for p in BROKEN_PROBLEMS]
    assert listed[2][:2] == (NOT_A_TRACKER, "skipped: not a tracker")
    assert len(listed) == 3  # the portfolio itself, beside the trackers, is not read
    dashboard = [c.value for row in wb["Dashboard"].iter_rows() for c in row if c.value]
    assert "2 files not read: see Problems." in dashboard


def test_the_command_says_what_it_did(clients, book, tmp_path):
    result = run_cli("portfolio", clients, "-o", tmp_path / "p.xlsx")  # clients/portfolio.xlsx is read this time
    assert result.exit_code == 2
    assert (f"Portfolio of 3 trackers written to {tmp_path / 'p.xlsx'}: EUR (2 trackers), USD (1 tracker)."
            in result.stderr)
    for problem in BROKEN_PROBLEMS:
        assert f"{clients / BROKEN}: {problem}" in result.stderr
    assert result.stderr.splitlines()[-1] == ("6 files: 3 read; 1 with bad input (every problem is listed above, "
                                              "and on Problems); 2 not a tracker, left alone.")
    assert "Most over their CAC limit:" in result.stdout and "Alpha Coaching: cost per customer" in result.stdout


def test_reading_writes_no_tracker(clients, book):
    before = {p.name: digest(p) for p in clients.iterdir() if p.name != "portfolio.xlsx"}
    portfolio([clients], jobs=1)
    assert {p.name: digest(p) for p in clients.iterdir() if p.name != "portfolio.xlsx"} == before


def test_all_read_is_exit_0_and_json_is_the_same_data(clients, wb, tmp_path):
    result = run_cli("portfolio", *(clients / n for n in TRACKERS), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = table_rows(wb["Portfolio"], PORTFOLIO_HEADER_ROW)
    assert [t["name"] for t in data["trackers"]] == [r[header("client")].value for r in rows]
    for t, r in zip(data["trackers"], rows, strict=True):
        for col in PORTFOLIO_COLUMNS:
            if col.kpi:
                assert same(r[header(col.key)].value, t["kpis"][col.key])
        assert len(t["months"]) == (12 if t["latest_month"] else 0)
        assert t["alerts"] == (r[header("alerts")].value or "").split("\n") if t["alerts"] else \
            r[header("alerts")].value is None
    assert [(x["currency"], x["trackers"]) for x in data["totals"]] == [("EUR", 2), ("USD", 1)]
    assert data["summary"] == {"read": 3, "bad_input": 0, "not_a_tracker": 0, "error": 0,
                               "currencies": ["EUR", "USD"], "exit": 0}
    over = data["dashboard"]["over_cac"]
    assert [o["name"] for o in over] == sorted((o["name"] for o in over), key=lambda n: -next(
        x["over"] for x in over if x["name"] == n))
    assert {o["name"] for o in over} <= {"Alpha Coaching", "Beta Shop"}


def test_parallel_reads_give_what_one_process_gives(clients):
    assert kpi_xl.portfolio is portfolio
    one = portfolio([clients], jobs=1, exclude=[clients / "portfolio.xlsx"])
    two = portfolio([clients], jobs=2, exclude=[clients / "portfolio.xlsx"])
    assert one.as_json() == two.as_json()
    assert [r.status for r in one.failed] == [BAD_INPUT, NOT_TRACKER]


def test_the_dashboard_lists_the_most_over_their_cac_limit_and_the_shortest_runways(wb, clients):
    p = portfolio([clients / n for n in TRACKERS], jobs=1)
    ws = wb["Dashboard"]
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    over = p.over_cac()
    assert over and all(t.kpis["cac"] > t.targets["MaxCAC"] for t, _ in over)
    assert [by for _, by in over] == sorted((by for _, by in over), reverse=True)
    for i, (t, by) in enumerate(over):
        assert cells[f"B{10 + i + 1}"] == t.name and cells[f"E{10 + i + 1}"] == pytest.approx(by)
    assert len(ws._charts) == 2


# --- the file ------------------------------------------------------------------------------------


def test_the_workbook_is_built_like_the_tracker(book, wb):
    assert wb.sheetnames == list(PORTFOLIO_SHEETS)
    assert errors(book) == []  # what Excel would repair or refuse (kpi_xl.ooxml.doctor)
    for name, table in (("Portfolio", "Portfolio"), ("Months", "Months"), ("Problems", "Problems")):
        ws = wb[name]
        assert list(ws.tables) == [table]
        assert ws.tables[table].tableStyleInfo.name == "TableStyleMedium2"
        assert ws.freeze_panes is not None and ws.print_title_rows
        assert ws.page_setup.orientation == "landscape" and ws.oddHeader.left.text == "&A"
    portfolio_ws = wb["Portfolio"]
    rules = [(str(r.sqref), rule.formula[0]) for r in portfolio_ws.conditional_formatting for rule in r.rules]
    assert ("F5:F7", "AND(ISNUMBER($F5),ISNUMBER($G5),$F5>$G5)") in rules  # each tracker's own MaxCAC
    assert ("H5:H7", "AND(ISNUMBER($H5),ISNUMBER($I5),$H5<$I5)") in rules  # its own TargetROAS
    assert ("M5:M7", "AND(ISNUMBER($M5),$M5<0)") in rules


def test_the_rows_written_directly_are_what_xlsxwriter_writes(clients, tmp_path, monkeypatch):
    p = portfolio([clients], jobs=1)
    fast = portfolio_workbook.write_portfolio(p, tmp_path / "fast.xlsx", today=TODAY)

    class AllXlsxWriter(portfolio_workbook.PortfolioBook):
        def months(self):
            super().months()
            if self.months_first_row is None:
                return
            ws, r = self.sheets["Months"], self.months_first_row - 1
            for t in self.p.trackers:
                for label, values in t.months:
                    row = [t.name, t.path.name, t.currency, month_start(parse_period(label).first), *values]
                    for j, (col, value) in enumerate(zip(portfolio_workbook.MONTHS_COLUMNS, row, strict=True)):
                        portfolio_workbook._write(ws, r, j, value, self.cells.cell(col.unit, t.currency))
                    r += 1
            self.months_first_row = None  # nothing left to fill in

    monkeypatch.setattr(portfolio_workbook, "PortfolioBook", AllXlsxWriter)
    slow = portfolio_workbook.write_portfolio(p, tmp_path / "slow.xlsx", today=TODAY)
    a, b = openpyxl.load_workbook(fast)["Months"], openpyxl.load_workbook(slow)["Months"]
    assert a.dimensions == b.dimensions and a.tables["Months"].ref == b.tables["Months"].ref
    cells = 0
    for ra, rb in zip(a.iter_rows(), b.iter_rows(), strict=True):
        for x, y in zip(ra, rb, strict=True):
            assert (x.coordinate, x.data_type, x.number_format) == (y.coordinate, y.data_type, y.number_format)
            assert [repr(s) for s in (x.font, x.alignment, x.border, x.fill)] == \
                   [repr(s) for s in (y.font, y.alignment, y.border, y.fill)], x.coordinate
            if isinstance(x.value, float):
                assert x.value == pytest.approx(y.value, rel=1e-15)  # XlsxWriter keeps 16 digits, here all 17
            else:
                assert x.value == y.value
            cells += 1
    assert cells > 36 * len(KPI_IDS)
    assert errors(fast) == []


def test_no_tracker_with_data_still_gives_a_workbook(tmp_path):
    p = Portfolio([TrackerSummary(Path("empty.xlsm"), "empty", "EUR", None, {}, {}, None, (), ())])
    out = p.write(tmp_path / "empty.xlsx")
    assert errors(out) == []
    assert openpyxl.load_workbook(out)["Months"].tables["Months"].ref == f"A{MONTHS_HEADER_ROW + 1}:AT6"


def test_arguments_that_cannot_work_are_refused(clients, tmp_path):
    result = run_cli("portfolio", clients)
    assert result.exit_code == 2 and "expected --out FILE" in result.stderr
    result = run_cli("portfolio", clients, "-o", tmp_path / "p.xlsm")
    assert result.exit_code == 2 and "expected a file name ending in .xlsx" in result.stderr


@pytest.mark.libreoffice
def test_libreoffice_renders_every_sheet(book, tmp_path):
    from kpi_xl.dev.render import sheet_pages, to_pdf

    pdf = to_pdf(book, tmp_path, soffice=require_libreoffice())
    pages = sheet_pages(pdf)
    for sheet in PORTFOLIO_SHEETS:
        assert pages.get(sheet), (sheet, pages)


# --- the Business setting ------------------------------------------------------------------------


def test_a_business_name_may_be_typed_as_a_number_and_is_at_most_100_characters():
    business = SETTINGS_BY_NAME["business"]
    assert check_setting(business, "  Alpha Coaching ") == ("Alpha Coaching", None)
    assert check_setting(business, 1664.0) == ("1664", None)
    assert check_setting(business, None) == (None, None)
    assert check_setting(business, "x" * 101)[1] == f'expected a name of at most 100 characters, found text "{"x" * 101}"'


def test_a_tracker_made_before_the_business_setting_reads_as_before(clients):
    tracker, problems = check_tracker(clients / "gamma.xlsm")
    assert tracker is not None and tracker.settings.business is None
    assert check_tracker(clients / "alpha.xlsm")[0].settings.business == "Alpha Coaching"


def test_the_dashboard_ranks_by_how_far_over_and_by_months_left():
    def line(name: str, cac, max_cac, runway) -> TrackerSummary:
        kpis = dict.fromkeys(KPI_IDS, 0.0) | {"cac": cac, "runway_months": runway}
        return TrackerSummary(Path(f"{name}.xlsm"), name, "EUR", "2026-12", kpis, {"MaxCAC": max_cac}, None, (), ())

    p = Portfolio([line("a", 110.0, 100.0, 12.0), line("b", 300.0, 100.0, None), line("c", 90.0, 100.0, 3.0),
                   line("d", 500.0, None, -2.0), line("e", 150.0, 100.0, 30.0), line("f", None, 100.0, 6.0),
                   line("g", 120.0, 100.0, 1.0)])
    assert [(t.name, round(by, 2)) for t, by in p.over_cac()] == [("b", 2.0), ("e", 0.5), ("g", 0.2)]
    assert [t.name for t in p.shortest_runway()] == ["d", "g", "c"]  # cash already below 0 first
    assert [t.name for t in p.shortest_runway(10)] == ["d", "g", "c", "f", "a", "e"]  # b burns nothing


def test_a_portfolio_open_in_excel_is_not_overwritten(clients, tmp_path):
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"what Excel has open")
    (tmp_path / "~$p.xlsx").write_bytes(b"\x05alice")
    result = run_cli("portfolio", clients / "alpha.xlsm", "-o", out)
    assert result.exit_code == 2, result.output
    assert f"{out}: open in Excel by alice (its lock file ~$p.xlsx is beside it)" in result.stderr
    assert "--force" not in result.stderr and "Refresh KPIs" not in result.stderr  # nothing this command has
    assert out.read_bytes() == b"what Excel has open"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx", "~$p.xlsx"]  # no scratch file left
