"""Every export layout kpi-xl reads, from a fixture built from the layout's documented shape.

The files in tests/data/layouts/ (and the .xlsx workbooks built below) follow
each platform's layout as it writes it — title lines, header spelled exactly,
footers where the platform puts them, the number and date formats of its
locale — with made-up figures.  Each test counts the expected totals itself
with the csv module (or plain arithmetic), by a rule of its own that does not
use kpi-xl (the data lines are those with a status, a date, a name…), then
checks that `kpi-xl kpis` on the imported tracker gives the same figures and
that the import summary states the self-check against the export's own totals.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import DATA, kpis_json, run_cli

LAYOUTS = DATA / "layouts"
approx = pytest.approx


@dataclass(frozen=True)
class Layout:
    file: str
    encoding: str
    delimiter: str
    currency: str
    spend: str  # the headers of the three figures, as the file spells them
    impressions: str
    clicks: str
    is_data: Callable[[dict], bool]  # which lines are data, by a rule of the test's own
    rows: int  # Ads rows the lines make (counted by hand: one per day and campaign)
    check: str  # what the summary says of the export's own totals
    french: bool = False


def number(text: str, french: bool) -> float:
    text = text.strip().removeprefix("US$")
    if french:
        return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
    return float(text.replace(",", ""))


def count(layout: Layout) -> tuple[dict[str, float], int]:
    """(spend, impressions, clicks summed over the data lines, number of data lines), with the csv module."""
    with open(LAYOUTS / layout.file, encoding=layout.encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter=layout.delimiter))
    at = next(i for i, r in enumerate(rows) if layout.spend in r)
    header = rows[at]
    data = [dict(zip(header, r, strict=True)) for r in rows[at + 1:] if len(r) == len(header)]
    data = [r for r in data if layout.is_data(r)]
    sums = {key: sum(number(r[column], layout.french) for r in data)
            for key, column in (("spend", layout.spend), ("impressions", layout.impressions),
                                ("clicks", layout.clicks))}
    return sums, len(data)


ACCOUNT_MATCH = "matches the report's own total ("
LAYOUT_LIST = [
    Layout("google_keyword_report_cad_utf16.csv", "utf-16", "\t", "CAD", "Cost", "Impr.", "Clicks",
           lambda r: r["Keyword status"] in ("Enabled", "Paused", "Removed"), 2,
           "warning: covers spend 120.81 of the account's 164.11 (73.6%) in the report's own total (Total: Account, "
           "line 14): a keyword or search-terms report leaves out spend without keywords"),
    Layout("google_search_terms_report_eur_daily.csv", "utf-8", ",", "EUR", "Cost", "Impr.", "Clicks",
           lambda r: re.fullmatch(r"\d{4}-\d\d-\d\d", r["Day"]) is not None, 3,
           "warning: covers spend 16.45 of the account's 20.75 (79.3%)"),
    Layout("google_pmax_search_terms_usd.csv", "utf-8", ",", "USD", "Cost", "Impr.", "Clicks",
           lambda r: r["Match type"].endswith("match"), 1,
           "matches the report's own total (Total: Search terms, line 7)"),
    Layout("google_campaign_report_by_device_usd.csv", "utf-8", ",", "USD", "Cost", "Impr.", "Clicks",
           lambda r: r["Campaign status"] == "Enabled", 2,
           "matches the report's own total (Total: Account, lines 16, 17, 18)"),
    Layout("google_ad_group_report_gbp_daily.csv", "utf-8", ",", "GBP", "Cost", "Impr.", "Clicks",
           lambda r: r["Ad group status"] in ("Enabled", "Paused"), 3,
           "matches the report's own total (Total: Account, line 9)"),
    Layout("google_rapport_zones_geographiques_eur.csv", "utf-8-sig", ",", "EUR", "Coût", "Impr.", "Clics",
           lambda r: r["Niveau"] in ("Ville", "Région"), 2,
           "matches the report's own total (Total : Compte, line 7)", french=True),
    Layout("adwords_2016_ad_report_utf16.csv", "utf-16", "\t", "GBP", "Cost", "Impressions", "Clicks",
           lambda r: r["Ad state"] in ("enabled", "paused"), 2,
           "warning: covers spend 34.31 of the account's 36.40 (94.3%) in the report's own total (Total, line 7)"),
    Layout("google_chart_download_usd.csv", "utf-8", ",", "USD", "Cost", "Impressions", "Clicks",
           lambda r: r["Date"].endswith("2026"), 3, 'currency from the marks on the amounts: "US$" is USD'),
    Layout("meta_ad_sets_inr_summary_row.csv", "utf-8-sig", ",", "INR", "Amount spent (INR)", "Impressions",
           "Link clicks", lambda r: r["Ad set name"] != "", 3,
           "matches the report's own total (the export's summary row, line 2): spend 12,450.75"),
    Layout("microsoft_campaign_report_usd_daily.csv", "utf-8", ",", "USD", "Spend", "Impr.", "Clicks",
           lambda r: r["Campaign name"] != "", 4, "matches the report's own total (Total, line 16)"),
    Layout("microsoft_rapport_campagnes_eur.csv", "utf-8-sig", ",", "EUR", "Dépenses", "Impr.", "Clics",
           lambda r: r["Campagne"] != "", 3, "matches the report's own total (Total, line 11)", french=True),
]


def fresh(tmp_path: Path, currency: str) -> Path:
    return write_tracker(tmp_path / f"{currency}.xlsm", settings=Settings(currency=currency))


def ads_campaigns(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Ads"]
    return [r[2] for r in ws.iter_rows(min_row=2, max_col=3, values_only=True) if r[0] is not None]


@pytest.mark.parametrize("layout", LAYOUT_LIST, ids=lambda x: x.file)
def test_each_layout_imports_its_independently_counted_totals(tmp_path, layout):
    want, lines = count(layout)
    tracker = fresh(tmp_path, layout.currency)
    result = run_cli("import", tracker, "--ads", LAYOUTS / layout.file)
    assert result.exit_code == 0, result.output
    assert f"{lines:,} line{'s' if lines != 1 else ''} → {layout.rows:,} Ads row" in result.stderr
    assert layout.check in result.stderr
    got = kpis_json(tracker)
    assert got["spend"] == approx(want["spend"], abs=0.005)
    assert got["impressions"] == want["impressions"]
    assert got["clicks"] == want["clicks"]
    # No total line is ever a row.
    assert not [c for c in ads_campaigns(tracker) if re.match(r"\s*total\b", c, re.I)]


def test_every_layout_fixture_is_tested():
    assert sorted(p.name for p in LAYOUTS.iterdir()) == sorted(x.file for x in LAYOUT_LIST)


# --- what each layout is read as ---------------------------------------------------------


def test_a_report_segmented_by_device_sums_its_devices_and_checks_the_account_total(tmp_path):
    tracker = fresh(tmp_path, "USD")
    result = run_cli("import", tracker, "--ads", LAYOUTS / "google_campaign_report_by_device_usd.csv")
    assert result.exit_code == 0, result.output
    assert "9 total lines read as checks, not rows (Total: Account, Total: Display, Total: Search)" in result.stderr
    # 124.62 + 209.38 + 21.12 (Display on three devices) and 162.96 + 232.18 + 14.80 (Search)
    assert kpis_json(tracker, "--campaign", "Display - Remarketing")["spend"] == approx(355.12)
    assert kpis_json(tracker, "--campaign", "Search - Brand")["spend"] == approx(409.94)
    assert sorted(ads_campaigns(tracker)) == ["Display - Remarketing", "Search - Brand"]


def test_an_export_without_a_campaign_column_gets_a_visible_campaign_and_keeps_its_ad_sets_apart(tmp_path):
    tracker = fresh(tmp_path, "INR")
    result = run_cli("import", tracker, "--ads", LAYOUTS / "meta_ad_sets_inr_summary_row.csv")
    assert result.exit_code == 0, result.output
    assert ('3 lines without a campaign (the export has no Campaign column): Campaign is "(no campaign)", or '
            '"(no campaign) ad set: …" when the line names its ad set') in result.stderr
    assert ads_campaigns(tracker) == ["(no campaign) ad set: Jewellery | Lookalike 1%",
                                      "(no campaign) ad set: Jewellery | Interests",
                                      "(no campaign) ad set: Jewellery | Retargeting"]
    assert kpis_json(tracker, "--campaign", "(no campaign) ad set: Jewellery | Interests")["spend"] == 4120.50

    pmax = fresh(tmp_path, "USD")
    result = run_cli("import", pmax, "--ads", LAYOUTS / "google_pmax_search_terms_usd.csv")
    assert result.exit_code == 0, result.output
    assert 'Campaign is "(no campaign)"' in result.stderr
    assert ads_campaigns(pmax) == ["(no campaign)"]


def test_the_adwords_layout_takes_its_dates_from_the_title_and_says_the_currency_is_assumed(tmp_path):
    tracker = fresh(tmp_path, "GBP")
    result = run_cli("import", tracker, "--ads", LAYOUTS / "adwords_2016_ad_report_utf16.csv")
    assert result.exit_code == 0, result.output
    assert "Google Ads ad report (AdWords, before 2018) (English, UTF-16LE, tab)" in result.stderr
    assert "3 lines cover more than one day (2016-10-25 … 2016-10-31" in result.stderr
    assert "the export does not say its currency: taken to be GBP" in result.stderr
    assert "matches the report's own total of its lines (Total - filtered, line 6): spend 34.31" in result.stderr
    assert kpis_json(tracker, "--period", "2016-10")["spend"] == approx(17.63 + 13.26 + 3.42)


def test_microsoft_reports_in_english_and_french(tmp_path):
    english = fresh(tmp_path, "USD")
    result = run_cli("import", english, "--ads", LAYOUTS / "microsoft_campaign_report_usd_daily.csv")
    assert result.exit_code == 0, result.output
    assert "Microsoft Advertising campaign report (English, UTF-8, comma), 4 lines → 4 Ads rows" in result.stderr
    assert kpis_json(english, "--campaign", "Search - Gutters", "--channel", "Microsoft")["spend"] == \
        approx(18.43 + 20.90)
    french = fresh(tmp_path, "EUR")
    result = run_cli("import", french, "--ads", LAYOUTS / "microsoft_rapport_campagnes_eur.csv")
    assert result.exit_code == 0, result.output
    assert "Microsoft Advertising campaign report (French, UTF-8 with BOM, comma), 3 lines → 3 Ads rows" \
           in result.stderr
    assert "(2026-03-01 … 2026-03-31, no daily breakdown)" in result.stderr  # 01/03/2026: day first
    assert kpis_json(french, "--campaign", "Recherche – Vélos électriques")["impressions"] == 1190


def test_the_chart_download_reads_the_currency_from_its_marks_only_when_they_name_one(tmp_path):
    usd = LAYOUTS / "google_chart_download_usd.csv"
    euros = fresh(tmp_path, "EUR")
    result = run_cli("import", euros, "--ads", usd)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"{usd}:2: currency USD, expected EUR")
    bare = tmp_path / "chart.csv"
    bare.write_text(usd.read_text(encoding="utf-8").replace("US$", "$"), encoding="utf-8")
    result = run_cli("import", euros, "--ads", bare)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f'{bare}:2: amounts written with "$", which is no single currency, expected EUR (the tracker\'s Currency, '
        "Settings!B4): download the report with its Currency code column")
    dollars = fresh(tmp_path, "CAD")
    result = run_cli("import", dollars, "--ads", bare)
    assert result.exit_code == 0, result.output
    assert 'the export writes its amounts with "$" only: taken to be CAD' in result.stderr
    assert kpis_json(dollars)["spend"] == approx(11.90 + 8.28 + 9.68)


# --- .xlsx downloads -----------------------------------------------------------------------


def google_xlsx(path: Path) -> Path:
    """Google Ads' "Download › Excel .xlsx": title rows, header, typed numbers, footers, like the CSV."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign report"
    for row in [["Campaign report"], ["March 1, 2026 - March 31, 2026"],
                ["Campaign status", "Campaign", "Campaign type", "Impr.", "Clicks", "Currency code", "Cost"],
                ["Enabled", "Search - Brand", "Search", 1204, 88, "EUR", 64.25],
                ["Enabled", "2026 promo", "Search", 800, 12, "EUR", 10.5],
                ["Paused", "Display", "Display", 20331, 41, "EUR", 15.02],
                ["Total: Campaigns", " --", " --", 22335, 141, "EUR", 89.77],
                [None, "Total: Account", None, 22400, 142, "EUR", 90.27]]:
        ws.append(row)
    wb.save(path)
    return path


