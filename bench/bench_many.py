"""Many trackers at once: `kpi-xl refresh DIR` with one process and with one per core, and `kpi-xl portfolio DIR`
against the same number of bare reads.

    python bench/make_many_trackers.py   # once: bench/out/many (1,000 trackers), bench/out/many-big (20 of 200k rows)
    python bench/bench_many.py [--repeat 3] [--jobs N] [--only refresh|big|portfolio]

Every variant runs as its own process (``kpi-xl …`` or this script in a
``--bare`` mode), under ``/usr/bin/time``, the variants interleaved run by
run; the figures are medians.  Memory: every process of the run (the command
and its workers) is sampled every 0.1 s for its peak resident set
(``VmHWM``): "per worker" is the largest worker's, "all" the sum of every
process's peak (an upper bound of the run's total).  The load average is
read before each run: other work on the machine shows there.

Targets (issue 19): refresh speedup with N jobs ≥ 0.8 × N (cores); portfolio
≤ 1.3 × the same number of bare reads, with the same number of processes.
Others' CPU: the CPU time the
rest of the machine used during a run (``/proc/stat`` less the run's own), as
a share of all CPUs: what disturbed that run.  Before each run the script
waits (at most ``--quiet-wait`` s) until ``/proc/pressure/cpu`` says no task
waited for a CPU more than ``--quiet-pressure`` % of the last 10 s.
The trackers are refreshed in copies (``bench/out/work/``), so that the
folders made once stay as they were made.

``--bare check`` reads and validates each tracker (:func:`kpi_xl.check_tracker`:
what the portfolio must do for each file at the least); ``--bare fastexcel``
only loads the two tables with fastexcel (the baseline of the other
benchmarks), both through the same pool (:func:`kpi_xl.batch.run_parallel`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from benchlib import freeze_package, kpi_xl_command, machine

OUT = Path(__file__).resolve().parent / "out"


# --- the bare reads (run in a child process: python bench/bench_many.py --bare MODE DIR --jobs N) ----------


def bare_check(item) -> bool:
    from kpi_xl.reader import check_tracker

    return check_tracker(item.path)[0] is not None


def bare_fastexcel(item) -> int:
    import fastexcel

    reader = fastexcel.read_excel(item.path)
    return sum(reader.load_table(t).to_polars().height for t in ("Ads", "Ledger"))


def bare(mode: str, folder: Path, jobs: int) -> None:
    from kpi_xl.batch import find_trackers, run_parallel

    items = find_trackers([folder])
    results = run_parallel(bare_check if mode == "check" else bare_fastexcel, items, jobs)
    print(f"{len(results)} read, {sum(bool(r) for r in results)} valid")


# --- measuring -----------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(c) for c in f.read().split()]
                    out += kids
                    todo += kids
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


def _hwm_kb(pid: int) -> tuple[int, str]:
    """A process's peak resident set so far (kB) and its command line."""
    try:
        with open(f"/proc/{pid}/status") as f:
            hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        return hwm, cmd
    except (FileNotFoundError, ProcessLookupError):
        return 0, ""


ENV: dict[str, str] | None = None
"""The children's environment: the frozen copy of the package on PYTHONPATH (see main)."""


