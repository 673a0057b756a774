"""``styles.xml``: merging the styles of a workbook laid out elsewhere, and finding date styles.

Both read the part by its meaning (:mod:`.xml`), whoever wrote it.  Custom
number formats are read from ``<numFmts>`` only: the ``<numFmt>`` inside a
conditional format's ``<dxf>`` carries an id of its own that another writer
may not have renumbered (openpyxl does not), and must never be taken for a
cell's format.  A format added gets an id above every id used anywhere in the
part, so it can collide with none.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import WorkbookError
from .xml import adopt, child, elements, parse, q, serialize

FIRST_CUSTOM_FORMAT = 164
"""Ids below are Excel's built-in number formats."""
ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
         "colors", "extLst")
"""The children of ``<styleSheet>``, in the schema's order."""


def _canonical(elem: etree._Element) -> tuple:
    """A key for "the same style": namespaced names (not prefixes), sorted attributes, children in order."""
    return (elem.tag, tuple(sorted(elem.attrib.items())), (elem.text or "").strip(),
            tuple(_canonical(c) for c in elements(elem)))


def custom_formats(root: etree._Element) -> dict[int, str]:
    """Number format id → format code, from ``<numFmts>`` (not from the ``<dxf>`` s)."""
    found = root.find(q("numFmts"))
    return {int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in elements(found)
            if n.tag == q("numFmt")}


def _used_format_ids(root: etree._Element) -> set[int]:
    return {int(v) for v in root.xpath("//@numFmtId") if str(v).isdigit()}


class StyleMerger:
    """Merge a scratch workbook's styles into the target's ``styles.xml``.

    :meth:`xf` and :meth:`dxf` give the target's index of a scratch cell
    style or conditional-format style, adding it when the target has no
    identical one (so refreshing twice gives the same file); :meth:`result`
    is the new part.
    """

    LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")

    def __init__(self, target_xml: bytes, scratch_xml: bytes, part: str = "xl/styles.xml"):
        self.root = parse(target_xml, part)
        self.scratch = parse(scratch_xml, "scratch styles")
        self.known: dict[str, dict[tuple, int]] = {}
        self.counts: dict[str, int] = {}
        self.changed: set[str] = set()
        for name in self.LISTS:
            children = elements(self.root.find(q(name)))
            self.counts[name] = len(children)
            self.known[name] = {}
            for i, c in enumerate(children):
                self.known[name].setdefault(_canonical(c), i)
        self.codes = {code: i for i, code in sorted(custom_formats(self.root).items(), reverse=True)}
        self.used_ids = _used_format_ids(self.root)
        self.scratch_codes = custom_formats(self.scratch)
        self._xf_map: dict[int, int] = {}
        self._dxf_map: dict[int, int] = {}

    def _list(self, name: str) -> etree._Element:
        return child(self.root, name, ORDER)

    def _add(self, name: str, elem: etree._Element) -> int:
        key = _canonical(elem)
        if key not in self.known[name]:
            self.known[name][key] = self.counts[name]
            self.counts[name] += 1
            adopt(elem, self._list(name))
            self.changed.add(name)
        return self.known[name][key]

    def _scratch_list(self, name: str) -> list[etree._Element]:
        return elements(self.scratch.find(q(name)))

    def _num_fmt(self, scratch_id: int) -> int:
        if scratch_id < FIRST_CUSTOM_FORMAT:  # built-in formats have fixed ids
            return scratch_id
        code = self.scratch_codes[scratch_id]
        if code not in self.codes:
            new_id = max([FIRST_CUSTOM_FORMAT - 1, *self.used_ids]) + 1
            self.codes[code] = new_id
            self.used_ids.add(new_id)
            etree.SubElement(self._list("numFmts"), q("numFmt"), {"numFmtId": str(new_id), "formatCode": code})
            self.counts["numFmts"] += 1
            self.changed.add("numFmts")
        return self.codes[code]

    def xf(self, scratch_index: int) -> int:
        if scratch_index not in self._xf_map:
            xf = self._scratch_list("cellXfs")[scratch_index]
            new = etree.Element(xf.tag, dict(xf.attrib))
            new.set("numFmtId", str(self._num_fmt(int(xf.get("numFmtId", "0")))))
            for attr, lst in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                new.set(attr, str(self._add(lst, self._scratch_list(lst)[int(xf.get(attr, "0"))])))
            new.set("xfId", "0")
            for c in elements(xf):
                adopt(c, new)
            self._xf_map[scratch_index] = self._add("cellXfs", new)
        return self._xf_map[scratch_index]

    def dxf(self, scratch_index: int) -> int:
        if scratch_index not in self._dxf_map:
            self._dxf_map[scratch_index] = self._add("dxfs", self._scratch_list("dxfs")[scratch_index])
        return self._dxf_map[scratch_index]

    def result(self) -> bytes:
        for name in self.changed:
            self.root.find(q(name)).set("count", str(self.counts[name]))
        return serialize(self.root)


# --- date styles (an import writes dates into a table) -----------------------------

_DATE_BUILTIN = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date (``yyyy-mm-dd``), not a number or text.

    >>> is_date_format("yyyy-mm-dd"), is_date_format('#,##0.00 "EUR";-#,##0.00 "EUR"'), is_date_format("General")
    (True, False, False)
    """
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return bool(re.search(r"[dmyhs]", code, re.I)) and code.casefold() != "general"


class CellStyles:
    """The cell styles of ``styles.xml``: which are dates, and a date style when one is missing."""

    def __init__(self, xml: bytes, part: str = "xl/styles.xml"):
        self.root = parse(xml, part)
        self.changed = False
        self.cell_xfs = self.root.find(q("cellXfs"))
        self.xfs = elements(self.cell_xfs)
        self.formats = custom_formats(self.root)

    def is_date(self, index: int | None) -> bool:
        if index is None or not 0 <= index < len(self.xfs):
            return False
        fmt = int(self.xfs[index].get("numFmtId", "0"))
        return fmt in _DATE_BUILTIN or is_date_format(self.formats.get(fmt, ""))

    def date_style(self) -> int:
        """A short-date style's index, added to ``cellXfs`` (built-in format 14) if there is none."""
        for i in range(len(self.xfs)):
            if self.is_date(i):
                return i
        if self.cell_xfs is None:
            raise WorkbookError("styles.xml has no cell styles (cellXfs)")
        new = etree.SubElement(self.cell_xfs, q("xf"), {"numFmtId": "14", "fontId": "0", "fillId": "0",
                                                         "borderId": "0", "xfId": "0", "applyNumberFormat": "1"})
        self.xfs.append(new)
        self.cell_xfs.set("count", str(len(self.xfs)))
        self.changed = True
        return len(self.xfs) - 1

    def bytes(self) -> bytes:
        return serialize(self.root)

