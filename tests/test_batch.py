"""`kpi-xl refresh PATH…` and `kpi_xl.refresh_many`: every file as alone, in parallel, every outcome a record."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kpi_xl
from kpi_xl import batch, files
from kpi_xl.batch import BAD_INPUT, ERROR, LOCKED, NOT_TRACKER, REFRESHED, Found, find_trackers, refresh_many
from kpi_xl.errors import ArgumentError
from kpi_xl.refresh import refresh

from .clients import BROKEN, BROKEN_PROBLEMS, NOT_A_TRACKER, TRACKERS, copy_clients, make_clients
from .conftest import digest, edit_workbook, kpis_json, run_cli

TODAY = dt.date(2027, 1, 5)


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    return make_clients(tmp_path_factory.mktemp("batch") / "clients")


@pytest.fixture
def clients(master, tmp_path, monkeypatch) -> Path:
    """A copy of the folder, as the relative path ``clients`` (run from its parent, as a user would)."""
    copy_clients(master, tmp_path / "clients")
    monkeypatch.chdir(tmp_path)
    return Path("clients")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir())}


def test_a_folder_is_refreshed_and_a_broken_tracker_listed_with_its_problems(clients):
    before = digests(clients)
    result = run_cli("refresh", clients, "--jobs", 2)
    assert result.exit_code == 2, result.output
    after = digests(clients)
    for name in TRACKERS:
        assert after[name] != before[name], name  # refreshed
    assert after[BROKEN] == before[BROKEN] and after[NOT_A_TRACKER] == before[NOT_A_TRACKER]
    for problem in BROKEN_PROBLEMS:
        assert f"{clients / BROKEN}: {problem}" in result.stderr
    table = result.stdout
    for name in TRACKERS:
        line = next(line for line in table.splitlines() if name in line)
        assert "refreshed" in line
    assert "bad input" in next(line for line in table.splitlines() if BROKEN in line)
    assert "not a tracker" in next(line for line in table.splitlines() if NOT_A_TRACKER in line)
    assert ("5 files: 3 refreshed; 1 with bad input (nothing written to them: every problem is listed above); "
            "1 not a tracker, left alone.") in result.stderr


def test_refreshing_a_folder_twice_gives_the_bytes_of_refreshing_each_file_alone(master, tmp_path):
    together = copy_clients(master, tmp_path / "together")
    alone = copy_clients(master, tmp_path / "alone")
    refresh_many([together], jobs=2, today=TODAY)
    refresh_many([together], jobs=2, today=TODAY)
    for name in TRACKERS:
        refresh(alone / name, today=TODAY)
    assert digests(together) == digests(alone)


def test_the_json_report_is_what_kpis_json_says_of_each_latest_month(clients):
    result = run_cli("refresh", clients, "--json", "--jobs", 1)
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    by_name = {Path(r["file"]).name: r for r in report["trackers"]}
    assert list(by_name) == sorted([*TRACKERS, BROKEN, NOT_A_TRACKER])  # folder order: by name
    for name in TRACKERS:
        r = by_name[name]
        assert r["result"] == REFRESHED and r["problems"] == [] and r["message"] == ""
        assert r["net_profit"] == kpis_json(clients / name, "--period", r["latest_month"])["net_profit"]
    assert by_name["gamma.xlsm"]["latest_month"] == "2026-11" and by_name["beta.xlsx"]["currency"] == "USD"
    assert any("Cost per customer" in a and "MaxCAC" in a for a in by_name["alpha.xlsm"]["alerts"])
    broken = by_name[BROKEN]
    assert broken["result"] == BAD_INPUT
    assert [f"{p['where']}: {p['message']}" for p in broken["problems"]] == BROKEN_PROBLEMS
    assert by_name[NOT_A_TRACKER]["result"] == NOT_TRACKER
    assert report["summary"] == {"refreshed": 3, "bad_input": 1, "locked": 0, "not_a_tracker": 1, "error": 0,
                                 "exit": 2}


def test_the_library_returns_records_in_the_order_found(clients):
    assert kpi_xl.refresh_many is refresh_many
    result = refresh_many([clients / "gamma.xlsm", clients], jobs=1, today=TODAY)
    assert [r.path.name for r in result.results] == ["gamma.xlsm", "alpha.xlsm", "beta.xlsx", BROKEN,
                                                     NOT_A_TRACKER]  # gamma once, where named first
    assert [r.status for r in result.results] == [REFRESHED, REFRESHED, REFRESHED, BAD_INPUT, NOT_TRACKER]
    assert result.exit_code == 2


def test_all_refreshed_is_exit_0_and_the_table_has_every_column(clients):
    for name in (BROKEN,):
        (clients / name).unlink()
    result = run_cli("refresh", clients)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    for column in ("File", "Result", "Latest month", "Net profit", "Alerts"):
        assert column in header
    assert "Cost per customer" in result.stdout  # alpha's alert
    assert "USD" in next(line for line in result.stdout.splitlines() if "beta.xlsx" in line)


@pytest.mark.parametrize("lock", ["~$alpha.xlsm", ".~lock.alpha.xlsm#"])
def test_a_tracker_open_in_excel_or_libreoffice_is_skipped_and_left_alone(clients, lock):
    (clients / BROKEN).unlink()
    (clients / lock).write_bytes(b"owner")
    before = digest(clients / "alpha.xlsm")
    result = run_cli("refresh", clients, "--jobs", 1)
    assert result.exit_code == 2, result.output
    assert digest(clients / "alpha.xlsm") == before
    program = "Excel" if lock.startswith("~$") else "LibreOffice"
    assert f"{clients / 'alpha.xlsm'}: open in {program} ({lock} is beside it)" in result.stderr
    assert "1 skipped, open in another program" in result.stderr
    assert not any(line.startswith(str(clients / lock)) for line in result.stdout.splitlines())  # no tracker


def test_a_tracker_another_kpi_xl_command_keeps_writing_is_skipped(clients, monkeypatch):
    """The write's own lock (kpi_xl.files): a refresh that waited longer than files.LOCK_WAIT gives up; skipped."""
    held, release = threading.Event(), threading.Event()

    def holder():
        with files.locked(clients / "alpha.xlsm", "kpi-xl import"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    monkeypatch.setattr(files, "LOCK_WAIT", 0.2)
    before = digest(clients / "alpha.xlsm")
    try:
        result = refresh_many([clients / "alpha.xlsm", clients / "gamma.xlsm"], jobs=1)
    finally:
        release.set()
        thread.join()
    assert [r.status for r in result.results] == [LOCKED, REFRESHED]
    assert "kpi-xl import (process" in result.results[0].message
    assert "is writing it, and has been for over 0 s" in result.results[0].message
    assert digest(clients / "alpha.xlsm") == before and result.exit_code == 2


def test_one_tracker_open_in_libreoffice_is_refused_not_written(clients):
    (clients / ".~lock.alpha.xlsm#").write_bytes(b"owner")
    before = digest(clients / "alpha.xlsm")
    result = run_cli("refresh", clients / "alpha.xlsm")
    assert result.exit_code == 2, result.output
    assert "alpha.xlsm: open in LibreOffice (its lock file .~lock.alpha.xlsm# is beside it)" in result.stderr
    assert digest(clients / "alpha.xlsm") == before
    assert run_cli("refresh", clients / "alpha.xlsm", "--force").exit_code == 0


def test_a_damaged_file_is_an_error_and_the_others_are_still_refreshed(clients):
    (clients / "damaged.xlsm").write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("refresh", clients, "--jobs", 2)
    assert result.exit_code == 2, result.output  # the file's fault, as for one command: not a failure of ours
    assert f"{clients / 'damaged.xlsm'}: a damaged workbook: the file is cut short or corrupt" in result.stderr
    assert "3 refreshed" in result.stderr and "1 failed" in result.stderr


def test_a_worker_that_dies_fails_its_file_not_the_batch(tmp_path):
    items = [Found(tmp_path / f"{i}.xlsm", True) for i in range(3)]
    results = batch.run_parallel(die_on_second, items, jobs=2)
    assert len(results) == 3  # no exception: a record for each file, those done (if any) as they were
    assert results[1].status == ERROR and "a worker process stopped" in results[1].message
    for i in (0, 2):  # a dead worker breaks the pool: what was not done by then failed too, and says so
        assert results[i] == f"ok {i}" or results[i].message == results[1].message


def die_on_second(item: Found) -> str:
    if item.path.stem == "1":
        os._exit(9)
    return f"ok {item.path.stem}"


def test_which_files_a_folder_gives(tmp_path):
    folder = tmp_path / "clients"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    for name in ("b.xlsm", "A.xlsx", "~$b.xlsm", ".b.xlsm.x1.tmp", ".secret.xlsm", "notes.txt", "c.XLSM",
                 "sub/d.xlsm", ".hidden/e.xlsm"):
        (folder / name).write_bytes(b"")
    names = [f.path.relative_to(folder).as_posix() for f in find_trackers([folder])]
    assert names == ["A.xlsx", "b.xlsm", "c.XLSM"]
    names = [f.path.relative_to(folder).as_posix() for f in find_trackers([folder], recursive=True)]
    assert names == ["A.xlsx", "b.xlsm", "c.XLSM", "sub/d.xlsm"]
    found = find_trackers([folder / "notes.txt", folder], exclude=[folder / "A.xlsx"])
    assert [(f.path.name, f.named) for f in found] == [("notes.txt", True), ("b.xlsm", False), ("c.XLSM", False)]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ArgumentError, match=r"found none in .*empty \(--recursive looks in subfolders\)"):
        find_trackers([empty])