def _busy() -> float:
    """CPU seconds spent so far by everything on the machine (all CPUs, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _pressure() -> float:
    """The share of the last 10 s in which some task waited for a CPU (%, /proc/pressure/cpu)."""
    try:
        return float(Path("/proc/pressure/cpu").read_text().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return 0.0


QUIET = {"pressure": 10.0, "wait": 600.0}
"""Before each run: wait (at most ``wait`` s) until no task has waited for a CPU more than ``pressure`` % of the last
10 s (--quiet-pressure, --quiet-wait)."""


def wait_quiet() -> float:
    """Wait for a quiet machine (see QUIET); return the seconds waited."""
    t = time.perf_counter()
    while _pressure() > QUIET["pressure"] and time.perf_counter() - t < QUIET["wait"]:
        time.sleep(5)
    return time.perf_counter() - t


def run(cmd: list[str], cwd: Path | None = None) -> dict:
    """Wall seconds, CPU seconds (the command and its workers), the command's own peak RSS, its largest
    worker's, the sum of all peaks (MB), the load before and the CPU others used meanwhile."""
    waited = wait_quiet()
    load, pressure = os.getloadavg()[0], _pressure()
    busy = _busy()
    peaks: dict[int, tuple[int, str]] = {}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "@@time %e %M %U %S", *cmd], stdout=out, stderr=err,
                                cwd=cwd, env=ENV)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                for pid in _children(proc.pid):
                    hwm, command = _hwm_kb(pid)
                    if hwm:
                        peaks[pid] = (max(hwm, peaks.get(pid, (0, ""))[0]), command or peaks.get(pid, (0, ""))[1])
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        stop.set()
        sampler.join()
        wall = time.perf_counter() - t
        busy = _busy() - busy
        err.seek(0)
        stderr = err.read()
    if code not in (0, 2) or "@@time" not in stderr:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{stderr[-3000:]}")
    _, wall_s, max_kb, user, system = next(line for line in stderr.splitlines() if line.startswith("@@time")).split()
    cpu = float(user) + float(system)
    processes = [(kb, c) for kb, c in peaks.values() if "/usr/bin/time" not in c]
    workers = [kb for kb, c in processes if "spawn_main" in c]
    main = [kb for kb, c in processes if "multiprocessing" not in c]  # (nor the resource tracker)
    return {"wall": float(wall_s), "max_mb": int(max_kb) / 1024, "main_mb": max(main, default=0) / 1024,
            "worker_mb": max(workers, default=0) / 1024, "sum_mb": sum(kb for kb, _ in processes) / 1024,
            "workers": len(workers), "load": load, "pressure": pressure, "waited": waited, "cpu": cpu,
            "others": max(0.0, busy - cpu) / (wall * os.cpu_count()) * 100, "own_wall": wall}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def spread(runs: list[dict], key: str = "wall") -> str:
    values = [r[key] for r in runs]
    return f"{min(values):.1f}–{max(values):.1f}"


def interleaved(variants: dict[str, list[str]], repeat: int, cwd: Path | None = None) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for i in range(repeat):
        for name, cmd in variants.items():
            r = run(cmd, cwd)
            runs[name].append(r)
            print(f"  run {i + 1} {name}: {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, others used {r['others']:.0f}% "
                  f"of the CPUs meanwhile (waited {r['waited']:.0f} s for quiet; load {r['load']:.2f}), command "
                  f"{r['main_mb']:.0f} MB, largest worker {r['worker_mb']:.0f} MB ({r['workers']} workers), all "
                  f"{r['sum_mb']:.0f} MB", flush=True)
    return runs


