"""Two writers of one tracker, and a writer killed half-way: no row lost, no refresh dropped, no debris.

Each race runs real ``kpi-xl`` processes.  One of them is slowed down right
after it has read the tracker (its ``check_source``, or ``validate``, sleeps), so that the
other one starts while the first still holds what it read: without a lock,
the second write would be made from a stale copy and one of the two would
be lost.  The bench (``bench/crash_refresh.py``) runs the same races at a
million rows, at random moments.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from kpi_xl import files
from kpi_xl.files import WriteRefused, locked, writing
from kpi_xl.ooxml.package import sheet_parts

from .conftest import kpis_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and the slowed-down driver are POSIX")

DRIVER = """
import pathlib, sys, time
import {module} as target
slow, seconds, mark = target.{function}, float(sys.argv[1]), pathlib.Path(sys.argv[2])
def slowed(*a, **k):
    result = slow(*a, **k)
    mark.touch()  # it has read the tracker
    time.sleep(seconds)  # the window in which another writer used to read the same old file
    return result
target.{function} = slowed
from kpi_xl.cli import main
sys.argv = ["kpi-xl", *sys.argv[3:]]
main()
"""

KILLER = """
import os, signal, sys
import kpi_xl.refresh as R
def killed(target, scratch, names, out, **kw):
    with open(out, "wb") as f:
        f.write(b"PK\\x03\\x04 half a workbook")
        f.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # as the power going off, mid-write
R.replace_sheets = killed
from kpi_xl.cli import main
sys.argv = ["kpi-xl", "refresh", sys.argv[1]]
main()
"""


SLOW = 3.0
"""Seconds the first writer holds what it read: long enough for the second to read and write meanwhile."""


def start(*args: object, slow: tuple[str, str] | None = None, env: dict | None = None) -> subprocess.Popen:
    """``kpi-xl ARGS`` in its own process; ``slow`` = (module, function): it sleeps :data:`SLOW` seconds after
    that function returns, and ``start`` returns once it has (so the other writer starts inside that window)."""
    if slow is None:
        code, argv = "from kpi_xl.cli import main; import sys; sys.argv = ['kpi-xl', *sys.argv[1:]]; main()", args
    else:
        mark = Path(str(args[1]) + ".read")
        code, argv = DRIVER.format(module=slow[0], function=slow[1]), (SLOW, mark, *args)
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, argv)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    if slow is not None:
        deadline = time.monotonic() + 60
        while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        mark.unlink(missing_ok=True)
    return proc


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, err


def google(path: Path, campaign: str, cost: str) -> Path:
    path.write_text("Campaign report\nMarch 2, 2026 - March 2, 2026\nCampaign status,Campaign,Impr.,Clicks,Currency "
                    f"code,Cost\nEnabled,{campaign},100,5,EUR,{cost}\n", encoding="utf-8")
    return path


@pytest.fixture
def tracker(tmp_path, sample_tracker_bytes) -> Path:
    path = tmp_path / "t.xlsm"
    path.write_bytes(sample_tracker_bytes)
    return path


def debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".kpi-xl-") or p.name.startswith(".t.xlsm"))


def output_parts(path: Path) -> dict[str, bytes]:
    """The refresh's sheets, as the package holds them."""
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        return {name: z.read(parts[name]) for name in ("Dashboard", "Ads Summary", "P&L", "Forecast")}


def test_two_imports_at_once_keep_both_files_rows(tracker, tmp_path):
    spend = kpis_json(tracker)["spend"]
    a, b = google(tmp_path / "a.csv", "Alpha", "10.00"), google(tmp_path / "b.csv", "Beta", "20.00")
    first = start("import", tracker, "--ads", a, slow=("kpi_xl.imports.importer", "check_source"))
    second = start("import", tracker, "--ads", b)  # while the first holds what it read
    (code1, err1), (code2, err2) = finish(first), finish(second)
    assert (code1, code2) == (0, 0), err1 + err2
    assert "added 1 row to Ads" in err1 and "added 1 row to Ads" in err2
    assert "waiting: kpi-xl import (process" in err2  # it said why it waited
    assert kpis_json(tracker)["spend"] == pytest.approx(spend + 30.0)
    assert debris(tmp_path) == []


