"""The `kpi-xl` command: parse, call the library, format.  No KPI arithmetic here.

Exit status: 0 done; 2 the input is invalid (every problem on stderr, nothing
written), an argument is bad, the file is no usable workbook, or the write
was refused (read-only, open in Excel, another writer busy); 1 any other
failure.  No traceback reaches a user (set ``KPI_XL_DEBUG=1`` to see one).
Many trackers at once (``refresh PATH…``, ``portfolio``): 0 when every
tracker was done, 2 when any had bad input, was open elsewhere or could not
be used (as one command would say), 1 when any failed unexpectedly.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import ArgumentError, InputError, KpiXlError, Problem, WorkbookError
from .files import writing
from .formatting import clean_number, format_value, number, percent_threshold, signed_percent
from .layout import OUTPUT_SHEETS
from .metrics import REGISTRY, Value
from .periods import Selection, parse_period
from .reader import file_language, read_tracker
from .texts import LANGUAGES, Texts, texts
from .tracker import Settings


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


def _print_problems(problems: list[Problem], words=None) -> None:
    """Each problem (or warning) on a line of its own, in ``words``' language (English by default)."""
    words = words or texts()
    for p in problems:
        _say(words.problem(p))


_asked: dict[str, str | None] = {"lang": None}
"""The running command's --lang, once checked (None: the tracker's language)."""


def _language(lang: str | None):
    """Check --lang and remember it, for the problems :func:`_run` prints; its words (English when not given)."""
    words = _words(lang)
    _asked["lang"] = words.lang if lang is not None else None
    return words


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
    except InputError as e:  # said in the language of --lang, else the tracker's
        words = texts(_asked["lang"] or e.lang)
        _print_problems(e.problems, words)
        _say(words.say_key("cli.problems", {"n": len(e.problems)}))
        raise typer.Exit(2) from None
    except (ArgumentError, WorkbookError) as e:  # bad input too: an argument, or a file that is no tracker
        _say(_error_text(e))
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


def _error_text(e: Exception) -> str:
    """``error: …``; a refused write said in the language of --lang, else of the tracker it is about."""
    reason = getattr(e, "reason", None)
    if reason is None:
        return f"error: {e}"
    words = _words_for(e.path, _asked["lang"])
    return words("cli.error", text=words("cli.error.about", path=e.path, reason=words.say(reason)))


def _words_for(path: Path, lang: str | None) -> Texts:
    """The words of ``lang``, else of the language the tracker at ``path`` names its sheets in (a cheap look at
    the file, before it is read: for a spinner or a refusal), else English."""
    return _words(lang) if lang else texts(file_language(path))


def _read(path: Path, lang: str | None = None):
    words = _words_for(path, lang)
    with _status(words("step.reading", file=path.name) + "…"):
        tracker = read_tracker(path)
    _print_problems(tracker.warnings, _words(lang, tracker))
    return tracker


LANG = typer.Option(None, "--lang", metavar="LANG",
                    help="The language of what this command prints: en or fr. Default: the tracker's Language "
                         "setting (English for a new tracker).")


def _words(lang: str | None, tracker=None):
    """The words of ``--lang``, else of the tracker's Language setting."""
    if lang is not None and lang.casefold() not in LANGUAGES:
        raise ArgumentError(f'--lang "{lang}": expected {" or ".join(LANGUAGES)}')
    if lang is not None:
        return texts(lang.casefold())
    return texts(tracker.settings.language if tracker is not None else None)


def kpi_table(columns: dict[str, dict[str, Value]], currency: str, title: str | None = None, words=None) -> Table:
    """A table of every KPI (rows) for one or more selections (columns)."""
    words = words or texts()
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
                              *[format_value(kpi.id, v[kpi.id], currency, words.lang) for v in columns.values()])
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
    lang: Optional[str] = LANG,
) -> None:
    """Print the KPIs of a selection: a table, or JSON with --json."""
    _run(_language, lang)
    selection = _run(Selection.parse, period, channel, campaign)
    tracker = _run(_read, path, lang)
    words = _words(lang, tracker)
    for note in tracker.unmatched(selection):
        _say(words("cli.import.warning", text=words.say(note)))
    values = _run(tracker.kpis, selection)
    if as_json:
        # Strict JSON: an undefined or non-finite value is null, never NaN or Infinity (which JSON has not).
        typer.echo(json.dumps({k: clean_number(v) for k, v in values.items()}, indent=2, ensure_ascii=False,
                              allow_nan=False))
        return
    label = selection.describe(words)
    out.print(kpi_table({label: values}, tracker.settings.currency,
                        title=words("cli.title", file=path.name, selection=label), words=words))