def refresh_table(title: str, folder: Path, jobs: int, repeat: int) -> str:
    work = OUT / "work" / folder.name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns("manifest.json"))
    kpi_xl = kpi_xl_command()
    print(f"{title}: warm-up refresh of {work} (not timed)", flush=True)
    subprocess.run([kpi_xl, "refresh", str(work), "--jobs", str(jobs)], capture_output=True, check=True, env=ENV)
    runs = interleaved({"1": [kpi_xl, "refresh", str(work), "--jobs", "1"],
                        str(jobs): [kpi_xl, "refresh", str(work), "--jobs", str(jobs)]}, repeat)
    one, many = median(runs["1"], "wall"), median(runs[str(jobs)], "wall")
    files = sum(1 for _ in work.glob("*.xls*"))
    lines = [f"### {title}", "",
             "| `kpi-xl refresh DIR` | wall s (min–max) | per file s | speedup | CPU s | command MB "
             "| largest worker MB | all processes MB | others' CPU meanwhile |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rs in runs.items():
        wall = median(rs, "wall")
        worker = f"{median(rs, 'worker_mb'):.0f}" if name != "1" else "– (no pool)"
        lines.append(f"| `--jobs {name}` | {wall:.1f} ({spread(rs)}) | {wall / files:.3f} | {one / wall:.2f}× "
                     f"| {median(rs, 'cpu'):.0f} | {median(rs, 'main_mb'):.0f} | {worker} | "
                     f"{median(rs, 'sum_mb'):.0f} | {spread(rs, 'others').replace('.0', '')} % |")
    lines += ["", f"Speedup with {jobs} jobs: **{one / many:.2f}×** (target ≥ {0.8 * jobs:.1f}×, 0.8 × {jobs} cores)."]
    return "\n".join(lines)


def portfolio_table(folder: Path, jobs: int, repeat: int) -> str:
    kpi_xl = kpi_xl_command()
    out = OUT / "work" / "portfolio.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    variants = {
        "bare fastexcel reads (the two tables)": [*me, "--bare", "fastexcel", str(folder), "--jobs", str(jobs)],
        "bare reads (`kpi_xl.check_tracker`)": [*me, "--bare", "check", str(folder), "--jobs", str(jobs)],
        "`kpi-xl portfolio DIR -o portfolio.xlsx`": [kpi_xl, "portfolio", str(folder), "-o", str(out),
                                                     "--jobs", str(jobs)],
        "`kpi-xl portfolio DIR --json`": [kpi_xl, "portfolio", str(folder), "--json", "--jobs", str(jobs)],
    }
    runs = interleaved(variants, repeat)
    base = median(runs["bare reads (`kpi_xl.check_tracker`)"], "wall")
    fast = median(runs["bare fastexcel reads (the two tables)"], "wall")
    lines = ["### `kpi-xl portfolio` over 1,000 trackers", "",
             f"All with `--jobs {jobs}`, each a process of its own (start-up, imports and the pool included).", "",
             "| what | wall s (min–max) | vs bare reads | vs fastexcel reads | CPU s | command MB "
             "| largest worker MB | others' CPU meanwhile |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rs in runs.items():
        wall = median(rs, "wall")
        lines.append(f"| {name} | {wall:.1f} ({spread(rs)}) | {wall / base:.2f}× | {wall / fast:.2f}× "
                     f"| {median(rs, 'cpu'):.0f} | {median(rs, 'main_mb'):.0f} | {median(rs, 'worker_mb'):.0f} "
                     f"| {spread(rs, 'others').replace('.0', '')} % |")
    ratio = median(runs["`kpi-xl portfolio DIR -o portfolio.xlsx`"], "wall") / base
    lines += ["", f"Portfolio against the bare reads: **{ratio:.2f}×** (target ≤ 1.3×); "
                  f"{out.stat().st_size / 1e6:.1f} MB written."]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--only", choices=("refresh", "big", "portfolio"), action="append")
    p.add_argument("--quiet-pressure", type=float, default=QUIET["pressure"])
    p.add_argument("--quiet-wait", type=float, default=QUIET["wait"])
    p.add_argument("--bare", choices=("check", "fastexcel"), help=argparse.SUPPRESS)
    p.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.bare:
        bare(a.bare, a.folder, a.jobs)
        return
    only = set(a.only or ("refresh", "big", "portfolio"))
    QUIET.update(pressure=a.quiet_pressure, wait=a.quiet_wait)
    global ENV
    frozen = OUT / "work" / "frozen"
    shutil.rmtree(frozen, ignore_errors=True)
    frozen.mkdir(parents=True)
    code, ENV = freeze_package(frozen)
    many, big = OUT / "many", OUT / "many-big"
    for folder in (many, big):
        if not (folder / "manifest.json").exists():
            raise SystemExit(f"{folder} missing: run python bench/make_many_trackers.py first")
    print(f"{machine(('fastexcel', 'polars', 'XlsxWriter'))}; code: {code}; {time.strftime('%Y-%m-%d %H:%M')}",
          flush=True)
    tables = []
    if "portfolio" in only:
        tables.append(portfolio_table(many, a.jobs, a.repeat))
        print(tables[-1], flush=True)
    if "big" in only:
        tables.append(refresh_table("`kpi-xl refresh` over 20 trackers of 200,000 rows", big, a.jobs, a.repeat))
        print(tables[-1], flush=True)
    if "refresh" in only:
        tables.append(refresh_table("`kpi-xl refresh` over 1,000 sample-sized trackers", many, a.jobs, a.repeat))
        print(tables[-1], flush=True)
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
