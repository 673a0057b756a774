"""Documentation generated from the code, so that the docs cannot drift from it.

From a clone::

    python -m kpi_xl.dev.docs           # rewrite the generated blocks of the pages under docs/
    python -m kpi_xl.dev.docs --check   # exit 1, naming each stale block, when a page differs from the code

Each page under ``docs/`` is written by hand, except the blocks between
``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` (the idea of cog in
sqlite-utils' docs), which :data:`BLOCKS` writes from the code:

* ``docs/kpis.md``, ``kpi-table``: every KPI id with its label, formula (the
  first line of its function's docstring in :mod:`kpi_xl.metrics`), unit,
  source, whether it follows a channel/campaign selection, and its Excel
  function; ``kpi-notes``: the rest of those docstrings, doctests left out;
* ``docs/cli.md``, ``cli-reference``: every command, argument and option of
  ``kpi-xl``, from the same declarations as ``--help``;
* ``docs/workbook.md``, ``ads-table``, ``ledger-table``, ``plan-table`` and
  ``settings``: the input tables' headers and the named Settings cells, from
  :mod:`kpi_xl.schema`, with what validation accepts (:mod:`kpi_xl.reader`);
* ``docs/development.md``, ``layout``: every module of the package with the
  first line of its docstring.

``tests/test_docs.py`` fails when a block differs from what this module
writes, or when a page lost a block.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path
from typing import Callable

from ..metrics import REGISTRY

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
DOCS = ROOT / "docs"

UNITS = {"money": "money", "percent": "%", "count": "count", "multiple": "×", "months": "months"}
SOURCES = {"ads": "Ads", "ledger": "Ledger", "blended": "Ledger ÷ Ads", "forecast": "Ledger + Plan"}
FOLLOWS_SELECTION = {"ads"}
"""Sources whose KPIs keep only the selected channel and campaign; the others ignore both."""


def kpi_table_markdown() -> str:
    """Every KPI as one row of a Markdown table, in the order of :data:`kpi_xl.metrics.KPI_IDS`."""
    lines = ["| id | what it is | formula | unit | from | channel, campaign | Excel function |",
             "|---|---|---|---|---|---|---|"]
    for k in REGISTRY.values():
        selection = "kept" if k.origin in FOLLOWS_SELECTION else "ignored"
        lines.append(f"| `{k.id}` | {k.label} | {k.formula} | {UNITS[k.unit]} | {SOURCES[k.origin]} "
                     f"| {selection} | `={k.id.upper()}()` |")
    return "\n".join(lines)


def _prose(doc: str) -> str:
    """A docstring's paragraphs after its first line, without doctests, joined into one paragraph."""
    paragraphs = re.split(r"\n\s*\n", doc)[1:]
    kept = []
    for p in paragraphs:
        lines = [line.strip() for line in p.splitlines()]
        if lines and not lines[0].startswith(">>>"):
            kept.append(" ".join(line for line in lines if line))
    return " ".join(" ".join(kept).split())


def kpi_notes_markdown() -> str:
    """What the KPI docstrings say beyond the formula, one list item per KPI that says more."""
    items = []
    for k in REGISTRY.values():
        text = _prose(inspect.getdoc(k.func) or "")
        if text:
            items.append(f"- **`{k.id}`** ({k.label}). {text}")
    return "\n".join(items)


def input_table_markdown(name: str) -> str:
    """The headers of one input table (``Ads``, ``Ledger``, ``Plan``), what goes in each, what is accepted."""
    from ..reader import EXPECTED
    from ..schema import ADS, LEDGER, LEDGER_TYPES, PLAN
    from ..texts import texts

    spec = {t.name: t for t in (ADS, LEDGER, PLAN)}[name]
    lines = ["| header | what goes there | accepted |", "|---|---|---|"]
    for c in spec.columns:
        accepted = "one of the nine types below" if c.kind == "ledger_type" else EXPECTED[c.kind]
        if c.kind == "signed_money":
            accepted += " (negative reverses)"
        meaning = texts()(f"column.{name}.{c.header}", types=", ".join(LEDGER_TYPES))
        lines.append(f"| `{c.header}` | {meaning} | {accepted} |")
    return "\n".join(lines)


def settings_markdown() -> str:
    """Every named cell of the `Settings` sheet: its default in a new tracker, what it does, what is accepted."""
    from ..reader import SETTING_EXPECTED
    from ..schema import SETTINGS
    from ..texts import texts

    lines = ["| named cell | in a new tracker | what it does | accepted |", "|---|---|---|---|"]
    for s in SETTINGS:
        if s.kind == "date":
            default = "1 January of the year it was made"
        elif s.default is None:
            default = "blank"
        else:
            default = f"`{s.default:g}`" if isinstance(s.default, float) else f"`{s.default}`"
        accepted = SETTING_EXPECTED[s.kind] + ("; blank" if s.blank_ok else "")
        lines.append(f"| `{s.name}` | {default} | {texts()(f'setting.{s.name}')} | {accepted} |")
    return "\n".join(lines)


def _click_root():
    import typer

    from ..cli import app

    return typer.main.get_command(app)


def _param_rows(params) -> list[str]:
    rows = []
    for p in params:
        if p.param_type_name == "argument":
            name = f"`{p.metavar}`"
            value = ""
        else:
            name = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            value = f"`{p.metavar}`" if p.metavar else ""
        notes = []
        if p.required:
            notes.append("required")
        if (p.nargs == -1 or getattr(p, "multiple", False)) and "repeatable" not in (p.help or "").lower():
            notes.append("repeatable")
        default = p.default
        if (p.param_type_name == "option" and not p.is_flag and p.show_default
                and default not in (None, False, (), [])):
            notes.append(f"default: `{default}`")
        help_text = " ".join((p.help or "").split()).replace("|", "\\|")
        if notes:
            help_text += f" ({'; '.join(notes)})"
        rows.append(f"| {name} | {value} | {help_text} |")
    return rows


