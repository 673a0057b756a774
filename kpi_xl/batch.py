"""Many trackers at once: find them in folders, refresh or read them in a pool of processes, one record each.

The unit of work is one file.  Trackers are independent, so a batch is the
same work as one tracker, done for each file by a worker process: a refresh
calls :func:`kpi_xl.refresh.refresh` on it, atomic write included (and the
lock every write takes, once there is one), a portfolio reads it with
:func:`kpi_xl.reader.check_source` and computes its months.  Whatever happens
to a file becomes a :class:`FileResult` (or, read, a :class:`TrackerSummary`),
never an exception, so that one broken tracker neither stops nor hides the
others: every problem of every file is in the result.

The same unit scales past one machine: any batch runner that starts one
``kpi-xl refresh FILE`` per file does what this pool does (see "Many
trackers" in the README).

>>> exit_code([FileResult(Path("a.xlsm"), REFRESHED), FileResult(Path("notes.xlsx"), NOT_TRACKER)])
0
>>> exit_code([FileResult(Path("a.xlsm"), REFRESHED), FileResult(Path("b.xlsm"), BAD_INPUT)])
2
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import analysis
from .errors import ArgumentError, InputError, KpiXlError, Problem, WorkbookError
from .files import Busy, open_elsewhere
from .formatting import clean_number
from .layout import PORTFOLIO_TOTAL_IDS, TARGETS
from .metrics import KPI_IDS, Value
from .periods import month_label
from .texts import Message, texts
from .tracker import Tracker

TRACKER_SUFFIXES = (".xlsm", ".xlsx")
"""What a folder's files must end with to be taken for trackers."""

REFRESHED, READ = "refreshed", "read"
BAD_INPUT = "bad_input"
"""The tracker's input is invalid (every problem listed): nothing was written to it."""
LOCKED = "locked"
"""Skipped because another program has the file open (Excel, LibreOffice) or it is locked."""
NOT_TRACKER = "not_a_tracker"
"""A workbook found in a folder that holds no `Ads` or `Ledger` table: left alone."""
ERROR = "error"
"""The file could not be read as a workbook (missing, damaged), or something failed unexpectedly."""
STATUSES = (REFRESHED, READ, BAD_INPUT, LOCKED, NOT_TRACKER, ERROR)
"""Every result a file can have (their words are texts ``batch.status.<status>``)."""

LOCK_ERRORS: tuple[type[BaseException], ...] = (Busy,)
"""The errors that mean "locked: try again later" when raised by a refresh: another kpi-xl command has been
writing the tracker for longer than the refresh waits (:func:`kpi_xl.files.writing`).  A tracker open in Excel
or LibreOffice (:func:`kpi_xl.files.open_elsewhere`) is skipped before the refresh starts."""


# --- which files -------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A file to work on: named by the user (``named``), or found in a folder they named."""

    path: Path
    named: bool


def _candidate(path: Path, folder: Path) -> bool:
    """A folder's file that may be a tracker: .xlsm or .xlsx, not hidden, not a lock file (``~$…``)."""
    parts = path.relative_to(folder).parts
    return (path.suffix.lower() in TRACKER_SUFFIXES and not any(p.startswith((".", "~$")) for p in parts)
            and path.is_file())


def find_trackers(paths: Iterable[str | Path], recursive: bool = False,
                  exclude: Iterable[str | Path] = ()) -> list[Found]:
    """Every file to work on, in order: each path named, and the .xlsm and .xlsx files of each folder named
    (of its subfolders too with ``recursive``), by name; each file once; none of ``exclude``.

    Raises :class:`~kpi_xl.errors.ArgumentError` when there is none at all.
    """
    paths = [Path(p) for p in paths]
    seen = {Path(p).resolve() for p in exclude}
    found: list[Found] = []
    for path in paths:
        if path.is_dir():
            files = path.rglob("*") if recursive else path.iterdir()
            items = [Found(f, False) for f in sorted((f for f in files if _candidate(f, path)),
                                                     key=lambda f: [p.casefold() for p in f.relative_to(path).parts])]
        else:
            items = [Found(path, True)]
        for item in items:
            key = item.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(item)
    if not found:
        where = ", ".join(str(p) for p in paths) or "no path"
        raise ArgumentError(f"expected at least one tracker (.xlsm or .xlsx), found none in {where}"
                            + ("" if recursive else " (--recursive looks in subfolders)"))
    return found


