"""The `kpi-xl` command: parse, call the library, format.  No KPI arithmetic here.

Exit status: 0 done; 2 the input is invalid (every problem on stderr, nothing
written), an argument is bad, the file is no usable workbook, or the write
was refused (read-only, open in Excel, another writer busy); 1 any other
failure.  No traceback reaches a user (set ``KPI_XL_DEBUG=1`` to see one).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import ArgumentError, InputError, KpiXlError, Problem, WorkbookError
from .files import writing
from .formatting import clean_number, format_value
from .layout import OUTPUT_SHEETS
from .metrics import REGISTRY, Value
from .periods import Selection
from .reader import read_tracker
from .texts import texts


def _conventional(params: list) -> list:
    """Help written the usual Unix way, whatever typer's version renders.

    Every parameter that takes a value declares its metavar (``PATH``,
    ``FILE``, ``TEXT``, ``PERIOD``…); a flag shows none (recent typer versions
    would show ``<bool>``); an argument reads ``PATH`` in the usage line and
    in its row (not ``{path}`` or ``<path>``).  ``tests/test_docs.py`` checks
    the rendered help.
    """
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
        elif param.param_type_name == "argument":
            def usage(ctx, param=param):
                name = param.metavar if param.required else f"[{param.metavar}]"
                return [name + ("..." if param.nargs != 1 else "")]

            param.get_usage_pieces = usage
            param.display_type_rich = lambda ctx: None  # the metavar is already in the name column
    return params


class Command(typer.core.TyperCommand):
    """A `kpi-xl` subcommand: pass ``cls=Command`` to ``app.command``."""

    def get_params(self, ctx):
        return _conventional(super().get_params(ctx))


class Group(typer.core.TyperGroup):
    def get_params(self, ctx):
        return _conventional(super().get_params(ctx))


app = typer.Typer(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    help="kpi-xl: an Excel tracker that tells you every month whether your ads pay "
         "and how much you can safely pay yourself.",
)
# Not a terminal (a pipe, a file, CI): wide enough that the tables do not wrap.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)

SECTIONS = ("ads", "ledger", "blended", "forecast")
"""The KPI table's sections, by where the KPIs come from (their titles are texts ``cli.section.<origin>``)."""


def _say(text: str) -> None:
    """One plain line on stderr: no markup, no wrapping, so it stays grep-able."""
    err.print(text, markup=False, highlight=False, soft_wrap=True)


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        _say(str(p))


@contextlib.contextmanager
def _status(message: str) -> Iterator[None]:
    """A spinner on a terminal; nothing when stderr is not one."""
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


def _run(fn, *args, **kwargs):
    """Call into the library, turning our errors into messages and exit codes."""
    try:
        return fn(*args, **kwargs)
    except InputError as e:
        _print_problems(e.problems)
        n = len(e.problems)
        _say(f"{n} problem{'s' if n != 1 else ''}: nothing was written.")
        raise typer.Exit(2) from None
    except (ArgumentError, WorkbookError) as e:  # bad input too: an argument, or a file that is no tracker
        _say(f"error: {e}")
        raise typer.Exit(2) from None
    except KpiXlError as e:
        _say(f"error: {e}")
        raise typer.Exit(1) from None
    except typer.Exit:
        raise
    except Exception as e:  # the edge: nothing unexpected reaches a user as a traceback
        if os.environ.get("KPI_XL_DEBUG"):
            raise
        _say(f"error: {type(e).__name__}: {e}")
        raise typer.Exit(1) from None


def _read(path: Path):
    with _status(f"Reading {path.name}…"):
        tracker = read_tracker(path)
    _print_problems(tracker.warnings)
    return tracker


def kpi_table(columns: dict[str, dict[str, Value]], currency: str, title: str | None = None) -> Table:
    """A table of every KPI (rows) for one or more selections (columns)."""
    words = texts()
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column(words("cli.header.kpi"))
    table.add_column(words("cli.header.id"), style="dim")
    for name in columns:
        table.add_column(name, justify="right")
    for origin in SECTIONS:
        table.add_row(f"[bold]{words('cli.section.' + origin)}[/bold]", "", *[""] * len(columns))
        for kpi in REGISTRY.values():
            if kpi.origin == origin:
                table.add_row(words.kpi(kpi.id), kpi.id,
                              *[format_value(kpi.id, v[kpi.id], currency) for v in columns.values()])
    return table


