"""The Excel functions, called as Excel would call them, through a fake of the calling workbook."""

from __future__ import annotations

import inspect
import re

import pytest

from kpi_xl import udfs
from kpi_xl.dev.vba import module_source
from kpi_xl.metrics import KPI_IDS
from kpi_xl.sample import sample_data
from kpi_xl.workbook import write_tracker

from .conftest import HAND_ADS, HAND_LEDGER, HAND_SETTINGS, SAMPLE_END, kpis_json
from .fake_excel import fake_book_from_file

approx = pytest.approx


@pytest.fixture(autouse=True)
def fresh_cache():
    udfs.cache.clear()
    yield
    udfs.cache.clear()


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    data = sample_data(SAMPLE_END)
    return write_tracker(tmp_path_factory.mktemp("udf") / "sample.xlsx", data.ads, data.ledger, data.settings)


@pytest.fixture(scope="module")
def sample_caller(sample_file):
    """The sample tracker open in a (fake) Excel: built once, only read by the tests that share it."""
    return fake_book_from_file(sample_file).caller()


SELECTIONS = [
    (None, None, None), ("2026-03", None, None), ("2026-05", "meta", None), ("2026-Q2", "Google", None),
    ("2026", None, "Free guide"), ("2026-08-15", "LinkedIn", "webinar"), ("2026-Q4", "META", "retargeting"),
    ("2025", None, None), ("2026-11", "TikTok", None),
]


@pytest.mark.parametrize("period, channel, campaign", SELECTIONS)
def test_every_function_gives_what_kpis_json_gives(sample_file, sample_caller, period, channel, campaign):
    options = [a for opt, v in (("--channel", channel), ("--campaign", campaign)) if v is not None for a in (opt, v)]
    expected = kpis_json(sample_file, *options, period=period)
    caller = sample_caller
    for kpi_id in KPI_IDS:
        got = getattr(udfs, kpi_id.upper())(period, channel, campaign, caller=caller)
        assert got == ("#DIV/0!" if expected[kpi_id] is None else approx(expected[kpi_id])), kpi_id
        assert udfs.KPI(kpi_id.upper(), period, channel, campaign, caller=caller) == got
    spilled = udfs.KPIS(period, channel, campaign, caller=caller)
    assert [row[0] for row in spilled] == list(KPI_IDS)
    assert {k: v for k, v in spilled} == {k: ("#DIV/0!" if v is None else approx(v)) for k, v in expected.items()}