def is_tracker(path: Path) -> bool:
    """Whether a workbook holds an `Ads` or `Ledger` table (a tracker, however broken), else it is some other
    workbook (False also when it cannot be read at all)."""
    from .ooxml.package import read_package

    try:
        package = read_package(path)
    except KpiXlError:
        return False
    return package.table("Ads") is not None or package.table("Ledger") is not None


# --- what happened to each file ------------------------------------------------------


def _problem_json(p: Problem) -> dict[str, str]:
    return {"where": str(p.where), "message": str(p.message), "severity": p.severity}


@dataclass(frozen=True)
class FileResult:
    """What happened to one file of a batch (a refresh, or a portfolio's read that did not give a tracker)."""

    path: Path
    status: str  # one of STATUSES
    latest_month: str | None = None
    currency: str | None = None
    net_profit: Value = None  # of the latest month
    alerts: tuple[str, ...] = ()  # those in force in the latest month, in words
    problems: tuple[Problem, ...] = ()  # bad input: every problem; otherwise the warnings
    message: str = ""  # why it was skipped or failed
    added: tuple[str, ...] = ()  # output sheets the tracker lacked (a refresh added them)
    language: str | None = None  # the tracker's Language, when it was read
    unusable: bool = False  # an error because the file cannot be used (damaged, missing, read-only): exit 2, not 1

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "result": self.status, "latest_month": self.latest_month,
                "currency": self.currency, "net_profit": clean_number(self.net_profit), "alerts": list(self.alerts),
                "problems": [_problem_json(p) for p in self.problems], "message": self.message,
                "added_sheets": list(self.added)}


def exit_code(results: Iterable[FileResult]) -> int:
    """As one command's: 1 if any file failed unexpectedly, else 2 if any had bad input, was skipped as locked or
    could not be used (damaged, missing, not a workbook, read-only: an error that is the file's), else 0.

    A folder's workbooks that are no trackers do not count.
    """
    results = list(results)
    if any(r.status == ERROR and not r.unusable for r in results):
        return 1
    return 2 if any(r.status in (BAD_INPUT, LOCKED) or r.unusable for r in results) else 0


def _error(path: Path, e: BaseException) -> FileResult:
    message = str(e) if isinstance(e, KpiXlError) else f"{type(e).__name__}: {e}"
    message = getattr(e, "reason", None) or message.removeprefix(f"{path}: ")  # the record names the file already
    if os.environ.get("KPI_XL_DEBUG"):
        message += "\n" + "".join(traceback.format_exception(e))
    return FileResult(path, ERROR, message=message, unusable=isinstance(e, WorkbookError))


def _invalid(item: Found, error: InputError) -> FileResult:
    """A file whose input did not validate: bad input (its problems, and its language to say them in), or (found
    in a folder, no Ads or Ledger) no tracker."""

    if not item.named and not is_tracker(item.path):
        return FileResult(item.path, NOT_TRACKER, message=Message("batch.not_a_tracker"))
    return FileResult(item.path, BAD_INPUT, problems=tuple(error.problems), language=error.lang)


def _latest(tracker: Tracker) -> tuple[str | None, Value, tuple[str, ...]]:
    """The latest month, its net profit and its alerts (in the tracker's language)."""
    month = analysis.latest_month(tracker)
    if month is None:
        return None, None, ()
    label = month_label(month)
    alerts = analysis.alerts(tracker, month, texts(tracker.settings.language))
    return label, tracker.kpis(label, ids=["net_profit"])["net_profit"], tuple(alerts)


def language(languages: Iterable[str | None]) -> str:
    """The language to report many trackers in: the one they all have, else English."""
    found = {lang for lang in languages if lang}
    return found.pop() if len(found) == 1 else "en"


# --- the pool ----------------------------------------------------------------------------