def meta_xlsx(path: Path) -> Path:
    """Meta Ads Manager's "Export table data › .xlsx": a summary row, dates as dates or as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Raw Data Report"
    for row in [["Campaign name", "Day", "Amount spent (EUR)", "Impressions", "Link clicks", "Reporting starts",
                 "Reporting ends"],
                [None, None, 42.5, 5000, 80, "2026-03-02", "2026-03-03"],
                ["Guide", dt.datetime(2026, 3, 2), 20.0, 2500, 41, "2026-03-02", "2026-03-03"],
                ["Guide", "2026-03-03", 22.5, 2500, 39, "2026-03-02", "2026-03-03"]]:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_downloads_are_read_like_their_csv(tmp_path):
    tracker = fresh(tmp_path, "EUR")
    google, meta = google_xlsx(tmp_path / "Campaign report.xlsx"), meta_xlsx(tmp_path / "meta.xlsx")
    result = run_cli("import", tracker, "--ads", google, meta)
    assert result.exit_code == 0, result.output
    assert (f"{google}: Google Ads campaign report (English, Excel workbook, sheet “Campaign report”), 3 lines → "
            "3 Ads rows") in result.stderr
    assert ("warning: covers spend 89.77 of the account's 90.27 (99.4%) in the report's own total (Total: Account, "
            "line 8)") in result.stderr
    assert "matches the report's own total of its lines (Total: Campaigns, line 7)" in result.stderr
    assert f"{meta}: Meta Ads Manager export (English, Excel workbook, sheet “Raw Data Report”), 2 lines → 2 Ads rows" \
           in result.stderr
    assert "matches the report's own total (the export's summary row, line 2): spend 42.50" in result.stderr
    got = kpis_json(tracker, "--period", "2026-03")
    assert got["spend"] == approx(64.25 + 10.5 + 15.02 + 20.0 + 22.5)
    assert got["impressions"] == 1204 + 800 + 20331 + 2500 + 2500
    ws = openpyxl.load_workbook(tracker)["Ads"]
    rows = [r for r in ws.iter_rows(min_row=2, max_col=5, values_only=True) if r[0] is not None]
    assert [(r[0].date(), r[1], r[2], r[4]) for r in rows] == [
        (dt.date(2026, 3, 1), "Google", "Search - Brand", 88), (dt.date(2026, 3, 1), "Google", "2026 promo", 12),
        (dt.date(2026, 3, 1), "Google", "Display", 41),
        (dt.date(2026, 3, 2), "Meta", "Guide", 41), (dt.date(2026, 3, 3), "Meta", "Guide", 39),  # a date typed as text
    ]


def test_the_docs_name_every_platform_and_limit_and_the_data_readme_every_fixture():
    from kpi_xl.imports.platforms import PLATFORMS
    from kpi_xl.imports.reading import MAX_EXPORT_BYTES

    docs = (Path(__file__).resolve().parents[1] / "docs" / "imports.md").read_text(encoding="utf-8")
    for platform in PLATFORMS:
        assert platform.name.rsplit(" ", 1)[0] in docs, platform.name  # "Google Ads", "Meta Ads Manager"…
        assert f"| `{platform.channel}` |" in docs or f"`{platform.channel}` |" in docs, platform.channel
    assert f"**{MAX_EXPORT_BYTES // 2**20} MiB**" in docs
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for fixture in LAYOUTS.iterdir():
        assert f"`{fixture.name}`" in readme, fixture.name
