"""What an import must refuse, or never do: each case with the message a user gets and a tracker left alone.

Refusals that say something useful (the platform a file looks like, the
column it lacks, what to download instead); files that are not text, or not
files; reading that stays bounded; a total line never imported as a row;
long texts that would no longer match on the next import; a broken tracker,
which an import validates exactly as ``kpi-xl kpis`` does before writing.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl.imports import reading
from kpi_xl.ooxml.package import sheet_parts
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import HAND_ADS, HAND_SETTINGS, digest, edit_workbook, kpis_json, run_cli

GOOGLE_HEADER = "Campaign status,Campaign,Impr.,Clicks,Currency code,Cost"


@pytest.fixture
def tracker(tmp_path) -> Path:
    return write_tracker(tmp_path / "t.xlsm", settings=Settings(currency="EUR"))


def google(tmp_path: Path, lines: list[str], name: str = "g.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["Campaign report", "March 2, 2026 - March 2, 2026", GOOGLE_HEADER, *lines]) + "\n",
                    encoding="utf-8")
    return path


def refused(tracker: Path, *args) -> list[str]:
    """The import's stderr lines; it must exit 2 and leave the tracker as it was."""
    before = digest(tracker)
    result = run_cli("import", tracker, *args)
    assert result.exit_code == 2, result.output
    assert digest(tracker) == before
    return result.stderr.splitlines()


# --- refusals that say which platform, which column, what to download ---------------------------


def test_a_google_report_without_cost_names_google_the_column_and_what_to_download(tracker, tmp_path):
    keywords = tmp_path / "keywords.csv"
    keywords.write_text("Keyword report\nMarch 1, 2026 - March 31, 2026\n"
                        "Keyword status,Keyword,Match type,Campaign,Ad group,Impr.,Clicks,CTR\n"
                        "Enabled,plumber,Phrase match,Search,Emergency,120,4,3.33%\n", encoding="utf-8")
    assert refused(tracker, "--ads", keywords)[0] == (
        f"{keywords}:3: looks like a Google Ads report (its header has Keyword status, Keyword, Match type, "
        "Campaign, …) but has no Cost column, and kpi-xl needs the spend: download the Campaign report (Campaigns › "
        "Download › CSV) with its Cost column, or add Cost to this report (Columns › Modify columns › Performance)")


def test_a_meta_breakdown_without_amount_spent_names_meta_the_column_and_what_to_export(tracker, tmp_path):
    ages = tmp_path / "ages.csv"
    ages.write_text('\ufeff"Reporting starts","Reporting ends",Age,Gender,Reach,Impressions,ThruPlays\n'
                    "2026-03-01,2026-03-31,18-24,female,1200,3400,310\n", encoding="utf-8")
    assert refused(tracker, "--ads", ages)[0] == (
        f"{ages}:1: looks like a Meta Ads Manager export (its header has Reporting starts, Reporting ends, Age, "
        "Gender, …) but has no Amount spent column, and kpi-xl needs the spend: in Ads Manager, export again with "
        "the Amount spent column (Columns: Performance, or Customise columns › Amount spent), by campaign and "
        "broken down by day")


# --- files that are not text, or not files; bounded reading -------------------------------------


def test_a_png_renamed_csv_is_not_a_text_export(tracker, tmp_path):
    png = tmp_path / "export.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x8d\x81")
    assert refused(tracker, "--ads", png)[0] == (
        f"{png}: not a text export (binary data at byte 6): expected a CSV or text export, or an Excel workbook")


