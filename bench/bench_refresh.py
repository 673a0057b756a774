"""`kpi-xl refresh` on a macro-enabled tracker at Excel's row limit, against a bare fastexcel read.

    python bench/make_big_xlsm.py            # once: bench/out/big.xlsm (the template, 1,048,575 rows per table)
    python bench/bench_refresh.py [--file F] [--repeat 3] [--no-openpyxl] [--no-libreoffice] [--profile]

Every measured thing runs in its own child process under ``/usr/bin/time``
(wall seconds from fork to exit, peak RSS of the largest process), the
variants interleaved (round-robin) and repeated; the table gives medians and
each ratio to the bare read measured in the same run.

* bare read: ``fastexcel.read_excel(p).load_table("Ads").to_polars()`` and the
  same for ``Ledger`` (the baseline), and the same with types inferred from
  all rows (what kpi_xl asks fastexcel for);
* ``kpi-xl refresh COPY``, on a fresh copy of big.xlsm each time (the copy is
  made before the clock starts); the first result is checked (zip CRCs, VBA
  project byte-identical, input sheets' parts byte-identical, the tracker
  reads back, Dashboard filled);
* the same refresh in process, with timers around its four steps (monkey
  patched in that child only: read + validate, report, scratch sheets,
  transplant + zip; the rest is fsync and rename);
* LibreOffice headless opening an *equivalent native-formula template* —
  the same rows as plain `Ads`/`Ledger` ranges, and a `Summary` sheet of
  SUMIFS formulas giving the `Ads Summary` sums (month × channel, and a
  total per month) and the `P&L` sums (month × type) with their ratios —
  with a profile that forces a recalculation on load, exporting the small
  `Summary` sheet to CSV; and the same with recalculation off (load only),
  so that the recalculation's own cost can be told apart.  The CSV is
  checked against kpi_xl's numbers for the same data;
* once, with a time limit: openpyxl ``load_workbook(keep_vba=True)`` + ``save``
  of big.xlsm (what a naive refresh would do); RSS sampled from /proc, so a
  figure exists even if it is killed at the limit.

The package is copied at the start and every child runs that copy
(``PYTHONPATH``), so that an edit of the working tree during the half hour
of a run cannot change what is measured.

``--profile`` (or a missed target) runs the refresh under cProfile in a
child and prints the functions that cost the most.

Targets (issue "Refresh"): `kpi-xl refresh` ≤ 1.5× the bare read, ≤ 2 GB peak.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

from benchlib import freeze_package, kpi_xl_command, machine, measure

HERE = Path(__file__).resolve().parent
LIBS = ("kpi-xl", "fastexcel", "polars", "python-calamine", "XlsxWriter", "openpyxl")
OUT = HERE / "out"
TARGET_RATIO = 1.5
TARGET_RSS_MB = 2000
OPENPYXL_TIMEOUT = 15 * 60
LIBREOFFICE_TIMEOUT = 10 * 60

_PRE = "import time; _t0 = time.perf_counter()\n"
BARE = _PRE + """import sys, json, fastexcel
_t1 = time.perf_counter()
r = fastexcel.read_excel(sys.argv[1])
n = [r.load_table(t{extra}).to_polars().height for t in ("Ads", "Ledger")]
print(json.dumps({'import': _t1 - _t0, 'work': time.perf_counter() - _t1, 'rows': n}))
"""
IN_PROCESS = _PRE + """import sys, json
import kpi_xl.refresh as R
_t1 = time.perf_counter()
steps = {}
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - t
    return wrapper
