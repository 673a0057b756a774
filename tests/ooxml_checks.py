"""Checks of a workbook that tests make on any .xlsx/.xlsm.

The structural checks — what Excel would repair, refuse or misread and no
schema sees — are the product's own (:mod:`kpi_xl.ooxml.doctor`, what
``kpi-xl doctor`` runs); the Open XML SDK (``tests/openxml_sdk.py``) is the
independent check beside them.  Here also: the effective number format of
every cell (style → ``numFmtId`` → format code, built-ins included), to
compare two workbooks, which no validator can.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl.styles.numbers import BUILTIN_FORMATS

from kpi_xl.ooxml.doctor import Finding, Package, errors, new_errors, not_well_formed, parse_ref, structure
from kpi_xl.ooxml.xml import q

__all__ = ["Finding", "errors", "new_errors", "not_well_formed", "structure", "cell_formats", "format_differences"]

OUTPUT_SHEETS = ("Dashboard", "Ads Summary", "P&L", "Forecast")


def _format_code(pkg: Package, style: int) -> str:
    xfs = pkg.style_list("cellXfs")
    if style >= len(xfs):
        return f"<undefined style {style}>"
    nid = int(xfs[style].get("numFmtId", "0"))
    if nid in pkg.num_fmts:
        return pkg.num_fmts[nid]
    if nid < 164:
        return BUILTIN_FORMATS.get(nid, f"<built-in {nid}>")
    return f"<undefined numFmtId {nid}>"


def cell_formats(path: str | Path, sheets=OUTPUT_SHEETS) -> dict[tuple[str, str], str]:
    """(sheet, cell) → effective number format code, for every ``<c>`` of these sheets (absent sheets skipped)."""
    pkg = Package(path)
    try:
        if pkg.xml(pkg.workbook_part) is None:
            raise ValueError(f"{Path(path).name}: cannot read {pkg.workbook_part}: "
                             f"{pkg.parse_errors.get(pkg.workbook_part, 'missing')}")
        parts = {name: part for name, part, _ in pkg.sheets}
        out = {}
        for name in sheets:
            if parts.get(name) is None:
                continue
            root = pkg.xml(parts[name])
            if root is None:
                raise ValueError(f"{Path(path).name}: cannot read sheet {name}: {pkg.parse_errors.get(parts[name])}")
            for c in root.iter(q("c")):
                out[(name, c.get("r", "?"))] = _format_code(pkg, int(c.get("s", "0")))
        return out
    finally:
        pkg.close()


def format_differences(got: str | Path, expected: str | Path, sheets=OUTPUT_SHEETS) -> list[str]:
    """One line per (sheet, expected format, found format): how many cells, the first few."""
    a, b = cell_formats(got, sheets), cell_formats(expected, sheets)
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], parse_ref(k[1]) if k[1] != "?" else (0, 0))):
        fa, fb = a.get(key, "<no cell>"), b.get(key, "<no cell>")
        if fa != fb:
            groups[(key[0], fb, fa)].append(key[1])
    return [f"{sheet}: {len(cells)} cell{'s' if len(cells) > 1 else ''} ({', '.join(cells[:4])}"
            f"{', …' if len(cells) > 4 else ''}) expected {want!r}, found {found!r}"
            for (sheet, want, found), cells in sorted(groups.items())]


