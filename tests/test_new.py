"""`kpi-xl new` and `kpi-xl demo`: trackers written from the template."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

from kpi_xl.dev.template import TEMPLATE, VBA_BIN
from kpi_xl.metrics import KPI_IDS
from kpi_xl.ooxml.compare import compare_packages
from kpi_xl.periods import month_label, month_start, parse_period
from kpi_xl.reader import read_tracker
from kpi_xl.sample import last_complete_month, sample_data
from kpi_xl.tracker import Tracker

from .conftest import SAMPLE_END, run_cli


def test_new_writes_the_template_with_this_year_as_opening_date(tmp_path):
    path = tmp_path / "t.xlsm"
    result = run_cli("new", path)
    assert result.exit_code == 0, result.output
    assert "Tracker written to" in result.stderr
    # The same workbook as the template; only the opening date (Settings, sheet 4) follows the year.
    assert {d.split(":")[0] for d in compare_packages(path, TEMPLATE)} <= {"xl/worksheets/sheet4.xml"}
    tracker = read_tracker(path)
    assert tracker.settings.opening_date == dt.date(dt.date.today().year, 1, 1)
    assert tracker.kpis()["spend"] == 0


def test_new_refuses_to_replace_a_file_unless_forced(tmp_path):
    path = tmp_path / "mine.xlsm"
    path.write_bytes(b"my own work")
    result = run_cli("new", path, "--sample")
    assert result.exit_code == 2
    assert result.stderr == f"error: {path} exists already: pass --force to replace it\n"
    assert path.read_bytes() == b"my own work"
    result = run_cli("new", path, "--force")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == VBA_BIN.read_bytes()


def test_new_wants_an_excel_file_name(tmp_path):
    result = run_cli("new", tmp_path / "t.csv")
    assert result.exit_code == 2
    assert "expected a file name ending in .xlsm" in result.stderr
    assert not (tmp_path / "t.csv").exists()


def test_new_xlsx_is_the_same_tracker_without_macros(tmp_path):
    path = tmp_path / "t.xlsx"
    assert run_cli("new", path).exit_code == 0
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "xl/vbaProject.bin" not in names
        assert not any(n.endswith(".vml") and b"FmlaMacro" in z.read(n) for n in names)
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
    assert read_tracker(path).kpis()["spend"] == 0


def test_new_sample_then_kpis_json_through_the_core(tmp_path, pinned_sample):
    path = tmp_path / "t.xlsm"
    result = run_cli("new", path, "--sample")
    assert result.exit_code == 0, result.output
    data = sample_data(SAMPLE_END)
    assert f"{len(data.ads):,} Ads rows" in result.stderr
    result = run_cli("kpis", path, "--period", "2026-03", "--json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)
    assert list(values) == list(KPI_IDS)
    expected = Tracker.from_records(data.ads, data.ledger, data.settings).kpis("2026-03")
    for kpi_id, value in expected.items():
        assert values[kpi_id] is None if value is None else abs(values[kpi_id] - value) < 1e-6 * max(1, abs(value))


def test_the_sample_tracker_tells_the_story_and_ends_last_month(tmp_path):
    path = tmp_path / "t.xlsm"
    assert run_cli("new", path, "--sample").exit_code == 0  # today's sample, not the tests' pinned one
    tracker = read_tracker(path)
    data = sample_data()
    assert month_label(tracker.months()[-1]) == data.last_month == last_complete_month()
    assert tracker.settings.opening_date == month_start(parse_period(data.first_month).first)
    before = tracker.kpis(data.before_story)
    after = tracker.kpis(data.story_month)
    assert after["cpl"] > 1.6 * before["cpl"]  # the cost per lead roughly doubles…
    assert after["cpc"] < before["cpc"]  # …while the cost per click falls…
    assert after["net_profit"] > before["net_profit"]  # …and net profit rises
    assert after["cac"] < before["cac"]


def test_demo_writes_a_macro_enabled_tracker_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "kpi-demo.xlsm") as z:
        assert z.read("xl/vbaProject.bin") == VBA_BIN.read_bytes()


def test_demo_and_new_suggest_only_the_options_they_have(tmp_path):
    (tmp_path / "d.xlsm").write_bytes(b"x")
    (tmp_path / "~$d.xlsm").write_bytes(b"")
    demo = run_cli("demo", "-o", tmp_path / "d.xlsm")
    assert demo.exit_code == 2 and "open in Excel" in demo.stderr, demo.output
    assert "--force" not in demo.stderr and "--out" not in demo.stderr and "Refresh KPIs" not in demo.stderr
    readonly = tmp_path / "r.xlsm"
    readonly.write_bytes(b"x")
    readonly.chmod(0o444)
    new = run_cli("new", readonly, "--force")
    assert new.exit_code == 2 and "read-only" in new.stderr and "--out" not in new.stderr, new.output