@app.command(cls=Command)
def kpis(
    path: Path = typer.Argument(..., metavar="PATH", help="The tracker workbook (.xlsm or .xlsx)."),
    period: Optional[str] = typer.Option(
        None, "--period", "-p", metavar="PERIOD",
        help="A month (2026-03), a quarter (2026-Q1), a year (2026) or a date (its month). Default: everything."),
    channel: Optional[str] = typer.Option(None, "--channel", "-c", metavar="TEXT",
                                          help="Only the Ads rows of this channel (case ignored)."),
    campaign: Optional[str] = typer.Option(None, "--campaign", metavar="TEXT",
                                           help="Only the Ads rows of this campaign (case ignored)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object keyed by KPI id (null: undefined)."),
) -> None:
    """Print the KPIs of a selection: a table, or JSON with --json."""
    selection = _run(Selection.parse, period, channel, campaign)
    tracker = _run(_read, path)
    for note in tracker.unmatched(selection):
        _say(f"warning: {note}")
    values = _run(tracker.kpis, selection)
    if as_json:
        # Strict JSON: an undefined or non-finite value is null, never NaN or Infinity (which JSON has not).
        typer.echo(json.dumps({k: clean_number(v) for k, v in values.items()}, indent=2, ensure_ascii=False,
                              allow_nan=False))
        return
    out.print(kpi_table({selection.describe(): values}, tracker.settings.currency,
                        title=texts()("cli.title", file=path.name, selection=selection.describe())))


def _write_new(path: Path, sample: bool, force: bool) -> str:
    """Write a fresh tracker; return what it holds, in words."""
    from .workbook import write_tracker

    suffix = path.suffix.lower()
    if suffix not in (".xlsm", ".xlsx"):
        raise ArgumentError(f'PATH "{path}": expected a file name ending in .xlsm '
                            f"(or .xlsx: no macros, no Refresh button), found {suffix or 'no extension'}")
    if path.is_dir():
        raise WorkbookError(f"{path}: a folder, not a workbook: name a file inside it")
    words = texts()
    with writing(path, force=force, command="kpi-xl new", notify=_say):
        if path.exists() and not force:
            raise WorkbookError(f"{path} exists already: pass --force to replace it")
        if not sample:
            write_tracker(path)
            return words("cli.new.empty")
        from .sample import sample_data

        data = sample_data()
        write_tracker(path, data.ads, data.ledger, data.settings, data.plan)
    return words("cli.new.sample", ads=f"{len(data.ads):,}", ledger=f"{len(data.ledger):,}")


@app.command(cls=Command)
def new(
    path: Path = typer.Argument(..., metavar="PATH", help="The new tracker (.xlsm; .xlsx for one without macros)."),
    sample: bool = typer.Option(False, "--sample",
                                help="Fill it with twelve months of realistic sample data, up to last month."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists, even if Excel's lock file is "
                                                      "beside it (never a read-only file)."),
) -> None:
    """Create a fresh tracker from the template (refuses to replace a file unless --force)."""
    with _status(f"Writing {path.name}…"):
        holds = _run(_write_new, path, sample, force)
    _say(texts()("cli.new", path=path, holds=holds))


@contextlib.contextmanager
def _steps() -> Iterator:
    """Progress for long work: a spinner naming the step on a terminal, nothing otherwise."""
    if not err.is_terminal:
        yield lambda step: None
        return
    with err.status("…") as status:
        yield lambda step: status.update(f"{step}…")


def _refresh(path: Path, out_path: Path | None, force: bool = False):
    from .refresh import refresh as refresh_file

    with _steps() as progress:
        result = refresh_file(path, out_path, progress=progress, force=force, notify=_say)
    _print_problems(result.tracker.warnings)
    return result


def _print_refresh(result) -> None:
    words = texts()
    report = result.report
    latest = (words("cli.refreshed.latest", month=report.latest_month) if report.latest_month
              else words("cli.refreshed.none"))
    sheets = words.and_list([words.sheet(name) for name in OUTPUT_SHEETS])
    _say(words("cli.refreshed", path=result.path, sheets=sheets, latest=latest))
    for name in result.added:
        _say(words("cli.added_sheet", name=name))
    for kind in ("alerts", "changes", "forecast"):
        for line in report.lines.get(kind, []):
            out.print(f"  {line}", highlight=False, soft_wrap=True)


@app.command(cls=Command)
def refresh(
    path: Path = typer.Argument(..., metavar="PATH", help="The tracker workbook (.xlsm or .xlsx)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH",
                                            help="Write the refreshed workbook here and leave the tracker as it is."),
    force: bool = typer.Option(False, "--force", help="Write even though Excel's lock file (~$NAME) is beside "
                                                      "the workbook: only when Excel is not running."),
) -> None:
    """What the Refresh KPIs button does, without Excel: summary sheets, alerts and charts.

    The file is replaced atomically; the input sheets, the VBA project, the
    button and every sheet you added are kept byte for byte.  Refused (exit
    2) when the file is read-only or open in Excel; waits while another
    kpi-xl command writes it.
    """
    result = _run(_refresh, path, out_path, force)
    _print_refresh(result)


