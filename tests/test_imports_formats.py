"""The variants of each format that tests/data does not hold, as small files written here.

Each is what the platform (or the FEC standard) is documented to produce:
Google's UTF-16 "Excel CSV" with French headers, en-GB date ranges, a daily
breakdown; Meta in French, without a daily breakdown, with no data;
LinkedIn; TikTok; a 22-column, pipe-separated, ISO-8859-15 FEC with
lower-case journals.  And what must fail: unknown formats, malformed lines,
a report without dates.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl import read_tracker
from kpi_xl.errors import InputError
from kpi_xl.imports import DEFAULT_ACCOUNT_TYPES, FORMATS, import_files
from kpi_xl.schema import LEDGER_TYPES
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import digest, run_cli

approx = pytest.approx
D = dt.date
NNBSP = "\u202f"


@pytest.fixture
def tracker(tmp_path) -> Path:
    return write_tracker(tmp_path / "t.xlsm", settings=Settings(currency="EUR"))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def ads_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=False)
    ws = wb["Ads"]
    return [tuple(r) for r in ws.iter_rows(min_row=2, max_col=10, values_only=True) if any(v is not None for v in r)]


# --- Google Ads ------------------------------------------------------------------

GOOGLE_FR_EXCEL_CSV = "\ufeff" + "\r\n".join([
    "Rapport sur les campagnes",
    "27 janvier 2026 - 23 février 2026",
    "État de la campagne\tCampagne\tType de campagne\tImpr.\tClics\tCode de la devise\tCoût\tTaux de conv.\t"
    "Score d'optimisation",
    f"Activée\tRecherche – Paris\tRecherche\t1{NNBSP}356{NNBSP}884\t22{NNBSP}942\tEUR\t50{NNBSP}252,14\t"
    "21,18 %\t< 10 %",
    "Suspendue\t=HYPERLINK(\"http://evil\")\tDisplay\t795 836\t9 265\tEUR\t2 691,41\t0,24 %\t --",
    "Total : Campagnes\t --\t --\t2 152 720\t32 207\tEUR\t52 943,55\t6,60 %\t --",
    "Total : Compte\t\t\t2 152 720\t32 207\tEUR\t52 943,55\t6,60 %\t",
]) + "\r\n"


def test_google_excel_csv_utf16_tab_in_french(tracker, tmp_path):
    export = write(tmp_path / "rapport.csv", GOOGLE_FR_EXCEL_CSV, "utf-16-le")
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "Google Ads campaign report (French, UTF-16LE, tab), 2 lines → 2 Ads rows: 2 new" in result.stderr
    assert "2 lines cover more than one day (2026-01-27 … 2026-02-23" in result.stderr
    rows = ads_rows(tracker)
    assert rows == [
        (dt.datetime(2026, 1, 27), "Google", "Recherche – Paris", 1356884, 22942, 50252.14, None, None, None, None),
        (dt.datetime(2026, 1, 27), "Google", '=HYPERLINK("http://evil")', 795836, 9265, 2691.41, None, None, None,
         None),
    ]


def test_google_en_gb_date_range_and_daily_breakdown(tracker, tmp_path):
    export = write(tmp_path / "daily.csv", "\n".join([
        "Campaign report",
        "27 January 2026 - 23 February 2026",
        "Day,Campaign,Impr.,Clicks,Currency code,Cost,Optimisation score",
        '2026-01-27,Search,"1,200",40,EUR,55.10,81.47%',
        "2026-01-28,Search,900,30,EUR,40.00, --",
        "2026-01-28,Search,100,2,EUR,3.00, --",
        "Total: Campaigns,,\"2,200\",72,EUR,98.10,",
    ]))
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "3 lines → 2 Ads rows: 2 new" in result.stderr  # one campaign's two lines of a day, summed
    assert "more than one day" not in result.stderr
    rows = ads_rows(tracker)
    assert [(r[0].date(), r[3], r[4], r[5]) for r in rows] == [(D(2026, 1, 27), 1200, 40, 55.1),
                                                            (D(2026, 1, 28), 1000, 32, 43.0)]


def test_an_all_time_google_report_needs_a_date(tracker, tmp_path):
    export = write(tmp_path / "all.csv", "Campaign report\nAll time\nCampaign,Impr.,Clicks,Currency code,Cost\n"
                                         "Search,10,1,EUR,2.00\n")
    before = digest(tracker)
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f'{export}:2: the report covers "All time", which gives its rows no date: download it for a date range, '
        "or pass --date with the day to count it on")
    assert digest(tracker) == before
    result = run_cli("import", tracker, "--ads", export, "--date", "2026-01-16")
    assert result.exit_code == 0, result.output
    assert "put on 2026-01-16 (--date)" in result.stderr


# --- Meta ------------------------------------------------------------------------


def test_meta_in_french_without_a_daily_breakdown(tracker, tmp_path):
    export = write(tmp_path / "meta.csv", "\ufeff" + "\n".join([
        '"Nom de la campagne","Nom de l’ensemble de publicités","Montant dépensé (EUR)",Impressions,'
        '"Clics sur un lien",Prospects,Résultats,"Indicateur de résultats","Début des rapports","Fin des rapports",'
        '"Nom de l’ensemble de publicités"',
        '"Guide gratuit","Lookalike","120,50",10000,250,12,12,leads,2026-03-01,2026-03-31,"Lookalike"',
        '"Guide gratuit","Intérêts","79,50",5000,150,8,8,leads,2026-03-01,2026-03-31,"Intérêts"',
        '"Notoriété","Large","10,00",2000,,,300,reach,2026-03-01,2026-03-31,"Large"',
    ]))
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "Meta Ads Manager export (French, UTF-8 with BOM, comma), 3 lines → 2 Ads rows" in result.stderr
    assert "3 lines cover more than one day (2026-03-01 … 2026-03-31, no daily breakdown): each is put on its " \
           "first day" in result.stderr
    rows = ads_rows(tracker)
    assert rows == [
        (dt.datetime(2026, 3, 1), "Meta", "Guide gratuit", 15000, 400, 200.0, 20, None, None, None),
        (dt.datetime(2026, 3, 1), "Meta", "Notoriété", 2000, None, 10.0, None, None, None, None),
    ]


def test_meta_results_are_never_read_as_leads(tracker, tmp_path):
    export = write(tmp_path / "meta.csv", "\ufeff" + "\n".join([
        '"Campaign name",Day,"Result type",Results,"Amount spent (EUR)",Impressions,"Link clicks",'
        '"Reporting starts","Reporting ends"',
        '"Guide",2026-03-02,"Leads (form)",7,30.00,3000,60,2026-03-02,2026-03-02',
        '"Guide",2026-03-03,"Landing page views",41,30.00,3100,70,2026-03-03,2026-03-03',
    ]))
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "left blank: Leads (the export has no Leads column, and its Results column mixes kinds of results " \
           "(never read as leads))" in result.stderr
    assert read_tracker(tracker).kpis()["leads"] == 0
    assert [r[6] for r in ads_rows(tracker)] == [None, None]


def test_meta_no_data_available(tracker, tmp_path):
    export = write(tmp_path / "meta.csv", '\ufeff"Campaign name","Amount spent (EUR)",Impressions,'
                                          '"Reporting starts","Reporting ends"\n"No data available."\n')
    before = digest(tracker)
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert 'no data: the export says "No data available."' in result.stderr
    assert "0 lines → 0 Ads rows" in result.stderr
    assert digest(tracker) == before


# --- LinkedIn and TikTok ---------------------------------------------------------


def test_linkedin_campaign_manager(tracker, tmp_path):
    export = write(tmp_path / "linkedin.csv", "\ufeff" + "\r\n".join([
        "Campaign Performance Report (in UTC)",
        "Report Start: 3/1/2026, 12:00 AM",
        "Report End: 3/31/2026, 11:59 PM",
        "Date Generated: 4/1/2026, 9:12 AM",
        "",
        "Start Date (in UTC)\tAccount Name\tCampaign Group Name\tCampaign Name\tCurrency\tTotal Spent\tImpressions\t"
        "Clicks\tLeads\tClick Through Rate",
        "3/2/2026\tAcme\tB2B\tWebinar\tEUR\t152.30\t8210\t41\t3\t0.005",
        "3/3/2026\tAcme\tB2B\tWebinar\tEUR\t148.70\t7900\t38\t2\t0.0048",
    ]) + "\r\n", "utf-16-le")
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "LinkedIn Campaign Manager export (English, UTF-16LE, tab), 2 lines → 2 Ads rows" in result.stderr
    k = read_tracker(tracker).kpis("2026-03", channel="LinkedIn")
    assert (k["spend"], k["impressions"], k["clicks"], k["leads"]) == (approx(301.0), 16110, 79, 5)
    assert k["cpl"] == approx(60.2)


def test_tiktok_ads(tracker, tmp_path):
    export = write(tmp_path / "tiktok.csv", "\n".join([
        "By Day,Campaign name,Ad group name,Cost,Impressions,Clicks (destination),CTR (destination),Conversions,"
        "Currency",
        "2026-03-02,Spring,Broad,45.20,12000,130,1.08%,9,EUR",
        "2026-03-02,Spring,Lookalike,30.00,8000,70,0.88%,4,EUR",
    ]))
    result = run_cli("import", tracker, "--ads", export)
    assert result.exit_code == 0, result.output
    assert "TikTok Ads export (English, UTF-8, comma), 2 lines → 1 Ads row" in result.stderr
    assert "Leads (TikTok's Conversions count whichever event each ad group optimises for" in result.stderr
    assert ads_rows(tracker) == [(dt.datetime(2026, 3, 2), "TikTok", "Spring", 20000, 200, 75.2, None, None, None,
                                  None)]


# --- FEC ---------------------------------------------------------------------------

FEC22_HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
                "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise|"
                "DateRglt|ModeRglt|NatOp|IdClient")


def fec22(lines: list[str]) -> str:
    return "\r\n".join([FEC22_HEADER, *lines]) + "\r\n"


FEC22_LINES = [
    # Opening entries, lower-case journal: not flows.
    "an|A-nouveaux|1|20260101|512000|Banque|||RAN|20260101|Report à nouveau|0000000012500,00|0000000000,00|||||||||",
    "an|A-nouveaux|1|20260101|101000|Capital|||RAN|20260101|Report à nouveau|0000000000,00|0000000012500,00|||||||||",
    # Fees received (706, a 9-digit account), paid into the bank.
    "rec|Recettes|2|20260115|706000000|Honoraires|C001|Client|F1|20260115|Honoraires janvier café 5 €|0|1500,00|||"
    "20260131 10:22:00|||20260115|VIR|PS|C001",
    "rec|Recettes|2|20260115|512000|Banque|||F1|20260115|Honoraires janvier café 5 €|1500,00|0|||20260131|||"
    "20260115|VIR|PS|C001",
    # Rent (6132), software (6226 → overridden), depreciation (6811), interest (661), a subsidy (74).
    "dep|Depenses|3|20260120|613200|Loyer|||L1|20260120|Loyer janvier|600,00|0|||20260131|||20260120|PRLV|LO|",
    "dep|Depenses|3|20260120|512000|Banque|||L1|20260120|Loyer janvier|0|600,00|||20260131|||20260120|PRLV|LO|",
    "dep|Depenses|4|20260125|622600|Logiciels|||S1|20260125|Logiciel|50,00|0|||20260131|||20260125|CB|LO|",
    "dep|Depenses|4|20260125|512000|Banque|||S1|20260125|Logiciel|0|50,00|||20260131|||20260125|CB|LO|",
    "od|Operations diverses|5|20260131|681100|Dotations|||A1|20260131|Amortissements|100,00|0||||20260131|||||",
    "od|Operations diverses|5|20260131|281800|Amortissements|||A1|20260131|Amortissements|0|100,00||||20260131|||||",
    "dep|Depenses|6|20260205|661100|Interets|||B1|20260205|Interets emprunt|20,00|0||||20260228|||||",
    "dep|Depenses|6|20260205|512000|Banque|||B1|20260205|Interets emprunt|0|20,00||||20260228|||||",
    "rec|Recettes|7|20260210|740000|Subvention|||G1|20260210|Aide régionale|0|300,00||||20260228|||||",
    "rec|Recettes|7|20260210|512000|Banque|||G1|20260210|Aide régionale|300,00|0||||20260228|||||",
]


def test_fec_22_columns_pipe_iso_8859_15_lower_case_journals(tracker, tmp_path):
    fec = write(tmp_path / "FEC.txt", fec22(FEC22_LINES), "iso-8859-15")
    result = run_cli("import", tracker, "--fec", fec, "--map", "6226=Variable cost")
    assert result.exit_code == 0, result.output
    assert "FEC (22 columns, ISO-8859-15, pipe), 14 lines → 6 Ledger rows: 6 new" in result.stderr
    assert "2 opening lines (journal AN) left out" in result.stderr
    assert "opening bank and cash balance (accounts 51…, 53…) on 2026-01-01: 12,500.00" in result.stderr
    wb = openpyxl.load_workbook(tracker)
    rows = [r for r in wb["Ledger"].iter_rows(min_row=2, max_col=5, values_only=True) if r[0] is not None]
    assert rows == [
        (dt.datetime(2026, 1, 15), "Honoraires janvier café 5 € [REC 2]", "706000000 Honoraires", "Revenue", 1500),
        (dt.datetime(2026, 1, 20), "Loyer janvier [DEP 3]", "613200 Loyer", "Fixed cost", 600),
        (dt.datetime(2026, 1, 25), "Logiciel [DEP 4]", "622600 Logiciels", "Variable cost", 50),
        (dt.datetime(2026, 1, 31), "Amortissements [OD 5]", "681100 Dotations", "Non-cash expense", 100),
        (dt.datetime(2026, 2, 5), "Interets emprunt [DEP 6]", "661100 Interets", "Other expense", 20),
        (dt.datetime(2026, 2, 10), "Aide régionale [REC 7]", "740000 Subvention", "Other income", 300),
    ]
    t = read_tracker(tracker)
    january, february = t.kpis("2026-01"), t.kpis("2026-02")
    assert january["net_profit"] == approx(1500 - 600 - 50 - 100)
    assert february["net_profit"] == approx(300 - 20)
    # Depreciation lowers the profit, not the cash (OpeningDate is 2026-01-01 in this tracker).
    assert t.kpis("2026-02")["cash_end"] == approx(1500 - 600 - 50 + 300 - 20)


def test_fec_18_columns_tab_utf8_without_bom_and_montant_sens(tracker, tmp_path):
    fec = write(tmp_path / "fec.txt", "\n".join([
        "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\t"
        "PieceDate\tEcritureLib\tMontant\tSens\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise",
        "VT\tVentes\t1\t20260302\t7010\tVentes\t\t\tF1\t20260302\tFacture 1\t1000,00\tC\t\t\t20260331\t\t",
        "VT\tVentes\t1\t20260302\t4110\tClients\t\t\tF1\t20260302\tFacture 1\t1000,00\tD\t\t\t20260331\t\t",
        "VT\tVentes\t2\t20260310\t7010\tVentes\t\t\tA1\t20260310\tAvoir 1\t100,00\tD\t\t\t20260331\t\t",
        "VT\tVentes\t2\t20260310\t4110\tClients\t\t\tA1\t20260310\tAvoir 1\t100,00\tC\t\t\t20260331\t\t",
    ]) + "\n")
    result = run_cli("import", tracker, "--fec", fec)
    assert result.exit_code == 0, result.output
    assert "FEC (18 columns, UTF-8, tab)" in result.stderr
    assert read_tracker(tracker).kpis("2026-03")["sales"] == approx(900)  # a credit note reverses


def test_the_default_mapping_is_documented_and_every_type_is_a_ledger_type():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "imports.md").read_text(encoding="utf-8")
    for prefix, kind in DEFAULT_ACCOUNT_TYPES.items():
        assert kind in LEDGER_TYPES
        assert f"| `{prefix}` | {kind} |" in docs, prefix


def test_a_mapping_can_leave_accounts_out_and_a_bad_one_is_an_argument_error(tracker, tmp_path):
    fec = write(tmp_path / "FEC.txt", fec22(FEC22_LINES), "iso-8859-15")
    result = run_cli("import", tracker, "--fec", fec, "--map", "74=none", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "5 Ledger rows: 5 new" in result.stderr
    assert "Dry run, nothing written: would add 0 rows to Ads, 5 to Ledger" in result.stderr
    result = run_cli("import", tracker, "--fec", fec, "--map", "62=Rent")
    assert result.exit_code == 2
    assert result.stderr.startswith('error: --map "62=Rent": expected a Type, one of Revenue, Variable cost')


def test_a_reimport_recognises_fec_lines_after_their_type_was_changed(tracker, tmp_path):
    fec = write(tmp_path / "FEC.txt", fec22(FEC22_LINES), "iso-8859-15")
    assert run_cli("import", tracker, "--fec", fec).exit_code == 0
    wb = openpyxl.load_workbook(tracker, keep_vba=True)
    wb["Ledger"]["D3"] = "Variable cost"  # the user re-classifies the rent
    wb["Ledger"]["C3"] = "Office"
    wb.save(tracker)
    result = run_cli("import", tracker, "--fec", fec)
    assert result.exit_code == 0, result.output
    assert "6 Ledger rows: 0 new, 6 already there" in result.stderr


# --- what must fail, all at once, writing nothing -----------------------------------


def test_an_unknown_format_names_the_file_and_lists_the_formats(tracker, tmp_path):
    other = write(tmp_path / "notes.csv", "name,amount\nrent,600\n")
    workbook = tmp_path / "export.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not really")
    result = run_cli("import", tracker, "--ads", other, workbook)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{other}: not a format kpi-xl knows: expected one of the formats kpi-xl imports — " \
                       + "; ".join(FORMATS)
    assert lines[1] == f"{workbook}: a zip file that cannot be opened (File is not a zip file): download the " \
                       "export again"
    assert lines[2] == "2 problems: nothing was written."


def test_every_malformed_line_is_listed_and_nothing_is_written(tracker, tmp_path):
    ads = write(tmp_path / "meta.csv", "\n".join([
        '"Campaign name",Day,"Amount spent (EUR)",Impressions,"Link clicks"',
        "A,2026-03-02,12.50,1000,10",
        'A,2026-03-32,"12,5 €",1000,10',
        "A,2026-03-04,-3,100.5,10",
        "A,2026-03-05,3,100",
    ]))
    fec = write(tmp_path / "FEC.txt", fec22([
        FEC22_LINES[2],
        FEC22_LINES[3].replace("20260115|512000", "2026-01-15|512000"),
        FEC22_LINES[4].replace("600,00", "6OO,00"),
        "dep|Depenses|3|20260120|613200|Loyer",
    ]), "iso-8859-15")
    before = digest(tracker)
    result = run_cli("import", tracker, "--ads", ads, "--fec", fec)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{ads}:3: Day: expected a date such as 2026-04-14, found \"2026-03-32\"",
        f'{ads}:3: Amount spent (EUR): expected a number such as 1,234.56, found "12,5 €"',
        f'{ads}:4: Amount spent (EUR): expected a number ≥ 0, found "-3"',
        f'{ads}:4: Impressions: expected a whole number, found "100.5"',
        f"{ads}:5: expected 5 fields like the header (line 1), found 4",
        f'{fec}:3: EcritureDate: expected a date AAAAMMJJ such as 20220831, found "2026-01-15"',
        f'{fec}:4: Debit: expected an amount such as 1234,56, found "6OO,00"',
        f"{fec}:5: expected 22 fields separated by pipes, found 6",
        "8 problems: nothing was written.",
    ]
    assert digest(tracker) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FEC.txt", "meta.csv", "t.xlsm"]  # no temp file


def test_a_file_given_with_the_wrong_option_is_refused(tracker, tmp_path):
    fec = write(tmp_path / "FEC.txt", fec22(FEC22_LINES), "iso-8859-15")
    google = write(tmp_path / "g.csv", "Campaign,Impr.,Clicks,Currency code,Cost\nSearch,10,1,EUR,2.00\n")
    result = run_cli("import", tracker, "--ads", fec, "--fec", google, "--date", "2026-03-01")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"{fec}: a FEC accounting file, not an ad export: pass it with --fec",
        f"{google}: a Google Ads campaign report, not a FEC: pass it with --ads",
    ]
    # Given after the options, a file is recognised as either.
    result = run_cli("import", tracker, "--ads", google, fec, "--date", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "added 1 row to Ads, 6 to Ledger" in result.stderr


def test_no_file_is_an_argument_error(tracker):
    result = run_cli("import", tracker)
    assert result.exit_code == 2
    assert "expected at least one file to import" in result.stderr


def test_the_library_raises_input_error_with_every_problem(tracker, tmp_path):
    bad = write(tmp_path / "g.csv", "Campaign report\nAll time\nCampaign,Impr.,Clicks,Currency code,Cost\n"
                                    "Search,ten,1,USD,2.00\n")
    with pytest.raises(InputError) as e:
        import_files(tracker, ads=[bad])
    assert [p.where for p in e.value.problems] == [f"{bad}:2"]
    with pytest.raises(InputError) as e:
        import_files(tracker, ads=[bad], date="2026-01-16")
    assert [str(p) for p in e.value.problems] == [
        f'{bad}:4: Impr.: expected a number such as 1,234.56, found "ten"',
        f"{bad}:4: currency USD, expected EUR (the tracker's Currency, Settings!B4): import it into a tracker whose "
        "Currency is USD, or convert the amounts first",
    ]


def test_out_writes_elsewhere_and_leaves_the_tracker_alone(tracker, tmp_path):
    google = write(tmp_path / "g.csv", "Campaign report\nMarch 1, 2026 - March 1, 2026\n"
                                       "Campaign,Impr.,Clicks,Currency code,Cost\nSearch,10,1,EUR,2.00\n")
    before = digest(tracker)
    out = tmp_path / "copy.xlsm"
    result = run_cli("import", tracker, "--ads", google, "--out", out)
    assert result.exit_code == 0, result.output
    assert digest(tracker) == before
    assert read_tracker(out).kpis()["spend"] == 2.0
    with zipfile.ZipFile(out) as z:
        assert json.dumps(sorted(z.namelist())) == json.dumps(sorted(zipfile.ZipFile(tracker).namelist()))
