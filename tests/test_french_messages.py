"""What `kpi-xl import` and `kpi-xl doctor` tell a French tracker's owner: every note, warning and finding in
French, the figures the English import's, and the English output as it always was."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl.imports.footers import SUMMARY_ROW, Footer, self_check
from kpi_xl.sample import sample_data
from kpi_xl.texts import EN, LANGUAGES, Message, Sheet, texts
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import SAMPLE_END, kpis_json, run_cli

DATA = Path(__file__).resolve().parent / "data"
LAYOUTS = DATA / "layouts"
FR = texts("fr")


def english_fragments() -> set[str]:
    """Every piece of English text of the catalogue a French reader must not see: each template's text between
    its placeholders, and each noun's forms, when they are 12 characters or more and French writes them
    otherwise."""
    out = set()
    for key, text in EN.items():
        if FR.table[key] == text:
            continue
        parts = text.split("|") if key.startswith("noun.") else re.split(r"{[^{}]*}", text)
        out |= {part.strip() for part in parts if len(part.strip()) >= 12 and part.strip() not in FR.table[key]}
    return out


FRAGMENTS = english_fragments()


def english_in(text: str) -> list[str]:
    return sorted(fragment for fragment in FRAGMENTS if fragment in text)


# --- the message record --------------------------------------------------------------------


def test_a_message_is_its_english_and_says_itself_in_french():
    note = Message("import.fec.opening_cash", day=dt.date(2023, 1, 1), amount=13002.44)
    assert note == ("opening bank and cash balance (accounts 51…, 53…) on 2023-01-01: 13,002.44 — set OpeningCash "
                    "and OpeningDate on Settings to start the cash curve there")
    assert FR.say(note, "EUR") == ("à-nouveaux de banque et de caisse (comptes 51…, 53…) au 01/01/2023\u00a0: "
                                   "13\u202f002,44\u00a0€ — saisissez ce montant en Trésorerie de départ et cette date "
                                   "en Date de départ (Paramètres) pour faire partir de là la courbe de trésorerie")
    assert FR.say(note).endswith("01/01/2023\u00a0: 13\u202f002,44 — saisissez ce montant en Trésorerie de départ "
                                 "et cette date en Date de départ (Paramètres) pour faire partir de là la courbe de "
                                 "trésorerie")  # no currency known: the amount alone
    assert texts("en").say(note, "EUR") == note  # English writes the amount as it always did
    assert FR.say("a plain text") == "a plain text"
    for again in (pickle.loads(pickle.dumps(note)), copy.deepcopy(note)):
        assert again == note and FR.say(again, "EUR") == FR.say(note, "EUR")
    assert sorted([Message("import.totals.none"), "a"]) == ["a", "the report's own totals hold no spend, "
                                                                 "impressions or clicks to compare"]


@pytest.mark.parametrize("n, english, french", [
    (0, "0 lines cover more than one day", "0\u00a0ligne couvre plus d'un jour"),
    (1, "1 line covers more than one day", "1\u00a0ligne couvre plus d'un jour"),
    (2, "2 lines cover more than one day", "2\u00a0lignes couvrent plus d'un jour"),
    (12345, "12,345 lines cover more than one day", "12\u202f345\u00a0lignes couvrent plus d'un jour"),
])
def test_counted_nouns_agree_the_way_each_language_does(n, english, french):
    note = Message("import.span", n=n, first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 31), months="")
    assert note.startswith(english + " (2026-03-01 … 2026-03-31")
    assert FR.say(note).startswith(french + " (du 01/03/2026 au 31/03/2026")


def test_lists_sheets_and_nested_messages_are_said_in_the_same_language():
    blank = Message("import.blank", columns=[Message("import.blank.calls"), Message("import.blank.revenue")])
    assert blank == "left blank: Calls (no ad platform knows them); Revenue"
    assert FR.say(blank) == "colonnes laissées vides\u00a0: Appels (aucune plateforme publicitaire ne les " \
                            "connaît)\u202f; CA HT"
    modules = Message("doctor.orphan_modules", modules=["Sheet8", "Sheet9"])
    assert modules == "document modules Sheet8 and Sheet9 belong to no sheet"
    assert FR.say(modules) == "modules de document Sheet8 et Sheet9 n'appartiennent à aucune feuille"
    sheet = Message("doctor.no_sheet", sheet=Sheet("Ads Summary"))
    assert (sheet, FR.say(sheet)) == ("no Ads Summary sheet", "pas de feuille Synthèse pub")


def test_every_message_key_of_the_code_is_in_the_catalogue():
    keys = re.compile(r'"((?:import|doctor|format|platform|input)\.[a-z0-9_.]*[a-z0-9_])"')
    used = set()
    for path in (Path(__file__).resolve().parents[1] / "kpi_xl").rglob("*.py"):
        if path.name not in ("texts.py", "texts_fr.py"):
            used |= set(keys.findall(path.read_text(encoding="utf-8")))
    used |= {f"import.language.{lang}" for lang in ("English", "French")}  # f"import.language.{…}"
    assert len(used) > 100 and used <= set(EN), sorted(used - set(EN))
    for words in LANGUAGES.values():
        assert set(EN) <= set(words.table)


# --- kpi-xl import ---------------------------------------------------------------------------


IMPORTS = {
    # name: (currency of the tracker, the command's arguments after the tracker)
    "FEC 2022": ("EUR", ["--fec", DATA / "0000000001FEC20220831.txt"]),
    "FEC 2023": ("EUR", ["--fec", DATA / "111111111FEC20221231.TXT"]),
    "Google, all time": ("USD", ["--ads", DATA / "google_ads_campaign_report_usd.csv", "--date", "2026-01-16"]),
    "Google, zeros": ("EUR", ["--ads", DATA / "google_ads_campaign_report_zeros_eur.csv"]),
    "Meta, daily": ("AUD", ["--ads", DATA / "meta_ads_export_aud_daily.csv"]),
    "AdWords 2016": ("EUR", ["--ads", LAYOUTS / "adwords_2016_ad_report_utf16.csv"]),
    "Google chart": ("USD", ["--ads", LAYOUTS / "google_chart_download_usd.csv"]),
    "Google keywords": ("CAD", ["--ads", LAYOUTS / "google_keyword_report_cad_utf16.csv"]),
    "Meta ad sets": ("INR", ["--ads", LAYOUTS / "meta_ad_sets_inr_summary_row.csv"]),
    "Microsoft, French": ("EUR", ["--ads", LAYOUTS / "microsoft_rapport_campagnes_eur.csv"]),
}


def tracker(folder: Path, lang: str, currency: str) -> Path:
    settings = Settings(currency=currency, language=lang)
    return write_tracker(folder / f"{lang}.xlsm", settings=settings)


@pytest.mark.parametrize("case", sorted(IMPORTS))
def test_a_french_import_says_everything_in_french_with_the_english_figures(tmp_path, case):
    currency, args = IMPORTS[case]
    outputs, figures = {}, {}
    for lang in ("en", "fr"):
        path = tracker(tmp_path, lang, currency)
        result = run_cli("import", path, *args)
        assert result.exit_code == 0, result.output
        outputs[lang] = (result.stdout + result.stderr).replace(str(tmp_path), "").replace(str(DATA), "")
        figures[lang] = kpis_json(path)
    assert figures["fr"] == figures["en"]
    assert english_in(outputs["fr"]) == [], outputs["fr"]
    assert len(outputs["fr"].splitlines()) == len(outputs["en"].splitlines())  # every note said, none lost
    assert "Import terminé" in outputs["fr"] and "\u00a0: " in outputs["fr"]
    again = run_cli("import", tmp_path / "fr.xlsm", *args, "--lang", "en")  # --lang: the English, all of it
    assert again.exit_code == 0 and "Nothing new" in again.stderr and english_in(again.stderr)


def test_the_french_fec_summary_reads_as_the_guide_shows_it(tmp_path):
    path = tracker(tmp_path, "fr", "EUR")
    result = run_cli("import", path, "--fec", DATA / "111111111FEC20221231.TXT")
    assert result.exit_code == 0, result.output
    lines = result.stderr.replace(str(DATA) + "/", "").replace(str(tmp_path) + "/", "").splitlines()
    assert lines == [
        "111111111FEC20221231.TXT\u00a0: FEC (18\u00a0colonnes, ISO-8859-15, barre verticale), 934\u00a0lignes → "
        "Journal\u00a0: 297\u00a0lignes, 297\u00a0nouvelles, 0\u00a0déjà présente",
        "  écritures du 01/01/2023 au 31/07/2023\u00a0: 297\u00a0lignes de produits et de charges vers le Journal, "
        "608\u00a0lignes de bilan laissées de côté",
        "  29\u00a0lignes d'à-nouveaux (journal AN) laissées de côté\u00a0: ce sont les soldes de l'exercice précédent, "
        "pas les flux de celui-ci",
        "  à-nouveaux de banque et de caisse (comptes 51…, 53…) au 01/01/2023\u00a0: 13\u202f002,44\u00a0€ — saisissez "
        "ce montant en Trésorerie de départ et cette date en Date de départ (Paramètres) pour faire partir de là la "
        "courbe de trésorerie",
        "Import terminé (fr.xlsm)\u00a0: 0\u00a0ligne ajoutée dans Publicités et 297\u00a0lignes ajoutées dans le "
        "Journal (0\u00a0déjà présente).",
    ]


def test_the_english_summary_is_what_it_always_was(tmp_path):
    path = tracker(tmp_path, "en", "USD")
    result = run_cli("import", path, "--ads", DATA / "google_ads_campaign_report_usd.csv", "--date", "2026-01-16")
    assert result.exit_code == 0, result.output
    assert result.stderr.replace(str(DATA) + "/", "").replace(str(tmp_path) + "/", "").splitlines() == [
        "google_ads_campaign_report_usd.csv: Google Ads campaign report (English, UTF-8, comma), 12 lines → 12 Ads "
        "rows: 12 new, 0 already there",
        "  no dates in the export: its rows are put on 2026-01-16 (--date)",
        "  left blank: Leads (a Google Ads report counts conversions of every kind (Conversions), never leads "
        "alone); Calls (no ad platform knows them); Customers; Revenue",
        "  5 total lines read as checks, not rows (Total: Account, Total: Campaigns, Total: Display, Total: "
        "Performance Max, Total: Search)",
        "  matches the report's own total of its lines (Total: Campaigns, line 16): spend 199,421.15, 14,117,313 "
        "impressions, 167,739 clicks",
        "  warning: covers spend 199,421.15 of the account's 199,547.59 (99.9%) in the report's own total (Total: "
        "Account, line 17): the report leaves out part of the account (removed campaigns, or lines a filter hid): "
        "download the Campaign report with all campaigns for the whole spend",
        "Imported into en.xlsm: added 12 rows to Ads, 0 to Ledger (0 already there).",
    ]


def footer(label, line, spend, impressions, clicks):
    return Footer(label, line, "", {"spend": spend, "impressions": impressions, "clicks": clicks})


@pytest.mark.parametrize("footers, lines", [
    ([footer("Total: Campaigns", 5, 999.0, 999.0, 99.0)], 1),  # no total agrees
    ([footer("Total: Account", 5, 999.0, 999.0, 99.0)], 1),  # the account's covers more
    ([footer("Total: Account", 5, 10.0, 999.0, 99.0)], 1),  # same spend, other figures
    ([footer(SUMMARY_ROW, 2, 5.0, 50.0, 1.0)], 1),  # Meta's summary row disagrees
    ([footer("Total: Account", 20, 10.03, 100.0, 5.0)], 10),  # agrees, a few cents off
    ([footer("Total: Account", 5, None, None, None)], 1),  # totals without figures
])
def test_every_warning_of_the_self_check_is_said_in_french(footers, lines):
    check = self_check({"spend": 10.0, "impressions": 100.0, "clicks": 5.0}, lines, footers,
                       Message("import.partial.account"))
    assert check.notes or check.warnings
    for text in check.notes + check.warnings:
        french = FR.say(text, "EUR")
        assert english_in(french) == [], french
        assert french != text and (french.count("€") == text.count("EUR") or "€" in french), french


def test_every_note_of_a_fec_and_an_odd_ad_export_is_said_in_french(tmp_path):
    fec = tmp_path / "FEC.txt"
    header = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise")
    rows = ["AN\tA nouveaux\t1\t20260101\t512000\tBanque\t\t\t1\t20260101\tOuverture\t100,00\t0,00\t\t\t20260101\t\t",
            "VE\tVentes\t2\t20260115\t706000\tPrestations\t\t\t2\t20260115\t" + "x" * 40_000 + "\t0,00\t50,00\t\t\t"
            "20260115\t\t",
            "VE\tVentes\t2\t20260115\t411000\tClient\t\t\t2\t20260115\tFacture\t40,00\t0,00\t\t\t20260115\t\t"]
    fec.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    ads = tmp_path / "google.csv"
    ads.write_text("Campaign,Day,Cost,Impr.,Clicks\n,2026-01-15,$5.00,10,1\n", encoding="utf-8")
    path = tracker(tmp_path, "fr", "EUR")
    result = run_cli("import", path, "--fec", fec)
    assert result.exit_code == 0, result.output
    assert "tronqués en gardant le numéro d'écriture, ligne 3" in result.stderr
    assert "le fichier n'est pas équilibré (débits 140,00\u00a0€, crédits 50,00\u00a0€)" in result.stderr
    usd = tracker(tmp_path, "fr", "USD")
    result = run_cli("import", usd, "--ads", ads)
    assert result.exit_code == 0, result.output
    assert "montants considérés en USD, la devise du fichier de suivi" in result.stderr
    assert "1\u00a0ligne sans campagne (campagne vide)" in result.stderr
    for output in (result.stderr,):
        assert english_in(output.replace(str(tmp_path), "")) == [], output


# --- kpi-xl doctor ------------------------------------------------------------------------------


def damaged_french_tracker(folder: Path) -> Path:
    """A French tracker with the defects of an openpyxl save: Prévisionnel deleted (its VBA module left behind)
    and a cell style's number format defined nowhere."""
    data = sample_data(SAMPLE_END, lang="fr")
    made = write_tracker(folder / "made.xlsm", data.ads, data.ledger, data.settings, data.plan)
    wb = openpyxl.load_workbook(made, keep_vba=True)
    del wb["Prévisionnel"]
    saved = folder / "saved.xlsm"
    wb.save(saved)
    path = folder / "suivi.xlsm"
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/styles.xml":
                text = data.decode()
                start = text.index("<numFmt ", text.index("<numFmts"))
                data = (text[:start] + text[text.index("/>", start) + 2:]).encode()
            zout.writestr(info, data)
    return path


