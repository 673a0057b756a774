"""`kpi-xl kpis --json` on a tracker at Excel's row limit, against a bare fastexcel read.

    python bench/make_big_tracker.py          # once: bench/out/big.xlsx
    python bench/bench_kpis.py [--file F] [--repeat 3]

Every measured thing runs in its own child process under /usr/bin/time (wall
seconds, peak RSS), interleaved and repeated; the table gives medians and the
ratio to the bare read measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BARE = """
import sys, fastexcel
r = fastexcel.read_excel(sys.argv[1])
for t in ("Ads", "Ledger"):
    r.load_table(t{extra}).to_polars()
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    wall, rss_kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss_kb) / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--file", type=Path, default=HERE / "out" / "big.xlsx")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    kpi_xl = shutil.which("kpi-xl") or str(Path(sys.executable).with_name("kpi-xl"))
    variants = {
        "bare fastexcel read of Ads and Ledger (types from 1,000 rows)":
            [sys.executable, "-c", BARE.format(extra=""), str(a.file)],
        "bare fastexcel read, types from all rows (what kpi_xl asks for)":
            [sys.executable, "-c", BARE.format(extra=", schema_sample_rows=None"), str(a.file)],
        "kpi-xl kpis --json": [kpi_xl, "kpis", str(a.file), "--json"],
        "kpi-xl kpis --period 2025-Q3 --channel meta --json":
            [kpi_xl, "kpis", str(a.file), "--period", "2025-Q3", "--channel", "meta", "--json"],
    }
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
    for _ in range(a.repeat):
        for name, cmd in variants.items():
            results[name].append(measure(cmd))
    base = statistics.median(w for w, _ in results[next(iter(variants))])
    print(f"file: {a.file.name} ({a.file.stat().st_size / 1e6:.0f} MB), median of {a.repeat}\n")
    print("| what | wall s | vs bare read | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        rss = statistics.median(m for _, m in runs)
        print(f"| {name} | {wall:.2f} | {wall / base:.2f}× | {rss:,.0f} |")


if __name__ == "__main__":
    main()
