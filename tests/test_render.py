"""LibreOffice opens the template and a sample tracker headless and draws every sheet.

Only conversions to PDF: a file saved by LibreOffice has a regenerated VBA
project and is never kept.  In CI a missing LibreOffice or poppler fails
these tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.render import sheet_pages, to_pdf, to_png
from kpi_xl.template import TEMPLATE
from kpi_xl.workbook import SHEETS

from .conftest import require_libreoffice

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
    result = CliRunner().invoke(app, ["new", str(tracker), "--sample"])
    assert result.exit_code == 0, result.output
    pages = render_every_sheet(tracker, tmp_path)
    assert len(pages["Ads"]) > 10 and len(pages["Ledger"]) > 3  # every row printed, one page wide