def default_jobs() -> int:
    """The processes a batch uses by default: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_start(parent: int) -> None:
    """In a worker: leave Ctrl-C to the batch (which lets the file being written finish, then stops the worker),
    and exit once the batch's process is gone (killed), rather than wait for work for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="kpi_xl-watch-parent", daemon=True).start()


@contextlib.contextmanager
def _terminate_as_interrupt():
    """While a batch runs, SIGTERM (a service stopping, a time limit) stops it as Ctrl-C does: the files running
    finish (and the one the pool already queued), no other is started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _main_without_missing_file():
    """While workers start: a new process imports the main script again from its file, to find what it defines;
    a script read from stdin (``python -``) says its file is ``<stdin>``, which no process can import, so every
    worker would die.  Such a file is hidden meanwhile (as for ``python -c`` or a notebook, which have none)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or os.path.exists(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


Progress = Callable[[int, int, Any], None]
"""``progress(done, total, result)``: called in the calling process as each file is done."""


def run_parallel(work: Callable[[Found], Any], items: Sequence[Found], jobs: int | None = None,
                 progress: Progress | None = None) -> list[Any]:
    """``work(item)`` for every item, by ``jobs`` worker processes; the results in the items' order.

    ``work`` must never raise (it returns a record) and be importable by a
    new process (a module-level function, or a ``functools.partial`` of one):
    workers are started afresh ("spawn"), not forked from this process, whose
    polars threads a fork would copy in whatever state they are.  With one job
    (or one item) everything runs in this process.

    A worker that dies (killed, out of memory) takes the pool with it: every
    file not done by then gets an error record saying so (each write being
    atomic, none of them is half written), those done stand.  SIGTERM stops
    the batch as Ctrl-C does, and a worker whose batch was killed exits.
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ArgumentError(f"--jobs: expected a number of processes ≥ 1, found {jobs}")
    total = len(items)
    say = progress or (lambda done, total, result: None)
    results: list[Any] = [None] * total
    if jobs == 1 or total <= 1:
        for i, item in enumerate(items):
            results[i] = work(item)
            say(i + 1, total, results[i])
        return results
    with _terminate_as_interrupt(), ProcessPoolExecutor(min(jobs, total), multiprocessing.get_context("spawn"),
                                                        initializer=_worker_start, initargs=(os.getpid(),)) as pool:
        with _main_without_missing_file():  # the workers start as work is submitted
            futures = {pool.submit(work, item): i for i, item in enumerate(items)}
        try:
            for done, future in enumerate(as_completed(futures), 1):
                i = futures[future]
                try:
                    results[i] = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory): no file left is done
                    results[i] = FileResult(items[i].path, ERROR, message=Message("batch.worker_died"))
                except Exception as e:
                    results[i] = _error(items[i].path, e)
                say(done, total, results[i])
        except BaseException:  # Ctrl-C: start no other file (each write is atomic: no file is left half written)
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


# --- refresh many --------------------------------------------------------------------------


def refresh_file(item: Found, today: dt.date) -> FileResult:
    """Refresh one tracker in place, as ``kpi-xl refresh FILE`` does, and say what happened."""
    from .refresh import refresh

    lock = open_elsewhere(item.path)
    if lock is not None:
        program = "excel" if lock.name.startswith("~$") else "libreoffice"
        return FileResult(item.path, LOCKED, message=Message(f"batch.locked.{program}", lock=lock.name))
    try:
        result = refresh(item.path, today=today)
        latest, net_profit, alerts = _latest(result.tracker)
    except LOCK_ERRORS as e:
        return FileResult(item.path, LOCKED, message=getattr(e, "reason", None) or str(e))
    except InputError as e:
        return _invalid(item, e)
    except Exception as e:  # a record, never an exception: the other files go on
        return _error(item.path, e)
    return FileResult(item.path, REFRESHED, latest, result.tracker.settings.currency, net_profit, alerts,
                      tuple(result.tracker.warnings), added=tuple(result.added),
                      language=result.tracker.settings.language)


@dataclass
class BatchResult:
    """What a batch did, file by file, in the order the files were named and found."""

    results: list[FileResult]

    @property
    def exit_code(self) -> int:
        return exit_code(self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def language(self) -> str:
        """The language the trackers refreshed or found invalid share (English if they differ, or none was read)."""
        return language(r.language for r in self.results)

    def as_json(self) -> dict[str, Any]:
        return {"trackers": [r.as_json() for r in self.results],
                "summary": {**{s: self.count(s) for s in STATUSES if s != READ}, "exit": self.exit_code}}


def refresh_many(paths: Iterable[str | Path], jobs: int | None = None, *, recursive: bool = False,
                 today: dt.date | None = None, progress: Progress | None = None) -> BatchResult:
    """Refresh every tracker named or found in the folders named, ``jobs`` at a time (default: one per core).

    Each tracker is refreshed as ``kpi-xl refresh FILE`` would, atomically,
    and written only if its input is valid; one with bad input, one open in
    Excel, a workbook in a folder that is no tracker, a damaged file each get
    their record and the others are refreshed.  ``today`` (the refresh date
    written on every Dashboard) is read once, for all of them.
    """
    items = find_trackers(paths, recursive)
    work = functools.partial(refresh_file, today=today or dt.date.today())
    return BatchResult(run_parallel(work, items, jobs, progress))


# --- read many: the portfolio's data ---------------------------------------------------------


@dataclass(frozen=True)
class TrackerSummary:
    """One tracker as a portfolio shows it: its latest month, its targets and every month's KPIs."""

    path: Path
    name: str  # its Business setting, else the file's name
    currency: str
    latest_month: str | None  # None: no data yet
    kpis: dict[str, Value]  # every KPI of the latest month ({} without data)
    targets: dict[str, float | None]  # each alert target by its Settings name (None: blank, no alert)
    reserve: float | None  # ReserveMonths × the latest month's fixed costs: the cash alert's line
    alerts: tuple[str, ...]  # the alerts in force in the latest month, in words
    months: tuple[tuple[str, tuple[Value, ...]], ...]  # every month, first to latest: (2026-03, KPIs in KPI_IDS order)
    warnings: tuple[Problem, ...] = ()
    language: str = "en"  # its Language setting: the language of its alerts

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "name": self.name, "currency": self.currency,
                "latest_month": self.latest_month, "kpis": {k: clean_number(v) for k, v in self.kpis.items()},
                "targets": self.targets, "reserve": clean_number(self.reserve), "alerts": list(self.alerts),
                "months": [{"month": m, **{k: clean_number(v) for k, v in zip(KPI_IDS, values, strict=True)}}
                           for m, values in self.months],
                "warnings": [_problem_json(p) for p in self.warnings]}


