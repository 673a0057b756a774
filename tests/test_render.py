"""LibreOffice opens the template and a sample tracker headless and draws every sheet.

Only conversions to PDF: a file saved by LibreOffice has a regenerated VBA
project and is never kept.  In CI a missing LibreOffice or poppler fails
these tests instead of skipping them.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import pytest

from kpi_xl.dev.render import sheet_pages, to_pdf, to_png
from kpi_xl.dev.template import TEMPLATE
from kpi_xl.layout import ALERT_COLORS, SHEETS

from .conftest import pre_forecast_tracker, require_libreoffice, run_cli

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def require_poppler() -> None:
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("poppler-utils (pdftoppm, pdftotext) is not installed, and CI must run this test")
    pytest.skip("poppler-utils is not installed")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def render_every_sheet(workbook: Path, out: Path) -> dict[str, list[int]]:
    soffice = require_libreoffice()
    require_poppler()
    pdf = to_pdf(workbook, out, soffice=soffice)
    pages = sheet_pages(pdf)  # each page's header names its sheet
    assert list(pages) == list(SHEETS), pages
    for sheet, numbers in pages.items():
        png = to_png(pdf, numbers[0], out / f"{sheet}.png", dpi=50)
        width, height = png_size(png)
        assert width > 300 and height > 200, sheet
    return pages


def test_libreoffice_renders_every_sheet_of_the_template(tmp_path):
    pages = render_every_sheet(TEMPLATE, tmp_path)
    assert all(len(numbers) == 1 for numbers in pages.values()), pages


def test_libreoffice_renders_every_sheet_of_a_sample_tracker(tmp_path):
    tracker = tmp_path / "sample.xlsm"
    result = run_cli("new", tracker, "--sample")
    assert result.exit_code == 0, result.output
    pages = render_every_sheet(tracker, tmp_path)
    assert len(pages["Ads"]) > 10 and len(pages["Ledger"]) > 3  # every row printed, one page wide


def test_libreoffice_opens_a_tracker_that_refresh_gave_its_forecast_sheet(tmp_path):
    import subprocess

    from kpi_xl.refresh import refresh

    soffice = require_libreoffice()
    require_poppler()
    path = tmp_path / "older.xlsm"
    assert run_cli("new", path, "--sample").exit_code == 0
    assert refresh(pre_forecast_tracker(path)).added == ["Forecast"]
    pdf = to_pdf(path, tmp_path, soffice=soffice)
    pages = sheet_pages(pdf)
    assert list(pages) == ["Dashboard", "Ads", "Ledger", "Settings", "Ads Summary", "P&L", "Forecast",
                           "xlwings.conf"]
    page = str(pages["Forecast"][0])
    text = subprocess.run(["pdftotext", "-f", page, "-l", page, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Max owner pay" in text and "Cash at month" in text



def ppm_pixels(path: Path) -> bytes:
    data = path.read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return pixels


def page_colours(pdf: Path, page: int, out: Path) -> set[tuple[int, int, int]]:
    """Every colour of one page, drawn at 60 dpi."""
    import subprocess

    subprocess.run(["pdftoppm", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(out)],
                   check=True)
    px = ppm_pixels(out.with_suffix(".ppm"))
    return {tuple(px[i:i + 3]) for i in range(0, len(px), 3)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))


red, amber = (_rgb(ALERT_COLORS[s][0]) for s in ("red", "amber"))


def test_libreoffice_shows_the_refreshed_sheets_with_alert_colours_and_charts(tmp_path, pinned_sample):
    import subprocess

    from kpi_xl.refresh import refresh

    soffice = require_libreoffice()
    require_poppler()
    path = tmp_path / "refreshed.xlsm"
    assert run_cli("new", path, "--sample").exit_code == 0
    refresh(path)
    pdf = to_pdf(path, tmp_path, soffice=soffice)
    pages = sheet_pages(pdf)
    text = subprocess.run(["pdftotext", "-f", str(pages["Dashboard"][0]), "-l", str(pages["Dashboard"][0]),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Cost per click, lead and customer", "Sales, costs and net profit",
                  "Cash at month end against the reserve", "What changed since last month"):
        assert title in text, title
    assert "Net profit is negative" in text  # the sample's December alert, in words

    for sheet in ("Dashboard", "Ads Summary", "P&L"):
        seen = page_colours(pdf, pages[sheet][0], tmp_path / sheet.replace("&", "and").replace(" ", "_"))
        assert red in seen, f"no red alert on {sheet}"
        assert amber in seen, f"no amber alert on {sheet}"


def test_libreoffice_shows_a_french_tracker_in_french(tmp_path, pinned_sample):
    """A French sample tracker, refreshed: each page is headed by its French sheet name and footed in
    French, the Dashboard reads in French, the months are French whatever the locale ([$-40C]) and
    the amounts the French way in a French locale."""
    import subprocess

    from kpi_xl.refresh import refresh
    from kpi_xl.texts import texts

    soffice = require_libreoffice()
    require_poppler()
    path = tmp_path / "suivi.xlsm"
    assert run_cli("new", path, "--sample", "--lang", "fr").exit_code == 0
    refresh(path)
    pdf = to_pdf(path, tmp_path, soffice=soffice, locale="fr-FR")  # as a French Excel shows numbers
    pages = sheet_pages(pdf)
    fr = texts("fr")
    assert list(pages) == [fr.sheet(name) for name in SHEETS], pages

    def page_text(sheet: str) -> str:
        page = str(pages[fr.sheet(sheet)][0])
        raw = subprocess.run(["pdftotext", "-f", page, "-l", page, str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
        return raw.replace("\u00a0", " ").replace("\u202f", " ")

    dashboard = page_text("Dashboard")
    for words in ("Actualiser les KPI", "Ce qui a changé depuis le mois dernier", "Mois en perte"):
        assert words in dashboard, words
    assert "What changed" not in dashboard and "Net profit is negative" not in dashboard
    pnl = page_text("P&L")
    assert "décembre 2026" in pnl and "December" not in pnl  # [$-40C]mmmm yyyy, drawn by LibreOffice
    assert "21 000,00 €" in pnl  # December's sales, as the P&L's money format shows them
    assert re.search(r"^Page 1 sur \d+$", dashboard, re.M)
    seen = page_colours(pdf, pages[fr.sheet("Dashboard")][0], tmp_path / "tableau")
    assert red in seen and amber in seen  # December: a month at a loss (red), gross margin under target (amber)
    assert "Trésorerie fin de mois face à la réserve" in dashboard  # a chart, by its title