@pytest.mark.parametrize("data", [
    "Campaign,Impr.,Clicks,Currency code,Cost\n春のキャンペーン,10,1,JPY,100\n".encode("shift_jis"),
    b"Campaign,Impr.,Clicks,Currency code,Cost\nCaf\xe9 \x8d,10,1,EUR,2.00\n",
    b"Campaign,Impr.,Clicks,Currency code,Cost\n\x81Brand,10,1,EUR,2.00\n",
], ids=["shift-jis", "stray-0x8d", "stray-0x81"])
def test_bytes_no_known_encoding_has_are_refused_at_their_line(tracker, tmp_path, data):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    byte = next(i for i, b in enumerate(data) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))  # what Windows-1252 lacks
    bad, line = data[byte], 2
    assert refused(tracker, "--ads", path)[0] == (
        f"{path}:{line}: expected text in UTF-8, UTF-16 or Windows-1252, found byte 0x{bad:02X} at byte {byte}, "
        "which none of them has (a Shift-JIS or other encoding?): save the export as CSV in UTF-8, then import it "
        "again")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_before_a_byte_is_read(tracker):
    assert refused(tracker, "--ads", "/dev/zero")[0] == (
        "/dev/zero: not a regular file (a device, a pipe or a socket): save the export as a file, then import that "
        "file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tracker, tmp_path):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    assert refused(tracker, "--ads", fifo)[0].startswith(f"{fifo}: not a regular file")


def test_a_folder_and_a_missing_file_are_refused(tracker, tmp_path):
    lines = refused(tracker, "--ads", tmp_path, "--fec", tmp_path / "nowhere.txt")
    assert lines[:2] == [f"{tmp_path}: a folder, not an export file: name the export inside it",
                         f"{tmp_path / 'nowhere.txt'}: no such file: check the name and the folder"]


def test_a_file_over_the_documented_size_is_refused_unread(tracker, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # sparse: no disk is used
        f.truncate(reading.MAX_EXPORT_BYTES + 1)
    assert refused(tracker, "--ads", big)[0] == (
        f"{big}: 256.0 MiB, over the 256 MiB kpi-xl reads in one export: download a shorter date range (or fewer "
        "columns), in several files if need be")


def test_a_workbook_that_would_unpack_too_large_is_refused(tracker, tmp_path, monkeypatch):
    book = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Campaign", "Impr.", "Clicks", "Currency code", "Cost"])
    wb.save(book)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    assert refused(tracker, "--ads", book)[0].startswith(f"{book}: a workbook that unpacks to ")


def test_reading_stops_at_the_limit_even_if_the_file_grows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"x" * 100)
    with pytest.raises(reading.Refused, match="over the"):
        reading.read_export_bytes(path, limit=50)
    assert reading.read_export_bytes(path, limit=100) == b"x" * 100


# --- a total line is never a row ---------------------------------------------------------------


@pytest.mark.parametrize("label", ["Total", "Total: Account", "Total: Campaigns", "Total - filtered",
                                   "Total : Compte", "TOTAL: SEARCH", "Total – all but removed campaigns"])
@pytest.mark.parametrize("column", [0, 1, 2])
def test_a_total_line_is_never_imported_wherever_its_label_stands(tmp_path, label, column):
    tracker = write_tracker(tmp_path / "t.xlsm", settings=Settings(currency="EUR"))
    labels = [" --", "", " --"]  # the cells before the numbers: blank or " --", and the label in one of them
    labels[column] = label
    path = tmp_path / "g.csv"
    path.write_text("Campaign report\nMarch 2, 2026 - March 2, 2026\n"
                    "Campaign status,Campaign,Ad group,Impr.,Clicks,Currency code,Cost\n"
                    "Enabled,Search,Core,100,5,EUR,10.00\n"
                    + ",".join(labels) + ",999,99,EUR,999.00\n", encoding="utf-8")
    result = run_cli("import", tracker, "--ads", path)
    assert result.exit_code == 0, result.output
    assert kpis_json(tracker)["spend"] == 10.0
    assert "1 line → 1 Ads row" in result.stderr
    assert "1 total line read as checks, not rows" in result.stderr


def test_a_campaign_named_like_a_word_starting_with_total_is_a_row(tracker, tmp_path):
    path = google(tmp_path, ["Enabled,Totally Tiles,100,5,EUR,10.00", "Enabled,Total Fitness,50,2,EUR,4.00"])
    result = run_cli("import", tracker, "--ads", path)
    assert result.exit_code == 0, result.output
    assert kpis_json(tracker)["spend"] == 14.0


# --- texts longer than a cell: cut before they are compared -------------------------------------


def test_a_campaign_longer_than_a_cell_is_cut_and_a_reimport_adds_nothing(tracker, tmp_path):
    long = "Spring" + "x" * 42_000
    path = google(tmp_path, [f'Enabled,"{long}",100,5,EUR,10.00', 'Enabled,"Line\r\nbreak",10,1,EUR,1.00'])
    first = run_cli("import", tracker, "--ads", path)
    assert first.exit_code == 0, first.output
    again = run_cli("import", tracker, "--ads", path)
    assert again.exit_code == 0, again.output
    assert "2 Ads rows: 0 new, 2 already there" in again.stderr
    assert kpis_json(tracker)["spend"] == 11.0
    assert "campaign names longer than an Excel cell holds (32,767 characters) cut to fit, line 4" in first.stderr
    ws = openpyxl.load_workbook(tracker)["Ads"]
    assert len(ws["C2"].value) == 32_767 and ws["C3"].value == "Line\nbreak"


def test_a_fec_label_longer_than_a_cell_keeps_its_entry_number_and_a_reimport_adds_nothing(tracker, tmp_path):
    header = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise")
    label = "Prestation " * 4000  # 44,000 characters
    fec = tmp_path / "FEC.txt"
    fec.write_text("\n".join([
        header,
        f"VT\tVentes\t7\t20260302\t706000\tPrestations\t\t\tF7\t20260302\t{label}\t0,00\t500,00\t\t\t20260331\t\t",
        f"VT\tVentes\t7\t20260302\t411000\tClients\t\t\tF7\t20260302\t{label}\t500,00\t0,00\t\t\t20260331\t\t",
    ]) + "\n", encoding="utf-8")
    first = run_cli("import", tracker, "--fec", fec)
    assert first.exit_code == 0, first.output
    again = run_cli("import", tracker, "--fec", fec)
    assert "1 Ledger row: 0 new, 1 already there" in again.stderr
    assert kpis_json(tracker)["sales"] == 500.0
    value = openpyxl.load_workbook(tracker)["Ledger"]["B2"].value
    assert len(value) == 32_767 and value.endswith(" [VT 7]")
    assert "labels longer than an Excel cell holds (32,767 characters) cut to fit, keeping the entry number, " \
           "line 2" in first.stderr


# --- a broken tracker: validated exactly as `kpi-xl kpis` does, before anything is written -------


def test_a_ledger_sheet_that_cannot_be_read_stops_an_ads_import(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsm", settings=Settings(currency="EUR"))
    broken = tmp_path / "broken.xlsm"
    with zipfile.ZipFile(tracker) as z:
        part = sheet_parts(z)["Ledger"]
        with zipfile.ZipFile(broken, "w") as out:
            for info in z.infolist():
                out.writestr(info, b"<worksheet garbage" if info.filename == part else z.read(info.filename))
    before = digest(broken)
    kpis = run_cli("kpis", broken)
    result = run_cli("import", broken, "--ads", google(tmp_path, ["Enabled,Search,100,5,EUR,10.00"]))
    assert result.exit_code == kpis.exit_code == 2
    assert result.stderr == kpis.stderr
    assert result.stderr.startswith(f"error: {broken}: {part} is not well-formed XML")
    assert digest(broken) == before


def test_a_column_deleted_inside_the_ads_table_outside_excel_stops_the_import(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx", HAND_ADS, settings=HAND_SETTINGS)
    edit_workbook(tracker, lambda wb: wb["Ads"].delete_cols(4))  # openpyxl leaves the table's columns as they were
    before = digest(tracker)
    kpis = run_cli("kpis", tracker)
    result = run_cli("import", tracker, "--ads", google(tmp_path, ["Enabled,Search,100,5,EUR,10.00"]))
    assert result.exit_code == kpis.exit_code == 2
    assert result.stderr == kpis.stderr
    assert result.stderr.splitlines()[0] == (
        'Ads!D1 (Impressions): expected the header "Impressions" of table Ads, found text "Clicks": the sheet\'s '
        "header row no longer matches the table's columns (a column deleted or moved outside Excel?); put the column "
        "back, or make the change again in Excel")
    assert digest(tracker) == before


def test_a_bad_cell_in_the_tracker_stops_the_import_as_it_stops_kpis(tmp_path):
    tracker = write_tracker(tmp_path / "t.xlsx", HAND_ADS, settings=HAND_SETTINGS)
    edit_workbook(tracker, lambda wb: wb["Ads"].__setitem__("F3", "3 000"))
    before = digest(tracker)
    kpis = run_cli("kpis", tracker)
    result = run_cli("import", tracker, "--ads", google(tmp_path, ["Enabled,Search,100,5,EUR,10.00"]))
    assert result.exit_code == kpis.exit_code == 2
    assert result.stderr == kpis.stderr == ('Ads!F3 (Spend): expected a number ≥ 0, found text "3 000"\n'
                                            "1 problem: nothing was written.\n")
    assert digest(tracker) == before
