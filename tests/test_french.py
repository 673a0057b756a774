"""The French tracker: made, filled, imported into and refreshed in French, with every figure the English one's."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi_xl.dev.template import TEMPLATES, write_template
from kpi_xl.layout import OUTPUT_SHEETS, SHEETS
from kpi_xl.metrics import REGISTRY
from kpi_xl.ooxml.compare import compare_packages
from kpi_xl.reader import check_tracker, read_tracker
from kpi_xl.refresh import refresh
from kpi_xl.sample import sample_data
from kpi_xl.texts import EN, LANGUAGES, texts
from kpi_xl.workbook import vba_project_bytes, write_tracker

from . import ooxml_checks as oc
from .conftest import SAMPLE_END, digest, kpis_json, run_cli

DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2027, 1, 15)
FR = texts("fr")


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> dict[str, Path]:
    """The sample tracker in English and in French, refreshed."""
    folder = tmp_path_factory.mktemp("pair")
    out = {}
    for lang in ("en", "fr"):
        data = sample_data(SAMPLE_END, lang=lang)
        path = write_tracker(folder / f"{lang}.xlsm", data.ads, data.ledger, data.settings, data.plan)
        refresh(path, today=TODAY)
        out[lang] = path
    return out


def test_every_key_has_its_french_with_the_same_placeholders():
    placeholders = re.compile(r"{(\w+)(?::[^{}]*)?}")  # a format spec may differ: {n:line}, {n:~line}
    extra = {"settings.comment": {"name"}}  # the French note names the setting's label and its defined name
    for key, english in EN.items():
        assert key in FR.table, key
        assert set(placeholders.findall(FR.table[key])) - extra.get(key, set()) == \
            set(placeholders.findall(english)), key
    for kpi_id in REGISTRY:
        assert FR.table.get(f"kpi.{kpi_id}"), kpi_id


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_each_committed_template_is_a_fresh_build(tmp_path, lang):
    fresh = write_template(tmp_path / TEMPLATES[lang].name, lang)
    assert compare_packages(fresh, TEMPLATES[lang]) == [], "run: python -m kpi_xl.dev.template build"


def test_the_french_template_speaks_french_and_keeps_the_identifiers():
    path = TEMPLATES["fr"]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb.sheetnames == [FR.sheet(s) for s in SHEETS]
    assert wb.sheetnames[:4] == ["Tableau de bord", "Publicités", "Journal", "Paramètres"]
    assert [c.value for c in wb["Publicités"][1]] == ["Date", "Canal", "Campagne", "Impressions", "Clics",
                                                      "Dépense HT", "Leads", "Appels", "Clients", "CA HT"]
    # Tables and defined names are the same in both languages: formulas, functions and the refresh find them.
    assert set(wb["Publicités"].tables) == {"Ads"} and set(wb["Journal"].tables) == {"Ledger"}
    assert wb.defined_names["TargetROAS"].attr_text == "'Paramètres'!$B$7"
    assert wb.defined_names["Language"].attr_text.endswith("$B$14")
    assert wb["Paramètres"]["B14"].value == "fr"
    types = [dv for dv in wb["Journal"].data_validations.dataValidation if dv.type == "list"][0]
    assert types.formula1 == '"Vente,Coût variable,Frais fixes,Rémunération,Impôt,Autre produit,Autre charge,' \
                             'Produit non encaissé,Charge non décaissée"'
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba_project_bytes()
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
    assert "[0]!RefreshKPIs" in vml and "Actualiser les KPI" in vml
    tracker = read_tracker(path)
    assert tracker.settings.language == "fr" and tracker.kpis()["spend"] == 0


def test_every_figure_of_the_french_tracker_is_the_english_ones(pair):
    for period in (None, "2026-05", "2026-Q2", "2026-12"):
        args = ("--period", period) if period else ()
        assert kpis_json(pair["fr"], *args) == kpis_json(pair["en"], *args), period
    assert kpis_json(pair["fr"], "--channel", "Meta", "--campaign", "Guide gratuit") == \
        kpis_json(pair["en"], "--channel", "Meta", "--campaign", "Free guide")
    for sheet in ("Ads Summary", "P&L", "Forecast"):
        en = openpyxl.load_workbook(pair["en"], data_only=True)[sheet]
        fr = openpyxl.load_workbook(pair["fr"], data_only=True)[FR.sheet(sheet)]
        numbers = [[v for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)]
                   for row in en.iter_rows(values_only=True)]
        assert numbers == [[v for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)]
                           for row in fr.iter_rows(values_only=True)], sheet


def test_the_french_refresh_is_idempotent_and_keeps_the_vba_and_the_button(pair, tmp_path):
    path = tmp_path / "fr.xlsm"
    path.write_bytes(pair["fr"].read_bytes())
    refresh(path, today=TODAY)
    once = digest(path)
    refresh(path, today=TODAY)
    assert digest(path) == once
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba_project_bytes()
        assert any("RefreshKPIs" in z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    assert oc.errors(path) == []


def _strings(path: Path) -> list[tuple[str, str]]:
    """Every text a person reads in a workbook: cells, comments, validation titles and messages, chart texts."""
    out = []
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    out.append((f"{ws.title}!{c.coordinate}", c.value))
                if c.comment is not None:
                    out.append((f"{ws.title}!{c.coordinate} (note)", c.comment.text))
        for dv in ws.data_validations.dataValidation:
            out += [(f"{ws.title} validation", dv.error or ""), (f"{ws.title} validation title", dv.errorTitle or "")]
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                out += [(name, t) for t in re.findall(r"<a:t>([^<]*)</a:t>|<c:v>([^<0-9.-][^<]*)</c:v>",
                                                       z.read(name).decode()) for t in t if t]
    return out


# Words that are the same in both languages, or not words a person reads as English.
SAME_IN_BOTH = {"Date", "Impressions", "Leads", "Type", "Plan", "KPI", "id", "Coaching", "Retargeting",
                "Search - Coaching", "Meta", "Google", "LinkedIn", "xlwings.conf", "UDF Modules", "kpi_xl.udfs",
                "Freelance"}


def test_no_english_text_is_left_on_a_french_tracker(pair):
    english = {text for key, text in EN.items() if FR.table[key] != text and "{" not in text}
    english |= {k.label for k in REGISTRY.values() if FR.kpi(k.id) != k.label}
    english |= {s for s in SHEETS if FR.sheet(s) != s}
    fragments = {part.strip() for key, text in EN.items() if "{" in text and FR.table[key] != text
                 for part in re.split(r"{[^{}]*}", text) if len(part.strip()) >= 12}
    found = []
    for where, text in _strings(pair["fr"]):
        if text in SAME_IN_BOTH:
            continue
        if text in english or any(fragment in text for fragment in fragments):
            found.append((where, text))
    assert found == []


def test_a_french_tracker_reads_french_types_and_says_its_own_headers(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", settings=sample_data(SAMPLE_END, lang="fr").settings,
                         ledger=[{"Date": dt.date(2026, 3, 1), "Label": "Loyer", "Type": "Fixed cost",
                                  "Amount": 1000.0}],
                         ads=[{"Date": dt.date(2026, 3, 1), "Channel": "Meta", "Spend": 50.0}])
    wb = openpyxl.load_workbook(path)
    assert wb["Journal"]["D2"].value == "Frais fixes"
    wb["Journal"].tables["Ledger"].ref = "A1:E4"
    wb["Publicités"].tables["Ads"].ref = "A1:J3"
    wb["Journal"]["D3"], wb["Journal"]["E3"], wb["Journal"]["A3"] = "frais fixe", 200, dt.datetime(2026, 3, 2)
    wb["Journal"]["D4"], wb["Journal"]["E4"], wb["Journal"]["A4"] = "IMPOTS", 50, dt.datetime(2026, 3, 2)
    wb["Publicités"]["F3"], wb["Publicités"]["A3"] = -5, dt.datetime(2026, 3, 3)
    wb.save(path)
    tracker, problems = check_tracker(path)
    assert tracker is None
    assert [str(p) for p in problems if p.severity == "error"] == \
        ["Publicités!F3 (Dépense HT): expected a number ≥ 0, found -5"]
    wb["Publicités"]["F3"] = 5
    wb.save(path)
    values = read_tracker(path).kpis("2026-03")
    assert values["fixed_costs"] == 1200 and values["tax"] == 50 and values["spend"] == 55


def test_a_table_in_two_languages_is_a_problem_not_a_silent_zero(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", settings=sample_data(SAMPLE_END, lang="fr").settings)
    wb = openpyxl.load_workbook(path)
    ws = wb["Publicités"]
    ws["F1"] = "Spend"
    ws.tables["Ads"].tableColumns[5].name = "Spend"
    wb.save(path)
    tracker, problems = check_tracker(path)
    assert tracker is None
    assert any("expected the headers of table Ads in one language" in str(p) and "Spend (en)" in str(p)
               for p in problems), problems


def test_a_fec_and_an_ad_export_import_into_a_french_tracker_with_the_english_totals(tmp_path):
    figures = {}
    for lang in ("en", "fr"):
        path = write_tracker(tmp_path / f"{lang}.xlsm", settings=sample_data(SAMPLE_END, lang=lang).settings)
        result = run_cli("import", path, "--fec", DATA / "111111111FEC20221231.TXT",
                         "--ads", DATA / "google_ads_campaign_report_zeros_eur.csv", "--date", "2026-01-16")
        assert result.exit_code == 0, result.output
        figures[lang] = kpis_json(path)
        if lang == "fr":
            assert "Import terminé" in result.stderr and "dans le Journal" in result.stderr
            types = {row[3] for row in openpyxl.load_workbook(path)["Journal"].iter_rows(min_row=2, values_only=True)}
            assert types <= set(FR.table[f"type.{t}"] for t in
                                ("Revenue", "Variable cost", "Fixed cost", "Owner pay", "Tax", "Other income",
                                 "Other expense", "Non-cash income", "Non-cash expense"))
    assert figures["fr"] == figures["en"]


def test_the_command_speaks_the_trackers_language_and_lang_overrides_it(pair, tmp_path):
    path = tmp_path / "fr.xlsm"
    path.write_bytes(pair["fr"].read_bytes())
    result = run_cli("refresh", path)
    assert result.exit_code == 0, result.output
    assert "actualisé\u00a0: Tableau de bord, Synthèse pub, Compte de résultat et Prévisionnel" in result.stderr
    assert "Ce qui" not in result.stdout and "par rapport à" in result.stdout
    table = run_cli("kpis", path, "--period", "2026-05").stdout
    assert "Coût par client" in table and "mai\u00a02026" in table and "\u00a0€" in table
    english = run_cli("kpis", path, "--period", "2026-05", "--lang", "en").stdout
    assert "Cost per customer" in english and "EUR" in english
    bad = run_cli("kpis", path, "--lang", "de")
    assert bad.exit_code == 2 and '--lang "de": expected en or fr' in bad.stderr


def test_the_french_demo_tells_the_story_in_french(tmp_path, pinned_sample):
    result = run_cli("demo", "--out", tmp_path / "demo.xlsm", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "En mai\u00a02026, par rapport à avril\u00a02026, le coût par lead a varié de +" in result.stdout
    assert "et les 12 mois (janvier\u00a02026 à décembre\u00a02026)" in result.stdout
    assert _english_in(result.stdout) == []
    assert read_tracker(tmp_path / "demo.xlsm").settings.language == "fr"


def test_french_function_names_are_the_same_functions():
    from kpi_xl import udfs

    for name, kpi_id in udfs.ALIASES.items():
        assert name in udfs.FUNCTION_NAMES and name.isascii()
        assert getattr(udfs, name).__doc__.startswith(FR.kpi(kpi_id))
    assert set(udfs.ALIASES) & {n.upper() for n in REGISTRY} == set()


def test_every_language_is_complete():
    for lang, words in LANGUAGES.items():
        assert set(EN) <= set(words.table), lang
    assert OUTPUT_SHEETS  # the output sheets have a name in every language
    assert all(FR.sheet(s) for s in OUTPUT_SHEETS)


def _english_in(text: str) -> list[str]:
    """The English sentences and fragments of the catalogue (that French says otherwise) found in ``text``."""
    fr = texts("fr")
    found = [t for key, t in EN.items() if "{" not in t and fr.table[key] != t and len(t) >= 12 and t in text]
    found += [part for key, t in EN.items() if "{" in t and fr.table[key] != t
              for part in re.split(r"{[^{}]*}", t) if len(part.strip()) >= 12 and part in text]
    return found


def test_many_french_trackers_are_refreshed_and_reported_in_french(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files as a user names them: clients/alpha.xlsm
    clients = Path("clients")
    clients.mkdir()
    for name, seed in (("alpha.xlsm", 17), ("beta.xlsm", 23)):
        data = sample_data(SAMPLE_END, seed=seed, lang="fr")
        write_tracker(clients / name, data.ads, data.ledger, data.settings, data.plan)
    (clients / "~$alpha.xlsm").write_bytes(b"")  # alpha is open in Excel
    result = run_cli("refresh", clients)
    assert result.exit_code == 2, result.output
    said = result.output.replace("\u00a0", " ").replace("\u202f", " ")
    assert said.endswith("2 fichiers : 1 actualisé ; 1 laissé de côté, ouvert dans un autre programme.\n")
    assert f"{clients / 'alpha.xlsm'}: ouvert dans Excel (~$alpha.xlsm est à côté)" in said.replace("\n", "")
    assert "Bénéfice net" in result.output
    assert _english_in(result.output) == []
    english = run_cli("refresh", clients, "--lang", "en")
    assert "skipped: open in another program" in english.output

    (clients / "~$alpha.xlsm").unlink()
    openpyxl.Workbook().save(clients / "clients.xlsx")  # a client list: not a tracker, listed on Problèmes
    book = tmp_path / "portefeuille.xlsx"
    result = run_cli("portfolio", clients, "-o", book)
    assert result.exit_code == 0, result.output
    assert re.search(r"Établi le \d\d/\d\d/\d{4}\.$", openpyxl.load_workbook(book)["Tableau de bord"]["B2"].value)
    assert result.output.startswith("Portefeuille de 2\u00a0fichiers de suivi écrit dans")
    assert _english_in(result.output) == []
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Tableau de bord", "Portefeuille", "Mois", "Problèmes"]
    strings = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert [s for s in strings if _english_in(s)] == []
    assert any(s.startswith("ni tableau") for s in strings)  # the client list, said in French


def test_the_spinner_names_each_step_in_the_trackers_language(tmp_path, monkeypatch):
    """On a terminal, refresh, import and kpis show their steps; a French tracker's in French."""
    from kpi_xl import cli

    seen: list[str] = []

    class Status:
        def __init__(self, text: str = "", **kwargs):
            seen.append(text)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, text: str) -> None:
            seen.append(text)

    monkeypatch.setattr(type(cli.err), "is_terminal", property(lambda console: True))
    monkeypatch.setattr(cli.err, "status", Status)
    data = sample_data(SAMPLE_END, lang="fr")
    path = write_tracker(tmp_path / "fr.xlsm", data.ads, data.ledger, data.settings, data.plan)
    assert run_cli("refresh", path).exit_code == 0
    assert [s for s in seen if s != "…"] == ["Lecture de fr.xlsm…", "Calcul des synthèses…", "Écriture de fr.xlsm…"]
    seen.clear()
    assert run_cli("kpis", path).exit_code == 0
    assert seen == ["Lecture de fr.xlsm…"]
    seen.clear()
    assert run_cli("refresh", path, "--lang", "en").exit_code == 0
    assert [s for s in seen if s != "…"] == ["Reading fr.xlsm…", "Computing the summaries…", "Writing fr.xlsm…"]


