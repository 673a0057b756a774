"""Where `kpi-xl kpis` spends its time on the big tracker, measured from outside kpi_xl.

    python bench/profile_kpis.py [--file F]              # timers around kpi_xl's functions
    python bench/profile_kpis.py --cprofile [--top 30]   # cProfile of the same call, by cumulative time
    python bench/profile_kpis.py --alternatives          # what some changes would cost instead

Nothing in kpi_xl is edited: the timers replace module attributes in this
process only (inclusive seconds, call counts, nested as called).  The CLI's
own work (typer, rich, JSON) is timed by running ``kpi_xl.cli.app`` in
process.  ``--alternatives`` runs each candidate in a fresh child process
(so that no cache or allocator state is shared) and prints wall s and peak
RSS for it.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import statistics
import subprocess
import sys
import time
import types
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).parent
_T0 = time.perf_counter()

# --- timers ---------------------------------------------------------------------

_stack: list[str] = []
_totals: dict[tuple[str, ...], list[float]] = {}  # path → [seconds, calls]
_order: list[tuple[str, ...]] = []


def _timed(label: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _stack.append(label)
        path = tuple(_stack)
        if path not in _totals:
            _totals[path] = [0.0, 0]
            _order.append(path)
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _totals[path][0] += time.perf_counter() - t
            _totals[path][1] += 1
            _stack.pop()
    return wrapper


def patch(owner, name: str, label: str | None = None) -> None:
    setattr(owner, name, _timed(label or f"{getattr(owner, '__name__', owner)}.{name}", getattr(owner, name)))


def instrument() -> None:
    import fastexcel
    import python_calamine

    from kpi_xl import cli, reader, tracker

    patch(reader, "read_package", "package.read_package (zip metadata)")
    patch(fastexcel, "read_excel", "fastexcel.read_excel (open: workbook, styles, shared strings)")

    class TimedCalamine:  # a shim module: CalamineWorkbook is a Rust type, its methods cannot be replaced
        class CalamineWorkbook:
            from_path = staticmethod(_timed("python_calamine.CalamineWorkbook.from_path (open again)",
                                            python_calamine.CalamineWorkbook.from_path))

    reader.python_calamine = types.SimpleNamespace(CalamineWorkbook=TimedCalamine.CalamineWorkbook)
    patch(reader.FileSource, "_grid", "FileSource._grid (calamine: open + Settings sheet to_python)")
    patch(reader.FileSource, "load", "FileSource.load (fastexcel load_table, all-row types, to_polars)")
    patch(reader, "FileSource", "FileSource.__init__")
    patch(reader, "read_settings")
    patch(reader, "read_table")
    patch(reader, "_to_typed", "_to_typed (cast to the internal dtype)")
    patch(reader, "_slow_column", "_slow_column (cell by cell)")
    patch(reader, "_check_rows", "_check_rows (validation filters)")
    patch(reader, "_ads_frame")
    patch(reader, "_ledger_frame")
    patch(reader, "Tracker", "Tracker.__init__")
    patch(tracker.Tracker, "_aggregate_ads", "Tracker._aggregate_ads")
    patch(tracker.Tracker, "_aggregate_ledger", "Tracker._aggregate_ledger")
    patch(tracker, "_group_sums")
    patch(tracker.Tracker, "kpis", "Tracker.kpis")
    patch(reader, "read_tracker")
    patch(cli, "read_tracker", "reader.read_tracker")


def run_cli(path: str) -> None:
    from kpi_xl import cli
    buf = io.StringIO()
    with redirect_stdout(buf):
        try:
            cli.app(["kpis", path, "--json"], standalone_mode=False)
        except SystemExit as e:
            if e.code:
                raise
    assert json.loads(buf.getvalue())


def report_timers(total: float, imports: float) -> None:
    print(f"| step | calls | s | % of {total:.2f} s |")
    print("|---|---:|---:|---:|")
    print(f"| interpreter start → `import kpi_xl.cli` done (typer, rich, polars, fastexcel…) | 1 | {imports:.2f} | "
          f"{imports / total:.0%} |")
    for path in _order:
        seconds, calls = _totals[path]
        print(f"| {'&nbsp;' * 4 * (len(path) - 1)}{path[-1]} | {calls} | {seconds:.2f} | {seconds / total:.0%} |")


def timers(path: str) -> None:
    t = time.perf_counter()
    import kpi_xl.cli  # noqa: F401
    imports = time.perf_counter() - _T0  # perf_counter's origin is unspecified: measure from this module's start
    instrument()
    t = time.perf_counter()
    run_cli(path)
    work = time.perf_counter() - t
    covered = sum(s for p, (s, _) in _totals.items() if len(p) == 1)
    report_timers(imports + work, imports)
    print(f"| (cli: typer parsing, status spinner, JSON — not in a timer above) | 1 | {work - covered:.2f} | "
          f"{(work - covered) / (imports + work):.0%} |")
    print(f"\ntotal in process: {imports + work:.2f} s (import {imports:.2f} s + `kpis` {work:.2f} s); "
          "the interpreter's own start (≈ 0.02 s) is not in it")


def cprofile(path: str, top: int) -> None:
    import cProfile
    import pstats

    import kpi_xl.cli  # noqa: F401
    prof = cProfile.Profile()
    prof.enable()
    run_cli(path)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


# --- alternatives ----------------------------------------------------------------

_ALT_PRE = "import sys, time, resource, json\nimport polars  # imported before the clock starts, in every variant\n"
_ALT_POST = ("\nprint(json.dumps({'s': time.perf_counter() - _t, "
             "'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n")
ALTERNATIVES = {
    "reference: fastexcel open + Ads + Ledger, types from all rows (what kpi_xl's read costs at least)": """
