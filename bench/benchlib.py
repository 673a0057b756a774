"""What the benchmark scripts share: running a child under /usr/bin/time, the machine, a frozen copy of the package.

Imported by the scripts of this folder (``python bench/X.py`` puts the folder on ``sys.path``).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path


def _tree_rss_kb(pid: int) -> int:
    """Largest VmRSS (kB) among ``pid`` and its descendants (for runs killed before /usr/bin/time reports)."""
    best, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return best


def measure(cmd: list[str], timeout: float | None = None, sample: bool = False, env: dict | None = None,
            cwd: Path | None = None) -> dict:
    """Run ``cmd`` under /usr/bin/time in its own process group: wall s, peak RSS MB, CPU s (user + system, all
    threads: what another process's load does not inflate as much as the wall time), its output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "@@time %e %M %U %S", *cmd], stdout=out, stderr=err,
                                start_new_session=True, env=env, cwd=cwd)
        peak_kb, timed_out = 0, False
        while proc.poll() is None:
            if sample:
                peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
            if timeout is not None and time.perf_counter() - t > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                timed_out = True
                break
            time.sleep(0.2 if sample else 0.05)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    tail = [line for line in stderr.splitlines() if line.startswith("@@time ")]
    if timed_out:
        return {"wall": wall, "rss": peak_kb / 1024, "stdout": stdout, "stderr": stderr, "timeout": True}
    if proc.returncode != 0 or not tail:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    _, wall_s, rss_kb, user_s, sys_s = tail[-1].split()
    return {"wall": float(wall_s), "rss": max(int(rss_kb), peak_kb) / 1024, "cpu": float(user_s) + float(sys_s),
            "stdout": stdout, "stderr": stderr}


def git_head(folder: Path) -> str:
    r = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                       check=False)
    dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."], capture_output=True,
                           text=True, check=False).stdout.strip()
    return (r.stdout.strip() or "?") + (" + uncommitted edits" if dirty else "")


def machine(libs: tuple[str, ...] = ("fastexcel", "polars", "python-calamine"), libreoffice: bool = False) -> str:
    """CPUs, RAM, OS, Python and the versions of ``libs`` (and LibreOffice's) for a benchmark's header."""
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    mem = next((int(line.split()[1]) / 1024**2 for line in meminfo if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    text = (f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, " + ", ".join(f"{m} {version(m)}" for m in libs))
    if libreoffice:
        lo = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False).stdout.split()
        text += f", LibreOffice {lo[1] if len(lo) > 1 else '?'}"
    return text


def kpi_xl_command() -> str:
    """The ``kpi-xl`` script of this interpreter's environment (else the one on the PATH)."""
    return shutil.which("kpi-xl", path=str(Path(sys.executable).parent)) or shutil.which("kpi-xl") or "kpi-xl"


def freeze_package(work: Path) -> tuple[str, dict[str, str]]:
    """Copy the kpi_xl package into ``work/pkg`` and import it from there, here and in children.

    An edit of the working tree during a long run would otherwise change what
    is measured.  Returns a line saying which code runs and the environment
    for the children (``PYTHONPATH``).
    """
    src = Path(importlib.util.find_spec("kpi_xl").origin).parent
    shutil.copytree(src, work / "pkg" / "kpi_xl", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(work / "pkg"))
    return (f"a copy of {src} (git {git_head(src)}) taken at the start",
            {**os.environ, "PYTHONPATH": str(work / "pkg")})