def test_doctor_speaks_the_trackers_language(tmp_path):
    path = damaged_french_tracker(tmp_path)
    result = run_cli("doctor", path)
    assert result.exit_code == 1, result.output
    output = result.stdout + result.stderr
    assert english_in(output) == [], output
    for said in ("avertissement xl/workbook.xml\u00a0: pas de feuille Prévisionnel",
                 "La prochaine actualisation par kpi-xl (ou doctor --fix) la recrée.",
                 "erreur xl/styles.xml\u00a0: cellXfs[",
                 "numFmtId=164\u00a0: absent de <numFmts>",
                 "module de document Sheet8 n'appartient à aucune feuille",
                 "\u00a0constat(s)\u00a0:", "--fix répare ce qui peut l'être"):
        assert said in output, said
    english = run_cli("doctor", path, "--lang", "en")
    assert english.exit_code == 1 and "warning xl/workbook.xml: no Forecast sheet" in english.stdout
    assert "Cells show a wrong number format (or none)." in english.stdout

    fixed = run_cli("doctor", path, "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert english_in(fixed.stdout + fixed.stderr) == [], fixed.output
    assert "suivi.xlsm réparé\u00a0:" in fixed.stderr
    assert "  feuilles de résultats actualisées (Prévisionnel ajoutée(s))" in fixed.stderr
    assert "rien à réparer" in fixed.stderr  # the French sheets got their code names back: nothing left


def test_doctor_on_a_clean_french_tracker_finds_no_english_sheet_missing(tmp_path):
    data = sample_data(SAMPLE_END, lang="fr")
    path = write_tracker(tmp_path / "suivi.xlsm", data.ads, data.ledger, data.settings, data.plan)
    result = run_cli("doctor", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == "suivi.xlsm\u00a0: rien à réparer, Excel devrait l'ouvrir tel quel.\n"


def test_doctor_speaks_english_when_the_language_cannot_be_read(tmp_path):
    source = damaged_french_tracker(tmp_path)
    path = tmp_path / "broken.xlsm"
    r = b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data.replace(r, b"") if info.filename == "xl/workbook.xml" else data)
    result = run_cli("doctor", path)
    assert result.exit_code == 1 and "cannot read the workbook: Namespace prefix r" in result.stdout, result.output
    french = run_cli("doctor", path, "--lang", "fr")
    assert "classeur illisible\u00a0: Namespace prefix r" in french.stdout, french.output
    shutil.copy(path, tmp_path / "again.xlsm")
    assert run_cli("doctor", tmp_path / "again.xlsm", "--fix", "--lang", "fr").exit_code == 0


def test_fix_gives_a_french_trackers_sheets_their_code_names_back(tmp_path):
    data = sample_data(SAMPLE_END, lang="fr")
    made = write_tracker(tmp_path / "made.xlsm", data.ads, data.ledger, data.settings, data.plan)
    path = tmp_path / "suivi.xlsm"
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():  # what a LibreOffice save does to a sheet: its code name dropped
            data_ = zin.read(info)
            zout.writestr(info, data_.replace(b' codeName="Sheet2"', b"") if info.filename.endswith("sheet2.xml")
                          else data_)
    result = run_cli("doctor", path)
    assert result.exit_code == 1 and "la feuille Publicités n'a pas de nom de code VBA" in result.stdout
    fixed = run_cli("doctor", path, "--fix")
    assert fixed.exit_code == 0 and "rien à réparer" in fixed.stderr, fixed.output
