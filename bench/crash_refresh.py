"""Crash safety of `kpi-xl refresh`: SIGKILL it at random moments and look at what is left.

    python bench/make_big_xlsm.py          # once: bench/out/big.xlsm
    python bench/crash_refresh.py [--file bench/out/big.xlsm] [--kills 30] [--seed 1]

1. One uninterrupted ``kpi-xl refresh`` of a copy measures a refresh's
   duration T and gives the reference refreshed workbook.
2. ``--kills`` times: a fresh copy of the file (made before the clock
   starts) is refreshed by ``kpi-xl refresh COPY`` in a child process, which
   receives SIGKILL after a random delay — the span [0, 1.05 T] is cut into
   ``--kills`` equal slices and one delay is drawn uniformly in each, so the
   kills are random but spread over reading, computing and writing (a few
   land after the end: the refresh finished).  At the kill the script notes
   whether the temporary file beside the target (``.kpi-xl-NAME.XXXXXXXX.tmp``,
   see kpi_xl/files.py) existed and how big it was: the writing phase.
3. After each kill the target must be either
   * **old**: byte-identical to the original, or
   * **new**: a complete refreshed workbook — every zip CRC checks
     (``testzip``), ``kpi_xl.read_tracker`` reads it, its Dashboard sheet XML
     is the refreshed one (chart drawing, button), the VBA project is
     byte-identical, and its parts are those of the reference refreshed
     workbook (same names; same bytes except the Dashboard sheet, which
     holds the time of the refresh);
   anything else counts as **corrupt**.
4. What the kill leaves behind is listed: scratch files beside the target
   (``.kpi-xl-NAME.*``: SIGKILL skips the cleanup of ``atomic_path``; the
   scratch workbook and the lock file) and anything in the child's TMPDIR
   (nothing since issue 14: the scratch workbook used to be a ``kpi_xl-*``
   directory there).  Each refresh removes the scratch files a killed one
   left (it holds the tracker's lock), so they do not pile up; a last
   uninterrupted refresh must leave nothing at all.

The package is copied at the start (``bench/out/crash/pkg``) and every child
runs that copy (``PYTHONPATH``): an edit of the working tree during the run
would otherwise change the refreshed sheets and fail the comparison with the
reference (a first run here did exactly that, on ``P&L``, when summary.py
was edited mid-run).
"""

from __future__ import annotations

import argparse
import hashlib
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


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parts(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: i.CRC for i in z.infolist()}


def classify(target: Path, original_hash: str, reference: dict[str, int], dashboard_part: str,
             original_dashboard: bytes) -> tuple[str, str]:
    """("old" | "new" | "corrupt", detail)."""
    import kpi_xl

    if not target.exists():
        return "corrupt", "target missing"
    if sha256(target) == original_hash:
        return "old", "byte-identical"
    try:
        with zipfile.ZipFile(target) as z:
            bad = z.testzip()
            if bad is not None:
                return "corrupt", f"bad CRC in {bad}"
            dashboard = z.read(dashboard_part)
            if dashboard == original_dashboard or b"<drawing " not in dashboard or b"<legacyDrawing " not in dashboard:
                return "corrupt", "Dashboard sheet XML is not the refreshed one"
        got = parts(target)
        if set(got) != set(reference):
            return "corrupt", f"parts differ from the reference: {sorted(set(got) ^ set(reference))[:5]}"
        differ = sorted(p for p in got if got[p] != reference[p])
        if differ not in ([], [dashboard_part]):
            return "corrupt", f"parts' bytes differ from the reference: {differ[:5]}"
        t = kpi_xl.read_tracker(target)
        if t.kpis()["spend"] is None:
            return "corrupt", "read_tracker read no spend"
    except Exception as e:  # noqa: BLE001 — any failure to open is what we are looking for
        return "corrupt", f"{type(e).__name__}: {e}"
    return "new", "complete, opens" + (" (Dashboard differs from the reference: refresh time)" if differ else "")


def _atomic(entry_name: str, name: str) -> bool:
    """``.kpi-xl-NAME.XXXXXXXX.tmp``: the file that replaces the target (not the scratch workbook, nor the lock)."""
    prefix = f".kpi-xl-{name}."
    return entry_name.startswith(prefix) and entry_name.endswith(".tmp") and "." not in entry_name[len(prefix):-4]


