"""Generate a macro-enabled tracker at Excel's row limit for the refresh benchmark: bench/out/big.xlsm.

    python bench/make_big_xlsm.py [--rows 1048575] [--out bench/out/big.xlsm] [--force]

The workbook is the real template, written by the same function as
``kpi-xl new`` — :func:`kpi_xl.workbook.build_workbook` with ``macros=True``:
every sheet of :data:`kpi_xl.workbook.SHEETS` with its VBA code name, the
packaged VBA project, the **Refresh KPIs** button, the named `Settings`
cells, the `Ads`, `Ledger` and `Plan` tables with their formats and
validations — and 1,048,575 data rows in each of `Ads` and `Ledger` (so a
header and data down to row 1,048,576), handed over as row dicts keyed by
the headers of :mod:`kpi_xl.schema`.  Nothing is written around
``build_workbook``: what `kpi-xl refresh` meets here is what it meets in a
user's file.

The rows are those of ``bench/make_big_tracker.py`` (same distributions,
same seed, same draws in the same order), so big.xlsm and big.xlsx hold the
same data: dates over 2024–2026 in order, four channels and fourteen
campaigns, a consistent funnel, a Ledger of mostly distinct labels (about a
million shared strings).  No row is invalid.

Takes a few minutes and several GB of RAM (a million dicts per table, then
XlsxWriter's normal mode), once: the file is reused while ``big.xlsm.json``
next to it says it was made with the same rows, seed, generator version and
template — the SHA-256 of an empty tracker written by the same
``build_workbook`` call, so that a change of the template's layout, styles or
VBA project rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from make_big_tracker import (
    CAMPAIGNS,
    DAYS,
    SETTINGS,
    START,
    ads_draws,
    build_once,
    ledger_draws,
    parse_args,
)

from kpi_xl.workbook import build_workbook

GENERATOR_VERSION = 1
CREATED = dt.datetime(2026, 1, 1)


def _dates(n: int) -> list[dt.date]:
    """Dates in order, spread over :data:`DAYS` days (the serials of make_big_tracker)."""
    offsets = (np.arange(n, dtype=np.int64) * DAYS // max(n, 1)).tolist()
    by_offset = {k: START + dt.timedelta(days=k) for k in set(offsets)}
    return [by_offset[k] for k in offsets]


def ads_rows(rows: int, rng: np.random.Generator) -> list[dict]:
    channels = [c[0] for c in CAMPAIGNS]
    names = [c[1] for c in CAMPAIGNS]
    return [{"Date": d, "Channel": channels[w], "Campaign": None if blank else names[w], "Impressions": im,
             "Clicks": cl, "Spend": sp, "Leads": le, "Calls": ca, "Customers": cu, "Revenue": rv}
            for d, (w, blank, im, cl, sp, le, ca, cu, rv) in zip(_dates(rows), ads_draws(rows, rng), strict=True)]


def ledger_rows(rows: int, rng: np.random.Generator) -> list[dict]:
    return [{"Date": d, "Label": label, "Category": category, "Type": type_, "Amount": amount}
            for d, (label, category, type_, amount) in zip(_dates(rows), ledger_draws(rows, rng), strict=True)]


def template_fingerprint() -> str:
    """SHA-256 of an empty tracker from the same ``build_workbook`` call (it is deterministic)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "empty.xlsm"
        build_workbook(path, [], [], SETTINGS, macros=True, created=CREATED)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    p, a = parse_args(Path(__file__).parent / "out" / "big.xlsm")
    if a.out.suffix.lower() != ".xlsm":
        p.error("--out: expected a .xlsm path (the template with its VBA project and button)")
    stamp = {"rows": a.rows, "seed": a.seed, "generator": GENERATOR_VERSION, "template": template_fingerprint()}

    def build(tmp: Path) -> None:
        t = time.perf_counter()
        rng = np.random.default_rng(a.seed)
        ads = ads_rows(a.rows, rng)
        ledger = ledger_rows(a.rows, rng)
        print(f"  rows generated: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        t = time.perf_counter()
        build_workbook(tmp, ads, ledger, SETTINGS, macros=True, created=CREATED)
        print(f"  build_workbook: {time.perf_counter() - t:.0f} s", file=sys.stderr)

    build_once(a.out, a.out.with_name(a.out.name + ".json"), stamp, a.rows, a.force, build)


if __name__ == "__main__":
    main()
