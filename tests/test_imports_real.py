"""`kpi-xl import` on the real exports of tests/data: the figures of EXPECTED.md, and nothing else changes.

The expected figures are read from EXPECTED.md itself (worked out there
independently with Python's csv module), so the two cannot drift.  The FEC
files are copies with people's and companies' names replaced by neutral
text, every amount kept (tests/data/README.md).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import DATA, digest, kpis_json, run_cli

approx = pytest.approx
EXPECTED = (DATA / "EXPECTED.md").read_text(encoding="utf-8")


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", ""))


def expected_ads() -> dict[str, dict]:
    rows = {}
    for line in EXPECTED.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10 and cells[0].endswith(".csv"):
            name, _, n, currency, spend, impressions, clicks, ctr, cpc, cpm = cells
            rows[name] = {"rows": int(n), "currency": currency, "spend": number(spend),
                          "impressions": number(impressions), "clicks": number(clicks),
                          "ctr": None if ctr == "—" else number(ctr) / 100,
                          "cpc": None if cpc == "—" else number(cpc), "cpm": None if cpm == "—" else number(cpm)}
    assert len(rows) == 3
    return rows


def expected_fec(name: str) -> tuple[dict, dict[str, dict]]:
    section = EXPECTED.split(f"## {name}")[1].split("\n## ")[0]
    whole = re.search(r"Whole file: sales ([\d,.-]+), class 7 ([\d,.-]+), class 6 ([\d,.-]+), net_profit ([\d,.-]+)",
                      section)
    months = {}
    for m in re.finditer(r"^\| (\d{4}-\d{2}) \| ([\d,.-]+) \| ([\d,.-]+) \|$", section, re.M):
        months[m[1]] = {"sales": number(m[2]), "net_profit": number(m[3])}
    return {"sales": number(whole[1]), "net_profit": number(whole[4].rstrip("."))}, months


ADS = expected_ads()
FECS = {"0000000001FEC20220831.txt": 12, "111111111FEC20221231.TXT": 6}


def fresh(tmp_path: Path, currency: str = "EUR", name: str = "t.xlsm") -> Path:
    return write_tracker(tmp_path / name, settings=Settings(currency=currency))


@pytest.mark.parametrize("name", sorted(ADS))
def test_each_ad_export_gives_the_figures_of_expected_md(tmp_path, name):
    want = ADS[name]
    tracker = fresh(tmp_path, want["currency"])
    # The USD report covers "All time": it has no date, so the day to count it on is given.
    extra = ["--date", "2026-01-16"] if "usd" in name else []
    result = run_cli("import", tracker, "--ads", DATA / name, *extra)
    assert result.exit_code == 0, result.output
    assert f"{want['rows']:,} lines →" in result.stderr
    got = kpis_json(tracker)
    for kpi in ("spend", "impressions", "clicks"):
        assert got[kpi] == approx(want[kpi], abs=0.005), kpi
    for kpi, places in (("ctr", 1e-6), ("cpc", 1e-6), ("cpm", 1e-6)):
        if want[kpi] is None:
            assert got[kpi] is None, kpi
        else:
            assert got[kpi] == approx(want[kpi], abs=places), kpi


@pytest.mark.parametrize("name", sorted(FECS))
def test_each_fec_gives_sales_and_net_profit_of_expected_md_per_year_and_month(tmp_path, name):
    whole, months = expected_fec(name)
    assert len(months) == FECS[name]
    tracker = fresh(tmp_path)
    result = run_cli("import", tracker, "--fec", DATA / name)
    assert result.exit_code == 0, result.output
    everything = kpis_json(tracker)  # the fiscal year: the whole file
    assert everything["sales"] == approx(whole["sales"], abs=0.005)
    assert everything["net_profit"] == approx(whole["net_profit"], abs=0.005)
    for month, want in months.items():
        got = kpis_json(tracker, "--period", month)
        assert got["sales"] == approx(want["sales"], abs=0.005), month
        assert got["net_profit"] == approx(want["net_profit"], abs=0.005), month
    for year in sorted({m[:4] for m in months}):  # a calendar year: the sum of its months
        got = kpis_json(tracker, "--period", year)
        assert got["sales"] == approx(sum(v["sales"] for m, v in months.items() if m.startswith(year)), abs=0.005)
        assert got["net_profit"] == approx(sum(v["net_profit"] for m, v in months.items() if m.startswith(year)),
                                           abs=0.005)


def test_the_fec_result_is_class_7_minus_class_6_and_depreciation_does_not_move_cash(tmp_path):
    tracker = fresh(tmp_path)
    assert run_cli("import", tracker, "--fec", DATA / "0000000001FEC20220831.txt").exit_code == 0
    from kpi_xl import read_tracker

    t = read_tracker(tracker)
    months = [t.ledger_month(m) for m in t.ledger_months()]
    depreciation = sum(m.non_cash_expense for m in months)
    assert depreciation == approx(105_283.35 + 3_558.90, abs=0.01)  # 681 depreciation, 603 stock variation
    assert sum(m.non_cash_income for m in months) == approx(2_640.95, abs=0.01)  # 713 production stockée
    assert sum(m.owner_pay for m in months) == approx(36_926.00, abs=0.01)  # 646 the owner's contributions
    net = sum(m.operating_profit - m.owner_pay - m.tax + m.other_income - m.other_expense + m.non_cash_income
              - m.non_cash_expense for m in months)
    assert net == approx(173_208.48, abs=0.01)
    assert sum(m.cash_flow for m in months) == approx(net + depreciation - 2_640.95, abs=0.01)


def test_importing_the_same_files_twice_adds_nothing(tmp_path):
    tracker = fresh(tmp_path, "AUD")
    first = run_cli("import", tracker, "--ads", DATA / "meta_ads_export_aud_daily.csv")
    assert first.exit_code == 0, first.output
    assert "added 503 rows to Ads" in first.stderr
    before = digest(tracker)
    again = run_cli("import", tracker, "--ads", DATA / "meta_ads_export_aud_daily.csv")
    assert again.exit_code == 0, again.output
    assert "503 Ads rows: 0 new, 503 already there" in again.stderr
    assert "Nothing new" in again.stderr
    assert digest(tracker) == before  # not even rewritten
    assert kpis_json(tracker)["spend"] == approx(13_571.00, abs=0.005)

    ledger = fresh(tmp_path, "EUR", "l.xlsm")
    fec = DATA / "111111111FEC20221231.TXT"
    assert run_cli("import", ledger, "--fec", fec).exit_code == 0
    again = run_cli("import", ledger, "--fec", fec, "--fec", fec)
    assert again.exit_code == 0, again.output
    assert again.stderr.count("297 Ledger rows: 0 new, 297 already there") == 2
    assert kpis_json(ledger)["net_profit"] == approx(-1_281.09, abs=0.005)


def test_everything_but_the_grown_tables_is_copied_byte_for_byte(tmp_path):
    tracker = fresh(tmp_path, "AUD")
    with zipfile.ZipFile(tracker) as z:
        before = {i.filename: (i.CRC, z.read(i.filename)) for i in z.infolist()}
    result = run_cli("import", tracker, "--ads", DATA / "meta_ads_export_aud_daily.csv")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tracker) as z:
        after = {i.filename: (i.CRC, z.read(i.filename)) for i in z.infolist()}
    assert list(after) == list(before)  # same parts, same order
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"xl/worksheets/sheet2.xml", "xl/tables/table1.xml"}  # the Ads sheet and its table
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert b'ref="A1:J504"' in after["xl/tables/table1.xml"][1]


def test_an_imported_tracker_refreshes(tmp_path):
    tracker = fresh(tmp_path)
    assert run_cli("import", tracker, "--fec", DATA / "111111111FEC20221231.TXT").exit_code == 0
    result = run_cli("refresh", tracker)
    assert result.exit_code == 0, result.output
    assert "latest month 2023-07" in result.stderr or "latest month 2023-06" in result.stderr


def test_a_fec_currency_other_than_the_trackers_writes_nothing(tmp_path):
    tracker = fresh(tmp_path, "USD")
    before = digest(tracker)
    result = run_cli("import", tracker, "--fec", DATA / "111111111FEC20221231.TXT")
    assert result.exit_code == 2
    name = DATA / "111111111FEC20221231.TXT"
    assert result.stderr.splitlines()[0] == (
        f"{name}:1: currency EUR, expected USD (the tracker's Currency, Settings!B4): import it into a tracker "
        "whose Currency is EUR, or convert the amounts first")
    assert digest(tracker) == before


def test_an_ad_export_in_another_currency_names_the_file_and_both_currencies(tmp_path):
    tracker = fresh(tmp_path, "EUR")
    before = digest(tracker)
    result = run_cli("import", tracker, "--ads", DATA / "meta_ads_export_aud_daily.csv",
                    "--ads", DATA / "google_ads_campaign_report_usd.csv", "--date", "2026-01-16")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{DATA / 'meta_ads_export_aud_daily.csv'}:1: currency AUD, expected EUR")
    assert lines[1].startswith(f"{DATA / 'google_ads_campaign_report_usd.csv'}:4: currency USD, expected EUR")
    assert lines[-1] == "2 problems: nothing was written."
    assert digest(tracker) == before
