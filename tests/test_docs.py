"""The docs are the code's: generated pages are current, examples run, links resolve, the README is short.

Generated blocks (``python -m kpi_xl.dev.docs``): the KPI table and notes of
docs/kpis.md, the command reference of docs/cli.md, the tables and settings
of docs/workbook.md, the layout of docs/development.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import stat
import unicodedata
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from kpi_xl import Tracker
from kpi_xl.cli import app
from kpi_xl.dev import docs
from kpi_xl.formatting import money
from kpi_xl.metrics import REGISTRY as KPIS
from kpi_xl.refresh import refresh
from kpi_xl.workbook import write_tracker

from .conftest import DATA, SAMPLE_END, run_cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the README -------------------------------------------------------------------------

def test_the_readme_starts_with_the_two_commands_then_what_it_is_and_the_quickstart():
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[:3] == ["Two commands", "What it is", "Quickstart"], headings
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[0:2] for line in first_block.splitlines()] == [["./dev", "demo"], ["./dev", "test"]]
    assert os.stat(ROOT / "dev").st_mode & stat.S_IXUSR
    dev = text(ROOT / "dev")
    assert 'demo) shift; exec "$venv/bin/kpi-xl" demo' in dev and "test) shift;" in dev
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\*\*(\d)\. ", quickstart, re.M) == ["1", "2", "3", "4", "5"]
    assert "](docs/dashboard.png)" in README.split("## Quickstart")[0]


def test_the_readme_is_at_most_2500_words():
    words = len(README.split())
    assert words <= 2500, f"README.md has {words} words"


def test_the_readme_installs_only_what_exists():
    # Not on the package index yet: no line may tell people to pip install it by name.
    for line in README.splitlines():
        if re.search(r"pip install kpi-xl\b", line):
            assert "finds nothing" in line or "not" in line, line
    assert "python -m pip install ." in README and "python -m build" in README


def test_every_command_is_in_the_readme():
    root = typer.main.get_command(app)
    for name in root.commands:
        assert f"`kpi-xl {name}" in README, f"command {name} is not in the README"


# --- generated pages ----------------------------------------------------------------------

def test_the_generated_blocks_of_docs_are_current():
    assert docs.stale() == [], "run: python -m kpi_xl.dev.docs"


def test_a_stale_or_lost_block_is_reported(tmp_path):
    for page in docs.BLOCKS:
        (tmp_path / page).write_text(text(ROOT / "docs" / page), encoding="utf-8")
    kpis = tmp_path / "kpis.md"
    kpis.write_text(text(kpis).replace("| spend / clicks |", "| spend / click |"), encoding="utf-8")
    cli = tmp_path / "cli.md"
    cli.write_text(text(cli).replace("<!-- end: cli-reference -->", ""), encoding="utf-8")
    assert docs.stale(tmp_path) == [f"{kpis}: stale block(s) kpi-table", f"{cli}: lost its block 'cli-reference'"]


def test_the_kpi_page_holds_every_formula_unit_and_excel_function():
    from kpi_xl.udfs import FUNCTION_NAMES

    page = text(ROOT / "docs" / "kpis.md")
    for k in KPIS.values():
        assert f"| `{k.id}` | {k.label} | {k.formula} | {docs.UNITS[k.unit]} |" in page, k.id
    for name in FUNCTION_NAMES:
        assert f"`={name}(" in page, f"={name}() is not documented"


def test_the_channel_campaign_column_is_what_the_core_does():
    from kpi_xl.sample import sample_data

    data = sample_data(SAMPLE_END)
    whole = Tracker.from_records(data.ads, data.ledger, data.settings)
    for channel, campaign in (("Meta", None), (None, "Webinar")):
        rows = [r for r in data.ads if channel in (None, r["Channel"]) and campaign in (None, r["Campaign"])]
        only = Tracker.from_records(rows, data.ledger, data.settings)
        for period in ("2026-05", "2026"):
            selected = whole.kpis(period, channel=channel, campaign=campaign)
            kept, everything = only.kpis(period), whole.kpis(period)
            for k in KPIS.values():
                expected = kept if k.origin in docs.FOLLOWS_SELECTION else everything
                assert selected[k.id] == pytest.approx(expected[k.id]), (k.id, channel, campaign, period)


def test_the_cli_page_lists_every_command_and_option_with_its_metavar():
    page = text(ROOT / "docs" / "cli.md")
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        assert f"## `kpi-xl {name}`" in page
        for param in command.params:
            if param.param_type_name == "option":
                assert f"| `{param.opts[0]}`" in page
            if param.metavar:
                assert f"`{param.metavar}`" in page


# --- the help itself ----------------------------------------------------------------------

def help_of(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "160", "TERMINAL_WIDTH": "160"},
                                prog_name="kpi-xl")
    assert result.exit_code == 0, result.output
    return result.stdout


COMMANDS = list(typer.main.get_command(app).commands)


def test_every_command_uses_the_conventional_help():
    from kpi_xl.cli import Command, Group

    root = typer.main.get_command(app)
    assert isinstance(root, Group)
    for name, command in root.commands.items():
        assert isinstance(command, Command), f"@app.command({name!r}, cls=Command)"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_reads_the_usual_way(command):
    page = help_of(*([command] if command else []))
    for placeholder in ("<str>", "<bool>", "<path>", "<int>", "list[", "{path}", "{PATH}"):
        assert placeholder not in page, (command, placeholder)
    if command:
        usage = re.search(r"Usage: (kpi-xl \S+ \[OPTIONS\].*?)\s*$", page, re.M).group(1)
        assert "{" not in usage and "}" not in usage
    root = typer.main.get_command(app)
    params = root.commands[command].params if command else root.params
    for param in params:
        if param.param_type_name != "option":
            continue
        row = next(line for line in page.splitlines() if re.search(rf"│ {re.escape(param.opts[0])}\s", line))
        after = row.split(param.opts[0], 1)[1]
        for short in param.opts[1:]:
            after = after.replace(f" {short} ", " ", 1)
        shown = " ".join(after.strip(" │").split())
        if param.is_flag:  # the help text straight after the name: no placeholder
            assert shown.startswith(" ".join(param.help.split()[:3])), row
        else:
            assert shown.split()[0] == param.metavar, row


def test_usage_lines_name_arguments_plainly():
    assert re.search(r"^ Usage: kpi-xl kpis \[OPTIONS\] PATH *$", help_of("kpis"), re.M)
    assert re.search(r"^ Usage: kpi-xl import \[OPTIONS\] PATH \[FILE\]\.\.\. *$", help_of("import"), re.M)
    result = CliRunner().invoke(app, ["kpis"])
    assert result.exit_code == 2 and "Missing argument 'PATH'" in result.output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"kpi-xl {version('kpi-xl')}\n"


# --- examples and links -------------------------------------------------------------------

@pytest.mark.parametrize("page", ["README.md", "docs/cli.md"])
def test_the_examples_run_in_order(page, tmp_path, monkeypatch):
    examples = re.findall(r"^\$ kpi-xl (.+)$", text(ROOT / page), re.M)
    assert len(examples) >= 3
    monkeypatch.chdir(tmp_path)
    for line in examples:
        result = CliRunner().invoke(app, shlex.split(line))
        assert result.exit_code == 0, (line, result.output)
        assert result.stdout.strip() or result.stderr.strip(), line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    heading = heading.strip().lower()
    kept = "".join(c for c in heading if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    body = re.sub(r"```.*?```", "", text(path), flags=re.S)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", body, re.M)}


def test_slugs():
    assert slug("## `kpi-xl kpis`".lstrip("# ")) == "kpi-xl-kpis"
    assert slug("`Plan`: what you already know is coming") == "plan-what-you-already-know-is-coming"
    assert slug("Manual checks on Windows (before a release)") == "manual-checks-on-windows-before-a-release"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(page):
    body = re.sub(r"```.*?```", "", text(page), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", body):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.is_relative_to(ROOT), f"{page.name}: {target} is outside the repository"
        assert path.exists(), f"{page.name}: {target} does not exist"
        if anchor:
            assert anchor in anchors(path), f"{page.name}: no heading for #{anchor} in {path.name}"


SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist", "out"}


def repository_text_files():
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts[:-1]) or not path.is_file():
            continue
        if path.suffix in (".py", ".md", ".toml", ".cfg", ".ini", ".yml", ".yaml") or path.name in ("dev", "run"):
            yield path


def test_nothing_refers_to_a_file_outside_the_repository():
    outside = ["SPEC" + ".md", "SPEC" + "'s", "../" + "shared", "shared/" + "data"]
    files = list(repository_text_files())
    assert ROOT / "README.md" in files and ROOT / "kpi_xl" / "metrics.py" in files and ROOT / "dev" in files
    for path in files:
        body = text(path)
        for needle in outside:
            assert needle not in body, f"{path.relative_to(ROOT)} refers to {needle}"


# --- the French guide quotes the French sample tracker -----------------------------------

SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
"""No-break spaces read as spaces: where the page and the workbook put them may differ."""


def _dashboard_texts(data, until: dt.date, today: dt.date, tmp_path: Path) -> set[str]:
    ads = [r for r in data.ads if r["Date"] < until]
    ledger = [r for r in data.ledger if r["Date"] < until]
    path = write_tracker(tmp_path / f"{until:%Y-%m}.xlsm", ads, ledger, data.settings, plan=data.plan)
    refresh(path, today=today)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {v.translate(SPACES) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)}


def test_the_french_guide_quotes_what_the_french_sample_tracker_says(tmp_path):
    """Every Dashboard sentence the guide quotes (``> …``), and the alerts it shows in italics, are
    what a refresh writes on the French sample: after its story month, and after its last month."""
    from kpi_xl.sample import sample_data

    guide = text(ROOT / "docs" / "fr" / "guide.md").translate(SPACES)
    data = sample_data(SAMPLE_END, lang="fr")
    written = (_dashboard_texts(data, dt.date(2026, 6, 1), dt.date(2026, 6, 15), tmp_path)
               | _dashboard_texts(data, dt.date(2027, 1, 1), dt.date(2027, 1, 15), tmp_path))
    quotes = [" ".join(line[2:] for line in block.splitlines())
              for block in re.findall(r"^(> (?:.+\n> )*.+)$", guide, re.M)]
    quotes = [q for q in quotes if not q.startswith("**")]  # the rule itself, not a Dashboard line
    assert len(quotes) == 2
    for quote in quotes:
        assert quote in written, quote
    # The alerts table: each example has the words of a French alert; those the sample raises, its figures.
    from kpi_xl.texts_fr import FR

    shapes = [re.compile(".+".join(map(re.escape, re.split(r"\{\w+\}", FR[key].translate(SPACES)))))
              for key in FR if key.startswith("alert.") and key != "alert.none"]
    alerts = re.findall(r"^\| \*([^*]+)\* \|", guide, re.M)
    assert len(alerts) == 7
    for alert in alerts:
        assert any(shape.match(alert.replace("…", "x")) for shape in shapes), alert
    sample_alerts = [a for a in alerts if "46,50" in a or "502,01" in a]
    assert len(sample_alerts) == 2
    for alert in sample_alerts:
        assert any(line.startswith(alert) for line in written), alert
    tracker = Tracker.from_records(data.ads, data.ledger, data.settings)
    april, may = tracker.kpis("2026-04"), tracker.kpis("2026-05")
    fr = lambda k, m: money(m[k], "EUR", lang="fr")  # noqa: E731
    for figure in (f"({fr('cpl', april)} → {fr('cpl', may)})", f"({fr('cac', april)} → {fr('cac', may)})",
                   f"{fr('net_profit', april)} à {fr('net_profit', may)}"):
        assert figure.translate(SPACES) in guide, figure
    assert "coût par lead +105 %, mais coût par client −49 %" in " ".join(written)  # the story, on the sheet
    assert "Bénéfice net +299 % : 3 236,83 € → 12 898,84 €." in written


def test_the_french_guide_shows_what_a_fec_import_into_a_french_tracker_prints(tmp_path, monkeypatch):
    guide = text(ROOT / "docs" / "fr" / "guide.md").translate(SPACES)
    block = re.search(r"Le résumé ressemble à ceci.*?```text\n(.*?)```", guide, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "0000000001FEC20220831.txt", tmp_path)
    assert run_cli("new", "suivi.xlsm", "--lang", "fr").exit_code == 0
    result = run_cli("import", "suivi.xlsm", "--fec", "0000000001FEC20220831.txt")
    assert result.exit_code == 0, result.output
    assert block.splitlines() == result.output.translate(SPACES).splitlines()
