"""Generate the folders of the many-trackers benchmark: 1,000 sample-sized trackers and 20 at 200k rows.

    python bench/make_many_trackers.py [--count 1000] [--big 20] [--big-rows 200000] [--jobs 2] [--force]

``bench/out/many/`` gets ``client-0001.xlsm`` … : each a full tracker written
by :func:`kpi_xl.workbook.write_tracker` (the template, the VBA project, the
button) holding a year of :func:`kpi_xl.sample.sample_data` ending 2026-12
drawn with its own seed (1000 + its number), so no two hold the same rows:
about 1,800 `Ads` rows and 600 `Ledger` entries each, 160 kB. Each names its
business (``Client 0001``…); one in ten counts in USD, the others in EUR; the
CAC limit varies from 450 to 750 so that some are over it.

``bench/out/many-big/`` gets ``big-01.xlsm`` … : copies of one tracker with
200,000 rows in `Ads` and in `Ledger` (``make_big_xlsm.py --rows 200000``,
the distributions of the row-limit benchmark).

Both are reused while their ``manifest.json`` matches the arguments and the
generator's version (``--force`` rebuilds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kpi_xl.sample import sample_data
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 1
CREATED = dt.datetime(2026, 1, 1)
FIRST_SEED = 1000


def settings_of(number: int, base: Settings) -> Settings:
    """Client ``number``'s Settings: its name, its currency, its own CAC limit."""
    return Settings(currency="USD" if number % 10 == 0 else "EUR", opening_cash=base.opening_cash,
                    opening_date=base.opening_date, target_roas=base.target_roas,
                    max_cac=450.0 + (number * 37) % 301, max_cpl=base.max_cpl, min_ctr=base.min_ctr,
                    min_gross_margin=base.min_gross_margin, reserve_months=base.reserve_months,
                    forecast_months=base.forecast_months, business=f"Client {number:04d}")


def write_one(args: tuple[int, str]) -> str:
    number, folder = args
    data = sample_data("2026-12", seed=FIRST_SEED + number)
    path = Path(folder) / f"client-{number:04d}.xlsm"
    write_tracker(path, data.ads, data.ledger, settings_of(number, data.settings), data.plan, created=CREATED)
    return path.name


def fresh(folder: Path, manifest: dict, force: bool) -> bool:
    """Whether ``folder`` holds what ``manifest`` describes (else it is emptied for a rebuild)."""
    path = folder / "manifest.json"
    if not force and path.exists() and json.loads(path.read_text()) == manifest:
        return True
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return False


def make_small(count: int, jobs: int, force: bool) -> Path:
    folder = OUT / "many"
    manifest = {"count": count, "first_seed": FIRST_SEED, "end": "2026-12", "version": GENERATOR_VERSION}
    if fresh(folder, manifest, force):
        print(f"{folder}: {count} trackers, reused")
        return folder
    t = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        for i, name in enumerate(pool.map(write_one, [(n, str(folder)) for n in range(1, count + 1)],
                                          chunksize=8), 1):
            if i % 100 == 0:
                print(f"  {i} written ({name}, {time.perf_counter() - t:.0f} s)", flush=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    print(f"{folder}: {count} trackers written in {time.perf_counter() - t:.0f} s")
    return folder


def make_big(count: int, rows: int, force: bool) -> Path:
    folder = OUT / "many-big"
    manifest = {"count": count, "rows": rows, "version": GENERATOR_VERSION}
    if fresh(folder, manifest, force):
        print(f"{folder}: {count} trackers of {rows:,} rows, reused")
        return folder
    one = OUT / f"big-{rows}.xlsm"
    subprocess.run([sys.executable, str(Path(__file__).parent / "make_big_xlsm.py"), "--rows", str(rows),
                    "--out", str(one)], check=True)
    for i in range(1, count + 1):
        shutil.copyfile(one, folder / f"big-{i:02d}.xlsm")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    print(f"{folder}: {count} copies of {one.name}")
    return folder


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--big", type=int, default=20)
    p.add_argument("--big-rows", type=int, default=200_000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--force", action="store_true")
    args = p.parse_args()
    make_small(args.count, args.jobs, args.force)
    if args.big:
        make_big(args.big, args.big_rows, args.force)


if __name__ == "__main__":
    main()
