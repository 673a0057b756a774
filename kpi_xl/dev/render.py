"""Rendering a workbook without Excel: LibreOffice (headless) to PDF, poppler to PNG.

For the tests (every sheet renders) and the docs' screenshots
(``python -m kpi_xl.dev.template screenshots``).  LibreOffice runs with a private,
throw-away profile so that it neither reads nor changes the user's, and only
ever *converts*: a workbook saved by LibreOffice has a regenerated VBA project
and must never be shipped.

Every sheet kpi_xl writes prints its name at the top left of each page (the
page header ``&A``), which is how the pages of a PDF are told apart.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import KpiXlError


class RenderError(KpiXlError):
    """LibreOffice or poppler is missing, or failed."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise RenderError(f"{name} is not installed (apt-get install libreoffice-calc poppler-utils)")
    return found


LOCALES = {"en": "en-US", "fr": "fr-FR"}
"""The locale a tracker's language is drawn in (its readers' Excel): the docs' pictures and the tests."""

_LOCALE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


def to_pdf(workbook: str | Path, outdir: str | Path, soffice: str | None = None, timeout: float = 300,
           locale: str | None = None) -> Path:
    """Convert a workbook to PDF (every visible sheet, as printed) with LibreOffice headless.

    ``locale`` (``"fr-FR"``) is the one LibreOffice formats numbers in, as a French Excel would
    (``21 000,00 €``); by default, the machine's.  Number formats are the same in every language:
    which separators they show is the reader's locale.
    """
    workbook, outdir = Path(workbook).resolve(), Path(outdir).resolve()
    with tempfile.TemporaryDirectory(prefix="kpi-xl-lo-") as profile:
        if locale:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(
                _LOCALE_PROFILE.format(locale=locale), encoding="utf-8")
        result = subprocess.run(
            [soffice or _tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(outdir), str(workbook)],
            capture_output=True, text=True, timeout=timeout, check=False)  # judged below, with its output
    pdf = outdir / (workbook.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists() or "Error" in result.stderr:
        raise RenderError(f"LibreOffice could not convert {workbook.name} (exit {result.returncode}): "
                          f"{result.stderr.strip() or result.stdout.strip()}")
    return pdf


def page_count(pdf: str | Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def sheet_pages(pdf: str | Path) -> dict[str, list[int]]:
    """Sheet name → its page numbers (1-based), from each page's header line."""
    out: dict[str, list[int]] = {}
    for page in range(1, page_count(pdf) + 1):
        text = subprocess.run([_tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        header = text.strip().splitlines()[0].strip() if text.strip() else ""
        out.setdefault(header, []).append(page)
    return out


def _content_box(pdf: Path, page: int, top: float, bottom: float,
                 max_height: float | None = None) -> tuple[float, float, float, float]:
    """The bounding box (points) of the words between the page's header and footer.

    With ``max_height``, only the lines that fit whole in that height from the top.
    """
    html = subprocess.run([_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    boxes = [tuple(map(float, m)) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    boxes = [b for b in boxes if b[1] > top and b[3] < height - bottom]
    if not boxes:
        raise RenderError(f"{pdf.name}: page {page} is blank")
    if max_height:
        first = min(b[1] for b in boxes)
        boxes = [b for b in boxes if b[3] <= first + max_height]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def to_png(pdf: str | Path, page: int, out: str | Path, dpi: int = 80, crop: bool = False,
           max_height: float | None = None, margin: float = 8) -> Path:
    """One page as a PNG; ``crop`` keeps the content (no header, footer or white page), at most ``max_height`` pt."""
    pdf, out = Path(pdf), Path(out)
    args = [_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
    if crop:
        x0, y0, x1, y1 = _content_box(pdf, page, top=40, bottom=36, max_height=max_height)
        scale = dpi / 72
        # Below a cut table, stop just under the last whole line rather than show half the next.
        x0, y0, x1, y1 = max(0.0, x0 - margin), max(0.0, y0 - margin), x1 + margin, y1 + (2 if max_height else margin)
        args += ["-x", str(int(x0 * scale)), "-y", str(int(y0 * scale)),
                 "-W", str(int((x1 - x0) * scale)), "-H", str(int((y1 - y0) * scale))]
    subprocess.run([*args, str(pdf), str(out.with_suffix(""))], capture_output=True, text=True, check=True)
    return out
