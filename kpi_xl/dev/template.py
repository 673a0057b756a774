"""Building the committed template, ``workbook/KPI_Template.xlsm``, by code.

From a clone, with the test extra installed (pyOpenVBA, oletools)::

    python -m kpi_xl.dev.template build     # rebuild kpi_xl/data/vbaProject.bin and the template
    python -m kpi_xl.dev.template check     # exit 1 if either differs from a fresh build
    python -m kpi_xl.dev.template screenshots   # docs/*.png, with LibreOffice and poppler

``build`` first builds the VBA project (:mod:`kpi_xl.vba_project`) into the
package (``kpi_xl/data/vbaProject.bin``, so that ``kpi-xl new`` works after a
plain ``pip install``), then writes the template with the same builder as
``kpi-xl new`` (:func:`kpi_xl.workbook.build_workbook`): empty tables, default
Settings, :data:`TEMPLATE_YEAR` as the opening date and a fixed creation
date, so that the same code gives the same bytes.  Run it after changing the
workbook's layout, the Excel functions or the pinned xlwings; the tests
(``tests/test_template.py``) fail until the committed files match.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from ..ooxml.zipfiles import rewrite
from ..schema import default_opening_date
from ..texts import texts
from ..tracker import Settings
from ..workbook import VBA_PROJECT, build_workbook

TEMPLATE_YEAR = 2026
"""The template's year: its `OpeningDate` is 1 January of it (``kpi-xl new`` uses the current year)."""
CREATED = dt.datetime(TEMPLATE_YEAR, 1, 1)
"""The template's fixed creation date (document properties)."""
SAMPLE_END = f"{TEMPLATE_YEAR}-12"
"""The screenshots' sample ends here (the calendar year :data:`TEMPLATE_YEAR`), whatever today is."""

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parent
TEMPLATE = ROOT / "workbook" / "KPI_Template.xlsm"
TEMPLATE_FR = ROOT / "workbook" / "KPI_Template_FR.xlsm"
TEMPLATES = {"en": TEMPLATE, "fr": TEMPLATE_FR}
"""The committed templates, one per language (same VBA project, same tables and names)."""
VBA_BIN = PACKAGE / VBA_PROJECT


def template_settings(lang: str = "en") -> Settings:
    return Settings(opening_date=default_opening_date(TEMPLATE_YEAR), language=lang)


def write_template(path: str | Path, lang: str = "en") -> Path:
    """The template as a fresh build writes it, with the packaged VBA project."""
    build_workbook(path, settings=template_settings(lang), macros=True, created=CREATED)
    return Path(path)


def build() -> None:
    from .vba_project import build_vba_project

    VBA_BIN.parent.mkdir(exist_ok=True)
    VBA_BIN.write_bytes(build_vba_project())
    TEMPLATE.parent.mkdir(exist_ok=True)
    for lang, path in TEMPLATES.items():
        write_template(path, lang)
    print(f"wrote {VBA_BIN.relative_to(ROOT)}, " + " and ".join(str(p.relative_to(ROOT)) for p in TEMPLATES.values()))


def check() -> int:
    """0 when the committed VBA project and template equal a fresh build (part by part)."""
    from ..ooxml.compare import compare_packages
    from .vba_project import build_vba_project

    status = 0
    if not VBA_BIN.exists() or VBA_BIN.read_bytes() != build_vba_project():
        print(f"{VBA_BIN.relative_to(ROOT)} differs from a fresh build", file=sys.stderr)
        status = 1
    for lang, path in TEMPLATES.items():
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_template(Path(tmp) / path.name, lang)
            differences = compare_packages(fresh, path) if path.exists() else ["missing"]
        for line in differences:
            print(f"{path.relative_to(ROOT)}: {line}", file=sys.stderr)
            status = 1
    if status:
        print("run: python -m kpi_xl.dev.template build", file=sys.stderr)
    return status


SCREENSHOTS = {"Dashboard": "dashboard.png", "Ads": "ads.png", "Settings": "settings.png",
               "Ads Summary": "ads-summary.png", "P&L": "pnl.png", "Forecast": "forecast.png"}
"""The pictures of the docs, by sheet (French ones in docs/fr/, the same names)."""


def _print_buttons(src: Path, dst: Path) -> None:
    """A copy whose buttons print (Excel does not print them, the screen shows them)."""
    with zipfile.ZipFile(src) as zin:
        vml = {name: re.sub(rb"<x:PrintObject>False</x:PrintObject>", b"", zin.read(name))
               for name in zin.namelist() if name.endswith(".vml")}
        rewrite(zin, dst, vml)


def screenshots(outdir: Path | None = None, lang: str = "en") -> list[Path]:
    """The docs' pictures of a refreshed ``kpi-xl new --sample`` tracker, as LibreOffice draws it."""
    from ..refresh import refresh
    from ..sample import sample_data
    from ..workbook import write_tracker
    from .render import LOCALES, sheet_pages, to_pdf, to_png

    words = texts(lang)
    outdir = outdir or (ROOT / "docs" if lang == "en" else ROOT / "docs" / lang)
    data = sample_data(SAMPLE_END, lang=lang)
    outdir.mkdir(exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        tracker = write_tracker(Path(tmp) / "tracker.xlsm", data.ads, data.ledger, data.settings, data.plan,
                                created=CREATED)
        refresh(tracker, today=dt.date(TEMPLATE_YEAR, 12, 31))
        shown = Path(tmp) / "KPI_Tracker.xlsm"
        _print_buttons(tracker, shown)
        pdf = to_pdf(shown, tmp, locale=LOCALES[lang])
        pages = sheet_pages(pdf)
        for sheet, name in SCREENSHOTS.items():
            written.append(to_png(pdf, pages[words.sheet(sheet)][0], outdir / name, dpi=110, crop=True,
                                  max_height=260 if sheet in ("Ads", "Ads Summary", "P&L") else None))
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["build"]:
        build()
        return 0
    if args == ["check"]:
        return check()
    if args == ["screenshots"]:
        for lang in TEMPLATES:
            screenshots(lang=lang)
        return 0
    print("usage:" + __doc__.split("::")[1].split("``build``")[0].rstrip(), file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