def _write_new(path: Path, sample: bool, force: bool, lang: str | None) -> str:
    """Write a fresh tracker; return what it holds, in words."""
    from .workbook import write_tracker

    suffix = path.suffix.lower()
    if suffix not in (".xlsm", ".xlsx"):
        raise ArgumentError(f'PATH "{path}": expected a file name ending in .xlsm '
                            f"(or .xlsx: no macros, no Refresh button), found {suffix or 'no extension'}")
    if path.is_dir():
        raise WorkbookError(f"{path}: a folder, not a workbook: name a file inside it")
    words = _words(lang)
    with writing(path, force=force, command="kpi-xl new", notify=_say, offers=("--force",)):
        if path.exists() and not force:
            raise WorkbookError(f"{path} exists already: pass --force to replace it")
        if not sample:
            write_tracker(path, settings=Settings(language=words.lang))
            return words("cli.new.empty")
        from .sample import sample_data

        data = sample_data(lang=words.lang)
        write_tracker(path, data.ads, data.ledger, data.settings, data.plan)
    return words("cli.new.sample", ads=number(len(data.ads), 0, words.lang),
                 ledger=number(len(data.ledger), 0, words.lang))


@app.command(cls=Command)
def new(
    path: Path = typer.Argument(..., metavar="PATH", help="The new tracker (.xlsm; .xlsx for one without macros)."),
    sample: bool = typer.Option(False, "--sample",
                                help="Fill it with twelve months of realistic sample data, up to last month."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists, even if Excel's lock file is "
                                                      "beside it (never a read-only file)."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="LANG",
                                       help="The tracker's language: en (default) or fr — its sheets, headers, "
                                            "texts and number formats (its Language setting)."),
) -> None:
    """Create a fresh tracker from the template (refuses to replace a file unless --force)."""
    spinner = texts(lang.casefold() if lang and lang.casefold() in LANGUAGES else None)  # a bad --lang: below
    with _status(spinner("step.writing", file=path.name) + "…"):
        holds = _run(_write_new, path, sample, force, lang)
    _say(_words(lang)("cli.new", path=path, holds=holds))


@contextlib.contextmanager
def _steps(path: Path, lang: str | None) -> Iterator:
    """Progress for long work: a spinner naming the step on a terminal (in ``lang``, else in the language the
    tracker at ``path`` is written in), nothing otherwise."""
    if not err.is_terminal:
        yield lambda step: None
        return
    words = _words_for(path, lang)
    with err.status("…") as status:
        yield lambda step: status.update(f"{words.say(step)}…")


def _refresh(path: Path, out_path: Path | None, force: bool = False, lang: str | None = None):
    from .refresh import refresh as refresh_file

    with _steps(path, lang) as progress:
        result = refresh_file(path, out_path, progress=progress, force=force, notify=_say)
    _print_problems(result.tracker.warnings, _words(lang, result.tracker))
    return result


def _print_refresh(result, lang: str | None = None) -> None:
    words = _words(lang, result.tracker)
    report = result.report
    latest = (words("cli.refreshed.latest", month=words.month(parse_period(report.latest_month).first))
              if report.latest_month else words("cli.refreshed.none"))
    sheets = words.and_list([words.sheet(name) for name in OUTPUT_SHEETS])
    _say(words("cli.refreshed", path=result.path, sheets=sheets, latest=latest))
    for name in result.added:
        _say(words("cli.added_sheet", name=name))
    for kind in ("alerts", "changes", "forecast"):
        for line in report.lines.get(kind, []):
            out.print(f"  {line}", highlight=False, soft_wrap=True)