def _import(path: Path, files: list[Path], ads: list[Path], fec: list[Path], date: Optional[str],
            mapping: list[str], out_path: Optional[Path], dry_run: bool, force: bool = False):
    from .imports import ImportOptions, import_files

    if not (files or ads or fec):
        raise ArgumentError("expected at least one file to import, with --ads (ad exports) or --fec (FEC files)")
    with _steps() as progress:
        return import_files(path, ImportOptions(ads=ads, fec=fec, files=files, mapping=mapping, date=date,
                                                out=out_path, dry_run=dry_run, progress=progress, force=force,
                                                notify=_say))


@app.command("import", cls=Command)
def import_(
    path: Path = typer.Argument(..., metavar="PATH", help="The tracker workbook (.xlsm or .xlsx)."),
    files: Optional[list[Path]] = typer.Argument(
        None, show_default=False, metavar="FILE",
        help="More files after --ads or --fec (--ads A.csv B.csv): each is recognised from its content."),
    ads: Optional[list[Path]] = typer.Option(
        None, "--ads", show_default=False, metavar="EXPORT",
        help="An ad-platform export: Google Ads, Meta, Microsoft Advertising, LinkedIn or TikTok (CSV or .xlsx), "
             "recognised from its content. Repeatable."),
    fec: Optional[list[Path]] = typer.Option(
        None, "--fec", show_default=False, metavar="FEC",
        help="A French FEC accounting file (Fichier des écritures comptables). Repeatable."),
    date: Optional[str] = typer.Option(
        None, "--date", metavar="DAY",
        help='The day to count the rows of an ad report without dates on (a Google Ads "All time" report), '
             "e.g. 2026-01-16."),
    mapping: Optional[list[str]] = typer.Option(
        None, "--map", show_default=False, metavar="PREFIX=TYPE",
        help='PREFIX=TYPE: the Ledger Type of FEC accounts starting with PREFIX ("6226=Variable cost"; '
             '"791=none" leaves them out). Repeatable; the longest prefix wins.'),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH",
                                            help="Write the result here and leave the tracker as it is."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the files and count the new rows; write nothing."),
    force: bool = typer.Option(False, "--force", help="Write even though Excel's lock file (~$NAME) is beside "
                                                      "the workbook: only when Excel is not running."),
) -> None:
    """Append rows from ad exports (to Ads) and FEC files (to Ledger), skipping rows already there.

    Every file is checked first: any malformed line, unknown format or
    currency other than the tracker's is listed as file:line and nothing is
    written.  The file is replaced atomically; everything but the two tables
    is kept byte for byte.
    """
    result = _run(_import, path, files or [], ads or [], fec or [], date, mapping or [], out_path, dry_run, force)
    _print_problems(result.warnings)
    for f in result.files:
        rows = f"{f.rows:,} {f.table} row{'s' if f.rows != 1 else ''}"
        _say(f"{f.path}: {f.format} ({f.details}), {f.lines:,} line{'s' if f.lines != 1 else ''} → {rows}: "
             f"{f.added:,} new, {f.skipped:,} already there")
        for note in f.notes:
            _say(f"  {note}")
        for warning in f.warnings:
            _say(f"  warning: {warning}")
    counts = (f"{result.added('Ads'):,} row{'s' if result.added('Ads') != 1 else ''} to Ads, "
              f"{result.added('Ledger'):,} to Ledger")
    skipped = result.skipped("Ads") + result.skipped("Ledger")
    if dry_run:
        _say(f"Dry run, nothing written: would add {counts} ({skipped:,} already there).")
    elif result.written:
        _say(f"Imported into {result.path}: added {counts} ({skipped:,} already there).")
    else:
        _say(f"Nothing new: {result.path} is unchanged ({skipped:,} rows already there).")