R.check_source = timed('read', R.check_source)
R.build_report = timed('report', R.build_report)
R.write_output_sheets = timed('scratch', R.write_output_sheets)
R.replace_sheets = timed('transplant', R.replace_sheets)
R.refresh(sys.argv[1])
print(json.dumps({'import': _t1 - _t0, 'work': time.perf_counter() - _t1, **steps}))
"""
OPENPYXL = _PRE + """import sys, json, openpyxl
_t1 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True)
print(json.dumps({'loaded': time.perf_counter() - _t1}), flush=True)
_t2 = time.perf_counter()
wb.save(sys.argv[2])
print(json.dumps({'saved': time.perf_counter() - _t2}), flush=True)
"""
PROFILE = """import cProfile, pstats, sys
import kpi_xl.refresh as R
p = cProfile.Profile()
p.enable()
R.refresh(sys.argv[1])
p.disable()
s = pstats.Stats(p)
s.sort_stats('cumulative').print_stats(30)
s.sort_stats('tottime').print_stats(20)
"""


# --- checking a refreshed copy -------------------------------------------------------


def check_refreshed(original: Path, refreshed: Path) -> str:
    """The refreshed copy is a complete workbook; what refresh must not touch is byte-identical."""
    import kpi_xl
    from kpi_xl.ooxml.package import sheet_parts
    from kpi_xl.report import OUTPUT_SHEETS

    with zipfile.ZipFile(original) as zo, zipfile.ZipFile(refreshed) as zr:
        bad = zr.testzip()
        assert bad is None, f"{refreshed}: bad CRC in {bad}"
        parts_o, parts_r = sheet_parts(zo), sheet_parts(zr)
        assert zo.read("xl/vbaProject.bin") == zr.read("xl/vbaProject.bin"), "VBA project changed"
        same = ["xl/vbaProject.bin", "xl/sharedStrings.xml", "xl/workbook.xml"]
        same += [part for name, part in parts_o.items() if name not in OUTPUT_SHEETS]
        for part in same:
            a, b = zo.getinfo(part), zr.getinfo(part)
            assert (a.CRC, a.compress_size) == (b.CRC, b.compress_size), f"{part} changed"
        dashboard = zr.read(parts_r["Dashboard"])
        assert b"<drawing " in dashboard and b"<legacyDrawing " in dashboard, "Dashboard lacks charts or button"
        assert b"conditionalFormatting" in zr.read(parts_r["P&L"]), "P&L lacks its alert rules"
    t = kpi_xl.read_tracker(refreshed)
    return (f"ok (wrote {', '.join(OUTPUT_SHEETS)}; {len(same)} other parts byte-identical, VBA included; "
            f"reads back: cac {t.kpis()['cac']:.2f})")


# --- LibreOffice: an equivalent native-formula template -------------------------------

CHANNELS = ("Meta", "Google", "LinkedIn", "TikTok")
LEDGER_TYPES = ("Revenue", "Variable cost", "Fixed cost", "Owner pay", "Tax")
MONTHS = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(36)]
SUMIFS_VERSION = 1


def make_sumifs_template(path: Path, rows: int, seed: int = 7) -> None:
    """Plain `Ads`/`Ledger` ranges (the rows of big.xlsm) and a `Summary` sheet of SUMIFS formulas."""
    import numpy as np
    import xlsxwriter
    from make_big_tracker import write_ads, write_ledger

    from kpi_xl.schema import ADS, LEDGER
    from kpi_xl.workbook import Formats

    meta = path.with_name(path.name + ".json")
    stamp = {"rows": rows, "seed": seed, "version": SUMIFS_VERSION}
    if path.exists() and meta.exists() and json.loads(meta.read_text()) == stamp:
        return
    print(f"writing {path.name} ({rows:,} rows per table)…", file=sys.stderr)
    rng = np.random.default_rng(seed)
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    fmt = Formats(wb, "EUR")
    summary = wb.add_worksheet("Summary")  # sheet 1: the one exported to CSV
    ads, ledger = wb.add_worksheet("Ads"), wb.add_worksheet("Ledger")
    for ws, spec in ((ads, ADS), (ledger, LEDGER)):
        for j, h in enumerate(spec.headers):
            ws.write_string(0, j, h, fmt.header)
    write_ads(ads, fmt, rows, rng)
    write_ledger(ledger, fmt, rows, rng)

    last = rows + 1
    col = {h: f"${chr(65 + j)}$2:${chr(65 + j)}${last}" for j, h in enumerate(ADS.headers)}
    lcol = {h: f"${chr(65 + j)}$2:${chr(65 + j)}${last}" for j, h in enumerate(LEDGER.headers)}
    sums = ("Impressions", "Clicks", "Spend", "Leads", "Calls", "Customers", "Revenue")
    # ratio header → (numerator column letter, denominator column letter, factor)
    ratios = {"CTR": ("D", "C", 1), "CPC": ("E", "D", 1), "CPM": ("E", "C", 1000), "CPL": ("E", "F", 1),
              "Cost per call": ("E", "G", 1), "CAC": ("E", "H", 1), "Click to lead": ("F", "D", 1),
              "Lead to call": ("G", "F", 1), "Call to customer": ("H", "G", 1), "Lead to customer": ("H", "F", 1),
              "Revenue per customer": ("I", "H", 1), "ROAS": ("I", "E", 1)}
    headers = ["Month", "Channel", *sums, *ratios, "Ads profit"]
    for j, h in enumerate(headers):
        summary.write_string(0, j, h, fmt.header)
    r = 1

    def ads_row(month: dt.date, channel: str | None) -> None:
        nonlocal r
        x = r + 1  # the Excel row number
        summary.write_datetime(r, 0, dt.datetime.combine(month, dt.time()), fmt.month)
        summary.write_string(r, 1, channel or "Total")
        crit = f'Ads!{col["Date"]},">="&$A{x},Ads!{col["Date"]},"<"&EDATE($A{x},1)'
        if channel:
            crit += f',Ads!{col["Channel"]},$B{x}'
        for j, h in enumerate(sums, 2):
            summary.write_formula(r, j, f"=SUMIFS(Ads!{col[h]},{crit})")
        for j, (num, den, k) in enumerate(ratios.values(), 2 + len(sums)):
            summary.write_formula(r, j, f'=IF({den}{x}=0,"",{k}*{num}{x}/{den}{x})')
        summary.write_formula(r, len(headers) - 1, f"=I{x}-E{x}")
        r += 1

    for month in MONTHS:
        for channel in CHANNELS:
            ads_row(month, channel)
        ads_row(month, None)

    # P&L: one row per month, below.
    r += 1
    pnl = ["Month", *LEDGER_TYPES, "Gross profit", "Gross margin", "Operating profit", "Net profit", "Net margin",
           "Cash end", "Break-even sales", "MER"]
    for j, h in enumerate(pnl):
        summary.write_string(r, j, h, fmt.header)
    r += 1
    first = r + 1
    for month in MONTHS:
        x = r + 1
        summary.write_datetime(r, 0, dt.datetime.combine(month, dt.time()), fmt.month)
        crit = f'Ledger!{lcol["Date"]},">="&$A{x},Ledger!{lcol["Date"]},"<"&EDATE($A{x},1)'
        for j, t in enumerate(LEDGER_TYPES, 1):
            summary.write_formula(r, j, f'=SUMIFS(Ledger!{lcol["Amount"]},{crit},Ledger!{lcol["Type"]},"{t}")')
        cash_prev = "25000" if x == first else f"L{x - 1}"
        mer = (f'=IFERROR(B{x}/SUMIFS(Ads!{col["Spend"]},Ads!{col["Date"]},">="&$A{x},'
               f'Ads!{col["Date"]},"<"&EDATE($A{x},1)),"")')
        for j, f in enumerate((f"=B{x}-C{x}", f'=IF(B{x}=0,"",G{x}/B{x})', f"=G{x}-D{x}", f"=I{x}-E{x}-F{x}",
                               f'=IF(B{x}=0,"",J{x}/B{x})', f"={cash_prev}+J{x}",
                               f'=IF(OR(H{x}="",H{x}=0),"",D{x}/H{x})', mer), 6):
            summary.write_formula(r, j, f)
        r += 1
    wb.close()
    tmp.replace(path)
    meta.write_text(json.dumps(stamp) + "\n")


def lo_profile(root: Path, recalc: bool) -> Path:
    """A LibreOffice user profile whose Calc recalculates OOXML files on load (0) or never does (1)."""
    mode = 0 if recalc else 1
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "".join(f'<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="{k}" oor:op="fuse">'
                  f"<value>{mode}</value></prop></item>\n" for k in ("OOXMLRecalcMode", "ODFRecalcMode"))
        + "</oor:items>\n")
    return root


CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,1"


def lo_cmd(profile: Path, src: Path, outdir: Path) -> list[str]:
    return ["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
            "--convert-to", CSV_FILTER, "--outdir", str(outdir), str(src)]


def check_lo_csv(path: Path, big: Path) -> str:
    """LibreOffice's recalculated sums equal kpi_xl's for the same rows (a few months, channels and types)."""
    import kpi_xl

    rows = list(csv.reader(path.open(encoding="utf-8")))
    t = kpi_xl.read_tracker(big)
    checked = 0
    for row in rows[1:]:
        try:  # LibreOffice writes the month cells as 01/31/2024 whatever their format
            month = dt.datetime.strptime(row[0], "%m/%d/%Y").strftime("%Y-%m")
        except ValueError:
            continue
        if len(row) > 4 and row[1] in CHANNELS and month in ("2024-01", "2025-06", "2026-12"):
            k = t.kpis(month, row[1])
            got = float(row[4].replace(",", "") or 0)
            assert abs(got - k["spend"]) < 0.01, f"{row[0]} {row[1]} spend: LibreOffice {got}, kpi_xl {k['spend']}"
            checked += 1
    assert checked >= 3, f"{path}: no month × channel rows recognised ({rows[:3]})"
    return f"ok (spend of {checked} month × channel rows equals kpi_xl's)"


# --- main ----------------------------------------------------------------------------


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=OUT / "big.xlsm")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-openpyxl", action="store_true")
    p.add_argument("--no-libreoffice", action="store_true")
    p.add_argument("--lo-rows", type=int, default=None, help="rows of the SUMIFS template (default: as big.xlsm)")
    p.add_argument("--profile", action="store_true", help="profile the refresh even if it meets its targets")
    a = p.parse_args()
    a.file = a.file.resolve()
    if not a.file.exists():
        raise SystemExit(f"{a.file}: missing; run python bench/make_big_xlsm.py first")
    sys.path.insert(0, str(HERE))
    py = sys.executable
    kpi_xl_cmd = kpi_xl_command()
    f = str(a.file)
    work = OUT / "refresh-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # Every child of this run (and the checks here) use one copy of the package.
    code, env = freeze_package(work)
    copy = work / "copy.xlsm"
    bare_rows = None

    variants: dict[str, tuple[str, list[str], bool]] = {  # key → (label, command, needs a fresh copy)
        "bare": ("bare fastexcel read of Ads and Ledger (types from 1,000 rows) — baseline",
                 [py, "-c", BARE.replace("{extra}", ""), f], False),
        "bare_all": ("bare fastexcel read, types from all rows (as kpi_xl reads)",
                     [py, "-c", BARE.replace("{extra}", ", schema_sample_rows=None"), f], False),
        "cli": ("`kpi-xl refresh COPY`", [kpi_xl_cmd, "refresh", str(copy)], True),
        "inproc": ("in-process `kpi_xl.refresh.refresh(COPY)` (step timers)", [py, "-c", IN_PROCESS, str(copy)],
                   True),
    }
    lo_note = ""
    if not a.no_libreoffice:
        lo_rows = a.lo_rows or json.loads(a.file.with_name(a.file.name + ".json").read_text())["rows"]
        sumifs = OUT / f"sumifs-{lo_rows}.xlsx"
        make_sumifs_template(sumifs, lo_rows)
        profiles = {k: lo_profile(OUT / f"lo-profile-{k}", k == "recalc") for k in ("recalc", "load")}
        # First start of a profile initialises it (seconds): not part of the figure.
        warm = work / "warm.csv"
        warm.write_text("1\n")
        for prof in profiles.values():
            subprocess.run(lo_cmd(prof, warm, work / "warm"), capture_output=True, timeout=120, check=False)
        probe = measure(lo_cmd(profiles["recalc"], sumifs, work / "lo-recalc"), timeout=LIBREOFFICE_TIMEOUT,
                        sample=True)
        if probe.get("timeout"):
            lo_note = (f"LibreOffice did not finish the {lo_rows:,}-row SUMIFS template within "
                       f"{LIBREOFFICE_TIMEOUT // 60} min (killed, peak {probe['rss']:,.0f} MB); using 100,000 rows")
            print(lo_note, file=sys.stderr)
            lo_rows = 100_000
            sumifs = OUT / f"sumifs-{lo_rows}.xlsx"
            make_sumifs_template(sumifs, lo_rows)
        print(f"LibreOffice probe: {probe['wall']:.1f} s", file=sys.stderr)
        variants["lo_recalc"] = ((f"LibreOffice headless: open the SUMIFS template ({lo_rows:,} rows), "
                                  "recalculate, export Summary to CSV"),
                                 lo_cmd(profiles["recalc"], sumifs, work / "lo-recalc"), False)
        variants["lo_load"] = ("LibreOffice headless: the same without recalculation (load + export only)",
                               lo_cmd(profiles["load"], sumifs, work / "lo-load"), False)

    a.file.read_bytes()  # warm the page cache
    results: dict[str, list[dict]] = {k: [] for k in variants}
    checks: dict[str, str] = {}
    for i in range(a.repeat):
        for key, (_, cmd, fresh) in variants.items():
            if fresh:
                shutil.copyfile(a.file, copy)
            timeout = LIBREOFFICE_TIMEOUT if key.startswith("lo_") else None
            r = measure(cmd, timeout=timeout, sample=key.startswith("lo_"), env=env, cwd=work)
            if r.get("timeout"):
                raise SystemExit(f"{key} timed out after {timeout} s")
            results[key].append(r)
            print(f"run {i + 1}/{a.repeat} {key:10s} {r['wall']:7.2f} s {r['rss']:7.0f} MB", file=sys.stderr)
            if key == "bare" and bare_rows is None:
                bare_rows = json.loads(r["stdout"])["rows"]
            if key == "cli" and "cli" not in checks:
                checks["cli"] = check_refreshed(a.file, copy)
            if key == "lo_recalc" and "lo" not in checks:
                checks["lo"] = check_lo_csv(work / "lo-recalc" / f"{sumifs.stem}-Summary.csv", a.file)

    openpyxl_result = None
    if not a.no_openpyxl:
        print(f"openpyxl load(keep_vba=True) + save, once, limit {OPENPYXL_TIMEOUT // 60} min…", file=sys.stderr)
        openpyxl_result = measure([py, "-c", OPENPYXL, f, str(work / "openpyxl.xlsm")], timeout=OPENPYXL_TIMEOUT,
                                  sample=True, env=env, cwd=work)
        print(f"openpyxl: {openpyxl_result['wall']:.0f} s {openpyxl_result['rss']:.0f} MB "
              f"{'TIMEOUT' if openpyxl_result.get('timeout') else ''} {openpyxl_result['stdout'].strip()}",
              file=sys.stderr)

    def med(key: str, field: str = "wall") -> float:
        return statistics.median(r[field] for r in results[key])

    base = med("bare")
    print(f"machine: {machine(LIBS, libreoffice=True)}")
    print(f"code: {code}")
    print(f"file: {a.file.name} ({a.file.stat().st_size / 1e6:.0f} MB; Ads {bare_rows[0]:,} rows, "
          f"Ledger {bare_rows[1]:,} rows), median of {a.repeat} runs per row, each in its own process, interleaved\n")
    print("| what | wall s | (min–max) | vs bare read | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for key, (label, _, _) in variants.items():
        walls = [r["wall"] for r in results[key]]
        wall = statistics.median(walls)
        print(f"| {label} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {wall / base:.2f}× | "
              f"{med(key, 'rss'):,.0f} |")
    if openpyxl_result:
        r = openpyxl_result
        steps = [json.loads(line) for line in r["stdout"].splitlines() if line.startswith("{")]
        detail = ", ".join(f"{ {'loaded': 'load', 'saved': 'save'}[k]} {v:.0f} s" for s in steps for k, v in s.items())
        if r.get("timeout"):
            label = (f"openpyxl `load_workbook(keep_vba=True)` + `save`, once: **killed at the "
                     f"{OPENPYXL_TIMEOUT // 60}-min limit** ({detail or 'still loading'}; RSS sampled)")
            print(f"| {label} | > {r['wall']:.0f} | – | > {r['wall'] / base:.0f}× | ≥ {r['rss']:,.0f} |")
        else:
            label = f"openpyxl `load_workbook(keep_vba=True)` + `save`, once ({detail})"
            print(f"| {label} | {r['wall']:.2f} | – | {r['wall'] / base:.1f}× | {r['rss']:,.0f} |")

    steps = [json.loads(r["stdout"]) for r in results["inproc"]]
    names = {"import": "import kpi_xl.refresh", "read": "read + validate (check_source)",
             "report": "report (build_report)", "scratch": "scratch sheets (write_output_sheets)",
             "transplant": "transplant + zip (replace_sheets)"}
    print("\nin-process refresh, by step (median s):")
    for k, label in names.items():
        print(f"  {label:40s} {statistics.median(s[k] for s in steps):6.2f}")
    rest = statistics.median(s["work"] - sum(s[k] for k in names if k != "import") for s in steps)
    print(f"  {'the rest (temp file, fsync, rename)':40s} {rest:6.2f}")
    if lo_note:
        print(f"\n{lo_note}")
    if "lo_recalc" in results:
        print(f"\nLibreOffice recalculation alone ≈ {med('lo_recalc') - med('lo_load'):.1f} s "
              f"({med('lo_recalc'):.1f} − {med('lo_load'):.1f})")
    for k, v in checks.items():
        print(f"check {k}: {v}")

    ratio, rss = med("cli") / base, med("cli", "rss")
    ok = ratio <= TARGET_RATIO and rss <= TARGET_RSS_MB
    print(f"\ntarget: kpi-xl refresh ≤ {TARGET_RATIO}× the bare read: {ratio:.2f}× "
          f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL'}; ≤ {TARGET_RSS_MB:,} MB: {rss:,.0f} MB "
          f"{'PASS' if rss <= TARGET_RSS_MB else 'FAIL'}")
    if a.profile or not ok:
        shutil.copyfile(a.file, copy)
        r = subprocess.run([py, "-c", PROFILE, str(copy)], capture_output=True, text=True, check=False, env=env,
                           cwd=work)
        print("\ncProfile of kpi_xl.refresh.refresh (in a child):\n" + r.stdout[-12000:] + r.stderr[-2000:])
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