def test_a_refused_write_is_said_in_the_trackers_language(tmp_path):
    import os

    data = sample_data(SAMPLE_END, lang="fr")
    path = write_tracker(tmp_path / "fr.xlsm", data.ads, data.ledger, data.settings, data.plan)
    (tmp_path / "~$fr.xlsm").write_bytes(b"\x05alice")
    before = digest(path)
    result = run_cli("refresh", path)
    assert result.exit_code == 2 and digest(path) == before, result.output
    said = result.stderr.replace("\u00a0", " ").replace("\u202f", " ")
    assert said.startswith(f"erreur : {path} : ouvert dans Excel par alice (son fichier de verrou ~$fr.xlsm est "
                           "à côté) : fermez-le d'abord dans Excel"), said
    assert "le bouton Actualiser les KPI" in said and "ou passez --force" in said
    assert _english_in(said.replace(str(path), "")) == []
    english = run_cli("refresh", path, "--lang", "en")
    assert english.stderr.startswith(f"error: {path}: open in Excel by alice (its lock file ~$fr.xlsm is beside it)")
    (tmp_path / "~$fr.xlsm").unlink()
    os.chmod(path, 0o444)
    result = run_cli("import", path, "--fec", DATA / "0000000001FEC20220831.txt")
    assert result.exit_code == 2 and digest(path) == before, result.output
    assert "en lecture seule" in result.stderr and "avec --out" in result.stderr
    assert _english_in(result.stderr.replace(str(path), "")) == []
