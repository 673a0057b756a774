"""The `kpi-xl` command: parse, call the library, format.  No KPI arithmetic here.

Exit status: 0 done; 2 the input is invalid (every problem on stderr, nothing
written) or an argument is bad; 1 any other failure.  No traceback reaches a
user (set ``KPI_XL_DEBUG=1`` to see one).
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
from .formatting import clean_number, format_value
from .metrics import KPIS, Value
from .periods import Selection, month_label, parse_period
from .reader import read_tracker

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kpi-xl: an Excel tracker that tells you every month whether your ads pay "
         "and how much you can safely pay yourself.",
)
# Not a terminal (a pipe, a file, CI): wide enough that the tables do not wrap.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)

SECTIONS = (
    ("Advertising", "ads"),
    ("Profitability", "ledger"),
    ("Blended", "blended"),
    ("Forecast", "forecast"),
)


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
        raise typer.Exit(2)
    except ArgumentError as e:
        _say(f"error: {e}")
        raise typer.Exit(2)
    except KpiXlError as e:
        _say(f"error: {e}")
        raise typer.Exit(1)
    except typer.Exit:
        raise
    except Exception as e:  # the edge: nothing unexpected reaches a user as a traceback
        if os.environ.get("KPI_XL_DEBUG"):
            raise
        _say(f"error: {type(e).__name__}: {e}")
        raise typer.Exit(1)


def _read(path: Path):
    with _status(f"Reading {path.name}…"):
        tracker = read_tracker(path)
    _print_problems(tracker.warnings)
    return tracker


def kpi_table(columns: dict[str, dict[str, Value]], currency: str, title: str | None = None) -> Table:
    """A table of every KPI (rows) for one or more selections (columns)."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("KPI")
    table.add_column("id", style="dim")
    for name in columns:
        table.add_column(name, justify="right")
    for section, source in SECTIONS:
        table.add_row(f"[bold]{section}[/bold]", "", *[""] * len(columns))
        for kpi in KPIS.values():
            if kpi.source == source:
                table.add_row(kpi.label, kpi.id, *[format_value(kpi.id, v[kpi.id], currency) for v in columns.values()])
    return table


@app.command()
def kpis(
    path: Path = typer.Argument(..., help="The tracker workbook (.xlsm or .xlsx)."),
    period: Optional[str] = typer.Option(None, "--period", "-p",
                                         help="2026-03, 2026-Q1, 2026 or a date (its month). Default: everything."),
    channel: Optional[str] = typer.Option(None, "--channel", "-c", help="Only this channel (case ignored)."),
    campaign: Optional[str] = typer.Option(None, "--campaign", help="Only this campaign (case ignored)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object keyed by KPI id (null: undefined)."),
) -> None:
    """Print the KPIs of a selection: a table, or JSON with --json."""
    selection = _run(Selection.parse, period, channel, campaign)
    tracker = _run(_read, path)
    for note in tracker.unmatched(selection):
        _say(f"warning: {note}")
    values = _run(tracker.kpis, selection)
    if as_json:
        typer.echo(json.dumps({k: clean_number(v) for k, v in values.items()}, indent=2, ensure_ascii=False))
        return
    out.print(kpi_table({selection.describe(): values}, tracker.settings.currency,
                        title=f"{path.name} — {selection.describe()}"))


def _write_new(path: Path, sample: bool, force: bool) -> str:
    """Write a fresh tracker; return what it holds, in words."""
    from .workbook import write_tracker

    suffix = path.suffix.lower()
    if suffix not in (".xlsm", ".xlsx"):
        raise ArgumentError(f'PATH "{path}": expected a file name ending in .xlsm '
                            f"(or .xlsx: no macros, no Refresh button), found {suffix or 'no extension'}")
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder")
    if path.exists() and not force:
        raise WorkbookError(f"{path} exists already: pass --force to replace it")
    if not sample:
        write_tracker(path)
        return "empty tables and default Settings"
    from .sample import sample_data

    data = sample_data()
    write_tracker(path, data.ads, data.ledger, data.settings, data.plan)
    return f"a year of sample data: {len(data.ads):,} Ads rows, {len(data.ledger):,} Ledger entries"