import fastexcel
_t = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
r.load_table("Ads", schema_sample_rows=None).to_polars()
r.load_table("Ledger", schema_sample_rows=None).to_polars()
""",
    "python-calamine: open the workbook (what FileSource._grid pays before reading Settings)": """
import python_calamine
_t = time.perf_counter()
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
""",
    "python-calamine: open + Settings sheet to_python (all of FileSource._grid)": """
import python_calamine
_t = time.perf_counter()
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
grid = book.get_sheet_by_name("Settings").to_python(skip_empty_area=False)
""",
    "fastexcel: open only (read_excel)": """
import fastexcel
_t = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
""",
    "fastexcel: the 10 Settings cells through the reader already open, one 1×1 load_sheet each": """
import fastexcel
r = fastexcel.read_excel(sys.argv[1])
_t = time.perf_counter()
values = {}
for i in range(10):
    frame = r.load_sheet("Settings", header_row=None, skip_rows=3 + i, n_rows=1, use_columns=[0, 1],
                         schema_sample_rows=1).to_polars()
    values[frame[0, 0]] = (frame.dtypes[1], frame[0, 1])
assert len(values) == 10, values
print(values, file=sys.stderr)
""",
    ("fastexcel: Ads + Ledger with the types given (dtypes=…, no inference; "
     "NOT an option: a text cell in a number column silently becomes null)"): """
import fastexcel
_t = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
ads = {"Date": "datetime", "Channel": "string", "Campaign": "string", **{h: "float" for h in
       ("Impressions", "Clicks", "Spend", "Leads", "Calls", "Customers", "Revenue")}}
led = {"Date": "datetime", "Label": "string", "Category": "string", "Type": "string", "Amount": "float"}
r.load_table("Ads", dtypes=ads).to_polars()
r.load_table("Ledger", dtypes=led).to_polars()
""",
    "fastexcel: Ledger without the Label column (use_columns: the KPIs never use it)": """
import fastexcel
_t = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
r.load_table("Ads", schema_sample_rows=None).to_polars()
r.load_table("Ledger", schema_sample_rows=None, use_columns=["Date", "Category", "Type", "Amount"]).to_polars()
""",
    "kpi_xl.read_tracker(path).kpis() as it is": """
