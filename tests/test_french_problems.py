"""Every problem of a French tracker's input said in French: on the command line, in a batch, on a portfolio's
Problems sheet and in the Excel button's message box; English ones byte for byte what they were."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import Path

import openpyxl
import pytest

from kpi_xl.errors import InputError, Problem
from kpi_xl.excel import refresh_book
from kpi_xl.reader import FileSource, check_source, describe, read_tracker, source_language
from kpi_xl.sample import sample_data
from kpi_xl.texts import Message, texts
from kpi_xl.workbook import write_tracker

from . import conftest
from . import test_bad_inputs as bad
from .conftest import SAMPLE_END, run_cli, set_cells, text
from .fake_excel import fake_book_from_file
from .test_french import _english_in

ROOT = Path(__file__).resolve().parents[1]
FR = texts("fr")
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@pytest.fixture(scope="module")
def french_bytes(tmp_path_factory) -> bytes:
    """``kpi-xl new --sample --lang fr`` pinned to :data:`SAMPLE_END`, as bytes."""
    data = sample_data(SAMPLE_END, lang="fr")
    path = write_tracker(tmp_path_factory.mktemp("fr") / "t.xlsm", data.ads, data.ledger, data.settings, data.plan,
                         created=dt.datetime(2026, 1, 1))
    return path.read_bytes()


@pytest.fixture
def french(tmp_path, french_bytes) -> Path:
    path = tmp_path / "t.xlsm"
    path.write_bytes(french_bytes)
    return path


def test_the_guides_line_is_what_kpis_prints(french):
    set_cells(french, "Publicités", {"F7": text("12,5 €")})
    result = run_cli("kpis", french)
    assert result.exit_code == 2, result.output
    assert result.output.translate(SPACES).splitlines() == [
        "Publicités!F7 (Dépense HT) : attendu un nombre ≥ 0, trouvé le texte « 12,5 € »",
        "1 problème : rien n'a été écrit.",
    ]
    assert "Publicités!F7 (Dépense HT)\u00a0: attendu un nombre ≥\u00a00" in result.output  # French typography
    assert _english_in(result.output) == []
    english = run_cli("kpis", french, "--lang", "en")
    assert english.exit_code == 2
    assert english.output.splitlines() == [
        'Publicités!F7 (Dépense HT): expected a number ≥ 0, found text "12,5 €"', "1 problem: nothing was written."]


def test_the_french_guide_shows_what_kpis_prints_for_three_mistakes(french):
    guide = (ROOT / "docs" / "fr" / "guide.md").read_text(encoding="utf-8")
    block = re.search(r"Rien n'est écrit tant qu'il en reste\s*:\n\n```text\n(.*?)```", guide, re.S).group(1)
    set_cells(french, "Publicités", {"F7": text("12,5 €")})
    set_cells(french, "Journal", {"D3": text("Loyer")})
    set_cells(french, "Paramètres", {"B7": text("2x")})
    result = run_cli("kpis", french)
    assert result.exit_code == 2
    assert result.output.translate(SPACES).splitlines() == block.translate(SPACES).splitlines()
    assert "3\u00a0problèmes\u00a0: rien n'a été écrit." in result.output


# --- the catalogue of bad inputs, on a French tracker ------------------------------------------------------

_WHERE = re.compile(r"^(Ads|Ledger|Plan|Settings)(![A-Z]+\d*(?::[A-Z]+\d*)?)?(?: \((.+)\))?$")


def french_where(where: str) -> str:
    """Where an English case's problem is, as a French tracker names it: ``Ads!F7 (Spend)`` is
    ``Publicités!F7 (Dépense HT)``, ``Settings (MaxCAC)`` is ``Paramètres (Coût par client maximum)``; a table's
    name (``Ads``) is the same in every language."""
    m = _WHERE.match(where)
    if m is None:
        return where
    sheet, cell, names = m.groups()
    if cell is None and names is None:
        return where  # a table's name
    out = FR.sheet(sheet) + (cell or "")
    if names in ("hidden row", "hidden rows"):
        return f"{out} ({FR.noun(1 if names == 'hidden row' else 2, 'hidden_row')})"
    if names is not None:
        said = FR.setting_label(names) if sheet == "Settings" else ", ".join(FR.header(sheet, h)
                                                                              for h in names.split(", "))
        out += f" ({said})"
    return out


ENGLISH_NAMES = {"header-renamed", "header-duplicated", "header-missing-column", "name-missing"}
"""Cases that damage the tracker by its English names (headers, ``Settings!$B$8``), which a French one has not."""

FRENCH_CASES = [c for c in bad.CASES if c.command[0] in ("kpis", "refresh", "import") and c.id not in ENGLISH_NAMES
                and (_WHERE.match(c.where) or c.where in ("Ads", "Ledger", "ads")
                     or (c.id.startswith("import-") and c.where.startswith("{d}/")))]
"""The catalogue's problems of a tracker's input, and of the files imported into it (not the errors that stop a
command before it reads any: a damaged or locked file, a refused write, which stay English)."""


def test_the_french_catalogue_covers_many_kinds():
    assert len(FRENCH_CASES) >= 90
    assert {"error-setting", "uncached-number", "recalc-placeholder", "merged-ledger", "hidden-rows",
            "date-serial-0", "date-far-future", "number-nan", "boolean-number", "clicks-over-impressions",
            "ledger-unknown-type", "many-bad-cells", "plan-month-13", "currency-dollar", "setting-ctr-150",
            "name-ref-deleted", "name-duplicated", "table-missing", "table-duplicated",
            "header-cell-differs", "header-table-wider", "error-many", "date-before-1990",
            "customers-no-spend", "blank-channel", "import-png", "import-unknown", "import-currency",
            "import-no-cost", "import-shift-jis", "import-fec-bad-date", "import-into-banana"} <= \
        {c.id for c in FRENCH_CASES}


@pytest.mark.parametrize("c", FRENCH_CASES, ids=[c.id for c in FRENCH_CASES])
def test_a_bad_input_of_a_french_tracker_is_said_in_french(c, tmp_path, monkeypatch, french_bytes):
    french_part = conftest.sheet_part
    monkeypatch.setattr(conftest, "sheet_part", lambda name: french_part(FR.sheet(name)))
    monkeypatch.setattr(bad, "sheet_part", conftest.sheet_part)
    (tmp_path / bad.T).write_bytes(french_bytes)
    c.make(tmp_path)
    args = [a.replace("{t}", str(tmp_path / bad.T)).replace("{d}", str(tmp_path)) for a in c.command]
    result = run_cli(*args)
    assert result.exit_code == c.exit, result.output
    assert _english_in(result.output) == [], result.output
    if c.where:
        where = french_where(c.where).replace("{d}", str(tmp_path))
        lines = [line for line in result.output.splitlines() if line.startswith(where + "\u00a0: ")]
        assert lines, (where, result.output)
        if "warning" in c.message:
            assert all(line.startswith(where + "\u00a0: attention\u00a0: ") for line in lines), lines
    if c.exit == 2:
        assert re.search(r"^\d+\u00a0problèmes?\u00a0: rien n'a été écrit\.$", result.output, re.M), result.output


# --- the same problems wherever they surface -------------------------------------------------------------


def test_a_problem_is_said_in_each_language_and_survives_pickling(french):
    set_cells(french, "Publicités", {"F7": text("12,5 €")})
    with pytest.raises(InputError) as caught:
        read_tracker(french)
    assert caught.value.lang == "fr"
    problem = caught.value.problems[0]
    assert str(problem) == 'Publicités!F7 (Dépense HT): expected a number ≥ 0, found text "12,5 €"'
    assert texts("en").problem(problem) == str(problem)
    again = pickle.loads(pickle.dumps(problem))
    assert FR.problem(again) == FR.problem(problem) == ("Publicités!F7 (Dépense HT)\u00a0: attendu un nombre "
                                                        "≥\u00a00, trouvé le texte «\u00a012,5 €\u00a0»")
    warning = Problem("Ads!E2 (Clicks)", Message("input.ads.channel"), "warning")
    assert str(warning) == texts("en").problem(warning) == \
        "Ads!E2 (Clicks): warning: a blank channel (the row counts in totals but in no channel)"
    assert FR.problem(warning).startswith("Ads!E2 (Clicks)\u00a0: attention\u00a0: un canal vide")


@pytest.mark.parametrize("value, english, french", [
    ("12,5 €", 'text "12,5 €"', "le texte «\u00a012,5 €\u00a0»"),
    (None, "a blank cell", "une cellule vide"),
    (True, "TRUE", "VRAI"),
    (-2.5, "-2.5", "\u22122,5"),
    (1e308, "1e+308", "1e+308"),
    (3000000.0, "3000000", "3000000"),
    (float("inf"), "infinity", "l'infini"),
    (dt.date(2026, 3, 2), "the date 2026-03-02", "la date du 02/03/2026"),
    (dt.time(14, 30), "a time of day (14:30) with no date", "une heure (14:30) sans date"),
])
def test_a_found_value_is_quoted_the_languages_way(value, english, french):
    assert (describe(value), FR.say(describe(value))) == (english, french)


def test_the_language_of_a_tracker_whose_language_cannot_be_read_is_its_sheets(french):
    set_cells(french, "Paramètres", {"B14": text("klingon")})  # Language
    source = FileSource(french)
    tracker, problems = check_source(source)
    assert tracker is None and source_language(source) == "fr"
    assert any("(Langue)" in FR.problem(p) and "fr ou en" in FR.say(p.message) for p in problems)


def test_a_missing_name_is_said_with_the_french_settings_sheet(french):
    conftest.rewrite_part(french, "xl/workbook.xml", lambda b: b.replace(
        "<definedName name=\"MaxCAC\">'Paramètres'!$B$8</definedName>".encode(), b""))
    result = run_cli("kpis", french)
    assert result.exit_code == 2
    assert result.output.translate(SPACES).splitlines()[0] == (
        "Paramètres (Coût par client maximum) : attendu une cellule nommée « MaxCAC », aucune trouvée "
        "(Formules › Gestionnaire de noms)")
    assert _english_in(result.output) == []
    english = run_cli("kpis", french, "--lang", "en")
    assert english.output.splitlines()[0] == \
        'Settings (MaxCAC): expected a named cell "MaxCAC", found none (Formulas › Name Manager)'


def test_a_batch_says_a_bad_french_trackers_problems_in_french(tmp_path, monkeypatch, french_bytes):
    monkeypatch.chdir(tmp_path)
    folder = Path("clients")
    folder.mkdir()
    for name in ("alpha.xlsm", "beta.xlsm"):
        (folder / name).write_bytes(french_bytes)
    set_cells(folder / "beta.xlsm", "Publicités", {"F7": text("12,5 €")})
    result = run_cli("refresh", folder, "--jobs", "2")
    assert result.exit_code == 2, result.output
    said = result.output.translate(SPACES)
    assert (f"{folder / 'beta.xlsm'}: Publicités!F7 (Dépense HT) : attendu un nombre ≥ 0, trouvé le texte "
            "« 12,5 € »") in said
    assert "1 problème (listés plus bas)" in said.replace("\n", " ") or "1 problème" in said
    assert _english_in(result.output) == []
    english = run_cli("refresh", folder, "--lang", "en")
    assert 'Publicités!F7 (Dépense HT): expected a number ≥ 0, found text "12,5 €"' in english.output

    book = tmp_path / "portefeuille.xlsx"
    result = run_cli("portfolio", folder, "-o", book)
    assert result.exit_code == 2, result.output
    assert _english_in(result.output) == []
    rows = list(openpyxl.load_workbook(book)["Problèmes"].iter_rows(values_only=True))
    found = [r for r in rows if r and r[0] == str(folder / "beta.xlsm")]
    assert [(r[2], r[3]) for r in found] == [("Publicités!F7 (Dépense HT)", "attendu un nombre ≥\u00a00, trouvé le "
                                                                           "texte «\u00a012,5 €\u00a0»")]
    strings = [v for r in rows for v in r if isinstance(v, str)]
    assert [s for s in strings if _english_in(s)] == []


def test_the_excel_button_says_a_french_trackers_problems_in_french(french):
    book = fake_book_from_file(french)
    book.sheets["Publicités"]["F2"] = "12,5 €"
    book.sheets["Journal"]["D3"] = "Loyer"
    assert refresh_book(book) is None
    title, message = book.app.alerts[0]
    assert title == FR("excel.title")
    lines = message.splitlines()
    assert lines[0] == FR("excel.invalid", n=2)
    assert lines[2] == "Publicités!F2 (Dépense HT)\u00a0: attendu un nombre ≥\u00a00, trouvé le texte «\u00a012,5 €\u00a0»"
    assert lines[3].startswith("Journal!D3 (Type)\u00a0: attendu l'un de Vente, Coût variable")
    assert _english_in(message) == []
    assert all(s.writes == 0 for s in book.sheets)


def test_doctor_and_import_say_a_french_trackers_input_problems_in_french(french, tmp_path):
    set_cells(french, "Publicités", {"F7": text("12,5 €")})
    result = run_cli("doctor", french)
    assert result.exit_code == 2
    assert "Publicités!F7 (Dépense HT)\u00a0: attendu un nombre" in result.output
    assert "1\u00a0problème\u00a0: rien n'a été écrit." in result.output
    assert _english_in(result.output) == []
    export = tmp_path / "g.csv"
    export.write_text("Campaign status,Campaign,Impr.,Clicks,Currency code,Cost\nEnabled,Search,100,5,EUR,10.00\n")
    result = run_cli("import", french, "--ads", export)
    assert result.exit_code == 2
    assert "Publicités!F7 (Dépense HT)\u00a0: attendu un nombre" in result.output
    assert _english_in(result.output) == []
    result = run_cli("refresh", french)
    assert result.exit_code == 2 and "1\u00a0problème\u00a0: rien n'a été écrit." in result.output


def test_a_french_trackers_warnings_and_notes_are_said_in_french(french):
    set_cells(french, "Publicités", {"B4": ("", "")})
    result = run_cli("kpis", french, "--channel", "Snapchat")
    assert result.exit_code == 0, result.output
    assert "Publicités!B4 (Canal)\u00a0: attention\u00a0: un canal vide" in result.output
    assert "attention\u00a0: le canal «\u00a0Snapchat\u00a0» ne correspond à aucune ligne de Publicités" in result.output
    assert _english_in(result.output) == []
    english = run_cli("kpis", french, "--channel", "Snapchat", "--lang", "en")
    assert "Publicités!B4 (Channel): warning: a blank channel" not in english.output  # the header is the sheet's
    assert "Publicités!B4 (Canal): warning: a blank channel" in english.output
    assert 'warning: channel "Snapchat" matches no Ads row' in english.output