def _command_section(command, ctx, heading: str, commands: dict | None = None) -> list[str]:
    lines = [f"## `{heading}`", "", "```text", command.get_usage(ctx), "```", ""]
    doc = inspect.cleandoc(command.help or "")
    for paragraph in re.split(r"\n\s*\n", doc):
        lines += [" ".join(paragraph.split()), ""]
    if commands:
        lines += ["| command | what it does |", "|---|---|"]
        for name, sub in commands.items():
            summary = " ".join(inspect.cleandoc(sub.help or "").split("\n\n")[0].split())
            lines.append(f"| [`kpi-xl {name}`](#kpi-xl-{name}) | {summary} |")
        lines.append("")
    lines += ["| argument or option | value | what it does |", "|---|---|---|"]
    lines += _param_rows(command.get_params(ctx))
    return lines + [""]


def cli_reference_markdown() -> str:
    """Every command of ``kpi-xl`` with its usage line, help, arguments and options."""
    root = _click_root()
    ctx = root.context_class(root, info_name="kpi-xl")
    lines = _command_section(root, ctx, "kpi-xl", root.commands)
    for name, command in root.commands.items():
        sub = command.context_class(command, info_name=name, parent=ctx)
        lines += _command_section(command, sub, f"kpi-xl {name}")
    return "\n".join(lines).rstrip("\n")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def layout_markdown() -> str:
    """Every module of the package, with the first line of its docstring."""
    lines = ["| module | what it is |", "|---|---|"]
    for path in _modules():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = doc.strip().splitlines()[0].replace("|", "\\|") if doc.strip() else "(no docstring)"
        lines.append(f"| `{path.relative_to(ROOT).as_posix()}` | {first} |")
    data = sorted(p for p in (PACKAGE / "data").iterdir()) if (PACKAGE / "data").is_dir() else []
    for path in data:
        lines.append(f"| `{path.relative_to(ROOT).as_posix()}` | data shipped in the wheel |")
    return "\n".join(lines)


def aliases_markdown() -> str:
    """The French names of a few Excel functions (:data:`kpi_xl.udfs.ALIASES`)."""
    from ..texts import texts
    from ..udfs import ALIASES

    words = texts("fr")
    lines = ["| French function | is | gives |", "|---|---|---|"]
    for name, kpi_id in ALIASES.items():
        lines.append(f"| `={name}()` | `={kpi_id.upper()}()` | {words.kpi(kpi_id)} |")
    return "\n".join(lines)


BLOCKS: dict[str, dict[str, Callable[[], str]]] = {
    "kpis.md": {"kpi-table": kpi_table_markdown, "kpi-notes": kpi_notes_markdown, "aliases": aliases_markdown},
    "cli.md": {"cli-reference": cli_reference_markdown},
    "workbook.md": {"ads-table": lambda: input_table_markdown("Ads"),
                    "ledger-table": lambda: input_table_markdown("Ledger"),
                    "plan-table": lambda: input_table_markdown("Plan"),
                    "settings": settings_markdown},
    "development.md": {"layout": layout_markdown},
}
"""The generated blocks of each page under ``docs/``, and what writes them."""


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {re.escape(name)} -->\n)(.*?)(<!-- end: {re.escape(name)} -->)", re.S)


def render(text: str, blocks: dict[str, Callable[[], str]]) -> tuple[str, list[str]]:
    """``text`` with every block regenerated, and the names of the blocks it lacks.

    >>> render("a\\n<!-- generated: x -->\\nold\\n<!-- end: x -->\\nb", {"x": lambda: "new"})
    ('a\\n<!-- generated: x -->\\nnew\\n<!-- end: x -->\\nb', [])
    >>> render("nothing here", {"x": lambda: "new"})[1]
    ['x']
    """
    missing = []
    for name, make in blocks.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            missing.append(name)
            continue
        content = make()
        text = pattern.sub(lambda m, content=content: m.group(1) + content + "\n" + m.group(3), text)
    return text, missing


def stale(docs: Path = DOCS) -> list[str]:
    """One line per page whose generated blocks differ from the code (or that lost one)."""
    problems = []
    for page, blocks in BLOCKS.items():
        path = docs / page
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        text = path.read_text(encoding="utf-8")
        fresh, missing = render(text, blocks)
        problems += [f"{path}: lost its block {name!r}" for name in missing]
        if fresh != text:
            names = [n for n in blocks if n not in missing
                     and _pattern(n).search(fresh).group(2) != _pattern(n).search(text).group(2)]
            problems.append(f"{path}: stale block(s) {', '.join(names)}")
    return problems


def write(docs: Path = DOCS) -> list[Path]:
    """Regenerate every block in place; return the pages that changed."""
    changed = []
    for page, blocks in BLOCKS.items():
        path = docs / page
        text = path.read_text(encoding="utf-8")
        fresh, missing = render(text, blocks)
        if missing:
            raise SystemExit(f"{path}: no block {', '.join(missing)} (add <!-- generated: NAME --> … "
                             f"<!-- end: NAME --> where it belongs)")
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not DOCS.is_dir():
        print(f"{DOCS} not found: run this from a clone of the repository", file=sys.stderr)
        return 2
    if args == ["--check"]:
        problems = stale()
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run: python -m kpi_xl.dev.docs", file=sys.stderr)
        return 1 if problems else 0
    if args:
        print("usage: python -m kpi_xl.dev.docs [--check]", file=sys.stderr)
        return 2
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
