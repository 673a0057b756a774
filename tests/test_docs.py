"""The README documents every command and option, its KPI table is the core's, its examples run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.docs import kpi_table_markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands():
    root = typer.main.get_command(app)
    assert hasattr(root, "commands")
    return root, root.commands


def test_every_command_and_option_is_in_the_readme():
    root, subcommands = commands()
    for opt in (o for p in root.params for o in p.opts if o.startswith("--") and o != "--help"):
        assert f"kpi-xl {opt}" in README, opt
    for name, command in subcommands.items():
        assert f"`kpi-xl {name}" in README, f"command {name} is not documented"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert f"`{opt}`" in README or f"[{opt}" in README, f"{name} {opt} is not documented"


def test_the_kpi_table_is_generated_from_the_core():
    block = re.search(r"<!-- kpi-table:start -->\n(.*?)\n<!-- kpi-table:end -->", README, re.S)
    assert block, "the README lost its KPI table markers"
    assert block.group(1) == kpi_table_markdown(), "README KPI table is stale: run python -m kpi_xl.docs"


def test_the_readme_examples_run(tmp_path, monkeypatch):
    examples = re.findall(r"^\$ kpi-xl (.+)$", README, re.M)
    assert len(examples) >= 3
    monkeypatch.chdir(tmp_path)
    for line in examples:
        result = CliRunner().invoke(app, shlex.split(line))
        assert result.exit_code == 0, (line, result.output)
        assert result.stdout.strip(), line


def test_every_excel_function_is_in_the_readme():
    from kpi_xl.udfs import FUNCTION_NAMES

    for name in FUNCTION_NAMES:
        assert f"`={name}(" in README, f"={name}() is not documented"
