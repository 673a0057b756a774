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

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from make_big_tracker import (
    CAMPAIGNS,
    CLIENTS,
    DAYS,
    EXCEL_DATA_ROWS,
    LEDGER_KINDS,
    SETTINGS,
    START,
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
    # The draws of make_big_tracker.write_ads, in the same order.
    k = len(CAMPAIGNS)
    which = rng.integers(0, k, rows)
    base = np.array([c[2] for c in CAMPAIGNS])[which]
    ctr = np.array([c[3] for c in CAMPAIGNS])[which]
    cpc = np.array([c[4] for c in CAMPAIGNS])[which]
    impressions = np.maximum(rng.poisson(base * rng.uniform(0.3, 1.7, rows)), 1)
    clicks = np.maximum(rng.binomial(impressions, np.minimum(ctr * rng.uniform(0.6, 1.5, rows), 1.0)), 1)
    spend = np.round(clicks * cpc * rng.uniform(0.7, 1.4, rows), 2)
    leads = rng.binomial(clicks, 0.09)
    calls = rng.binomial(leads, 0.12)
    customers = rng.binomial(calls, 0.27)
    revenue = np.round(customers * rng.choice([990.0, 1500.0, 2400.0], rows), 2)
    no_campaign = rng.random(rows) < 0.02

    channels = [c[0] for c in CAMPAIGNS]
    names = [c[1] for c in CAMPAIGNS]
    cols = zip(_dates(rows), which.tolist(), no_campaign.tolist(), impressions.tolist(), clicks.tolist(),
               spend.tolist(), leads.tolist(), calls.tolist(), customers.tolist(), revenue.tolist())
    return [{"Date": d, "Channel": channels[w], "Campaign": None if blank else names[w], "Impressions": im,
             "Clicks": cl, "Spend": sp, "Leads": le, "Calls": ca, "Customers": cu, "Revenue": rv}
            for d, w, blank, im, cl, sp, le, ca, cu, rv in cols]


def ledger_rows(rows: int, rng: np.random.Generator) -> list[dict]:
    # The draws of make_big_tracker.write_ledger, in the same order.
    kinds = rng.choice(len(LEDGER_KINDS), rows, p=np.array([k[1] for k in LEDGER_KINDS]) / 100)
    sub = rng.integers(0, 4, rows)
    unit = rng.random(rows)
    client = rng.integers(0, len(CLIENTS), rows)
    reversal = rng.random(rows) < 0.003
    dates = _dates(rows)
    out = []
    for i, (kind, s, u, c, neg) in enumerate(zip(kinds.tolist(), sub.tolist(), unit.tolist(), client.tolist(),
                                                  reversal.tolist())):
        type_, _, options = LEDGER_KINDS[kind]
        category, prefix, low, high = options[s % len(options)]
        amount = round(low + (high - low) * u, 2)
        year = 2024 + i * 3 // rows
        if type_ == "Revenue":
            label = f"{prefix} {year}-{i:07d} {CLIENTS[c]}"
        elif i % 5:
            label = f"{prefix} #{i:07d}"
        else:
            label = prefix
        out.append({"Date": dates[i], "Label": label, "Category": category, "Type": type_,
                    "Amount": -amount if neg else amount})
    return out


def template_fingerprint() -> str:
    """SHA-256 of an empty tracker from the same ``build_workbook`` call (it is deterministic)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "empty.xlsm"
        build_workbook(path, [], [], SETTINGS, macros=True, created=CREATED)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=EXCEL_DATA_ROWS, help="data rows in each table")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "big.xlsm")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--force", action="store_true", help="rebuild even when a matching file exists")
    a = p.parse_args()
    if not 1 <= a.rows <= EXCEL_DATA_ROWS:
        p.error(f"--rows: expected 1 to {EXCEL_DATA_ROWS:,}")
    if a.out.suffix.lower() != ".xlsm":
        p.error("--out: expected a .xlsm path (the template with its VBA project and button)")
    stamp = {"rows": a.rows, "seed": a.seed, "generator": GENERATOR_VERSION, "template": template_fingerprint()}
    meta = a.out.with_name(a.out.name + ".json")
    if not a.force and a.out.exists() and meta.exists() and json.loads(meta.read_text()) == stamp:
        print(f"{a.out} exists ({a.rows:,} rows per table): reusing it")
        return
    a.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = t = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    ads = ads_rows(a.rows, rng)
    ledger = ledger_rows(a.rows, rng)
    print(f"  rows generated: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    t = time.perf_counter()
    tmp = a.out.with_name(a.out.stem + ".tmp.xlsm")
    build_workbook(tmp, ads, ledger, SETTINGS, macros=True, created=CREATED)
    print(f"  build_workbook: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    tmp.replace(a.out)
    meta.write_text(json.dumps(stamp) + "\n")
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.0f} MB, {a.rows:,} rows per table) "
          f"in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