@pytest.mark.parametrize("first, slowed", [
    ("refresh", ("kpi_xl.refresh", "validate")),  # its summaries left out the rows imported meanwhile
    ("refresh", ("kpi_xl.refresh", "replace_sheets")),  # its rename dropped the rows imported meanwhile
    ("import", ("kpi_xl.imports.importer", "check_source")),
    ("import", ("kpi_xl.imports.importer", "append_rows")),  # its rename dropped the refresh made meanwhile
], ids=["refresh-read", "refresh-write", "import-read", "import-write"])
def test_an_import_and_a_refresh_at_once_lose_neither(tracker, tmp_path, first, slowed):
    a = google(tmp_path / "a.csv", "Alpha", "10.00")
    spend = kpis_json(tracker)["spend"]
    # The outcomes a serial order gives: import then refresh (the summaries count the new row), or the reverse.
    both = tmp_path / "both.xlsm"
    both.write_bytes(tracker.read_bytes())
    commands = {"refresh": ("refresh", tracker), "import": ("import", tracker, "--ads", a)}
    second = "import" if first == "refresh" else "refresh"
    p1 = start(*commands[first], slow=slowed)
    p2 = start(*commands[second])
    ended: dict[str, float] = {}
    results = {}

    def wait(name: str, proc: subprocess.Popen) -> None:
        results[name] = finish(proc)
        ended[name] = time.monotonic()

    waiters = [threading.Thread(target=wait, args=(first, p1)), threading.Thread(target=wait, args=(second, p2))]
    for w in waiters:
        w.start()
    for w in waiters:
        w.join()
    assert [c for c, _ in results.values()] == [0, 0], results
    assert kpis_json(tracker)["spend"] == pytest.approx(spend + 10.0)  # the imported row is there
    # The file must be what the two commands give one after the other, in the order they finished: a refresh
    # that finishes last counts the row imported before it (it used to leave it out, from what it read before).
    reference = tmp_path / "reference.xlsm"
    reference.write_bytes(both.read_bytes())
    order = [commands[name] for name in sorted(ended, key=ended.get)]
    for cmd in order:
        assert subprocess.run([sys.executable, "-m", "kpi_xl.cli", *map(str, (cmd[0], reference, *cmd[2:]))],
                              capture_output=True).returncode == 0
    assert output_parts(tracker) == output_parts(reference)  # the refresh's output is there, made from what it read
    assert debris(tmp_path) == []


def test_a_refresh_killed_mid_write_leaves_the_old_file_and_the_next_write_cleans_up(tracker, tmp_path):
    before = tracker.read_bytes()
    scratch_tmp = tmp_path / "tmp"
    scratch_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch_tmp)}
    proc = subprocess.run([sys.executable, "-c", KILLER, str(tracker)], capture_output=True, env=env, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert tracker.read_bytes() == before  # the old file, byte for byte
    left = debris(tmp_path)
    assert left and all(n.startswith(".kpi-xl-t.xlsm.") for n in left), left  # what a kill leaves: scratch, lock
    assert list(scratch_tmp.iterdir()) == []  # nothing in the temporary folder: scratch files stay beside the tracker
    t = time.monotonic()
    code, err = finish(start("refresh", tracker, env=env))
    assert code == 0, err
    assert "waiting" not in err and time.monotonic() - t < 60  # the dead process's lock went with it
    assert debris(tmp_path) == []  # the next writer removed the killed one's scratch files
    assert list(scratch_tmp.iterdir()) == []
    kpis_json(tracker)


def test_a_writer_waits_for_the_lock_then_gives_up_saying_who_holds_it(tracker, monkeypatch):
    held, release = threading.Event(), threading.Event()

    def holder():
        with locked(tracker, "kpi-xl import"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    told: list[str] = []
    try:
        with pytest.raises(WriteRefused, match=r"kpi-xl import \(process \d+ on .*\) is writing it, and has been for "
                                               r"over 0 s"):
            with writing(tracker, notify=told.append, wait=0.3):
                pass
        assert told and told[0].startswith("waiting: kpi-xl import (process")
    finally:
        release.set()
        thread.join()
    with writing(tracker, wait=0.3):  # free again
        with writing(tracker, wait=0.3):  # and re-entrant within a thread (doctor --fix runs a refresh)
            pass
    assert not files.lock_path(tracker).exists()


def test_force_writes_past_the_lock_file_a_crashed_excel_left_and_a_link_stays_a_link(tracker, tmp_path):
    from .conftest import run_cli

    (tmp_path / "~$t.xlsm").write_bytes(b"\x05Alice")
    before = tracker.read_bytes()
    assert run_cli("refresh", tracker).exit_code == 2 and tracker.read_bytes() == before
    assert run_cli("kpis", tracker, "--json").exit_code == 0  # reading is never refused for it
    result = run_cli("refresh", tracker, "--force")
    assert result.exit_code == 0, result.output
    assert tracker.read_bytes() != before
    (tmp_path / "~$t.xlsm").unlink()
    link = tmp_path / "link.xlsm"
    link.symlink_to(tracker)
    result = run_cli("import", link, "--ads", google(tmp_path / "a.csv", "Alpha", "10.00"))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and kpis_json(tracker)["spend"] == kpis_json(link)["spend"]
    assert debris(tmp_path) == []