@app.command(cls=Command)
def refresh(
    paths: list[Path] = typer.Argument(..., metavar="PATH",
                                       help="A tracker workbook (.xlsm or .xlsx), or several, or folders of them."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH",
                                            help="One tracker only: write the refreshed workbook here and leave the "
                                                 "tracker as it is."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="In folders, look in their subfolders too."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N",
                                       help="Refresh N trackers at a time, each in its own process. Default: one per "
                                            "core."),
    as_json: bool = typer.Option(False, "--json", help="Print the result of every file as one JSON document."),
    force: bool = typer.Option(False, "--force", help="One tracker only: write even though Excel's lock file "
                                                      "(~$NAME) is beside the workbook: only when Excel is not "
                                                      "running."),
    lang: Optional[str] = LANG,
) -> None:
    """What the Refresh KPIs button does, without Excel: summary sheets, alerts and charts.

    The file is replaced atomically; the input sheets, the VBA project, the
    button and every sheet you added are kept byte for byte.  Refused (exit
    2) when the file is read-only or open in Excel; waits while another
    kpi-xl command writes it.

    Many trackers (several PATHs, or a folder: every .xlsm and .xlsx in it)
    are refreshed in parallel, each as it would be alone, with a progress
    bar, then one line each: refreshed; bad input (nothing written to it,
    every problem listed); skipped, open in Excel; not a tracker (a folder's
    other workbooks, left alone); or error. Exit 0: every tracker refreshed;
    2: some had bad input, were open elsewhere or could not be used (damaged,
    missing, read-only; the others are refreshed); 1: an unexpected error.
    """
    lang = _run(_language, lang).lang if lang else None
    if len(paths) == 1 and not paths[0].is_dir() and not as_json:
        result = _run(_refresh, paths[0], out_path, force, lang)
        _print_refresh(result, lang)
        return
    if out_path is not None or force:
        option = "--out" if out_path is not None else "--force"
        _run(_fail, ArgumentError(f"{option}: expected one tracker to refresh, found a folder, several PATHs or "
                                  "--json"))
    raise typer.Exit(_run(_refresh_many, paths, recursive, jobs, as_json, lang))


def _fail(error: Exception):
    raise error


# --- many trackers -------------------------------------------------------------------------------


