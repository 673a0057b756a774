"""Two writers of one tracker, and writers killed at random moments: nothing lost, nothing corrupt, no debris.

    python bench/make_big_xlsm.py --rows 100000 --out bench/out/big100k.xlsm     # once
    python bench/crash_writers.py --file bench/out/big100k.xlsm [--trials 50] [--kills 20] [--seed 1]

Three writes, each deterministic: ``import A`` (one Google Ads row, campaign
Alpha, 10.00), ``import B`` (Beta, 20.00) and ``refresh``.

1. **References**: every ordered pair of two different writes is run one
   after the other on a fresh copy (``A,B``, ``B,A``, ``A,R``, ``R,A``,
   ``B,R``, ``R,B``), and each single write alone; their packages are kept.
2. **Two writers** (``--trials``): a random pair, started in a random order,
   the second after a random delay within the first's duration, both as
   real ``kpi-xl`` processes.  The result must be the reference of the two
   writes in the order they *finished* — the same package part for part
   (the Dashboard, which holds the refresh's time, aside), so no row was
   lost (the spend is the original's plus every import's) and no refresh was
   dropped or made from data older than the rows before it.
3. **Kills** (``--kills`` per write): a write is SIGKILLed after a random
   delay (equal slices of its duration, one draw per slice).  The target
   must be the old file byte for byte or the write's reference; what the
   kill left beside it (``.kpi-xl-NAME.*``) is counted, and the next write
   of the same tracker must remove it: after the last trial nothing is left
   beside the tracker nor in the children's temporary folder.

The package is copied at the start and every child runs that copy
(``PYTHONPATH``), as in ``crash_refresh.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from benchlib import freeze_package, kpi_xl_command

HERE = Path(__file__).resolve().parent
CSV = ("Campaign report\nMarch 2, 2026 - March 2, 2026\nCampaign status,Campaign,Impr.,Clicks,Currency code,Cost\n"
       "Enabled,{name},100,5,EUR,{cost}\n")
COST = {"A": 10.0, "B": 20.0}


def command(op: str, target: Path, work: Path) -> list[str]:
    if op == "R":
        return [kpi_xl_command(), "refresh", str(target)]
    return [kpi_xl_command(), "import", str(target), "--ads", str(work / f"{op}.csv")]


def parts(path: Path, skip: str) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: i.CRC for i in z.infolist() if i.filename != skip}


def debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".kpi-xl-"))


def run(ops: list[str], original: Path, target: Path, work: Path, env: dict) -> None:
    shutil.copyfile(original, target)
    for op in ops:
        subprocess.run(command(op, target, work), env=env, cwd=work, check=True, capture_output=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=HERE / "out" / "big100k.xlsm")
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--kills", type=int, default=20, help="kills per write (refresh, import)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if not a.file.exists():
        raise SystemExit(f"{a.file}: missing; run python bench/make_big_xlsm.py --rows 100000 --out {a.file}")
    rng = random.Random(a.seed)
    work = HERE / "out" / "writers"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tmpdir = work / "tmpdir"
    tmpdir.mkdir()
    code, env = freeze_package(work)
    env["TMPDIR"] = str(tmpdir)
    import kpi_xl
    from kpi_xl.ooxml.package import sheet_parts

    for op, cost in COST.items():
        (work / f"{op}.csv").write_text(CSV.format(name={"A": "Alpha", "B": "Beta"}[op], cost=f"{cost:.2f}"))
    original = work / "original.xlsm"
    shutil.copyfile(a.file, original)
    with zipfile.ZipFile(original) as z:
        dashboard = sheet_parts(z)["Dashboard"]
    spend0 = kpi_xl.read_tracker(original).kpis()["spend"]
    print(f"code: {code}\nfile: {a.file} ({a.file.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)

    # 1. References, and each write's duration.
    target = work / "t.xlsm"
    refs: dict[tuple[str, ...], dict[str, int]] = {}
    duration: dict[str, float] = {}
    for op in ("A", "B", "R"):
        t = time.perf_counter()
        run([op], original, target, work, env)
        duration[op] = time.perf_counter() - t
        refs[(op,)] = parts(target, dashboard)
    for first in "ABR":
        for second in "ABR":
            if first != second:
                run([first, second], original, target, work, env)
                refs[(first, second)] = parts(target, dashboard)
    print("one write: " + ", ".join(f"{op} {s:.2f} s" for op, s in duration.items()), file=sys.stderr)

    # 2. Two writers at once.
    outcomes = {"as-serial": 0, "row-lost": 0, "refresh-dropped-or-stale": 0, "failed": 0}
    waited = 0
    for i in range(1, a.trials + 1):
        pair = rng.choice([("A", "B"), ("A", "R"), ("B", "R")])
        first, second = pair if rng.random() < 0.5 else pair[::-1]
        delay = rng.random() * duration[first]
        shutil.copyfile(original, target)
        procs = {first: subprocess.Popen(command(first, target, work), env=env, cwd=work, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True)}
        time.sleep(delay)
        procs[second] = subprocess.Popen(command(second, target, work), env=env, cwd=work, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True)
        ended: dict[str, float] = {}
        while len(ended) < 2:
            for op, proc in procs.items():
                if op not in ended and proc.poll() is not None:
                    ended[op] = time.perf_counter()
            time.sleep(0.005)
        errs = {op: proc.stderr.read() for op, proc in procs.items()}
        waited += any("waiting:" in e for e in errs.values())
        order = tuple(sorted(ended, key=ended.get))
        if any(proc.returncode for proc in procs.values()):
            outcome = "failed"
        else:
            spend = kpi_xl.read_tracker(target).kpis()["spend"]
            expected = spend0 + sum(COST.get(op, 0.0) for op in order)
            if abs(spend - expected) > 1e-6:
                outcome = "row-lost"
            elif parts(target, dashboard) != refs[order]:
                outcome = "refresh-dropped-or-stale"
            else:
                outcome = "as-serial"
        outcomes[outcome] += 1
        detail = "".join(f"\n  {op}: {e.strip()[-300:]}" for op, e in errs.items()
                         if e.strip() and outcome != "as-serial")
        print(f"trial {i:2d}: {first} then {second} after {delay:5.2f} s; finished {'-'.join(order)}: {outcome}"
              + detail, file=sys.stderr)

    # 3. Kills.
    kills = {op: {"old": 0, "new": 0, "corrupt": 0, "debris": 0, "finished": 0} for op in ("R", "A")}
    for op in ("R", "A"):
        span = 1.05 * duration[op]
        for k in range(a.kills):
            delay = span * (k + rng.random()) / a.kills
            shutil.copyfile(original, target)  # the leftovers of the kill before stay: this write must clean them
            original_bytes_crc = parts(target, "")
            proc = subprocess.Popen(command(op, target, work), env=env, cwd=work, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(delay)
            finished = proc.poll() is not None
            if not finished:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            got = parts(target, "")
            try:
                with zipfile.ZipFile(target) as z:
                    ok = z.testzip() is None
            except zipfile.BadZipFile:
                ok = False
            if ok and got == original_bytes_crc:
                kills[op]["old"] += 1
            elif ok and parts(target, dashboard) == refs[(op,)]:
                kills[op]["new"] += 1
            else:
                kills[op]["corrupt"] += 1
            kills[op]["finished"] += finished
            kills[op]["debris"] += bool(debris(work))
    shutil.copyfile(original, target)
    left_before = debris(work)
    final = subprocess.run(command("R", target, work), env=env, cwd=work, capture_output=True, text=True)
    left_after, tmp_left = debris(work), sorted(tmpdir.iterdir())

    print(f"\nfile: {a.file.name} ({a.file.stat().st_size / 1e6:.0f} MB); one write: "
          + ", ".join(f"{op} {s:.2f} s" for op, s in duration.items()) + f"; seed {a.seed}\n")
    print("| two writers at once | trials | as if one after the other | a row lost | a refresh dropped or stale | "
          "failed | the second said it waited |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| import A, import B, refresh: random pair, order and delay | {a.trials} | {outcomes['as-serial']} | "
          f"{outcomes['row-lost']} | {outcomes['refresh-dropped-or-stale']} | {outcomes['failed']} | {waited} |")
    print("\n| killed | attempts | finished before the kill | old file | new file | corrupt "
          "| debris left by the kill |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for op, label in (("R", "`kpi-xl refresh`"), ("A", "`kpi-xl import`")):
        k = kills[op]
        print(f"| {label} | {a.kills} | {k['finished']} | {k['old']} | {k['new']} | {k['corrupt']} | {k['debris']} |")
    print(f"\nafter the last kill: {len(left_before)} file(s) beside the tracker ({', '.join(left_before) or '–'}); "
          f"the next refresh exit {final.returncode}, then {len(left_after)} beside it and {len(tmp_left)} in the "
          "children's TMPDIR")
    bad = (outcomes["as-serial"] != a.trials or any(k["corrupt"] for k in kills.values()) or final.returncode
           or left_after or tmp_left)
    shutil.rmtree(work, ignore_errors=True)
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