def test_arguments_that_cannot_work_are_refused(clients):
    result = run_cli("refresh", clients, "--out", clients / "x.xlsm")
    assert result.exit_code == 2 and "--out: expected one tracker" in result.stderr
    result = run_cli("refresh", clients, "--jobs", 0)
    assert result.exit_code == 2 and "--jobs: expected a number of processes ≥ 1, found 0" in result.stderr
    empty = clients / "empty"
    empty.mkdir()
    result = run_cli("refresh", empty)
    assert result.exit_code == 2 and "expected at least one tracker (.xlsm or .xlsx), found none" in result.stderr


def test_one_file_is_refreshed_as_before(clients):
    result = run_cli("refresh", clients / "alpha.xlsm")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Refreshed {clients / 'alpha.xlsm'}: Dashboard, Ads Summary, P&L and Forecast")
    result = run_cli("refresh", clients / "alpha.xlsm", "--json")  # one file as a batch of one
    assert json.loads(result.stdout)["trackers"][0]["result"] == REFRESHED


def test_a_missing_path_named_is_an_error_of_its_own(clients):
    result = run_cli("refresh", clients / "alpha.xlsm", clients / "missing.xlsm")
    assert result.exit_code == 2  # as `kpi-xl refresh missing.xlsm` alone: the file's fault
    assert f"{clients / 'missing.xlsm'}: no such file" in result.stderr