@contextlib.contextmanager
def _progress(key: str, lang: str | None) -> Iterator[Callable | None]:
    """A progress bar (done/total, time left) on a terminal while files are done; nothing otherwise."""
    if not err.is_terminal:
        yield None
        return
    from rich import progress as bars

    with bars.Progress(bars.TextColumn("{task.description}"), bars.BarColumn(), bars.MofNCompleteColumn(),
                       bars.TimeElapsedColumn(), bars.TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task(texts(lang)(key), total=None)  # before any tracker is read: --lang, else English
        yield lambda done, total, result: bar.update(task, completed=done, total=total)


_STATUS_STYLE = {"refreshed": "", "read": "", "bad_input": "red", "locked": "yellow", "not_a_tracker": "dim",
                 "error": "bold red"}


def _print_failures(results, words) -> None:
    """Every problem of every file (with bad input, or the warnings of one done), and why each file skipped or
    failed was, one line each on stderr, the file first."""
    for r in results:
        for p in r.problems:
            _say(f"{r.path}: {words.problem(p)}")
        if r.status in ("error", "locked"):
            _say(f"{r.path}: {words.say(r.message)}")


def _print_summary(statuses: list[str], command: str, words) -> None:
    """``7 files: 5 refreshed; 1 with bad input (…); 1 not a tracker, left alone.``"""
    from .batch import STATUSES

    parts = [words.say_key(f"cli.{command}.part.{s}" if f"cli.{command}.part.{s}" in words.table
                           else f"cli.batch.part.{s}", {"n": n}) for s in STATUSES if (n := statuses.count(s))]
    _say(words("cli.batch.summary", files=words.count(len(statuses), "file"),
               parts=words.table["list.semicolon"].join(parts)))


def _print_batch(batch, words) -> None:
    """One table: file, result, latest month, net profit, alerts (or why it was not refreshed)."""
    table = Table(show_edge=False, pad_edge=False)
    for key in ("file", "result", "month", "net_profit", "alerts"):
        table.add_column(words(f"cli.batch.header.{key}"), justify="right" if key == "net_profit" else "left",
                         no_wrap=key != "alerts")
    for r in batch.results:
        if r.status == "refreshed":
            note = "\n".join(r.alerts) or words("cli.batch.no_alert")
        elif r.status == "bad_input":
            note = words("cli.batch.problems", problems=words.count(len(r.problems), "problem"))
        else:
            note = words.say(r.message)
        net = "" if r.net_profit is None else format_value("net_profit", r.net_profit, r.currency, words.lang)
        table.add_row(Text(str(r.path)), Text(words(f"batch.status.{r.status}"), style=_STATUS_STYLE[r.status]),
                      Text(r.latest_month or ""), Text(net), Text(note))
    out.print(table)
    _print_failures(batch.results, words)
    _print_summary([r.status for r in batch.results], "refresh", words)


def _refresh_many(paths: list[Path], recursive: bool, jobs: Optional[int], as_json: bool,
                  lang: Optional[str]) -> int:
    from .batch import refresh_many

    with _progress("cli.batch.refreshing", lang) as progress:
        batch = refresh_many(paths, jobs, recursive=recursive, progress=progress)
    if as_json:
        typer.echo(json.dumps(batch.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_batch(batch, texts(lang or batch.language))
    return batch.exit_code


def _portfolio(paths: list[Path], out_path: Optional[Path], recursive: bool, jobs: Optional[int],
               as_json: bool, lang: Optional[str]) -> int:
    from .batch import portfolio as read_portfolio

    if out_path is None and not as_json:
        raise ArgumentError("expected --out FILE, the portfolio workbook to write (.xlsx), or --json")
    if out_path is not None and out_path.suffix.lower() != ".xlsx":
        raise ArgumentError(f'--out "{out_path}": expected a file name ending in .xlsx, found '
                            f"{out_path.suffix or 'no extension'}")
    with _progress("cli.batch.reading", lang) as progress:
        result = read_portfolio(paths, jobs, recursive=recursive, exclude=[out_path] if out_path else [],
                                progress=progress)
    words = texts(lang or result.language)
    if out_path is not None:
        with _status(words("cli.portfolio.writing", path=out_path.name)):
            result.write(out_path, words.lang)
        currencies = ", ".join(f"{c} ({words.count(sum(t.currency == c for t in result.trackers), 'tracker')})"
                               for c in result.currencies())
        _say(words("cli.portfolio.written", trackers=words.count(len(result.trackers), "tracker"),
                   path=out_path, currencies=currencies or "—"))
    for t in result.trackers:
        for p in t.warnings:
            _say(f"{t.path}: {words.problem(p)}")
    _print_failures(result.failed, words)
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return result.exit_code
    _print_highlights(result, words)
    if result.failed:
        _print_summary(["read"] * len(result.trackers) + [r.status for r in result.failed], "portfolio", words)
    return result.exit_code


def _print_highlights(result, words) -> None:
    """The Dashboard's two lists, in words."""
    over = result.over_cac()
    if over:
        out.print(words("cli.portfolio.over_cac"), markup=False, highlight=False)
        for t, by in over:
            out.print("  " + words("cli.portfolio.over_cac.line", name=t.name,
                                   cac=format_value("cac", t.kpis["cac"], t.currency, words.lang),
                                   limit=format_value("cac", t.targets["MaxCAC"], t.currency, words.lang),
                                   over=percent_threshold(by, words.lang)),
                      markup=False, highlight=False)
    short = result.shortest_runway()
    if short:
        out.print(words("cli.portfolio.runway"), markup=False, highlight=False)
        for t in short:
            runway, cash = (format_value(k, t.kpis[k], t.currency, words.lang) for k in ("runway_months", "cash_end"))
            out.print("  " + words("cli.portfolio.runway.line", name=t.name, runway=runway, cash=cash),
                      markup=False, highlight=False)


@app.command(cls=Command)
def portfolio(
    paths: list[Path] = typer.Argument(..., metavar="PATH", help="Tracker workbooks (.xlsm or .xlsx), or folders of "
                                                                 "them."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE",
                                            help="The portfolio workbook to write (.xlsx), replaced atomically."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="In folders, look in their subfolders too."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N",
                                       help="Read N trackers at a time, each in its own process. Default: one per "
                                            "core."),
    as_json: bool = typer.Option(False, "--json", help="Print the same data as one JSON document (with or "
                                                       "without --out)."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="LANG",
                                       help="The language of the portfolio and of what this command prints: en or "
                                            "fr. Default: the trackers' Language setting if they all have the same, "
                                            "else English."),
) -> None:
    """Read many trackers, writing none of them, into one workbook that shows them side by side.

    Dashboard: the three most over their CAC limit, the three with the
    shortest runway, return on ad spend and net profit by client. Portfolio:
    one row per tracker at its latest month, coloured against its own
    targets, and one total per currency (never across currencies). Months:
    every KPI of every month of every tracker, an Excel Table for a pivot
    table or Power Query. Problems: the files not read, and why. Exit 0:
    every tracker read; 2: some had bad input or could not be used (listed,
    the workbook still written), or the portfolio file is open in Excel; 1:
    an unexpected error.
    """
    lang = _run(_language, lang).lang if lang else None
    raise typer.Exit(_run(_portfolio, paths, out_path, recursive, jobs, as_json, lang))


def _import(path: Path, files: list[Path], ads: list[Path], fec: list[Path], date: Optional[str],
            mapping: list[str], out_path: Optional[Path], dry_run: bool, force: bool = False,
            lang: str | None = None):
    from .imports import ImportOptions, import_files

    if not (files or ads or fec):
        raise ArgumentError("expected at least one file to import, with --ads (ad exports) or --fec (FEC files)")
    with _steps(path, lang) as progress:
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
    lang: Optional[str] = LANG,
) -> None:
    """Append rows from ad exports (to Ads) and FEC files (to Ledger), skipping rows already there.

    Every file is checked first: any malformed line, unknown format or
    currency other than the tracker's is listed as file:line and nothing is
    written.  The file is replaced atomically; everything but the two tables
    is kept byte for byte.
    """
    _run(_language, lang)
    result = _run(_import, path, files or [], ads or [], fec or [], date, mapping or [], out_path, dry_run, force,
                  lang)
    words = texts(lang.casefold() if lang else result.language)
    _print_problems(result.warnings, words)
    # Counts are passed as numbers: each language formats them, and agrees its words with them (Texts.say_key).
    say = lambda key, **params: words.say_key(key, params, result.currency)  # noqa: E731
    for f in result.files:
        _say(say("cli.import.file", path=f.path, format=words.say(f.format), details=words.say(f.details),
                 lines=words.count(f.lines, "line"), number=f.rows, rows=words.noun(f.rows, "row"),
                 table=words.sheet(f.table), added=f.added, skipped=f.skipped))
        for note in f.notes:
            _say(f"  {words.say(note, result.currency)}")
        for warning in f.warnings:
            _say("  " + words("cli.import.warning", text=words.say(warning, result.currency)))
    counts = say("cli.import.counts", ads=result.added("Ads"), ledger=result.added("Ledger"))
    skipped = result.skipped("Ads") + result.skipped("Ledger")
    if dry_run:
        _say(say("cli.import.dry_run", counts=counts, skipped=skipped))
    elif result.written:
        _say(say("cli.import.done", path=result.path, counts=counts, skipped=skipped))
    else:
        _say(say("cli.import.nothing", path=result.path, skipped=skipped))


@app.command(cls=Command)
def demo(
    out_path: Path = typer.Option(Path("kpi-demo.xlsm"), "--out", "-o", metavar="PATH",
                                  help="Where to write the demo tracker (replaced if it exists)."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="LANG",
                                       help="The demo tracker's language, and its summary's: en (default) or fr."),
) -> None:
    """Build a tracker from built-in sample data, refresh it, and summarise it.

    The sample covers the twelve months up to the last complete one. The
    summary puts its story month (the month the lead form changed) beside
    the month before, and the whole twelve months.
    """
    from .sample import sample_data
    from .workbook import write_tracker

    words = _run(_words, lang)
    data = sample_data(lang=words.lang)

    def write_demo():
        with writing(out_path, command="kpi-xl demo", notify=_say, offers=()):
            with _status(words("step.demo") + "…"):
                write_tracker(out_path, data.ads, data.ledger, data.settings, data.plan)
            return _refresh(out_path, None, lang=words.lang)

    result = _run(write_demo)  # its refresh shows its own steps
    _print_refresh(result, words.lang)
    tracker = result.tracker
    story, before = data.story_month, data.before_story
    name = {m: words.month(parse_period(m).first) for m in (story, before)}
    span = words("demo.span", first=words.month(parse_period(data.first_month).first),
                 last=words.month(parse_period(data.last_month).first))
    columns = {name[story]: tracker.kpis(story), name[before]: tracker.kpis(before), span: tracker.kpis()}
    out.print()
    currency = tracker.settings.currency
    out.print(kpi_table(columns, currency, words=words,
                        title=words("demo.title", file=out_path.name, story=name[story], before=name[before],
                                    span=span)))
    a, b = columns[name[before]], columns[name[story]]
    out.print("\n" + words("demo.sentence", story=name[story], before=name[before],
                           cpl=_change(a["cpl"], b["cpl"], words), cpc=_change(a["cpc"], b["cpc"], words),
                           cac=_change(a["cac"], b["cac"], words),
                           profit_before=format_value("net_profit", a["net_profit"], currency, words.lang),
                           profit_after=format_value("net_profit", b["net_profit"], currency, words.lang)),
              highlight=False, soft_wrap=True)


def _change(before: Value, after: Value, words=None) -> str:
    """A relative change as the Dashboard writes it, with a true minus sign.

    >>> _change(10.0, 21.0), _change(10.0, 8.8), _change(0.0, 5.0)
    ('+110%', '−12%', 'from — to —')
    """
    words = words or texts()
    if before is None or after is None or before == 0:
        return words("demo.undefined")
    return signed_percent((after - before) / abs(before), words.lang)


def _print_findings(findings, words=None) -> None:
    words = words or texts()
    for f in findings:
        severity = words.table.get(f"doctor.severity.{f.severity}", f.severity)
        out.print(words("cli.doctor.finding", severity=severity, part=f.part, message=words.say(f.message)),
                  markup=False, highlight=False, soft_wrap=True)
        if f.meaning:
            out.print(f"  {words.say(f.meaning)}", markup=False, highlight=False, soft_wrap=True, style="dim")


def _doctor(path: Path, fix: bool, out_path: Optional[Path], lang: str | None = None, force: bool = False) -> int:
    from .doctor import VBA_PART, diagnose, language, repair

    words = _words(lang) if lang is not None else texts(language(path) if path.is_file() else None)
    name = path.name
    with _status(words("step.checking", file=name) + "…"):  # no workbook at all: bad input (exit 2), not a finding
        result = repair(path, out_path, force=force, notify=_say) if fix else None
        diagnosis = result.after if result else diagnose(path)
    if result is not None:
        if result.fixed:
            _say(words("cli.doctor.fixed", file=out_path or path))
            for line in result.fixed:
                _say(f"  {words.say(line)}")
        else:
            _say(words("cli.doctor.nothing_fixed", file=name))
    if diagnosis.findings:
        _say(words("cli.doctor.left" if result and result.fixed else "cli.doctor.findings", file=name,
                   n=len(diagnosis.findings)))
        _print_findings(diagnosis.findings, words)
        if diagnosis.user_code and any(f.part == VBA_PART for f in diagnosis.findings):
            _say(words("cli.doctor.user_code", modules=", ".join(diagnosis.user_code)))
        if not fix:
            _say(words("cli.doctor.hint", file=name))
    if diagnosis.input_problems:
        raise InputError(diagnosis.input_problems, words.lang)
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
    lang: Optional[str] = LANG,
) -> None:
    """Check a tracker as Excel would read it: what Excel would repair, refuse or misread, and why.

    Exit 0: nothing found; 1: findings (those --fix could not repair, with
    --fix); 2: the tracker's input is invalid, or the file is no workbook.
    """
    _run(_language, lang)
    code = _run(_doctor, path, fix, out_path, lang, force)
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
    _asked["lang"] = None  # each command says its problems in its own --lang


def main() -> None:  # the console script
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