def test_cpc_alone_is_the_all_time_cost_per_click(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", HAND_ADS, HAND_LEDGER, HAND_SETTINGS)
    caller = fake_book_from_file(path).caller()
    # 1,300 spent over 900 clicks, all rows.
    assert udfs.CPC(caller=caller) == approx(1300 / 900)
    assert udfs.CPL("2026-04", caller=caller) == 40.0
    assert udfs.NET_PROFIT("2026-03", "Google", "nothing", caller=caller) == 300.0  # ledger ignores filters
    assert udfs.CAC("2026-03", "TikTok", caller=caller) == "#DIV/0!"


def test_error_paths_show_one_line_in_the_cell(tmp_path):
    path = write_tracker(tmp_path / "t.xlsx", HAND_ADS, HAND_LEDGER, HAND_SETTINGS)
    book = fake_book_from_file(path)
    caller = book.caller()
    assert udfs.CPC("2026-13", caller=caller) == '#VALUE! period "2026-13": expected 2026-03, 2026-Q1, 2026 or a date'
    assert udfs.CPC(True, caller=caller) == "#VALUE! period True: expected 2026-03, 2026-Q1, 2026 or a date"
    assert udfs.KPI("cpcx", caller=caller) == (
        '#VALUE! id "cpcx": expected one of ' + ", ".join(KPI_IDS))
    assert udfs.KPI(None, caller=caller).startswith('#VALUE! id "": expected one of impressions, ')
    assert udfs.KPIS("2026-Q5", caller=caller) == [
        ['#VALUE! period "2026-Q5": expected 2026-03, 2026-Q1, 2026 or a date', ""]]
    # Invalid input in the workbook: the first problem, and how many more.
    book.sheet("Ads")["F2"] = "1 234,50"
    book.sheet("Ledger")["D3"] = "Rent"
    assert udfs.CPC(caller=caller) == (
        '#VALUE! Ads!F2 (Spend): expected a number ≥ 0, found text "1 234,50" (and 1 more problem)')
    assert udfs.SALES(caller=caller).startswith("#VALUE! Ads!F2 (Spend)")
    # A workbook without the Ads table.
    book.sheet("Ads").tables.clear()
    assert udfs.CPC(caller=caller).startswith('#VALUE! Ads: expected an Excel Table named "Ads", found none')
    # Nothing reaches a cell as a traceback, even a bug or a broken caller.
    assert udfs.CPC(caller=object()) == "#VALUE! unexpected error: AttributeError: 'object' object has no attribute 'sheet'"


def test_an_edit_shows_on_the_next_recalculation_and_nothing_is_parsed_twice(tmp_path, monkeypatch):
    path = write_tracker(tmp_path / "t.xlsx", HAND_ADS, HAND_LEDGER, HAND_SETTINGS)
    book = fake_book_from_file(path)
    caller = book.caller()
    builds = []
    real = udfs.check_snapshot
    monkeypatch.setattr(udfs, "check_snapshot", lambda snap: builds.append(1) or real(snap))

    assert udfs.CPC("2026-04", caller=caller) == 1.2
    for kpi_id in KPI_IDS:  # a sheet full of KPI cells: one parse
        getattr(udfs, kpi_id.upper())("2026-04", caller=caller)
    assert len(builds) == 1

    book.sheet("Ads")["F5"] = 750.0  # April's spend, unsaved
    assert udfs.CPC("2026-04", caller=caller) == 1.5
    assert len(builds) == 2
    book.sheet("Settings")["B5"] = 0.0  # OpeningCash: a Settings edit is seen too
    assert udfs.CASH_END("2026-04", caller=caller) == 2600.0
    assert len(builds) == 3
    assert udfs.CPC("2026-04", caller=caller) == 1.5 and len(builds) == 3

    # Two workbooks open at once do not share a cache entry.
    other = fake_book_from_file(path, fullname="C:\\other.xlsm")
    assert udfs.CPC("2026-04", caller=other.caller()) == 1.2


def _vba_functions(source: str) -> dict[str, list[str]]:
    functions = {}
    for name, params in re.findall(r"^Function (\w+)\(([^)]*)\)", source, re.M):
        functions[name] = [p.strip() for p in params.split(",") if p.strip()]
    return functions


def test_every_function_has_its_vba_declaration_with_the_same_arguments():
    source = module_source()
    declared = _vba_functions(source)
    assert set(declared) == set(udfs.FUNCTION_NAMES)
    for name in udfs.FUNCTION_NAMES:
        params = inspect.signature(getattr(udfs, name)).parameters
        expected = [("Optional " if p.default is not inspect.Parameter.empty else "") + n
                    for n, p in params.items() if n != "caller"]
        assert declared[name] == expected, name
        body = source.split(f"Function {name}(", 1)[1].split("End Function", 1)[0]
        assert "Application.Volatile" in body
        assert body.count(f'= KPIResult(XLPy.CallUDF("kpi_xl.udfs", "{name}",') == 2
        assert f'Macro:="{name}"' in source  # function wizard help
    assert "Sub RefreshKPIs()" in source and 'RunPython "import kpi_xl.excel; kpi_xl.excel.refresh_from_excel()"' in source
    assert source.startswith('Attribute VB_Name = "KpiXl"\r\n')
    source.encode("ascii")