@app.command(cls=Command)
def demo(
    out_path: Path = typer.Option(Path("kpi-demo.xlsm"), "--out", "-o", metavar="PATH",
                                  help="Where to write the demo tracker (replaced if it exists)."),
) -> None:
    """Build a tracker from built-in sample data, refresh it, and summarise it.

    The sample covers the twelve months up to the last complete one. The
    summary puts its story month (the month the lead form changed) beside
    the month before, and the whole twelve months.
    """
    from .sample import sample_data
    from .workbook import write_tracker

    data = sample_data()

    def write_demo():
        with writing(out_path, command="kpi-xl demo", notify=_say):
            write_tracker(out_path, data.ads, data.ledger, data.settings, data.plan)
            return _refresh(out_path, None)

    result = _run(write_demo)  # its refresh shows its own steps
    _print_refresh(result)
    tracker = result.tracker
    story, before = data.story_month, data.before_story
    columns = {story: tracker.kpis(story), before: tracker.kpis(before), data.span: tracker.kpis()}
    out.print()
    currency = tracker.settings.currency
    out.print(kpi_table(columns, currency,
                        title=f"{out_path.name}: {story} against {before}, and all 12 months ({data.span})"))
    a, b = columns[before], columns[story]
    out.print(
        f"\nIn {story}, against {before}, the cost per lead went {_change(a['cpl'], b['cpl'])} while the cost "
        f"per click went {_change(a['cpc'], b['cpc'])}, the cost per customer {_change(a['cac'], b['cac'])} "
        f"and net profit from {format_value('net_profit', a['net_profit'], currency)} to "
        f"{format_value('net_profit', b['net_profit'], currency)}: the lead form had gained qualifying "
        f"questions, and every step of the funnel matters.",
        highlight=False, soft_wrap=True,
    )


def _change(before: Value, after: Value) -> str:
    """A relative change as the Dashboard writes it, with a true minus sign.

    >>> _change(10.0, 21.0), _change(10.0, 8.8), _change(0.0, 5.0)
    ('+110%', '−12%', 'from — to —')
    """
    if before is None or after is None or before == 0:
        return "from — to —"
    return f"{(after - before) / abs(before):+.0%}".replace("-", "−")


def _print_findings(findings) -> None:
    for f in findings:
        out.print(f"{f.severity} {f.part}: {f.message}", markup=False, highlight=False, soft_wrap=True)
        if f.meaning:
            out.print(f"  {f.meaning}", markup=False, highlight=False, soft_wrap=True, style="dim")


def _doctor(path: Path, fix: bool, out_path: Optional[Path], force: bool = False) -> int:
    from .doctor import diagnose, repair

    words = texts()
    name = path.name
    try:
        with _status(f"Checking {name}…"):
            result = repair(path, out_path, force=force, notify=_say) if fix else None
            diagnosis = result.after if result else diagnose(path)
    except WorkbookError as e:  # no workbook at all: bad input, not a finding
        raise ArgumentError(str(e)) from None
    if result is not None:
        if result.fixed:
            _say(words("cli.doctor.fixed", file=out_path or path))
            for line in result.fixed:
                _say(f"  {line}")
        else:
            _say(words("cli.doctor.nothing_fixed", file=name))
    if diagnosis.findings:
        _say(words("cli.doctor.left" if result and result.fixed else "cli.doctor.findings", file=name,
                   n=len(diagnosis.findings)))
        _print_findings(diagnosis.findings)
        if diagnosis.user_code and any(f.part == "xl/vbaProject.bin" for f in diagnosis.findings):
            _say(words("cli.doctor.user_code", modules=", ".join(diagnosis.user_code)))
        if not fix:
            _say(words("cli.doctor.hint", file=name))
    if diagnosis.input_problems:
        raise InputError(diagnosis.input_problems)
    if not diagnosis.findings:
        _say(words("cli.doctor.clean", file=name))
    return 1 if diagnosis.findings else 0


@app.command(cls=Command)
def doctor(
    path: Path = typer.Argument(..., metavar="PATH", help="The tracker workbook (.xlsm or .xlsx)."),
    fix: bool = typer.Option(False, "--fix", help="Repair what can be repaired, atomically, keeping your data "
                                                  "and your own sheets."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH",
                                            help="With --fix: write the repaired workbook here and leave PATH as "
                                                 "it is."),
    force: bool = typer.Option(False, "--force", help="Write even though Excel's lock file (~$NAME) is beside "
                                                      "the workbook: only when Excel is not running."),
) -> None:
    """Check a tracker as Excel would read it: what Excel would repair, refuse or misread, and why.

    Exit 0: nothing found; 1: findings (those --fix could not repair, with
    --fix); 2: the tracker's input is invalid, or the file is no workbook.
    """
    code = _run(_doctor, path, fix, out_path, force)
    raise typer.Exit(code)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"kpi-xl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """kpi-xl: an Excel tracker that tells you every month whether your ads pay and how much you can pay yourself."""


def main() -> None:  # the console script
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
