"""What a user waits for: whole `kpi-xl` commands, start to exit, against a bare fastexcel read in the same run.

    python bench/make_big_tracker.py && python bench/make_big_xlsm.py      # once: big.xlsx, big.xlsm
    python bench/bench_commands.py [--repeat 5] [--before DIR] [--no-refresh]

Every variant is a fresh process under ``/usr/bin/time`` (wall from fork to
exit: interpreter start-up, imports, reading, output), and the variants are
interleaved round-robin so that a change of the machine's load hits all of
them alike; the table gives medians and each command's ratio to the bare
read *of the same file in the same run*:

* bare read: ``python -c`` importing fastexcel and loading the ``Ads`` and
  ``Ledger`` tables to polars, types inferred from fastexcel's default 1,000
  rows (the baseline of the targets), and the same from all rows (what
  kpi_xl asks for: a text cell at row 2,500 must not come back as null);
* ``kpi-xl kpis BIG.xlsx --json`` (target ≤ 1.3×);
* ``kpi-xl refresh COPY.xlsm``, on a fresh copy made before the clock starts (target ≤ 1.5×);
* with ``--before DIR`` (a folder holding another ``kpi_xl`` package, e.g.
  ``git archive main kpi_xl | tar -x -C DIR``), the same two commands with
  that code, so that before and after are measured in the same run.

The package of this working tree is copied at the start (as in the other
scripts) so that an edit during the run cannot change what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from benchlib import freeze_package, kpi_xl_command, machine, measure

HERE = Path(__file__).resolve().parent
BARE = """import sys, fastexcel
r = fastexcel.read_excel(sys.argv[1])
for t in ("Ads", "Ledger"):
    r.load_table(t{extra}).to_polars()
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--xlsx", type=Path, default=HERE / "out" / "big.xlsx")
    p.add_argument("--xlsm", type=Path, default=HERE / "out" / "big.xlsm")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--before", type=Path, help="a folder holding the kpi_xl package to compare with")
    p.add_argument("--no-refresh", action="store_true")
    p.add_argument("--quiet-load", type=float, default=1.2,
                   help="before each run, wait (up to --quiet-wait s) for the 1-minute load average to fall below this")
    p.add_argument("--quiet-wait", type=float, default=180)
    a = p.parse_args()
    for f in (a.xlsx, *(() if a.no_refresh else (a.xlsm,))):
        if not f.exists():
            raise SystemExit(f"{f}: missing; run bench/make_big_tracker.py and bench/make_big_xlsm.py first")
    work = HERE / "out" / "commands"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    code, env_after = freeze_package(work)
    codes = {"after": env_after}
    if a.before:
        codes["before"] = {**os.environ, "PYTHONPATH": str(a.before.resolve())}
    py, cmd = sys.executable, kpi_xl_command()
    copy = work / "copy.xlsm"
    variants: dict[str, tuple[str, list[str], dict | None, Path | None]] = {
        "bare_x": ("bare fastexcel read of big.xlsx (types from 1,000 rows)", [py, "-c", BARE.format(extra=""),
                                                                               str(a.xlsx)], None, None),
        "bare_x_all": ("bare fastexcel read of big.xlsx, types from all rows",
                       [py, "-c", BARE.format(extra=", schema_sample_rows=None"), str(a.xlsx)], None, None),
    }
    for name, env in codes.items():
        variants[f"kpis_{name}"] = (f"`kpi-xl kpis big.xlsx --json` ({name})", [cmd, "kpis", str(a.xlsx), "--json"],
                                    env, None)
    if not a.no_refresh:
        variants["bare_m"] = ("bare fastexcel read of big.xlsm (types from 1,000 rows)",
                              [py, "-c", BARE.format(extra=""), str(a.xlsm)], None, None)
        for name, env in codes.items():
            variants[f"refresh_{name}"] = (f"`kpi-xl refresh COPY.xlsm` ({name})", [cmd, "refresh", str(copy)], env,
                                           copy)
    a.xlsx.read_bytes()
    if not a.no_refresh:
        a.xlsm.read_bytes()  # the page cache warm for all
    results: dict[str, list[dict]] = {k: [] for k in variants}
    loads = []
    for i in range(a.repeat):
        for key, (_, argv, env, fresh) in variants.items():
            if fresh is not None:
                shutil.copyfile(a.xlsm, fresh)
            deadline = time.monotonic() + a.quiet_wait
            while os.getloadavg()[0] > a.quiet_load and time.monotonic() < deadline:
                time.sleep(2)  # another engineer's tests would inflate this run's wall time
            r = measure(argv, env=env, cwd=work)
            results[key].append(r)
            loads.append(os.getloadavg()[0])
            print(f"run {i + 1}/{a.repeat} {key:15s} {r['wall']:6.2f} s (CPU {r['cpu']:6.2f} s) {r['rss']:7.0f} MB "
                  f"(load {loads[-1]:.2f})", file=sys.stderr)
    outputs = {json.dumps(json.loads(r["stdout"]), sort_keys=True) for k in results if k.startswith("kpis")
               for r in results[k]}
    assert len(outputs) == 1, "kpi-xl kpis --json printed different results"

    def med(key: str, field: str = "wall") -> float:
        return statistics.median(r[field] for r in results[key])

    print(f"machine: {machine()}\ncode: {code}" + (f"; before: {a.before}" if a.before else ""))
    print(f"load average (1 min) during the run: {min(loads):.2f}–{max(loads):.2f}")
    print(f"median of {a.repeat} runs per row, interleaved, each in its own process\n")
    print("| what | wall s | (min–max) | vs bare read of the same file | vs bare read, types from all rows | "
          "CPU s | CPU vs bare read | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, (label, *_rest) in variants.items():
        walls = [r["wall"] for r in results[key]]
        base = "bare_m" if key.endswith("_m") or key.startswith("refresh") else "bare_x"
        all_rows = f"{med(key) / med('bare_x_all'):.2f}×" if not key.startswith(("refresh", "bare_m")) else "–"
        print(f"| {label} | {med(key):.2f} | {min(walls):.2f}–{max(walls):.2f} | {med(key) / med(base):.2f}× | "
              f"{all_rows} | {med(key, 'cpu'):.2f} | {med(key, 'cpu') / med(base, 'cpu'):.2f}× | "
              f"{statistics.median(r['rss'] for r in results[key]):,.0f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
