"""`kpi-xl kpis --json` on a tracker at Excel's row limit, against a bare fastexcel read.

    python bench/make_big_tracker.py          # once: bench/out/big.xlsx
    python bench/bench_kpis.py [--file F] [--repeat 3]

Every measured thing runs in its own child process under ``/usr/bin/time``
(wall seconds from fork to exit, peak RSS of that process alone), the
variants interleaved (round-robin) and repeated; the table gives medians and
each ratio to the bare read measured in the same run.  The Python variants
also report, from inside, the seconds spent importing and working, so the
interpreter's start-up can be told apart.

Target (issue "KPI core"): `kpi-xl kpis --json` ≤ 1.3× the bare read, ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from benchlib import kpi_xl_command, machine, measure

HERE = Path(__file__).parent
TARGET_RATIO = 1.3
TARGET_RSS_MB = 1500

# Each snippet prints one JSON line: {"import": s, "work": s} (perf_counter, inside the process).
_PRE = "import time; _t0 = time.perf_counter()\n"
_POST = ("\nimport json; print(json.dumps({'import': _t1 - _t0, 'work': time.perf_counter() - _t1}))\n")
BARE = _PRE + """import sys, fastexcel
_t1 = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
for t in ("Ads", "Ledger"):
    r.load_table(t{extra}).to_polars()
""" + _POST
IN_PROCESS = _PRE + """import sys, kpi_xl
_t1 = time.perf_counter()
kpi_xl.read_tracker(sys.argv[1]).kpis()
""" + _POST
IMPORT_ONLY = _PRE + """import kpi_xl.cli
_t1 = time.perf_counter()
""" + _POST


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=HERE / "out" / "big.xlsx")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    if not a.file.exists():
        raise SystemExit(f"{a.file}: missing; run python bench/make_big_tracker.py first")
    kpi_xl_cmd = kpi_xl_command()
    f = str(a.file)
    py = sys.executable
    variants = {
        "bare": ("bare fastexcel read of Ads and Ledger (types from 1,000 rows: fastexcel's default)",
                 [py, "-c", BARE.replace("{extra}", ""), f]),
        "bare_all": ("bare fastexcel read, types from all rows (`schema_sample_rows=None`, as kpi_xl reads)",
                     [py, "-c", BARE.replace("{extra}", ", schema_sample_rows=None"), f]),
        "cli": ("`kpi-xl kpis --json`", [kpi_xl_cmd, "kpis", f, "--json"]),
        "inproc": ("in-process `kpi_xl.read_tracker(path).kpis()`", [py, "-c", IN_PROCESS, f]),
        "import": ("(start-up only: `import kpi_xl.cli`, no file read)", [py, "-c", IMPORT_ONLY]),
    }
    # Warm the page cache so that the first variant does not pay for the disk.
    a.file.read_bytes()
    results: dict[str, list[dict]] = {k: [] for k in variants}
    for i in range(a.repeat):
        for key, (_, cmd) in variants.items():
            r = measure(cmd)
            results[key].append(r)
            print(f"run {i + 1}/{a.repeat} {key:9s} {r['wall']:6.2f} s {r['rss']:7.0f} MB", file=sys.stderr)

    # The command must print the same KPIs every time (and something at all).
    outputs = {r["stdout"] for r in results["cli"]}
    assert len(outputs) == 1 and json.loads(outputs.pop()), "kpi-xl kpis --json printed different results"

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    base, base_all = med("bare", "wall"), med("bare_all", "wall")
    size = a.file.stat().st_size / 1e6
    print(f"machine: {machine()}")
    print(f"file: {a.file.name} ({size:.0f} MB), median of {a.repeat} runs per row, each in its own process\n")
    print("| what | wall s | (min–max) | vs bare read | vs bare read, all rows | peak RSS MB | "
          "of which import s | work s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, (label, _) in variants.items():
        runs = results[key]
        walls = [r["wall"] for r in runs]
        inner = [json.loads(r["stdout"]) for r in runs] if key != "cli" else []
        imp = f"{statistics.median(x['import'] for x in inner):.2f}" if inner else "–"
        work = f"{statistics.median(x['work'] for x in inner):.2f}" if inner else "–"
        wall = statistics.median(walls)
        print(f"| {label} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {wall / base:.2f}× | "
              f"{wall / base_all:.2f}× | {med(key, 'rss'):,.0f} | {imp} | {work} |")
    ratio, rss = med("cli", "wall") / base, med("cli", "rss")
    print(f"\ntarget: kpi-xl kpis --json ≤ {TARGET_RATIO}× the bare read: {ratio:.2f}× "
          f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL'}; ≤ {TARGET_RSS_MB:,} MB: {rss:,.0f} MB "
          f"{'PASS' if rss <= TARGET_RSS_MB else 'FAIL'}")


if __name__ == "__main__":
    main()
