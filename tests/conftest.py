"""Shared fixtures: small trackers written to disk, and a way to damage them like users do."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from kpi_xl.cli import app
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

D = dt.date
DATA = Path(__file__).resolve().parent / "data"
"""Real exports (and their independently checked figures), see data/README.md."""

SAMPLE_END = "2026-12"
"""The sample the tests use ends here, whatever today is: ``sample_data(SAMPLE_END)`` is the calendar
year 2026 (story month May), so every figure a test asserts stays reproducible."""


@pytest.fixture
def pinned_sample(monkeypatch):
    """``kpi-xl demo`` and ``kpi-xl new --sample`` write the sample ending :data:`SAMPLE_END`, as if today
    were in the month after it."""
    import kpi_xl.sample

    monkeypatch.setattr(kpi_xl.sample, "last_complete_month", lambda today=None: SAMPLE_END)
    return SAMPLE_END

# The hand-worked tracker of tests/test_kpis_by_hand.py: every figure there is
# computed on paper from these rows.
HAND_ADS = [
    {"Date": D(2026, 3, 2), "Channel": "Meta", "Campaign": "Guide", "Impressions": 10_000, "Clicks": 200,
     "Spend": 300.0, "Leads": 20, "Calls": 4, "Customers": 1, "Revenue": 1500.0},
    {"Date": D(2026, 3, 10), "Channel": "Google", "Campaign": "Search", "Impressions": 2_000, "Clicks": 100,
     "Spend": 250.0, "Leads": 5, "Calls": 2, "Customers": 1, "Revenue": 1500.0},
    {"Date": D(2026, 3, 20), "Channel": "meta", "Campaign": "guide", "Impressions": 5_000, "Clicks": 100,
     "Spend": 150.0, "Leads": 10, "Calls": 2, "Customers": 1, "Revenue": 1500.0},
    # April: the article's story.  Clicks got cheaper, leads dearer, customers cheaper.
    {"Date": D(2026, 4, 5), "Channel": "Meta", "Campaign": "Guide", "Impressions": 20_000, "Clicks": 500,
     "Spend": 600.0, "Leads": 15, "Calls": 6, "Customers": 3, "Revenue": 4500.0},
]
HAND_LEDGER = [
    {"Date": D(2026, 2, 15), "Label": "Invoice 2026-001", "Category": "Coaching", "Type": "Revenue", "Amount": 999.0},
    {"Date": D(2026, 3, 3), "Label": "Invoice 2026-002", "Category": "Coaching", "Type": "Revenue", "Amount": 3000.0},
    {"Date": D(2026, 3, 17), "Label": "Invoice 2026-003", "Category": "Coaching", "Type": "Revenue", "Amount": 2000.0},
    {"Date": D(2026, 3, 5), "Label": "Freelancer", "Category": "Freelancers", "Type": "Variable cost", "Amount": 1500.0},
    {"Date": D(2026, 3, 1), "Label": "Rent", "Category": "Rent", "Type": "Fixed cost", "Amount": 2000.0},
    {"Date": D(2026, 3, 28), "Label": "Owner pay", "Category": "Owner", "Type": "Owner pay", "Amount": 1000.0},
    {"Date": D(2026, 3, 15), "Label": "Social charges", "Category": "Tax", "Type": "Tax", "Amount": 200.0},
    {"Date": D(2026, 4, 8), "Label": "Invoice 2026-004", "Category": "Coaching", "Type": "Revenue", "Amount": 8000.0},
    {"Date": D(2026, 4, 9), "Label": "Freelancer", "Category": "Freelancers", "Type": "Variable cost", "Amount": 2500.0},
    {"Date": D(2026, 4, 20), "Label": "Freelancer credit note", "Category": "Freelancers", "Type": "variable cost",
     "Amount": -100.0},
    {"Date": D(2026, 4, 1), "Label": "Rent", "Category": "Rent", "Type": "Fixed cost", "Amount": 2000.0},
    {"Date": D(2026, 4, 28), "Label": "Owner pay", "Category": "Owner", "Type": "Owner pay", "Amount": 1000.0},
    {"Date": D(2026, 4, 15), "Label": "Social charges", "Category": "Tax", "Type": "Tax", "Amount": 300.0},
]
HAND_SETTINGS = Settings(currency="EUR", opening_cash=10_000.0, opening_date=D(2026, 3, 1), reserve_months=3.0)


@pytest.fixture
def hand_tracker(tmp_path: Path) -> Path:
    return write_tracker(tmp_path / "hand.xlsx", HAND_ADS, HAND_LEDGER, HAND_SETTINGS)


def run_cli(*args: object) -> Result:
    """``kpi-xl ARGS…`` in this process (stdout and stderr apart)."""
    return CliRunner().invoke(app, [str(a) for a in args])


def run_ok(*args: object) -> Result:
    """``kpi-xl ARGS…``, which must exit 0 (the failure shows the command and what it printed)."""
    result = run_cli(*args)
    assert result.exit_code == 0, f"kpi-xl {' '.join(map(str, args))}: exit {result.exit_code}:\n{result.output}"
    return result


def kpis_json(path: Path, *args: object, period: str | None = None) -> dict:
    """``kpi-xl kpis PATH --json [--period PERIOD] ARGS…``, which must succeed, as a dict."""
    return json.loads(run_ok("kpis", path, "--json", *(("--period", period) if period else ()), *args).stdout)


def edit_workbook(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Change a tracker the way a user would in Excel (openpyxl keeps tables and names)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_libreoffice() -> str:
    """LibreOffice, or a skip outside CI (in CI a missing LibreOffice is a failure)."""
    found = libreoffice()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is not installed, and CI must run this test")
    pytest.skip("LibreOffice (soffice) is not installed")


def pre_forecast_tracker(path: Path) -> Path:
    """``path`` as a tracker made before the forecast: no `Plan`, no `Forecast`, no `ForecastMonths`.

    Edited with openpyxl (VBA kept), as such a file would have been changed since.
    """
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    del wb["Plan"], wb["Forecast"]
    del wb.defined_names["ForecastMonths"]
    wb.save(path)
    return path
