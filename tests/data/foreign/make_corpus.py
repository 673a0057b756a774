"""Rebuild the corpus of trackers last saved by programs other than kpi-xl (see README.md here).

    python3 -m venv /tmp/kpi-corpus && /tmp/kpi-corpus/bin/pip install -e . lxml
    /tmp/kpi-corpus/bin/python tests/data/foreign/make_corpus.py [--out DIR] [--only NAME ...]

A venv of its own, with lxml: openpyxl then writes as it does for most users
(``r:`` declared on each ``<sheet>``), and the project's ``.venv`` stays as CI
has it.

Every file starts from ``pristine.xlsm`` (or ``pristine.xlsx``): kpi-xl's own
tracker holding three months of the sample data (April to June 2026, the
story month May in the middle, where the cost per lead doubles), with a fixed
creation date.  Each other file is that tracker after one program saved it,
carrying that program's quirks.  Nothing here is kpi-xl's refresh: these are
its inputs.

Reproducible: same kpi_xl, openpyxl (+ lxml) and Python, same bytes — zip
timestamps and ``dcterms:modified`` (the save time) are fixed after each
save, and the script runs itself with ``PYTHONHASHSEED=0`` (openpyxl writes
the parts it copies in a set's order).  Except ``libreoffice.xlsm``: LibreOffice writes a random VBA project
id (and CMG/DPB/GC obfuscation) into ``vbaProject.bin`` on every save, which
is part of what that file is meant to show, so a rebuild gives the same
content but other bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

MONTHS = (4, 5, 6)
"""The sample months kept: April (before), May (the story: cost per lead doubles), June (after)."""
CREATED = dt.datetime(2026, 7, 1, 9, 0, 0)
SAVED = "2026-07-02T10:00:00Z"
"""The fixed ``dcterms:modified`` written over each program's save time."""
ZIP_TIME = (2026, 7, 2, 10, 0, 0)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

BUILTIN_CODES = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
                 "# ?/?": 12, "# ??/??": 13, "mm-dd-yy": 14, "d-mmm-yy": 15, "d-mmm": 16, "mmm-yy": 17,
                 "h:mm AM/PM": 18, "h:mm:ss AM/PM": 19, "h:mm": 20, "h:mm:ss": 21, "m/d/yy h:mm": 22,
                 "#,##0 ;(#,##0)": 37, "#,##0 ;[Red](#,##0)": 38, "#,##0.00;(#,##0.00)": 39,
                 "#,##0.00;[Red](#,##0.00)": 40, "mm:ss": 45, "[h]:mm:ss": 46, "mmss.0": 47, "##0.0E+0": 48,
                 "@": 49}
"""Excel's built-in formats by code (ECMA-376 §18.8.30, en-US): Excel saves these codes under these ids."""


# --- helpers -----------------------------------------------------------------------------------