def summarise(tracker: Tracker, path: Path) -> TrackerSummary:
    """A valid tracker's line of the portfolio."""
    name = tracker.settings.business or path.stem
    targets = {t.setting: analysis.target_value(tracker, t) for t in TARGETS}
    months = tracker.months()
    currency = tracker.settings.currency
    lang = tracker.settings.language
    if not months:
        return TrackerSummary(path, name, currency, None, {}, targets, None, (), (), tuple(tracker.warnings), lang)
    rows = []
    for m in range(months[0], months[-1] + 1):
        values = tracker.kpis(month_label(m))
        rows.append((month_label(m), tuple(values[k] for k in KPI_IDS)))
    latest = months[-1]
    alerts = tuple(analysis.alerts(tracker, latest, texts(lang)))
    return TrackerSummary(path, name, currency, month_label(latest), values, targets,
                          analysis.reserve(tracker, latest), alerts, tuple(rows), tuple(tracker.warnings), lang)


def read_file(item: Found) -> TrackerSummary | FileResult:
    """Read and validate one tracker (writing nothing): its summary, or what is wrong with it."""
    from .reader import FileSource, validate

    try:
        return summarise(validate(FileSource(item.path)), item.path)
    except InputError as e:
        return _invalid(item, e)
    except Exception as e:  # a record, never an exception: the other files go on
        return _error(item.path, e)


@dataclass(frozen=True)
class Total:
    """The sums of one currency's trackers (each tracker's latest month)."""

    currency: str
    trackers: int
    sums: dict[str, float]  # by KPI id (layout.PORTFOLIO_TOTAL_IDS)
    months: tuple[str, str]  # the earliest and the latest of those latest months

    def as_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "trackers": self.trackers, "first_latest_month": self.months[0],
                "last_latest_month": self.months[1], **{k: clean_number(v) for k, v in self.sums.items()}}


