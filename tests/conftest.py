"""Shared fixtures: small trackers written to disk, and a way to damage them like users do."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import zipfile
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


# --- damaging a tracker the way other programs do: its XML, cell by cell ---------------------------------


@pytest.fixture(scope="session")
def sample_tracker_bytes(tmp_path_factory) -> bytes:
    """``kpi-xl new --sample`` pinned to :data:`SAMPLE_END`, as bytes: each test writes its own copy."""
    from kpi_xl.sample import sample_data

    data = sample_data(SAMPLE_END)
    path = write_tracker(tmp_path_factory.mktemp("sample") / "t.xlsm", data.ads, data.ledger, data.settings,
                         data.plan, created=dt.datetime(2026, 1, 1))
    return path.read_bytes()


def rewrite_part(path: Path, part: str | Callable[[zipfile.ZipFile], str], change: Callable[[bytes], bytes]) -> Path:
    """Replace one part of a workbook package by ``change(its bytes)``; every other entry is copied as it is.

    ``part`` is a part name, or a function of the zip that returns one (:func:`sheet_part`).
    """
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        name = part(z) if callable(part) else part
        entries = [(info, change(z.read(info.filename)) if info.filename == name else z.read(info.filename))
                   for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, data)
    return path


def sheet_part(sheet: str) -> Callable[[zipfile.ZipFile], str]:
    from kpi_xl.ooxml.package import sheet_parts

    return lambda z: sheet_parts(z)[sheet]


def num(value: object) -> tuple[str, str]:
    """A number cell's (attributes, body), as another program may write it (``1e308``, ``NaN``, ``INF`` too)."""
    return "", f"<v>{value}</v>"


def text(value: str) -> tuple[str, str]:
    return ' t="inlineStr"', f"<is><t>{html.escape(value, quote=False)}</t></is>"


def error(code: str, formula: str | None = "1/0") -> tuple[str, str]:
    """A cell holding an Excel error value, with the formula that gave it (or none: a pasted value)."""
    return ' t="e"', (f"<f>{html.escape(formula, quote=False)}</f>" if formula else "") + f"<v>{html.escape(code)}</v>"


def formula(f: str, value: object = None) -> tuple[str, str]:
    """A formula cell; ``value`` None: no value saved (what a program that does not calculate writes)."""
    return "", f"<f>{html.escape(f, quote=False)}</f>" + ("" if value is None else f"<v>{value}</v>")


def set_cells(path: Path, sheet: str, cells: dict[str, tuple[str, str]]) -> Path:
    """Set cells of a sheet in its XML, keeping each cell's style: ``{"F5": error("#DIV/0!")}``."""
    from kpi_xl.ooxml.cells import column_index, parse_cell

    def change(data: bytes) -> bytes:
        xml = data.decode("utf-8")
        for ref, (attrs, body) in cells.items():
            old = re.search(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
            style = re.search(r'\ss="\d+"', old.group(1)).group(0) if old and re.search(r'\ss="\d+"', old.group(1)) \
                else ""
            new = f'<c r="{ref}"{style}{attrs}>{body}</c>' if body else f'<c r="{ref}"{style}{attrs}/>'
            if old:
                xml = xml[:old.start()] + new + xml[old.end():]
                continue
            row, col = parse_cell(ref)
            m = re.search(rf'<row r="{row + 1}"[^>]*?(/?)>', xml)
            if m is None:  # a new row, after the ones before it
                later = [r for r in re.finditer(r'<row r="(\d+)"', xml) if int(r.group(1)) > row + 1]
                at = later[0].start() if later else xml.index("</sheetData>")
                xml = xml[:at] + f'<row r="{row + 1}">{new}</row>' + xml[at:]
                continue
            if m.group(1):
                xml = xml[:m.start()] + m.group(0)[:-2] + f">{new}</row>" + xml[m.end():]
                continue
            end = xml.index("</row>", m.end())
            after = [c for c in re.finditer(r'<c r="([A-Z]+)\d+"', xml[m.end():end]) if column_index(c.group(1)) > col]
            at = m.end() + after[0].start() if after else end
            xml = xml[:at] + new + xml[at:]
        return xml.encode("utf-8")

    return rewrite_part(path, sheet_part(sheet), change)


def set_row(path: Path, sheet: str, row: int, attrs: str) -> Path:
    """Add attributes to a row element (1-based ``row``): ``hidden="1"``."""
    return rewrite_part(path, sheet_part(sheet), lambda d: re.sub(
        rf'<row r="{row}"'.encode(), f'<row r="{row}" {attrs}'.encode(), d, count=1))


def after_sheet_data(path: Path, sheet: str, xml: str) -> Path:
    """Insert XML right after a sheet's cells (merges, protection)."""
    return rewrite_part(path, sheet_part(sheet), lambda d: d.replace(b"</sheetData>", b"</sheetData>" + xml.encode(),
                                                                     1))


def files_in(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name → SHA-256): what a refused command must leave as it found it."""
    return {str(p.relative_to(folder)): (digest(p) if p.is_file() else "folder")
            for p in sorted(Path(folder).rglob("*"))}