def read_parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def write_parts(path: Path, parts: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> None:
    """A zip of these parts in this order, with fixed timestamps."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = compression
            info.external_attr = 0o600 << 16
            z.writestr(info, data)


def normalise_save(path: Path) -> None:
    """Fix what a save stamps with the clock (zip times, dcterms:modified); keep order and compression."""
    parts = []
    for info, data in read_parts(path):
        if info.filename == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)",
                          rb"\g<1>" + SAVED.encode() + rb"\g<2>", data)
        parts.append((info.filename, data))
    write_parts(path, parts)


def small_sample():
    """The sample year cut to :data:`MONTHS`, opening cash at the first day kept."""
    from kpi_xl.sample import sample_data

    data = sample_data()
    ads = [r for r in data.ads if r["Date"].month in MONTHS]
    ledger = [r for r in data.ledger if r["Date"].month in MONTHS]
    settings = dataclasses.replace(data.settings, opening_date=dt.date(2026, MONTHS[0], 1))
    return ads, ledger, settings, data.plan


def require_lxml() -> None:
    from openpyxl.xml import LXML

    if not LXML:
        sys.exit("make_corpus: run me with a Python that has lxml beside openpyxl (see my docstring): with lxml, "
                 "openpyxl declares the r: namespace on each <sheet> element, as the issue's files have it")


def openpyxl_save(src: Path, dest: Path, change=None) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(src, keep_vba=src.suffix == ".xlsm")
    if change:
        change(wb)
    wb.save(dest)
    normalise_save(dest)


# --- the files -----------------------------------------------------------------------------------


def make_pristine(out: Path) -> None:
    from kpi_xl.workbook import write_tracker

    ads, ledger, settings, plan = small_sample()
    for suffix in (".xlsm", ".xlsx"):
        write_tracker(out / f"pristine{suffix}", ads, ledger, settings, plan, created=CREATED)


def make_openpyxl(out: Path) -> None:
    require_lxml()
    openpyxl_save(out / "pristine.xlsm", out / "openpyxl.xlsm")
    openpyxl_save(out / "pristine.xlsx", out / "openpyxl.xlsx")


def make_openpyxl_no_forecast(out: Path) -> None:
    require_lxml()

    def drop(wb):
        del wb["Forecast"]

    openpyxl_save(out / "pristine.xlsm", out / "openpyxl-no-forecast.xlsm", drop)


def make_libreoffice(out: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("make_corpus: LibreOffice (soffice) is needed for libreoffice.xlsm")
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as tmp:
        tmp = Path(tmp)
        src = tmp / "in" / "libreoffice.xlsm"
        src.parent.mkdir()
        shutil.copy(out / "pristine.xlsm", src)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                        "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(tmp / "out"), str(src)],
                       check=True, capture_output=True, timeout=300)
        result = tmp / "out" / "libreoffice.xlsm"
        with zipfile.ZipFile(result) as z:
            if "xl/vbaProject.bin" not in z.NameToInfo:
                sys.exit("make_corpus: LibreOffice dropped the VBA project (check the filter name)")
        shutil.copy(result, out / "libreoffice.xlsm")
    normalise_save(out / "libreoffice.xlsm")


def make_rezipped(out: Path) -> None:
    """Same parts, byte for byte, stored (no compression), in reverse order: [Content_Types].xml last."""
    parts = [(info.filename, data) for info, data in read_parts(out / "pristine.xlsm")]
    write_parts(out / "rezipped-stored.xlsm", list(reversed(parts)), zipfile.ZIP_STORED)


def _xml_attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def prefixed_xml(data: bytes, prefixes: dict[str, str], per_element: set[str]) -> bytes:
    """The same XML with each namespace in ``prefixes`` written with that prefix.

    Namespaces in ``per_element`` are declared on every element that uses them
    (as openpyxl does with lxml, and some .NET writers), the others once on
    the root.  Prefixes of other namespaces (mc:Ignorable names them) are kept.
    """
    declared: dict[str, str] = {}
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=["start-ns"]):
        declared.setdefault(uri, prefix)
    names = {**declared, **prefixes}
    root = ET.fromstring(data)

    def qname(tag: str) -> tuple[str, str | None]:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}")
            if uri == "http://www.w3.org/XML/1998/namespace":
                return f"xml:{local}", None
            p = names[uri]
            return (f"{p}:{local}" if p else local), uri
        return tag, None

    out: list[str] = []

    def emit(elem: ET.Element, is_root: bool) -> None:
        tag, uri = qname(elem.tag)
        used = {uri} if uri else set()
        attrs = []
        for k, v in elem.attrib.items():
            name, auri = qname(k)
            if auri:
                used.add(auri)
            attrs.append(f' {name}="{_xml_attr(v)}"')
        decls = []
        if is_root:
            decls = [f' xmlns{":" + names[u] if names[u] else ""}="{u}"' for u in names if u not in per_element]
        decls += [f' xmlns:{names[u]}="{u}"' for u in sorted(used & per_element)]
        out.append(f"<{tag}{''.join(decls)}{''.join(attrs)}")
        if len(elem) == 0 and not elem.text:
            out.append("/>")
        else:
            out.append(">" + escape(elem.text or ""))
            for child in elem:
                emit(child, False)
                out.append(escape(child.tail or ""))
            out.append(f"</{tag}>")

    emit(root, True)
    return ('<?xml version="1.0" encoding="utf-8"?>\r\n' + "".join(out)).encode("utf-8")


PREFIXED_SHEETS = ("Dashboard", "Ads")
"""One output sheet (the refresh replaces it) and one input sheet (the reader reads it)."""


def make_prefixed(out: Path) -> None:
    """SpreadsheetML written as x:…, r: declared per element, the relationships as rel:…

    As the .NET Open XML SDK writes parts built with its typed classes
    (``<x:workbook xmlns:x="…main">``), on workbook.xml, styles.xml, the
    Dashboard and Ads sheets and every .rels part.
    """
    parts = read_parts(out / "pristine.xlsm")
    with zipfile.ZipFile(out / "pristine.xlsm") as z:
        from kpi_xl.ooxml.package import sheet_parts

        sheets = sheet_parts(z)
    targets = {"xl/workbook.xml", "xl/styles.xml", *(sheets[n] for n in PREFIXED_SHEETS)}
    result = []
    for info, data in parts:
        if info.filename in targets:
            data = prefixed_xml(data, {MAIN: "x"}, {R})
        elif info.filename.endswith(".rels"):
            data = prefixed_xml(data, {PKG: "rel"}, set())
        result.append((info.filename, data))
    write_parts(out / "dotnet-prefixed.xlsm", result)


def renumber_num_fmts(styles: str) -> str:
    """Custom number formats as Excel saves them.

    A custom format whose code is one of Excel's built-ins is saved under the
    built-in id (XlsxWriter writes ``0.00%`` and ``#,##0`` as custom 166 and
    173; Excel saves 10 and 3 and lists them in no ``<numFmts>``), the others
    are numbered again from 164 in the order the cell formats first use them,
    and the ``<dxf>`` number formats take the same ids (Excel has one table).
    """
    fmts = {int(i): html_unescape(c) for i, c in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>',
                                                             _section(styles, "numFmts"))}
    order: list[int] = []
    for i in re.findall(r'<xf\b[^>]*\bnumFmtId="(\d+)"', _section(styles, "cellXfs")):
        if int(i) in fmts and int(i) not in order:
            order.append(int(i))
    order += [i for i in fmts if i not in order]
    new_id: dict[int, int] = {}
    next_id = 164
    for old in order:
        if fmts[old] in BUILTIN_CODES:
            new_id[old] = BUILTIN_CODES[fmts[old]]
        else:
            new_id[old] = next_id
            next_id += 1

    def fmt_elem(old: int) -> str:
        return f'<numFmt numFmtId="{new_id[old]}" formatCode="{_xml_attr(fmts[old])}"/>'

    customs = [old for old in order if new_id[old] >= 164]
    block = f'<numFmts count="{len(customs)}">' + "".join(fmt_elem(o) for o in customs) + "</numFmts>"
    styles = re.sub(r"<numFmts\b.*?</numFmts>", block, styles, count=1, flags=re.S)

    def remap(m: re.Match) -> str:
        old = int(m.group(2))
        return f'{m.group(1)}"{new_id.get(old, old)}"'

    def xfs(section: str, text: str) -> str:
        body = _section(text, section)
        return text.replace(body, re.sub(r'(\bnumFmtId=)"(\d+)"', remap, body), 1)

    styles = xfs("cellStyleXfs", xfs("cellXfs", styles))
    dxfs = _section(styles, "dxfs")
    return styles.replace(dxfs, re.sub(r'(<numFmt numFmtId=)"(\d+)"', remap, dxfs), 1)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _section(text: str, name: str) -> str:
    m = re.search(rf"<{name}\b.*?</{name}>", text, re.S)
    return m.group(0) if m else ""


def make_excel_numfmts(out: Path) -> None:
    parts = []
    for info, data in read_parts(out / "pristine.xlsm"):
        if info.filename == "xl/styles.xml":
            data = renumber_num_fmts(data.decode("utf-8")).encode("utf-8")
        parts.append((info.filename, data))
    write_parts(out / "excel-numfmts.xlsm", parts)


STEPS = {
    "pristine": make_pristine,
    "openpyxl": make_openpyxl,
    "openpyxl-no-forecast": make_openpyxl_no_forecast,
    "libreoffice": make_libreoffice,
    "rezipped-stored": make_rezipped,
    "dotnet-prefixed": make_prefixed,
    "excel-numfmts": make_excel_numfmts,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: beside this script)")
    parser.add_argument("--only", nargs="+", choices=sorted(STEPS), help="rebuild only these (pristine must exist)")
    args = parser.parse_args(argv)
    if os.environ.get("PYTHONHASHSEED") != "0":
        # openpyxl copies the parts it does not know (vbaProject.bin…) in the order of a set of names.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        sys.exit(subprocess.run([sys.executable, __file__, *(sys.argv[1:] if argv is None else argv)],
                                env=env).returncode)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, step in STEPS.items():
        if args.only and name not in args.only:
            continue
        step(args.out)
        print(f"wrote {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
