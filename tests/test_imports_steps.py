"""Each step of an import on its own: recognise → locate columns → parse lines → check.

The command-line tests (test_imports_formats, _layouts, _safety) show what a
user sees; these pin down what each small function promises, so that a
change in one step is caught where it happens.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi_xl.imports import FORMATS, ImportOptions, import_files
from kpi_xl.imports.ads import NO_CAMPAIGN, read_ad_export
from kpi_xl.imports.append import MAX_TEXT
from kpi_xl.imports.fec import read_fec
from kpi_xl.imports.footers import SUMMARY_ROW, Footer, combine, footer_label, label_key, self_check
from kpi_xl.imports.importer import check_currencies
from kpi_xl.imports.platforms import GOOGLE, META, MICROSOFT, look_alike
from kpi_xl.imports.sniff import UnknownFormat, sniff
from kpi_xl.imports.text import EXCEL_TEXT_LIMIT, cell_text, normalise_header, parse_date_range, parse_money
from kpi_xl.ooxml.package import read_package
from kpi_xl.ooxml.rows import read_row
from kpi_xl.reader import FileSource, Problems, find_table
from kpi_xl.schema import ADS
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import DATA, edit_workbook

D = dt.date


def sniffed(text: str, encoding: str = "utf-8", name: str = "x.csv"):
    return sniff(Path(name), text.encode(encoding))


# --- recognise ---------------------------------------------------------------------------


@pytest.mark.parametrize("file, platform, header_line", [
    ("layouts/google_keyword_report_cad_utf16.csv", GOOGLE, 2),
    ("layouts/adwords_2016_ad_report_utf16.csv", GOOGLE, 1),
    ("layouts/google_chart_download_usd.csv", GOOGLE, 0),
    ("layouts/meta_ad_sets_inr_summary_row.csv", META, 0),
    ("layouts/microsoft_campaign_report_usd_daily.csv", MICROSOFT, 10),
    ("layouts/microsoft_rapport_campagnes_eur.csv", MICROSOFT, 6),
    ("google_ads_campaign_report_usd.csv", GOOGLE, 2),
])
def test_sniff_recognises_the_platform_and_finds_the_header_below_title_lines(file, platform, header_line):
    found = sniff(DATA / file, (DATA / file).read_bytes())
    assert (found.kind, found.platform, found.header_line) == ("ads", platform, header_line)


def test_sniff_names_a_look_alike_and_refuses_the_rest():
    with pytest.raises(UnknownFormat) as e:
        sniffed("Campaign,Impr.,Clicks,Currency code,Avg. CPC\nA,1,1,EUR,1.0\n")
    assert (e.value.line, str(e.value).split(" (")[0]) == (1, "looks like a Google Ads report")
    with pytest.raises(UnknownFormat) as e:
        sniffed("name,amount\nrent,600\n")
    assert (e.value.line, str(e.value)) == (None, "not a format kpi-xl knows")
    assert look_alike([normalise_header(h) for h in ("Campaign name", "Impressions")]) is None  # not enough to say
    assert len(FORMATS) == 6


# --- locate columns ------------------------------------------------------------------------


def test_locate_finds_each_field_its_currency_and_the_language():
    located = META.locate([normalise_header(h) for h in (
        "Nom de la campagne", "Nom de l’ensemble de publicités", "Montant dépensé (EUR)", "Impressions", "Jour")])
    assert located.columns == {"campaign": 0, "group": 1, "day": 4, "impressions": 3, "spend": 2}
    assert (located.currencies, located.language) == ({"spend": "EUR"}, "French")
    located = GOOGLE.locate([normalise_header(h) for h in ("Device", "Campaign", "Impr.", "Currency code", "Cost")])
    assert GOOGLE.report_name(located.columns) == "Google Ads campaign report by device"


# --- parse lines ---------------------------------------------------------------------------


def test_read_ad_export_sums_lines_per_day_and_campaign_and_keeps_totals_as_checks():
    export, problems = read_ad_export(sniffed("\n".join([
        "Campaign report", "March 2, 2026 - March 3, 2026",
        "Day,Campaign,Ad group,Impr.,Clicks,Currency code,Cost",
        "2026-03-02,Brand,Core,10,1,EUR,1.25",
        "2026-03-02,brand ,Other,20,2,EUR,2.50",
        "2026-03-03,,Core,5,0,EUR,0.40",
        " --,,Total: Account,35,3,EUR,4.15",
    ])))
    assert problems == []
    assert [(r.date, r.campaign, r.numbers) for r in export.rows] == [
        (D(2026, 3, 2), "Brand", {"Impressions": 30.0, "Clicks": 3.0, "Spend": 3.75}),
        (D(2026, 3, 3), f"{NO_CAMPAIGN} ad group: Core", {"Impressions": 5.0, "Clicks": 0.0, "Spend": 0.4}),
    ]
    assert "matches the report's own total (Total: Account, line 7): spend 4.15, 35 impressions, 3 clicks" \
           in export.notes
    assert export.warnings == []


def test_read_ad_export_reports_every_bad_line_and_returns_no_rows():
    export, problems = read_ad_export(sniffed("\n".join([
        '"Campaign name",Day,"Amount spent (EUR)",Impressions', "A,2026-03-02,1.00,10", "A,2026-13-02,x,10", "A,1",
    ])))
    assert [str(p) for p in problems] == [
        'x.csv:3: Day: expected a date such as 2026-04-14, found "2026-13-02"',
        'x.csv:3: Amount spent (EUR): expected a number such as 1,234.56, found "x"',
        "x.csv:4: expected 4 fields like the header (line 1), found 2"]
    assert export.rows == []


def test_a_meta_summary_row_is_a_check_only_when_the_export_names_what_its_lines_are():
    named = read_ad_export(sniffed('"Campaign name",Day,"Amount spent (EUR)",Impressions\n'
                                   ",,3.00,30\nA,2026-03-02,1.00,10\nB,2026-03-02,2.00,20\n"))[0]
    assert len(named.rows) == 2 and named.notes[-1].startswith(f"matches the report's own total ({SUMMARY_ROW}")
    unnamed = read_ad_export(sniffed('"Reporting starts","Reporting ends","Amount spent (EUR)",Impressions\n'
                                     "2026-03-01,2026-03-31,3.00,30\n"))[0]
    assert [r.numbers["Spend"] for r in unnamed.rows] == [3.0]  # an account-level export: its one line is data
    daily = read_ad_export(sniffed('Day,"Amount spent (EUR)",Impressions\n,3.00,30\n2026-03-02,1.00,10\n'
                                   "2026-03-03,2.00,20\n"))
    assert (daily[1], [r.date for r in daily[0].rows]) == ([], [D(2026, 3, 2), D(2026, 3, 3)])
    assert daily[0].notes[-1].startswith(f"matches the report's own total ({SUMMARY_ROW}, line 2)")
    short = read_ad_export(sniffed('"Campaign name",Day,"Amount spent (EUR)",Impressions\n'
                                   ",,5.00,50\nA,2026-03-02,1.00,10\n"))[0]
    assert short.warnings == ["the export's summary row (line 2) says spend 5.00, 50 impressions, but its other "
                              "lines add up to spend 1.00, 10 impressions: check that the file is the whole export"]


def test_read_fec_keeps_every_figure():
    fec = (DATA / "111111111FEC20221231.TXT")
    export, problems = read_fec(sniff(fec, fec.read_bytes()))
    assert problems == []
    income = sum(r.amount for r in export.rows if r.type in ("Revenue", "Other income", "Non-cash income"))
    expense = sum(r.amount for r in export.rows if r.type not in ("Revenue", "Other income", "Non-cash income"))
    assert round(income - expense, 2) == -1281.09  # EXPECTED.md: net_profit


# --- check ---------------------------------------------------------------------------------


def test_footer_labels_and_what_they_total():
    assert footer_label(["Mobile phones", "Total: Account", "", "1"]) == (1, "Total: Account")
    assert footer_label(["Brand", "Total Fitness", "1"]) is None
    assert [label_key(x) for x in ("Total", "Total: Account", "Total : Compte", "Total - filtered")] == \
        ["", "account", "compte", "filtered"]


def test_combine_sums_a_labels_segments_unless_it_has_a_line_for_all():
    segments = [Footer("Total: Account", 9, "Computers", {"spend": 1.0, "impressions": 10.0, "clicks": 1.0}),
                Footer("Total: Account", 10, "Tablets", {"spend": 2.0, "impressions": 20.0, "clicks": 2.0})]
    assert [t.figures["spend"] for t in combine(segments)] == [3.0]
    whole = segments + [Footer("Total: Account", 11, "", {"spend": 5.0, "impressions": 50.0, "clicks": 5.0})]
    assert [(t.figures["spend"], t.lines) for t in combine(whole)] == [(5.0, [11])]


def test_self_check_agrees_within_each_lines_rounding_warns_on_a_partial_account_and_on_no_agreement():
    sums = {"spend": 100.00, "impressions": 1000.0, "clicks": 10.0}
    near = [Footer("Total: Account", 20, "", {"spend": 100.03, "impressions": 1000.0, "clicks": 10.0})]
    assert self_check(sums, 10, near, "why").warnings == []  # 10 lines, each rounded to the cent: ±0.05
    assert self_check(sums, 2, near, "why").warnings[0].startswith("covers spend 100.00 of the account's 100.03")
    off = [Footer("Total: Campaigns", 20, "", {"spend": 90.0, "impressions": 900.0, "clicks": 9.0})]
    assert self_check(sums, 10, off, "why").warnings == [
        "the lines imported add up to spend 100.00, 1,000 impressions, 10 clicks, which none of the report's own "
        "totals agrees with (Total: Campaigns, line 20: spend 90.00, 900 impressions, 9 clicks): check that the file "
        "is the whole export, then import it again"]
    assert self_check(sums, 10, [], "why").notes == []  # no totals, nothing said
    blank = [Footer("Total: Account", 20, "", {"spend": None, "impressions": None, "clicks": None})]
    assert self_check(sums, 10, blank, "why").notes[-1] == \
        "the report's own totals hold no spend, impressions or clicks to compare"


def test_currencies_a_bare_dollar_is_the_trackers_only_if_it_is_a_dollar():
    export = read_ad_export(sniffed("Date,Clicks,Impressions,Avg. CPC,Cost\n2026-03-02,1,10,$1.00,$1.00\n"))[0]
    assert export.currencies == {"$": 2}
    assert check_currencies([export], "AUD", "Settings!B4") == []
    assert [p.where for p in check_currencies([export], "EUR", "Settings!B4")] == ["x.csv:2"]


# --- text ----------------------------------------------------------------------------------


def test_text_helpers():
    assert EXCEL_TEXT_LIMIT == MAX_TEXT  # what the writer cuts to is what the comparison cuts to
    assert cell_text("a\x01b\r\nc") == ("ab\nc", False)
    assert parse_date_range("Report Time: 6/10/2026,6/16/2026") == (D(2026, 6, 10), D(2026, 6, 16))
    assert parse_date_range("Période du rapport : 01/03/2026 - 31/03/2026", day_first=True) == \
        (D(2026, 3, 1), D(2026, 3, 31))
    assert parse_money("CA$12.00", False) == (12.0, "CAD", "CA$")
    with pytest.raises(ValueError):
        parse_money("12 zł", True)


# --- the tracker side ----------------------------------------------------------------------


def test_find_table_and_the_header_row(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx", settings=Settings())
    problems = Problems()
    table, headers = find_table(FileSource(tracker), ADS, problems)
    assert (table.name, headers["Spend"], problems.items) == ("Ads", "Spend", [])
    package = read_package(tracker)
    assert read_row(tracker, package.sheets["Ads"], 0, 0, 3) == ["Date", "Channel", "Campaign"]
    assert read_row(tracker, package.sheets["Ads"], 5000, 0, 2) == [None, None]  # no such row
    edit_workbook(tracker, lambda wb: wb["Ads"].__setitem__("B1", "Platform"))
    problems = Problems()
    assert find_table(FileSource(tracker), ADS, problems) is None
    assert [p.where for p in problems.items] == ["Ads!B1 (Channel)"]


def test_import_files_takes_an_options_record_or_its_fields(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx", settings=Settings(currency="EUR"))
    export = tmp_path / "g.csv"
    export.write_text("Campaign,Impr.,Clicks,Currency code,Cost\nSearch,10,1,EUR,2.00\n", encoding="utf-8")
    steps: list[str] = []
    result = import_files(tracker, ImportOptions(ads=[export], date="2026-03-02", dry_run=True, progress=steps.append))
    assert (result.added("Ads"), result.written) == (1, False)
    assert steps == ["Reading g.csv", "Reading t.xlsx", "Checking t.xlsx"]  # the tracker last: under its lock
    assert import_files(tracker, ads=[export], date=D(2026, 3, 2)).added("Ads") == 1
    with pytest.raises(TypeError):
        import_files(tracker, ImportOptions(), ads=[export])
