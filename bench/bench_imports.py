"""How long `kpi-xl import` takes on a large FEC and a large daily ad export.

Target (issue 7): a 10,000-line FEC or a 100,000-row daily ad export imports
into a tracker in under 2 s on this machine.  Not a timed test: run it by hand.

    python bench/bench_imports.py              # median of 5 runs each, in process and through the CLI
    python bench/bench_imports.py --repeat 3 --ad-rows 100000 --fec-lines 10000

The inputs are synthetic and written to bench/out/imports/ (a Meta Ads
Manager export, one row per ad per day, 100,000 rows over 20 campaigns × 5
ads × 1,000 days, so 20,000 Ads rows after summing per day and campaign; and
the same export with one campaign per row, 100,000 Ads rows; a FEC of 10,000
lines, tab-separated, UTF-8 with BOM).  Each run imports into a fresh copy of
an empty tracker (`kpi-xl new`) and, for the in-process figure, times
`kpi_xl.imports.import_files` alone (imports already done); the CLI figure is
the wall time of `kpi-xl import` in its own process, start-up included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out" / "imports"


def write_meta(path: Path, rows: int, campaigns: int, ads_per_campaign: int) -> None:
    rng = random.Random(7)
    start = dt.date(2023, 1, 1)
    header = ('"Campaign name","Ad set name","Ad name",Day,"Amount spent (EUR)",Impressions,"Link clicks",'
              'Results,"Result type","Reporting starts","Reporting ends"\n')
    lines = [header]
    per_day = campaigns * ads_per_campaign
    for i in range(rows):
        day = start + dt.timedelta(days=i // per_day)
        c, a = divmod(i % per_day, ads_per_campaign)
        impressions = rng.randint(100, 5000)
        lines.append(f'"Campaign {c:03d} | prospecting","Ad set {c:03d}","Ad {a}",{day},'
                     f"{rng.randint(100, 9000) / 100:.2f},{impressions},{rng.randint(0, impressions // 20)},"
                     f',,{day},{day}\n')
    path.write_text("".join(lines), encoding="utf-8-sig")


def write_fec(path: Path, lines: int) -> None:
    rng = random.Random(11)
    header = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise\n")
    out = [header]
    accounts = [("706000", "Prestations de services", "VE"), ("607000", "Achats de marchandises", "AC"),
                ("613200", "Locations immobilieres", "AC"), ("626000", "Frais postaux et telecom", "AC"),
                ("681100", "Dotations aux amortissements", "OD"), ("641000", "Remunerations du personnel", "OD")]
    n = 0
    entry = 0
    while n < lines:
        entry += 1
        account, label, journal = accounts[entry % len(accounts)]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=entry % 365)
        amount = rng.randint(1000, 500000) / 100
        date = f"{day:%Y%m%d}"
        income = account.startswith("7")
        other = ("411000", "Clients") if income else ("401000", "Fournisseurs")
        for acc, lib, debit, credit in ((account, label, 0 if income else amount, amount if income else 0),
                                        (*other, amount if income else 0, 0 if income else amount)):
            out.append(f"{journal}\t{journal} journal\t{entry}\t{date}\t{acc}\t{lib}\t\t\tF{entry}\t{date}\t"
                       f"Piece {entry}\t{debit:.2f}\t{credit:.2f}\t\t\t{date}\t\t\n".replace(".", ","))
            n += 1
    path.write_text("".join(out), encoding="utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ad-rows", type=int, default=100_000)
    parser.add_argument("--fec-lines", type=int, default=10_000)
    args = parser.parse_args()

    from kpi_xl.imports import import_files
    from kpi_xl.workbook import write_tracker

    OUT.mkdir(parents=True, exist_ok=True)
    empty = OUT / "empty.xlsm"
    write_tracker(empty)
    inputs = {
        f"Meta export, {args.ad_rows:,} rows (per ad per day)": ("--ads", OUT / "meta_daily.csv",
                                                                 lambda p: write_meta(p, args.ad_rows, 20, 5)),
        f"Meta export, {args.ad_rows:,} rows (one campaign per row)": ("--ads", OUT / "meta_campaigns.csv",
                                                                       lambda p: write_meta(p, args.ad_rows, 100, 1)),
        f"FEC, {args.fec_lines:,} lines": ("--fec", OUT / "fec.txt", lambda p: write_fec(p, args.fec_lines)),
    }
    kpi_xl = Path(sys.executable).with_name("kpi-xl")
    print("| input | Ads/Ledger rows added | in process s (min–max) | `kpi-xl import` s (min–max) |")
    print("|---|---:|---:|---:|")
    for name, (option, path, make) in inputs.items():
        make(path)
        inproc, cli, added = [], [], 0
        for i in range(args.repeat):
            target = OUT / f"t{i}.xlsm"
            shutil.copyfile(empty, target)
            t0 = time.perf_counter()
            result = import_files(target, **{option.strip("-"): [path]})
            inproc.append(time.perf_counter() - t0)
            added = result.added("Ads") + result.added("Ledger")
            shutil.copyfile(empty, target)
            t0 = time.perf_counter()
            subprocess.run([str(kpi_xl), "import", str(target), option, str(path)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cli.append(time.perf_counter() - t0)
        print(f"| {name} | {added:,} | {statistics.median(inproc):.2f} ({min(inproc):.2f}–{max(inproc):.2f}) "
              f"| {statistics.median(cli):.2f} ({min(cli):.2f}–{max(cli):.2f}) |")


if __name__ == "__main__":
    main()