import kpi_xl
_t = time.perf_counter()
kpi_xl.read_tracker(sys.argv[1]).kpis()
""",
    "kpi_xl.read_tracker(path).kpis(), Settings read through fastexcel (FileSource.setting monkeypatched)": """
import kpi_xl
from kpi_xl import reader
from kpi_xl.ooxml.cells import cell_name
def setting(self, name):  # the 1x1 load_sheet above instead of python-calamine
    defined = self.package.name(name)
    if defined is None:
        return None
    cell = defined.single_cell()
    if defined.sheet not in self.package.sheets or cell is None:
        return f"{defined.sheet}!{defined.ref}"
    row, col = cell
    frame = self.reader.load_sheet(defined.sheet, header_row=None, skip_rows=row, n_rows=1, use_columns=[col],
                                   schema_sample_rows=1).to_polars()
    raw = frame[0, 0] if frame.height else None
    return f"{defined.sheet}!{cell_name(row, col)}", raw
reader.FileSource.setting = setting
_t = time.perf_counter()
t = kpi_xl.read_tracker(sys.argv[1])
assert t.settings.max_cpl == 60.0 and t.settings.opening_date.year == 2024, t.settings
t.kpis()
""",
    "kpi_xl after the read: validation + aggregation on frames already in memory": """
import fastexcel, kpi_xl
from kpi_xl import reader
r = fastexcel.read_excel(sys.argv[1])
frames = {t: r.load_table(t, schema_sample_rows=None).to_polars() for t in ("Ads", "Ledger")}
class Mem(reader.FileSource):
    def load(self, table, columns):
        return frames[table.name].select(columns)
    def _grid(self, sheet):  # Settings from python-calamine, timed apart above
        return [[""] * 3] * 3 + [[n, v, ""] for n, v in SETTINGS]
import datetime as dt
SETTINGS = [("Currency", "EUR"), ("OpeningCash", 25000.0), ("OpeningDate", dt.datetime(2024, 1, 1)),
            ("TargetROAS", 2.0), ("MaxCAC", 600.0), ("MaxCPL", 60.0), ("MinCTR", 0.008),
            ("MinGrossMargin", 0.5), ("ReserveMonths", 3.0), ("ForecastMonths", 6.0)]
src = Mem(__import__("pathlib").Path(sys.argv[1]))
_t = time.perf_counter()
tracker, problems = reader.check_source(src)
assert tracker is not None, problems
tracker.kpis()
""",
}


def alternatives(path: str, repeat: int) -> None:
    runs: dict[str, list[dict]] = {label: [] for label in ALTERNATIVES}
    notes: dict[str, str] = {}
    for _ in range(repeat):  # round-robin, so that a slow minute on the machine hits every variant
        for label, code in ALTERNATIVES.items():
            out = subprocess.run([sys.executable, "-c", _ALT_PRE + code + _ALT_POST, path],
                                 capture_output=True, text=True, check=False)
            if out.returncode:
                raise SystemExit(f"{label}: failed\n{out.stderr}")
            runs[label].append(json.loads(out.stdout.strip().splitlines()[-1]))
            if out.stderr.strip():
                notes[label] = out.stderr.strip()
    print("| alternative (each in a fresh process; clock started after imports) | s (median) | peak RSS MB |")
    print("|---|---:|---:|")
    for label, rs in runs.items():
        print(f"| {label} | {statistics.median(r['s'] for r in rs):.2f} | "
              f"{statistics.median(r['rss'] for r in rs):,.0f} |")
    for label, note in notes.items():
        print(f"\n{label}:\n  {note}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=HERE / "out" / "big.xlsx")
    p.add_argument("--cprofile", action="store_true")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--alternatives", action="store_true")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    if a.cprofile:
        cprofile(str(a.file), a.top)
    elif a.alternatives:
        alternatives(str(a.file), a.repeat)
    else:
        timers(str(a.file))


if __name__ == "__main__":
    main()
