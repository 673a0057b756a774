"""Generate a tracker at Excel's row limit for the benchmarks: bench/out/big.xlsx.

    python bench/make_big_tracker.py [--rows 1048575] [--out bench/out/big.xlsx] [--force]

`Ads` and `Ledger` each fill their sheet down to row 1,048,576 (a header and
1,048,575 data rows).  The workbook has the real tracker's layout — every
sheet of :data:`kpi_xl.layout.SHEETS`, the tables' cell formats, column
validations and style, the named `Settings` cells — because it is built with
kpi_xl's own sheet writers; only the two big tables' cells are written here,
straight into XlsxWriter (``write_table`` takes a list of dicts and
``write_datetime`` per cell, too slow and too big at this size).

The data is realistic rather than uniform: dates over three years
(2024-01-01 … 2026-12-31) in order, four channels and fourteen campaigns (a
few rows without a campaign), a funnel where clicks ≤ impressions and
customers bring revenue; a Ledger of mostly distinct labels (invoice
numbers), so the shared-strings table holds about a million strings, as a
real one would.  No row is invalid and none raises a warning.

XlsxWriter's constant_memory mode cannot add tables, so the normal mode is
used: ≈ 2–3 min and a few GB of RAM, once.  The file is reused while
``big.json`` next to it says it was made with the same rows, seed and
generator version (``--force`` rebuilds it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import xlsxwriter

from kpi_xl import layout as L
from kpi_xl.schema import ADS, LEDGER, PLAN
from kpi_xl.texts import texts
from kpi_xl.tracker import Settings
from kpi_xl.workbook import (
    Formats,
    write_dashboard,
    write_output_sheet,
    write_settings,
    write_table,
    write_xlwings_conf,
)

GENERATOR_VERSION = 2
EXCEL_DATA_ROWS = 1_048_575  # a header at row 1, data down to row 1,048,576
START = dt.date(2024, 1, 1)
DAYS = 3 * 365 + 1  # 2024-01-01 … 2026-12-31
EPOCH = dt.date(1899, 12, 30)

SETTINGS = Settings(currency="EUR", opening_cash=25_000.0, opening_date=START, target_roas=2.0,
                    max_cac=600.0, max_cpl=60.0, min_ctr=0.008, min_gross_margin=0.5,
                    reserve_months=3.0, forecast_months=6)

# (channel, campaign, mean daily impressions, CTR, CPC)
CAMPAIGNS = [
    ("Meta", "Free guide", 5200, 0.0125, 0.62),
    ("Meta", "Retargeting", 1800, 0.009, 0.80),
    ("Meta", "Lookalike 2%", 6400, 0.010, 0.55),
    ("Meta", "Webinar replay", 3100, 0.011, 0.70),
    ("Google", "Search - Brand", 450, 0.085, 0.45),
    ("Google", "Search - Coaching", 1400, 0.040, 1.35),
    ("Google", "Search - Competitors", 900, 0.030, 2.10),
    ("Google", "YouTube - Story", 8000, 0.004, 0.30),
    ("Google", "Performance Max", 4000, 0.012, 0.90),
    ("LinkedIn", "Webinar", 2200, 0.0055, 3.40),
    ("LinkedIn", "Lead gen form", 1600, 0.0060, 4.10),
    ("LinkedIn", "Thought leadership", 2600, 0.0040, 2.80),
    ("TikTok", "UGC video", 9000, 0.0080, 0.25),
    ("TikTok", "Spark ads", 7000, 0.0070, 0.28),
]

# Ledger: (Type, weight, [(category, label prefix, low, high)])
LEDGER_KINDS = [
    ("Revenue", 55, [("Coaching", "Invoice", 300, 3000), ("Workshops", "Invoice", 150, 900),
                     ("Online course", "Stripe payout", 40, 400)]),
    ("Variable cost", 30, [("Ads", "Meta Ads receipt", 20, 800), ("Ads", "Google Ads invoice", 20, 800),
                           ("Freelancers", "Freelance invoice", 80, 1200), ("Payment fees", "Stripe fees", 1, 60)]),
    ("Fixed cost", 10, [("Software", "Subscription", 9, 300), ("Rent", "Office rent", 900, 1400),
                        ("Staff", "Payroll", 1200, 2500), ("Accounting", "Accountant", 120, 400)]),
    ("Owner pay", 3, [("Owner", "Owner transfer", 500, 4000)]),
    ("Tax", 2, [("Tax", "VAT return", 200, 3000), ("Tax", "Social contributions", 100, 1500)]),
]
CLIENTS = ["Acme", "Bluebird", "Cedar & Co", "Delta Studio", "Evergreen", "Fjord", "Granite", "Harbor",
           "Iris Health", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Orchid", "Pioneer"]


def _serials(n: int) -> list[float]:
    """Excel date serials, in order, spread over :data:`DAYS` days."""
    first = (START - EPOCH).days
    return (first + np.arange(n, dtype=np.int64) * DAYS // max(n, 1)).astype(np.float64).tolist()


def ads_draws(rows: int, rng: np.random.Generator) -> Iterator[tuple]:
    """The `Ads` rows as (campaign index, blank campaign?, impressions, clicks, spend, leads, calls,
    customers, revenue); the one place of the draws, shared with make_big_xlsm.py."""
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
    no_campaign = rng.random(rows) < 0.02  # a blank Campaign is allowed
    return zip(which.tolist(), no_campaign.tolist(), impressions.tolist(), clicks.tolist(), spend.tolist(),
               leads.tolist(), calls.tolist(), customers.tolist(), revenue.tolist(), strict=True)


def ledger_draws(rows: int, rng: np.random.Generator) -> Iterator[tuple[str, str, str, float]]:
    """The `Ledger` rows as (label, category, type, amount), in date order; shared with make_big_xlsm.py."""
    kinds = rng.choice(len(LEDGER_KINDS), rows, p=np.array([k[1] for k in LEDGER_KINDS]) / 100)
    sub = rng.integers(0, 4, rows)
    unit = rng.random(rows)
    client = rng.integers(0, len(CLIENTS), rows)
    reversal = rng.random(rows) < 0.003  # a credit note: a negative amount
    for i, (kind, s, u, c, neg) in enumerate(zip(kinds.tolist(), sub.tolist(), unit.tolist(), client.tolist(),
                                                  reversal.tolist(), strict=True)):
        type_, _, options = LEDGER_KINDS[kind]
        category, prefix, low, high = options[s % len(options)]
        amount = round(low + (high - low) * u, 2)
        year = 2024 + i * 3 // rows
        if type_ == "Revenue":
            label = f"{prefix} {year}-{i:07d} {CLIENTS[c]}"  # distinct: the shared strings grow
        elif i % 5:
            label = f"{prefix} #{i:07d}"
        else:
            label = prefix  # some repeated labels too
        yield label, category, type_, (-amount if neg else amount)


def write_ads(ws, fmt: Formats, rows: int, rng: np.random.Generator) -> None:
    channels = [c[0] for c in CAMPAIGNS]
    names = [c[1] for c in CAMPAIGNS]
    date, text, count, money = fmt.date, fmt.text, fmt.count, fmt.money
    num, string = ws._write_number, ws._write_string  # skip the public wrappers' argument parsing
    draws = zip(_serials(rows), ads_draws(rows, rng), strict=True)
    for r, (d, (w, blank, im, cl, sp, le, ca, cu, rv)) in enumerate(draws, 1):
        num(r, 0, d, date)
        string(r, 1, channels[w], text)
        if not blank:
            string(r, 2, names[w], text)
        num(r, 3, im, count)
        num(r, 4, cl, count)
        num(r, 5, sp, money)
        num(r, 6, le, count)
        num(r, 7, ca, count)
        num(r, 8, cu, count)
        num(r, 9, rv, money)


def write_ledger(ws, fmt: Formats, rows: int, rng: np.random.Generator) -> None:
    date, text, money = fmt.date, fmt.text, fmt.money
    num, string = ws._write_number, ws._write_string
    draws = zip(_serials(rows), ledger_draws(rows, rng), strict=True)
    for r, (d, (label, category, type_, amount)) in enumerate(draws, 1):
        num(r, 0, d, date)
        string(r, 1, label, text)
        string(r, 2, category, text)
        string(r, 3, type_, text)
        num(r, 4, amount, money)


def build(path: Path, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "KPI tracker (benchmark)", "created": dt.datetime(2026, 1, 1)})
    words = texts()
    fmt = Formats(wb, SETTINGS.currency, words)
    sheets = {name: wb.add_worksheet(words.sheet(name)) for name in L.SHEETS}
    for name, ws in sheets.items():
        ws.set_tab_color(L.tab_color(name))
    t = time.perf_counter()
    write_ads(sheets["Ads"], fmt, rows, rng)
    # No rows passed: write_table only adds the Table over the cells written above (its
    # style, header formats, column formats and validations), as for a real tracker.
    write_table(wb, sheets["Ads"], ADS, [], fmt, words, min_rows=rows)
    print(f"  Ads cells: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    t = time.perf_counter()
    write_ledger(sheets["Ledger"], fmt, rows, rng)
    write_table(wb, sheets["Ledger"], LEDGER, [], fmt, words, min_rows=rows)
    print(f"  Ledger cells: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    write_dashboard(sheets["Dashboard"], SETTINGS, fmt, False, words)
    write_settings(wb, sheets["Settings"], SETTINGS, fmt, words)
    for name in ("Ads Summary", "P&L", "Forecast"):
        write_output_sheet(sheets[name], name, fmt, words)
    write_table(wb, sheets["Plan"], PLAN, [], fmt, words)
    write_xlwings_conf(sheets["xlwings.conf"], fmt, words)
    t = time.perf_counter()
    wb.close()
    print(f"  close (XML + zip): {time.perf_counter() - t:.0f} s", file=sys.stderr)


def parse_args(default_out: Path) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The options of both generators (this one and make_big_xlsm.py)."""
    p = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=EXCEL_DATA_ROWS, help="data rows in each table")
    p.add_argument("--out", type=Path, default=default_out)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--force", action="store_true", help="rebuild even when a matching file exists")
    a = p.parse_args()
    if not 1 <= a.rows <= EXCEL_DATA_ROWS:
        p.error(f"--rows: expected 1 to {EXCEL_DATA_ROWS:,}")
    return p, a


def build_once(out: Path, meta: Path, stamp: dict, rows: int, force: bool, build: Callable[[Path], None]) -> None:
    """``build(tmp)`` then rename it to ``out``, unless ``meta`` says ``out`` was made with the same ``stamp``."""
    if not force and out.exists() and meta.exists() and json.loads(meta.read_text()) == stamp:
        print(f"{out} exists ({rows:,} rows per table): reusing it")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    tmp = out.with_name(out.stem + ".tmp" + out.suffix)
    build(tmp)
    tmp.replace(out)
    meta.write_text(json.dumps(stamp) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.0f} MB, {rows:,} rows per table) "
          f"in {time.perf_counter() - t:.0f} s")


def main() -> None:
    _, a = parse_args(Path(__file__).parent / "out" / "big.xlsx")
    stamp = {"rows": a.rows, "seed": a.seed, "generator": GENERATOR_VERSION}
    build_once(a.out, a.out.with_suffix(".json"), stamp, a.rows, a.force, lambda tmp: build(tmp, a.rows, a.seed))


if __name__ == "__main__":
    main()