@app.command()
def new(
    path: Path = typer.Argument(..., help="The new tracker (.xlsm; .xlsx for one without macros)."),
    sample: bool = typer.Option(False, "--sample", help="Fill it with a year of realistic sample data."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists."),
) -> None:
    """Create a fresh tracker from the template (refuses to replace a file unless --force)."""
    with _status(f"Writing {path.name}…"):
        holds = _run(_write_new, path, sample, force)
    _say(f"Tracker written to {path} ({holds})")


@contextlib.contextmanager
def _steps() -> Iterator:
    """Progress for long work: a spinner naming the step on a terminal, nothing otherwise."""
    if not err.is_terminal:
        yield lambda step: None
        return
    with err.status("…") as status:
        yield lambda step: status.update(f"{step}…")


def _refresh(path: Path, out_path: Path | None):
    from .refresh import refresh as refresh_file

    with _steps() as progress:
        result = refresh_file(path, out_path, progress=progress)
    _print_problems(result.tracker.warnings)
    return result


def _print_refresh(result) -> None:
    report = result.report
    _say(f"Refreshed {result.path}: Dashboard, Ads Summary, P&L and Forecast"
         + (f" (latest month {report.latest_month})" if report.latest_month else " (no data yet)"))
    for name in result.added:
        _say(f"  Added the {name} sheet: this tracker was made before it existed.")
    for block in report.blocks:
        if block.sheet == "Dashboard" and block.col == 6:
            for (line,) in block.rows:
                if line:
                    out.print(f"  {line}", highlight=False, soft_wrap=True)


@app.command()
def refresh(
    path: Path = typer.Argument(..., help="The tracker workbook (.xlsm or .xlsx)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o",
                                            help="Write the refreshed workbook here and leave PATH as it is."),
) -> None:
    """What the Refresh KPIs button does, without Excel: summary sheets, alerts and charts.

    The file is replaced atomically; the input sheets, the VBA project, the
    button and every sheet you added are kept byte for byte.
    """
    result = _run(_refresh, path, out_path)
    _print_refresh(result)


def _import(path: Path, files: list[Path], ads: list[Path], fec: list[Path], date: Optional[str],
            mapping: list[str], out_path: Optional[Path], dry_run: bool):
    from .imports import ImportOptions, import_files

    if not (files or ads or fec):
        raise ArgumentError("expected at least one file to import, with --ads (ad exports) or --fec (FEC files)")
    with _steps() as progress:
        return import_files(path, ImportOptions(ads=ads, fec=fec, files=files, mapping=mapping, date=date,
                                                out=out_path, dry_run=dry_run, progress=progress))


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="The tracker workbook (.xlsm or .xlsx)."),
    files: Optional[list[Path]] = typer.Argument(
        None, show_default=False, metavar="FILE",
        help="More files after --ads or --fec (--ads A.csv B.csv): each is recognised from its content."),
    ads: Optional[list[Path]] = typer.Option(
        None, "--ads", show_default=False, metavar="EXPORT",
        help="An ad-platform export: Google Ads, Meta, Microsoft Advertising, LinkedIn or TikTok (CSV or .xlsx), "
             "recognised from its content. Repeatable."),
    fec: Optional[list[Path]] = typer.Option(
        None, "--fec", show_default=False, metavar="FEC", help="A French FEC accounting file (Fichier des écritures comptables). "
                                                "Repeatable."),
    date: Optional[str] = typer.Option(
        None, "--date", metavar="DAY", help='The day to count the rows of an ad report without dates on (a Google Ads "All time" '
                             "report), e.g. 2026-01-16."),
    mapping: Optional[list[str]] = typer.Option(
        None, "--map", show_default=False, metavar="PREFIX=TYPE",
        help='PREFIX=TYPE: the Ledger Type of FEC accounts starting with PREFIX ("6226=Variable cost"; '
             '"791=none" leaves them out). Repeatable; the longest prefix wins.'),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o",
                                            help="Write the result here and leave PATH as it is."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the files and count the new rows; write nothing."),
) -> None:
    """Append rows from ad exports (to Ads) and FEC files (to Ledger), skipping rows already there.

    Every file is checked first: any malformed line, unknown format or
    currency other than the tracker's is listed as file:line and nothing is
    written.  The file is replaced atomically; everything but the two tables
    is kept byte for byte.
    """
    result = _run(_import, path, files or [], ads or [], fec or [], date, mapping or [], out_path, dry_run)
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


@app.command()
def demo(
    out_path: Path = typer.Option(Path("kpi-demo.xlsm"), "--out", "-o",
                                  help="Where to write the demo tracker (replaced if it exists)."),
) -> None:
    """Build a tracker from built-in sample data, refresh it, and summarise it (the story month side by side)."""
    from .sample import STORY_MONTH, sample_data
    from .workbook import write_tracker

    data = sample_data()
    with _status("Writing the demo tracker…"):
        _run(write_tracker, out_path, data.ads, data.ledger, data.settings, data.plan)
    result = _run(_refresh, out_path, None)
    _print_refresh(result)
    tracker = result.tracker
    story = parse_period(STORY_MONTH)
    before = month_label(story.first - 1)
    columns = {
        before: tracker.kpis(before),
        STORY_MONTH: tracker.kpis(STORY_MONTH),
        "Year 2026": tracker.kpis("2026"),
    }
    out.print(kpi_table(columns, tracker.settings.currency,
                        title=f"{out_path.name}: {before} against {STORY_MONTH}, and the whole year"))
    a, b = columns[before], columns[STORY_MONTH]
    out.print(
        f"\nIn {STORY_MONTH} the cost per lead went {_change(a['cpl'], b['cpl'])} while the cost per click went "
        f"{_change(a['cpc'], b['cpc'])}, the cost per customer {_change(a['cac'], b['cac'])} "
        f"and net profit {_change(a['net_profit'], b['net_profit'])}: every step of the funnel matters.",
        highlight=False,
    )


def _change(before: Value, after: Value) -> str:
    if before is None or after is None or before == 0:
        return "from — to —"
    return f"{(after - before) / abs(before):+.0%}"


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