def sleepy(item: Found) -> str:
    item.path.write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("SLEEPY", "60")))
    return "slept"


def _start_batch(tmp_path: Path, seconds: float) -> tuple[subprocess.Popen, list[int]]:
    """A batch of four sleepy items with two workers, in a process of its own; its workers' pids."""
    root = Path(__file__).resolve().parents[1]
    script = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
              "from pathlib import Path\nfrom kpi_xl.batch import Found, run_parallel\nfrom tests.test_batch import sleepy\n"
              f"run_parallel(sleepy, [Found(Path({str(tmp_path)!r}) / f'{{i}}.pid', True) for i in range(4)], jobs=2)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "SLEEPY": str(seconds)})
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("*.pid"))) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "the workers did not start"
        time.sleep(0.1)
    time.sleep(0.2)
    return proc, [int(p.read_text()) for p in tmp_path.glob("*.pid")]


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie of ours is gone too
            if Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_workers_do_not_outlive_a_killed_batch(tmp_path):
    proc, workers = _start_batch(tmp_path, 60)
    proc.kill()  # SIGKILL: the batch has no say
    proc.wait()
    assert all(_gone(pid, 10) for pid in workers), "a worker outlived its batch"


def test_sigterm_stops_a_batch_as_ctrl_c_does(tmp_path):
    proc, workers = _start_batch(tmp_path, 2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) != 0
    # The two running finish, and the one the pool had already queued for them; the fourth never starts.
    assert len(list(tmp_path.glob("*.pid"))) in (2, 3)
    assert all(_gone(pid, 10) for pid in workers)


def test_progress_is_told_each_file_as_it_is_done(clients):
    calls = []
    result = refresh_many([clients], jobs=2, today=TODAY, progress=lambda done, total, r: calls.append((done, total,
                                                                                                      r.status)))
    assert [(d, t) for d, t, _ in calls] == [(i, 5) for i in range(1, 6)]
    assert sorted(s for _, _, s in calls) == sorted(r.status for r in result.results)


def test_warnings_are_listed_with_their_file_as_for_one_tracker(clients):
    (clients / BROKEN).unlink()
    edit_workbook(clients / "beta.xlsx", lambda wb: wb["Ads"].__setitem__("E5", 10**9))  # more clicks than shown
    result = run_cli("refresh", clients, "--jobs", 1)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if "warning:" in line)
    assert warning.startswith(f"{clients / 'beta.xlsx'}: Ads!E5 (Clicks): warning: 1000000000 clicks but ")
    result = run_cli("portfolio", clients, "--json")
    assert warning in result.stderr


def test_a_script_read_from_stdin_can_use_the_pool(tmp_path):
    root = Path(__file__).resolve().parents[1]
    script = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
              "from pathlib import Path\nfrom kpi_xl.batch import Found, run_parallel\nfrom tests.test_batch import sleepy\n"
              f"print(run_parallel(sleepy, [Found(Path({str(tmp_path)!r}) / f'{{i}}.pid', True) for i in range(3)], "
              "jobs=2))\n")
    result = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SLEEPY": "0"})
    assert result.stdout.strip() == "['slept', 'slept', 'slept']", result.stderr[-2000:]


@pytest.mark.parametrize("damage", ["read-only", "missing"])
def test_one_tracker_gives_the_same_exit_code_with_and_without_json(clients, damage):
    path = clients / "alpha.xlsm"
    if damage == "read-only":
        os.chmod(path, 0o444)
    else:
        path.unlink()
    plain, as_json = run_cli("refresh", path), run_cli("refresh", path, "--json")
    assert plain.exit_code == as_json.exit_code == 2, (plain.output, as_json.output)
    report = json.loads(as_json.stdout)
    assert report["trackers"][0]["result"] == "error" and report["summary"]["exit"] == 2
