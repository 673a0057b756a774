"""``styles.xml``: merging the styles of a workbook laid out elsewhere, and finding date styles.

Edited as text, not re-serialised: Excel-saved parts carry namespace
prefixes and ``mc:Ignorable`` declarations that an XML library round trip
can break.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from ..errors import WorkbookError
from .package import MAIN


def _canonical(elem: ET.Element) -> tuple:
    """A key for "the same style": tags with their namespace URI (not a prefix), sorted attributes."""
    return (elem.tag, tuple(sorted(elem.attrib.items())), (elem.text or "").strip(),
            tuple(_canonical(child) for child in elem))


def _outer(elem: ET.Element) -> str:
    """An element as text in the default namespace (no ns0: prefixes)."""
    ET.register_namespace("", MAIN)
    text = ET.tostring(elem, encoding="unicode")
    return text.replace(f' xmlns="{MAIN}"', "")


class StyleMerger:
    """Merge a scratch workbook's styles into the target's ``styles.xml`` text.

    :meth:`xf` and :meth:`dxf` give the target's index of a scratch cell
    style or conditional-format style, adding it when the target has no
    identical one (so refreshing twice gives the same file); :meth:`result`
    is the new ``styles.xml``.
    """

    LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
    ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
             "tableStyles", "colors", "extLst")

    def __init__(self, target_xml: str, scratch_xml: str):
        self.text = target_xml
        self.target = ET.fromstring(target_xml.encode())
        self.scratch = ET.fromstring(scratch_xml.encode())
        self.added: dict[str, list[str]] = {k: [] for k in self.LISTS}
        self.known: dict[str, dict[tuple, int]] = {}
        self.counts: dict[str, int] = {}
        for name in self.LISTS:
            node = self.target.find(f"{{{MAIN}}}{name}")
            children = list(node) if node is not None else []
            self.counts[name] = len(children)
            self.known[name] = {}
            for i, child in enumerate(children):
                self.known[name].setdefault(_canonical(child), i)
        self.num_fmts = {n.get("formatCode"): int(n.get("numFmtId", "0"))
                         for n in self.target.iter(f"{{{MAIN}}}numFmt")}
        self._xf_map: dict[int, int] = {}
        self._dxf_map: dict[int, int] = {}

    def _add(self, name: str, elem: ET.Element) -> int:
        key = _canonical(elem)
        if key not in self.known[name]:
            self.known[name][key] = self.counts[name]
            self.counts[name] += 1
            self.added[name].append(_outer(elem))
        return self.known[name][key]

    def _scratch_list(self, name: str) -> list[ET.Element]:
        node = self.scratch.find(f"{{{MAIN}}}{name}")
        return list(node) if node is not None else []

    def _num_fmt(self, scratch_id: int) -> int:
        if scratch_id < 164:  # built-in formats have fixed ids
            return scratch_id
        code = next(n.get("formatCode") for n in self.scratch.iter(f"{{{MAIN}}}numFmt")
                    if int(n.get("numFmtId", "0")) == scratch_id)
        if code not in self.num_fmts:
            new_id = max([163, *self.num_fmts.values()]) + 1
            self.num_fmts[code] = new_id
            elem = ET.Element(f"{{{MAIN}}}numFmt", {"numFmtId": str(new_id), "formatCode": code})
            self.added["numFmts"].append(_outer(elem))
            self.counts["numFmts"] += 1
        return self.num_fmts[code]

    def xf(self, scratch_index: int) -> int:
        if scratch_index not in self._xf_map:
            xf = self._scratch_list("cellXfs")[scratch_index]
            new = ET.Element(xf.tag, dict(xf.attrib))
            new.set("numFmtId", str(self._num_fmt(int(xf.get("numFmtId", "0")))))
            for attr, lst in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                new.set(attr, str(self._add(lst, self._scratch_list(lst)[int(xf.get(attr, "0"))])))
            new.set("xfId", "0")
            for child in xf:
                new.append(child)
            self._xf_map[scratch_index] = self._add("cellXfs", new)
        return self._xf_map[scratch_index]

    def dxf(self, scratch_index: int) -> int:
        if scratch_index not in self._dxf_map:
            self._dxf_map[scratch_index] = self._add("dxfs", self._scratch_list("dxfs")[scratch_index])
        return self._dxf_map[scratch_index]

    def result(self) -> str:
        text = self.text
        for name in self.LISTS:
            if not self.added[name]:
                continue
            count = self.counts[name]
            # <fonts count="2" x14ac:knownFonts="1">…</fonts>, or <dxfs count="0"/>
            m = re.search(rf"<{name}\b([^>]*?)(/?)>", text)
            if m is None:  # the list is missing altogether: insert it where the schema wants it
                text = self._insert_list(text, name, count)
                continue
            attrs = re.sub(r'\scount="\d+"', "", m.group(1))
            opening = f'<{name} count="{count}"{attrs}>'
            if m.group(2):  # self-closing
                text = text[:m.start()] + opening + "".join(self.added[name]) + f"</{name}>" + text[m.end():]
            else:
                close = text.index(f"</{name}>", m.end())
                text = (text[:m.start()] + opening + text[m.end():close] + "".join(self.added[name])
                        + text[close:])
        return text

    def _insert_list(self, text: str, name: str, count: int) -> str:
        block = f'<{name} count="{count}">' + "".join(self.added[name]) + f"</{name}>"
        for later in self.ORDER[self.ORDER.index(name) + 1:]:
            m = re.search(rf"<{later}\b", text)
            if m:
                return text[:m.start()] + block + text[m.start():]
        close = text.rindex("</styleSheet>")
        return text[:close] + block + text[close:]


# --- date styles (an import writes dates into a table) -----------------------------

_XF = re.compile(r"<xf\b([^>]*?)(?:/>|>.*?</xf>)", re.S)
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

    def __init__(self, xml: str):
        self.xml = xml
        self.changed = False
        block = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", xml, re.S)
        self.xfs = [m.group(1) for m in _XF.finditer(block.group(1))] if block else []
        self.formats = {int(m[1]): m[2]
                        for m in re.finditer(r'<numFmt\b[^>]*\bnumFmtId="(\d+)"[^>]*\bformatCode="([^"]*)"', xml)}

    def is_date(self, index: int | None) -> bool:
        if index is None or not 0 <= index < len(self.xfs):
            return False
        m = re.search(r'\bnumFmtId="(\d+)"', self.xfs[index])
        fmt = int(m[1]) if m else 0
        if fmt in _DATE_BUILTIN:
            return True
        return is_date_format(self.formats.get(fmt, "").replace("&quot;", '"'))

    def date_style(self) -> int:
        """A short-date style's index, added to ``cellXfs`` (built-in format 14) if there is none."""
        for i in range(len(self.xfs)):
            if self.is_date(i):
                return i
        new = '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        m = re.search(r"<cellXfs\b([^>]*)>", self.xml)
        if m is None:
            raise WorkbookError("styles.xml has no cell styles (cellXfs)")
        close = self.xml.index("</cellXfs>", m.end())
        attrs = re.sub(r'\scount="\d+"', "", m.group(1))
        self.xml = (self.xml[:m.start()] + f'<cellXfs count="{len(self.xfs) + 1}"{attrs}>' + self.xml[m.end():close]
                    + new + self.xml[close:])
        self.xfs.append(new)
        self.changed = True
        return len(self.xfs) - 1
