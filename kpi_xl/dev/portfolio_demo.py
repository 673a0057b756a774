"""The docs' pictures of a portfolio: seven sample clients side by side, as LibreOffice draws them.

From a clone, with LibreOffice and poppler::

    python -m kpi_xl.dev.portfolio_demo   # docs/portfolio.png and docs/portfolio-dashboard.png

Each client is a year of :func:`kpi_xl.sample.sample_data` ending
:data:`~kpi_xl.dev.template.SAMPLE_END`, drawn with its own seed, its
amounts scaled to its size, with its own targets; one counts in US dollars,
one has no `Business` name (it is named after its file), and one has bad
input, so that every part of the workbook shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path

from ..batch import portfolio
from ..portfolio_workbook import write_portfolio
from ..sample import sample_data
from ..workbook import write_tracker
from .template import CREATED, ROOT, SAMPLE_END, TEMPLATE_YEAR

CLIENTS = (  # file, Business, scale of the amounts, of the sales alone, seed, Settings
    ("atelier-lumiere.xlsm", "Atelier Lumière", 1.0, 1.0, 17, {"max_cac": 500.0, "min_gross_margin": 0.4}),
    ("brightside-dental.xlsm", "Brightside Dental", 2.4, 1.1, 23, {"currency": "USD", "max_cac": 900.0}),
    ("coach-martin.xlsm", "Coach Martin", 0.7, 1.0, 31, {"max_cac": 180.0}),
    ("delta-yoga.xlsx", "Delta Yoga", 0.5, 0.9, 41, {"target_roas": 6.0, "max_cac": 400.0}),
    ("eastside-bikes.xlsm", "Eastside Bikes", 1.6, 1.0, 53, {"max_cac": 350.0, "min_gross_margin": 0.55}),
    ("fjord-studio.xlsm", None, 1.2, 0.85, 61, {"max_cac": 700.0, "min_gross_margin": 0.3}),
)
BROKEN = ("green-lane.xlsm", "Green Lane", 0.9, 1.0, 71, {})
PICTURES = {"Portfolio": "portfolio.png", "Dashboard": "portfolio-dashboard.png"}


def _client(folder: Path, name: str, business: str | None, scale: float, sales: float, seed: int,
            settings: dict) -> Path:
    data = sample_data(SAMPLE_END, seed=seed)
    ads = [{**r, "Spend": round(r["Spend"] * scale, 2), "Revenue": r["Revenue"] * scale} for r in data.ads]
    ledger = [{**r, "Amount": round(r["Amount"] * scale * (sales if r["Type"] == "Revenue" else 1), 2)}
              for r in data.ledger]
    plan = [{**r, "Amount": r["Amount"] * scale} for r in data.plan]
    s = dataclasses.replace(data.settings, business=business, opening_cash=data.settings.opening_cash * scale,
                            **settings)
    return write_tracker(folder / name, ads, ledger, s, plan, created=CREATED)


def clients(folder: Path) -> Path:
    """The sample folder: the clients above, and one tracker with text where a number belongs."""
    folder.mkdir(parents=True, exist_ok=True)
    for client in (*CLIENTS, BROKEN):
        _client(folder, *client)
    import openpyxl

    wb = openpyxl.load_workbook(folder / BROKEN[0], keep_vba=True)
    wb["Ads"]["F7"] = "12,5 €"
    wb.save(folder / BROKEN[0])
    return folder


def screenshots(outdir: Path = ROOT / "docs") -> list[Path]:
    from .render import sheet_pages, to_pdf, to_png

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = clients(Path(tmp) / "clients")
        book = write_portfolio(portfolio([folder], jobs=1), Path(tmp) / "portfolio.xlsx",
                               today=dt.date(TEMPLATE_YEAR + 1, 1, 5), created=CREATED)
        pdf = to_pdf(book, tmp)
        pages = sheet_pages(pdf)
        for sheet, name in PICTURES.items():
            written.append(to_png(pdf, pages[sheet][0], outdir / name, dpi=110, crop=True))
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        print("usage: python -m kpi_xl.dev.portfolio_demo", file=sys.stderr)
        return 2
    screenshots()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
