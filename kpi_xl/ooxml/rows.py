"""Reading one row of a worksheet without loading the sheet: a table's header row, for instance.

Only the sheet's XML up to that row is read (in 64 KiB pieces), and the
shared strings only up to the highest one needed, so a million-row sheet
costs no more than a small one.
"""

from __future__ import annotations

import codecs
import html
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .cells import column_index
from .package import NS

_ROW_START = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
_ROW_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_T = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)


def read_row(path: str | Path, part: str, row: int, first_col: int, count: int) -> list[object] | None:
    """The values of ``count`` cells from (``row``, ``first_col``), 0-based, of a worksheet part.

    Only the sheet's XML up to that row is read, and the shared strings up
    to the highest one needed, so a million-row sheet costs no more than a
    small one.  Text is a ``str``, a number a ``float``, a blank ``None``.
    None when the row cannot be found the way Excel writes sheets (rows with
    ``r=`` numbers, unprefixed tags).
    """
    with zipfile.ZipFile(path) as zf:
        xml = _row_xml(zf, part, row + 1)
        if xml is None:
            return None
        found: dict[int, tuple[str, str]] = {}
        for m in _ROW_CELL.finditer(xml):
            ref = re.search(r'\br="([A-Z]+)\d+"', m.group(1))
            if ref is None:
                return None
            col = column_index(ref.group(1)) - first_col
            if 0 <= col < count:
                kind = re.search(r'\bt="(\w+)"', m.group(1))
                found[col] = (kind.group(1) if kind else "n", m.group(2) or "")
        shared = {int(v) for k, body in found.values() if k == "s" and (v := _v(body)) is not None and v.isdigit()}
        strings = shared_strings_at(zf, shared)
        return [_value(*found[i], strings) if i in found else None for i in range(count)]


def _v(body: str) -> str | None:
    m = re.search(r"<v>(.*?)</v>", body, re.S)
    return m.group(1) if m else None


def _value(kind: str, body: str, strings: dict[int, str]) -> object:
    if kind == "inlineStr":
        return html.unescape("".join(_T.findall(body)))
    v = _v(body)
    if v is None:
        return None
    if kind == "s":
        return strings.get(int(v))
    if kind in ("str", "e"):
        return html.unescape(v)
    try:
        return float(v)
    except ValueError:
        return html.unescape(v)


def _row_xml(zf: zipfile.ZipFile, part: str, r: int) -> str | None:
    """The XML inside row ``r`` (1-based) of a sheet part, "" for a blank row: read in pieces, up to that row."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    buf, eof = "", False
    with zf.open(part) as f:
        while True:
            for m in _ROW_START.finditer(buf):
                n = int(m.group(1))
                if n > r or (n == r and m.group(2)):
                    return ""  # no such row, or an empty one: every cell of it is blank
                if n == r:
                    end = buf.find("</row>", m.end())
                    if end >= 0:
                        return buf[m.end():end]
                    buf = buf[m.start():]  # its end is in the next pieces
                    break
            else:
                if "</sheetData>" in buf:
                    return ""
                cut = buf.rfind("<")
                buf = buf[cut:] if cut >= 0 else ""  # keep a tag the piece may have cut in two
            if eof:
                return None
            chunk = f.read(1 << 16)
            eof = not chunk
            buf += decoder.decode(chunk, final=eof)


def shared_strings_at(zf: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings of these indexes, read as a byte stream.

    A big tracker has a million shared strings, and the ones a header row
    needs may come last (a writer numbers them in the order it met them):
    the ``<si>`` elements are counted in the raw bytes, and only the wanted
    ones are parsed, so the cost is one inflate of the part.
    """
    out: dict[int, str] = {}
    if not wanted:
        return out
    try:
        f = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return out
    last, seen, buf, close = max(wanted), 0, b"", None
    with f:
        while seen <= last:
            chunk = f.read(1 << 20)
            if close is None:
                m = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?sst\b", chunk[:4096])
                p = m.group(1) + b":" if m and m.group(1) else b""
                opens, close = (b"<" + p + b"si>", b"<" + p + b"si "), b"</" + p + b"si>"
            buf += chunk
            cut = buf.rfind(close) if chunk else len(buf)
            if cut < 0:
                continue
            cut = cut + len(close) if chunk else cut
            block, buf = buf[:cut], buf[cut:]
            n = block.count(opens[0]) + block.count(opens[1])
            if any(seen <= w < seen + n for w in wanted):
                _parse_wanted(block, seen, wanted, opens, close, out)
            seen += n
            if not chunk:
                break
    return out


def _parse_wanted(block: bytes, seen: int, wanted: set[int], opens: tuple[bytes, bytes], close: bytes,
                  out: dict[int, str]) -> None:
    """Parse the wanted ``<si>`` elements of a block whose first ``<si>`` is number ``seen``."""
    pattern = re.compile(re.escape(opens[0]) + b"|" + re.escape(opens[1]))
    starts = [m.start() for m in pattern.finditer(block)]
    for k, start in enumerate(starts):
        if seen + k in wanted:
            end = starts[k + 1] if k + 1 < len(starts) else len(block)
            xml = block[start:end]
            stop = xml.find(close)
            element = xml[:stop + len(close)] if stop >= 0 else xml
            try:
                out[seen + k] = _si_text(ET.fromstring(_declare(element)))
            except ET.ParseError:
                out[seen + k] = ""


def _declare(element: bytes) -> bytes:
    """A ``<si>`` element cut out of its part, with its namespaces declared again so that it parses alone."""
    m = re.match(rb"<(?:([A-Za-z_][\w.-]*):)?si\b", element)
    prefix = m.group(1) if m else None
    decl = (b' xmlns:' + prefix + b'="' if prefix else b' xmlns="') + NS["m"].encode() + b'"'
    return element[:m.end()] + decl + element[m.end():] if m else element


def _si_text(si: ET.Element) -> str:
    """A shared string's text: its ``<t>``, or its rich-text runs' (phonetic hints left out)."""
    t, r = f"{{{NS['m']}}}t", f"{{{NS['m']}}}r"
    parts = []
    for child in si:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            parts.extend(x.text or "" for x in child if x.tag == t)
    return "".join(parts)