def stray(folder: Path, name: str) -> dict[Path, int]:
    out = {}
    for p in folder.glob(f".kpi-xl-{name}.*"):
        try:
            out[p] = p.stat().st_size
        except FileNotFoundError:  # renamed over the target, or removed, meanwhile
            pass
    return out


def wait_for_temp(proc: subprocess.Popen, folder: Path, name: str, before: set[Path]) -> Path | None:
    """Poll (every ~1 ms) until the new temporary file that replaces the target appears, or the process ends."""
    while proc.poll() is None:
        with os.scandir(folder) as it:
            for e in it:
                if _atomic(e.name, name) and Path(e.path) not in before:
                    return Path(e.path)
        time.sleep(0.001)
    return None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=HERE / "out" / "big.xlsm")
    p.add_argument("--kills", type=int, default=30, help="kills spread over the whole refresh")
    p.add_argument("--write-kills", type=int, default=30, help="kills spread over the writing window")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    a.file = a.file.resolve()
    if a.kills < 20 or a.write_kills < 20:
        p.error("--kills, --write-kills: at least 20 each")
    if not a.file.exists():
        raise SystemExit(f"{a.file}: missing; run python bench/make_big_xlsm.py first")
    py = Path(sys.executable)
    kpi_xl_cmd = kpi_xl_command()
    rng = random.Random(a.seed)
    work = HERE / "out" / "crash"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tmpdir = work / "tmpdir"  # the child's TMPDIR: its scratch directories land here
    tmpdir.mkdir()
    # Every refresh of this run (and the checks here) use one copy of the package.
    code, env = freeze_package(work)
    env["TMPDIR"] = str(tmpdir)
    import kpi_xl
    from kpi_xl.ooxml.package import sheet_parts

    child = subprocess.run([str(py), "-c", "import kpi_xl; print(kpi_xl.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(kpi_xl.__file__).is_relative_to(work / "pkg") and Path(child).is_relative_to(work / "pkg"), child
    print(f"code: {code}", file=sys.stderr)
    target = work / a.file.name
    original_hash = sha256(a.file)
    with zipfile.ZipFile(a.file) as z:
        dashboard_part = sheet_parts(z)["Dashboard"]
        original_dashboard = z.read(dashboard_part)

    # 1. Reference run: its duration, when the temp file appears, its parts.
    shutil.copyfile(a.file, target)
    t = time.perf_counter()
    proc = subprocess.Popen([kpi_xl_cmd, "refresh", str(target)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, cwd=work)
    appeared = wait_for_temp(proc, work, target.name, set())
    t_temp = time.perf_counter() - t
    if proc.wait() != 0 or appeared is None:
        raise SystemExit("the reference refresh failed, or no temp file was seen beside the target")
    duration = time.perf_counter() - t
    window = duration - t_temp
    reference = parts(target)
    print(f"file: {a.file} ({a.file.stat().st_size / 1e6:.0f} MB); one uninterrupted refresh: {duration:.2f} s, "
          f"the temp file beside the target from {t_temp:.2f} s to the exit ({window:.2f} s)", file=sys.stderr)

    # 2–3. Kills: spread over the whole refresh, then spread over the writing window.
    span, wspan = 1.05 * duration, 1.10 * window
    plan = [("whole", span * (i + rng.random()) / a.kills) for i in range(a.kills)]
    plan += [("write", wspan * (i + rng.random()) / a.write_kills) for i in range(a.write_kills)]
    rows = []
    leftovers: dict[Path, int] = {}
    for i, (mode, delay) in enumerate(plan, 1):
        shutil.copyfile(a.file, target)
        before = set(stray(work, target.name))
        proc = subprocess.Popen([kpi_xl_cmd, "refresh", str(target)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env, cwd=work)
        t0 = time.perf_counter()
        if mode == "write":  # the delay counts from the temp file's appearance
            wait_for_temp(proc, work, target.name, before)
            t0 = time.perf_counter()
        time.sleep(max(0.0, delay - (time.perf_counter() - t0)))
        writing = {q: s for q, s in stray(work, target.name).items() if q not in before and _atomic(q.name,
                                                                                                  target.name)}
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        new_stray = {q: s for q, s in stray(work, target.name).items() if q not in before}
        leftovers.update(new_stray)
        outcome, detail = classify(target, original_hash, reference, dashboard_part, original_dashboard)
        at_kill = (f"temp file {max(writing.values()) / 1e6:.1f} MB" if writing else "no temp file")
        rows.append((i, mode, delay, finished, at_kill, outcome, detail))
        left = ", ".join(f"{q.name} ({s / 1e6:.1f} MB)" for q, s in new_stray.items()) or "none"
        when = (f"{delay:5.2f} s after start ({delay / duration:4.0%})" if mode == "whole"
                else f"{delay:5.2f} s after the temp file appeared ({delay / window:4.0%} of the window)")
        print(f"kill {i:2d}/{len(plan)} {when}: "
              f"{'finished before the kill' if finished else at_kill + ' at the kill'} → {outcome.upper()}: "
              f"{detail}; left beside the target: {left}", file=sys.stderr)

    scratch_left = sorted(tmpdir.iterdir())
    # 4. A last refresh: it must leave nothing behind.
    shutil.copyfile(a.file, target)
    final = subprocess.run([kpi_xl_cmd, "refresh", str(target)], capture_output=True, text=True, env=env, cwd=work,
                           check=False)
    final_outcome, final_detail = classify(target, original_hash, reference, dashboard_part, original_dashboard)
    left_after = sorted(stray(work, target.name))

    print(f"\nfile: {a.file.name} ({a.file.stat().st_size / 1e6:.0f} MB), one refresh {duration:.2f} s of which "
          f"{window:.2f} s with the temp file beside the target; delays drawn uniformly in equal slices of "
          f"0–{span:.2f} s from the start (whole) and of 0–{wspan:.2f} s from the temp file's appearance "
          f"(write), seed {a.seed}\n")
    print("| kills at | attempts | SIGKILLs | finished before the kill | killed with the temp file present "
          "| old file | new file | corrupt |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    count = {}
    for mode, label in (("whole", "random moments of the whole refresh"),
                        ("write", "random moments of the writing window"), (None, "**all**")):
        sel = [r for r in rows if mode is None or r[1] == mode]
        count = {k: sum(1 for r in sel if r[5] == k) for k in ("old", "new", "corrupt")}
        kills = sum(1 for r in sel if not r[3])
        in_write = sum(1 for r in sel if not r[3] and r[4] != "no temp file")
        print(f"| {label} | {len(sel)} | {kills} | {len(sel) - kills} | {in_write} | {count['old']} | "
              f"{count['new']} | {count['corrupt']} |")
    for r in rows:
        if r[5] == "corrupt":
            print(f"CORRUPT after kill {r[0]} ({r[1]}, {r[2]:.2f} s): {r[6]}")
    sizes = sorted(leftovers.values())
    print(f"\nleft beside the target by the kills (each removed by the next refresh): {len(leftovers)} file(s) "
          f"named .kpi-xl-{target.name}.*" + (f", {sizes[0] / 1e6:.1f}–{sizes[-1] / 1e6:.1f} MB" if sizes else ""))
    dirs = [d for d in scratch_left if d.is_dir()]
    files = [f for f in scratch_left if not f.is_dir()]
    print(f"left in the child's TMPDIR: {len(dirs)} scratch dir(s) "
          f"({', '.join(sorted({d.name.split('-')[0] + '-*' for d in dirs})) or '–'}; "
          f"{sum(1 for d in dirs for _ in d.rglob('*'))} file(s) in them), {len(files)} other file(s)"
          + (f" ({', '.join(f'{f.name}: {f.stat().st_size} B' for f in files[:5])})" if files else ""))
    print(f"a last refresh: exit {final.returncode}, target {final_outcome} ({final_detail}); then "
          f"{len(left_after)} file(s) beside the target, {len(list(tmpdir.iterdir()))} in the TMPDIR")
    shutil.rmtree(work, ignore_errors=True)
    if count["corrupt"] or final.returncode or final_outcome != "new" or left_after or scratch_left:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
