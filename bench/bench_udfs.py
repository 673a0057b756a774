"""Python-side cost of an Excel function call, cold and warm cache, at a 10,000-row Ads table.

    python bench/bench_udfs.py [--rows 10000] [--repeat 200]

What is timed is everything kpi_xl does in Python for one cell: comparing the
workbook's current values with the cached copy (the cache key), and on a miss
validating and aggregating them, then selecting and computing.  Each call gets
a fresh copy of the values, as xlwings hands a new list to every call.  What
is not timed (no Excel here): xlwings/COM moving the values and the call
across, several milliseconds per call (xlwings issues #1976, #1980).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import statistics
import time

from kpi_xl import udfs
from kpi_xl.excel import Snapshot, TableSnapshot, snapshot
from kpi_xl.metrics import KPI_IDS
from kpi_xl.schema import ADS, LEDGER, LEDGER_TYPES, SETTINGS
from kpi_xl.workbook import setting_cell


def make_snapshot(rows: int, seed: int = 1) -> Snapshot:
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1)
    ads = [list(ADS.headers)]
    for i in range(rows):
        clicks = float(rng.randint(0, 300))
        ads.append([start + dt.timedelta(days=i % 700), rng.choice(["Meta", "Google", "LinkedIn"]),
                    rng.choice(["Guide", "Webinar", "Brand", "Generic"]), clicks * rng.randint(20, 90), clicks,
                    round(clicks * rng.uniform(0.3, 2.0), 2), float(rng.randint(0, 20)), float(rng.randint(0, 5)),
                    float(rng.randint(0, 2)), float(rng.choice([0, 0, 1500]))])
    ledger = [list(LEDGER.headers)]
    for i in range(1000):
        ledger.append([start + dt.timedelta(days=i % 700), f"Entry {i}", "Cat", rng.choice(LEDGER_TYPES),
                       round(rng.uniform(10, 5000), 2)])
    snap = Snapshot()
    snap.tables["ads"] = TableSnapshot("Ads", "Ads", f"A1:J{rows + 1}", ads)
    snap.tables["ledger"] = TableSnapshot("Ledger", "Ledger", f"A1:E{len(ledger)}", ledger)
    defaults = {"Currency": "EUR", "OpeningCash": 10000.0, "OpeningDate": dt.datetime(2025, 1, 1),
                "TargetROAS": 2.0, "ReserveMonths": 3.0, "ForecastMonths": 6.0}
    for s in SETTINGS:
        snap.settings[s.name.casefold()] = (f"Settings!{setting_cell(s.name)}", defaults.get(s.name))
    return snap


class Caller:
    """Stands for the calling cell; kpi_xl.excel.snapshot is replaced by a fresh copy per call."""

    class sheet:
        class book:
            fullname = "bench.xlsm"


def timed(fn, copies):
    out = []
    for snap in copies:
        udfs.snapshot = lambda book, snap=snap: snap  # what xlwings would hand over for this call
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=200)
    a = p.parse_args()
    base = make_snapshot(a.rows)
    copies = [copy.deepcopy(base) for _ in range(a.repeat)]
    caller = Caller()

    def cold():
        udfs.cache.clear()
        udfs.CPC("2025-06", "Meta", caller=caller)

    cold_ms = timed(cold, copies[:20])
    udfs.cache.clear()
    udfs.CPC(caller=caller)  # fill the cache
    warm_ms = timed(lambda: udfs.CPC("2025-06", "Meta", caller=caller), copies)
    warm_kpis_ms = timed(lambda: udfs.KPIS("2025-Q2", caller=caller), copies)
    # Where the warm time goes: the cache key (comparing the values) alone.
    key_ms = []
    for snap in copies:
        t = time.perf_counter()
        assert snap == base
        key_ms.append((time.perf_counter() - t) * 1000)
    udfs.snapshot = snapshot

    med = statistics.median
    rows = [
        ("cold: one KPI (validate + aggregate + compute)", med(cold_ms)),
        ("warm: one KPI, e.g. =CPC(\"2025-06\", \"Meta\")", med(warm_ms)),
        (f"warm: =KPIS(\"2025-Q2\") ({len(KPI_IDS)} values)", med(warm_kpis_ms)),
        ("  of which the cache key (compare the values)", med(key_ms)),
    ]
    cold_median = med(cold_ms)
    print(f"Ads rows: {a.rows:,}, Ledger rows: 1,000, calls: {a.repeat} (cold: 20); median per call\n")
    print("| call | ms | vs cold |")
    print("|---|---:|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.3f} | {ms / cold_median:.3f}× |")


if __name__ == "__main__":
    main()
