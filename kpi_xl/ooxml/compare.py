"""Comparing two workbook packages part by part, the way XlsxWriter's own tests do.

Both files are unzipped; every part must exist in both; XML parts are
compared element by element after masking what legitimately varies (the
creation and modification dates) and ordering what has no order
(relationships and content types); binary parts (``vbaProject.bin``, images)
must be byte-identical.  Used by the golden tests and by
``python -m kpi_xl.dev.template check``.

>>> _tags('<a x="1"><b/></a>')
['<a x="1">', '<b/>', '</a>']
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

VOLATILE = (
    re.compile(r"<dcterms:created[^>]*>[^<]*</dcterms:created>"),
    re.compile(r"<dcterms:modified[^>]*>[^<]*</dcterms:modified>"),
)
UNORDERED = re.compile(r"(\.rels|\[Content_Types\]\.xml)$")
TEXT = re.compile(r"\.(xml|rels|vml)$")


def _tags(xml: str) -> list[str]:
    """An XML text as a list of tags and text runs (whitespace between tags dropped)."""
    return [t for t in re.split(r"(<[^>]*>)", xml) if t.strip()]


def _normalised(name: str, data: bytes) -> list[str]:
    xml = data.decode("utf-8")
    for pattern in VOLATILE:
        xml = pattern.sub("<masked/>", xml)
    tags = _tags(xml)
    if UNORDERED.search(name):
        tags = sorted(tags)
    return tags


def compare_packages(got: str | Path, expected: str | Path) -> list[str]:
    """Every difference between two .xlsx/.xlsm files, one line each (empty: equal)."""
    with zipfile.ZipFile(got) as a, zipfile.ZipFile(expected) as b:
        names_a, names_b = set(a.namelist()), set(b.namelist())
        out = [f"{n}: only in {Path(got).name}" for n in sorted(names_a - names_b)]
        out += [f"{n}: only in {Path(expected).name}" for n in sorted(names_b - names_a)]
        for name in sorted(names_a & names_b):
            da, db = a.read(name), b.read(name)
            if not TEXT.search(name):
                if da != db:
                    out.append(f"{name}: the bytes differ ({len(da):,} against {len(db):,})")
                continue
            ta, tb = _normalised(name, da), _normalised(name, db)
            if ta != tb:
                i = next((i for i, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y), min(len(ta), len(tb)))
                found = ta[i] if i < len(ta) else "(end)"
                wanted = tb[i] if i < len(tb) else "(end)"
                out.append(f"{name}: element {i} is {found[:200]!r}, expected {wanted[:200]!r}")
    return out
