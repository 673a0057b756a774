"""Generate a tracker at Excel's row limit for the benchmarks: bench/out/big.xlsx.

    python bench/make_big_tracker.py [--rows 1048575] [--out bench/out/big.xlsx]

`Ads` and `Ledger` each fill their sheet down to row 1,048,576 (a header and
1,048,575 data rows), with dates over three years, three channels, a dozen
campaigns and mostly distinct ledger labels (invoice numbers), so the shared
strings table is as big as a real one.  Written with XlsxWriter (tables need
its normal mode); takes a couple of minutes and is reused when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from pathlib import Path

import xlsxwriter

ADS_HEADERS = ["Date", "Channel", "Campaign", "Impressions", "Clicks", "Spend", "Leads", "Calls", "Customers", "Revenue"]
LEDGER_HEADERS = ["Date", "Label", "Category", "Type", "Amount"]
TYPES = ["Revenue", "Variable cost", "Fixed cost", "Owner pay", "Tax"]
SETTINGS = [("Currency", "EUR"), ("OpeningCash", 25000.0), ("OpeningDate", dt.datetime(2024, 1, 1)),
            ("TargetROAS", 2.0), ("MaxCAC", 600.0), ("MaxCPL", 60.0), ("MinCTR", 0.008),
            ("MinGrossMargin", 0.5), ("ReserveMonths", 3.0), ("ForecastMonths", 6)]


def build(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1)
    days = 3 * 365
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": '#,##0.00 "EUR"'})

    ads = wb.add_worksheet("Ads")
    campaigns = [(c, k) for c in ("Meta", "Google", "LinkedIn") for k in ("Guide", "Webinar", "Brand", "Retargeting")]
    for i in range(rows):
        r = i + 1
        channel, campaign = campaigns[i % len(campaigns)]
        impressions = rng.randint(200, 9000)
        clicks = impressions * rng.randint(5, 30) // 1000
        ads.write_datetime(r, 0, start + dt.timedelta(days=i * days // rows), date_fmt)
        ads.write_string(r, 1, channel)
        ads.write_string(r, 2, campaign)
        ads.write_number(r, 3, impressions)
        ads.write_number(r, 4, clicks)
        ads.write_number(r, 5, round(clicks * rng.uniform(0.4, 2.5), 2), money)
        ads.write_number(r, 6, clicks // 10)
        ads.write_number(r, 7, clicks // 40)
        ads.write_number(r, 8, 1 if rng.random() < 0.02 else 0)
        ads.write_number(r, 9, 0)
    ads.add_table(0, 0, rows, len(ADS_HEADERS) - 1, {"name": "Ads", "columns": [{"header": h} for h in ADS_HEADERS]})

    ledger = wb.add_worksheet("Ledger")
    for i in range(rows):
        r = i + 1
        kind = rng.choices(TYPES, weights=[40, 30, 20, 5, 5])[0]
        ledger.write_datetime(r, 0, start + dt.timedelta(days=i * days // rows), date_fmt)
        ledger.write_string(r, 1, f"Invoice {i:07d}")
        ledger.write_string(r, 2, kind.split()[0])
        ledger.write_string(r, 3, kind)
        ledger.write_number(r, 4, round(rng.uniform(5, 900), 2), money)
    ledger.add_table(0, 0, rows, len(LEDGER_HEADERS) - 1,
                     {"name": "Ledger", "columns": [{"header": h} for h in LEDGER_HEADERS]})

    settings = wb.add_worksheet("Settings")
    for i, (name, value) in enumerate(SETTINGS):
        settings.write_string(i + 3, 0, name)
        if isinstance(value, dt.datetime):
            settings.write_datetime(i + 3, 1, value, date_fmt)
        else:
            settings.write(i + 3, 1, value)
        wb.define_name(name, f"=Settings!$B${i + 4}")
    wb.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_048_575)
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "big.xlsx")
    a = p.parse_args()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    if a.out.exists():
        print(f"{a.out} exists: reusing it")
        return
    t = time.perf_counter()
    tmp = a.out.with_suffix(".tmp.xlsx")
    build(tmp, a.rows)
    tmp.replace(a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