@dataclass
class Portfolio:
    """Many trackers side by side: those read (in the order named and found), and the files that failed."""

    trackers: list[TrackerSummary]
    failed: list[FileResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return exit_code(self.failed)

    @property
    def language(self) -> str:
        """The language the trackers read share (English if they differ, or none was read)."""
        return language(t.language for t in self.trackers)

    def currencies(self) -> list[str]:
        """The currencies of the trackers read, in order of appearance."""
        return list(dict.fromkeys(t.currency for t in self.trackers))

    def totals(self) -> list[Total]:
        """One total per currency (never one across currencies), over the trackers with data."""
        totals = []
        for currency in self.currencies():
            lines = [t for t in self.trackers if t.currency == currency and t.latest_month]
            if lines:
                sums = {k: sum(t.kpis[k] for t in lines if t.kpis[k] is not None) for k in PORTFOLIO_TOTAL_IDS}
                months = sorted(t.latest_month for t in lines)
                totals.append(Total(currency, len(lines), sums, (months[0], months[-1])))
        return totals

    def over_cac(self, n: int = 3) -> list[tuple[TrackerSummary, float]]:
        """The ``n`` trackers most over their own CAC limit (`MaxCAC`), with how far over (0.25: 25 % over)."""
        over = []
        for t in self.trackers:
            cac, limit = t.kpis.get("cac"), t.targets.get("MaxCAC")
            if cac is not None and limit and cac > limit:
                over.append((t, cac / limit - 1))
        return sorted(over, key=lambda pair: -pair[1])[:n]

    def shortest_runway(self, n: int = 3) -> list[TrackerSummary]:
        """The ``n`` trackers with the fewest months of cash left (those burning cash: others have no runway)."""
        burning = [t for t in self.trackers if t.kpis.get("runway_months") is not None]
        return sorted(burning, key=lambda t: t.kpis["runway_months"])[:n]

    def as_json(self) -> dict[str, Any]:
        return {
            "trackers": [t.as_json() for t in self.trackers],
            "totals": [t.as_json() for t in self.totals()],
            "dashboard": {
                "over_cac": [{"file": str(t.path), "name": t.name, "currency": t.currency,
                              "cac": clean_number(t.kpis["cac"]), "max_cac": t.targets["MaxCAC"],
                              "over": clean_number(over)} for t, over in self.over_cac()],
                "shortest_runway": [{"file": str(t.path), "name": t.name, "currency": t.currency,
                                     "runway_months": clean_number(t.kpis["runway_months"]),
                                     "cash_end": clean_number(t.kpis["cash_end"])} for t in self.shortest_runway()],
            },
            "problems": [r.as_json() for r in self.failed],
            "summary": {"read": len(self.trackers), **{s: sum(1 for r in self.failed if r.status == s)
                                                       for s in (BAD_INPUT, NOT_TRACKER, ERROR)},
                        "currencies": self.currencies(), "exit": self.exit_code},
        }

    def write(self, path: str | Path, lang: str | None = None) -> Path:
        """Write the portfolio workbook (atomically) in ``lang`` (default: :attr:`language`): see
        :mod:`kpi_xl.portfolio_workbook`."""
        from .portfolio_workbook import write_portfolio

        return write_portfolio(self, path, words=texts(lang or self.language))


def portfolio(paths: Iterable[str | Path], jobs: int | None = None, *, recursive: bool = False,
              exclude: Iterable[str | Path] = (), progress: Progress | None = None) -> Portfolio:
    """Read every tracker named or found in the folders named, ``jobs`` at a time, writing none of them.

    A tracker that fails validation is in ``failed`` with every problem; so
    is a damaged file, and a folder's workbook that is no tracker.
    ``exclude`` (the portfolio workbook itself, say) is never read.
    """
    items = find_trackers(paths, recursive, exclude)
    results = run_parallel(read_file, items, jobs, progress)
    return Portfolio([r for r in results if isinstance(r, TrackerSummary)],
                     [r for r in results if isinstance(r, FileResult)])
