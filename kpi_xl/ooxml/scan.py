"""What a worksheet holds that a value reader cannot see: error values, formulas without a value, hidden rows, merges.

fastexcel and python-calamine read an error cell (``#DIV/0!``, ``#N/A``…)
and a formula whose value the file does not hold as an *empty* cell, which
the tracker counts as 0: a silently wrong number.  This module reads a
worksheet part's XML as a byte stream, once, and finds, inside the areas it
is asked about (a table's data rows and columns):

* ``error``: a cell of type ``t="e"`` (its text, e.g. ``#DIV/0!``);
* ``uncached``: a formula with no value after it (a program that writes
  formulas without calculating them, such as openpyxl);
* ``recalc``: any formula, in a workbook that asks Excel to recalculate
  everything on opening (``<calcPr fullCalcOnLoad="1"/>``: XlsxWriter,
  openpyxl), whose stored values are placeholders;
* ``boolean``: a TRUE or FALSE (``t="b"``), which fastexcel turns into 1 or 0
  in a column of numbers, where Excel's own sums leave it out;
* ``hidden``: a hidden row (it still counts, which a user who hid it may not expect);
* ``merged``: a merged range (only its first cell holds the value; the others read as blank).

Nothing is parsed as XML but the few cells found: the stream is searched
for the byte patterns of each case (``t="e"``, ``</f>``, ``hidden="``), which
are rare in a tracker's input sheets, so a million-row sheet costs one
inflate (about a second) and no Python per cell.  The reader runs it beside
fastexcel's own read, on the machine's other core.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .cells import column_index, parse_cell

LISTED = 200
"""Findings kept per (kind, column); the rest are counted only."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Area:
    """0-based, inclusive rows and columns of a sheet to look into."""

    first_row: int
    last_row: int
    first_col: int
    last_col: int

    def holds(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and (col < 0 or self.first_col <= col <= self.last_col)

    def overlaps(self, other: "Area") -> bool:
        return not (other.last_row < self.first_row or other.first_row > self.last_row
                    or other.last_col < self.first_col or other.first_col > self.last_col)


@dataclass(frozen=True)
class Finding:
    """One cell (or row, or range) found: ``col`` is -1 for a whole row; ``text`` the error, formula or range."""

    kind: str  # "error", "uncached", "recalc", "boolean", "hidden", "merged"
    row: int
    col: int
    text: str = ""
    last_row: int = -1  # a merged range's last row and column
    last_col: int = -1


@dataclass
class SheetScan:
    part: str
    findings: list[Finding] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (kind, col) → how many, listed or not
    complete: bool = True  # the part ends as a worksheet ends: not cut short (calamine reads a cut part silently)

    def add(self, finding: Finding) -> None:
        key = (finding.kind, finding.col)
        self.counts[key] += 1
        if self.counts[key] <= LISTED:
            self.findings.append(finding)


class _Tags:
    """Byte patterns for a part that spells SpreadsheetML with a prefix (``x:c``) or without."""

    def __init__(self, p: bytes):
        self.worksheet_close = b"</" + p + b"worksheet>"
        self.row_open, self.row_close = b"<" + p + b"row", b"</" + p + b"row>"
        self.cell_open, self.cell_close = b"<" + p + b"c", b"</" + p + b"c>"
        self.f_open, self.f_close = b"<" + p + b"f", b"</" + p + b"f>"
        self.v_open = b"<" + p + b"v"
        self.data_close = b"</" + p + b"sheetData>"
        self.cell = re.compile(rb"<" + re.escape(p) + rb"c\b([^>]*?)(/>|>(.*?)</" + re.escape(p) + rb"c>)", re.S)
        self.formula = re.compile(rb"<" + re.escape(p) + rb"f\b[^>]*?(?:/>|>(.*?)</" + re.escape(p) + rb"f>)", re.S)
        self.value = re.compile(rb"<" + re.escape(p) + rb"v>(.*?)</" + re.escape(p) + rb"v>", re.S)
        self.merge = re.compile(rb"<" + re.escape(p) + rb'mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_R = re.compile(rb'\br="([A-Z]{1,3})?(\d+)"')
_T = re.compile(rb'\bt="(\w+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')


def _inflated(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes, a megabyte at a time.  A deflated entry is inflated straight from the zip, without the
    CRC that ``ZipFile.open`` computes on the way (fastexcel checks it, reading the same part): a third faster."""
    info = zf.getinfo(part)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:  # stored, other methods, encrypted
        with zf.open(part) as f:
            yield from iter(lambda: f.read(_CHUNK), b"")
        return
    if not zf.filename:  # a zip in memory: no file to read from
        with zf.open(part) as f:
            yield from iter(lambda: f.read(_CHUNK), b"")
        return
    with open(zf.filename, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        if header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{part}: bad local header")
        f.seek(info.header_offset + 30 + int.from_bytes(header[26:28], "little")
               + int.from_bytes(header[28:30], "little"))
        inflate, left = zlib.decompressobj(-15), info.compress_size
        while left > 0:
            raw = f.read(min(left, _CHUNK // 4))
            if not raw:
                raise zipfile.BadZipFile(f"{part}: cut short")
            left -= len(raw)
            data = inflate.decompress(raw)
            if data:
                yield data
        rest = inflate.flush()
        if rest:
            yield rest


def _blocks(zf: zipfile.ZipFile, part: str, tags: _Tags | None = None) -> Iterator[tuple[bytes, _Tags]]:
    """The part's bytes in blocks that end after a ``</row>`` (so that no row is cut in two)."""
    buf = b""
    for chunk in _inflated(zf, part):
        if tags is None:
            m = _ROOT.search(chunk, 0, 4096)
            tags = _Tags(m.group(1) + b":" if m and m.group(1) else b"")
        buf += chunk
        cut = buf.rfind(tags.row_close)
        if cut >= 0:
            cut += len(tags.row_close)
            block, buf = buf[:cut], buf[cut:]
            yield block, tags
    yield buf, tags or _Tags(b"")


def _cell_at(block: bytes, pos: int, tags: _Tags) -> tuple[int, re.Match | None]:
    """The cell element around byte ``pos``: (where it starts, its match) — None when it cannot be read."""
    start = pos
    while True:
        start = block.rfind(tags.cell_open, 0, start)
        if start < 0:
            return pos, None
        nxt = block[start + len(tags.cell_open):start + len(tags.cell_open) + 1]
        if nxt in (b" ", b">", b"/"):
            break
    m = tags.cell.match(block, start)
    return start, (m if m is not None and m.end() > pos else None)


def _row_number(block: bytes, pos: int, tags: _Tags) -> int:
    """0-based number of the row holding byte ``pos``, -1 when it has none."""
    start = block.rfind(tags.row_open + b" ", 0, pos)
    if start < 0:
        return -1
    m = _R.search(block, start, block.find(b">", start))
    return int(m.group(2)) - 1 if m else -1


class _Scanner:
    def __init__(self, part: str, areas: list[Area], recalc: bool):
        self.scan = SheetScan(part)
        self.areas = areas
        self.recalc = recalc
        self.seen: set[int] = set()  # cell starts already looked at, in this block
        self.formulas = False  # a formula met in this sheet so far

    def inside(self, row: int, col: int) -> bool:
        return any(a.holds(row, col) for a in self.areas)

    def cell(self, block: bytes, pos: int, tags: _Tags) -> None:
        start, m = _cell_at(block, pos, tags)
        if start in self.seen:
            return
        self.seen.add(start)
        if m is None:
            return
        attrs, body = m.group(1), m.group(3) or b""
        r = _R.search(attrs)
        row = int(r.group(2)) - 1 if r else _row_number(block, start, tags)
        col = column_index(r.group(1).decode()) if r and r.group(1) else -1
        if not self.inside(row, col):
            return
        t = _T.search(attrs)
        formula = tags.formula.search(body)
        value = tags.value.search(body)
        if t is not None and t.group(1) == b"e":
            text = value.group(1) if value else b"#N/A"
            self.scan.add(Finding("error", row, col, _text(text)))
        elif t is not None and t.group(1) == b"b" and value is not None:
            truth = value.group(1).strip() in (b"1", b"true")
            self.scan.add(Finding("boolean", row, col, "TRUE" if truth else "FALSE"))
        elif formula is not None and (value is None or value.group(1) == b"") and b"<is" not in body:
            self.scan.add(Finding("uncached", row, col, _text(formula.group(1) or b"")))
        elif formula is not None and self.recalc:
            self.scan.add(Finding("recalc", row, col, _text(formula.group(1) or b"")))

    def rows(self, data: bytes, tags: _Tags) -> None:
        self.seen.clear()
        for probe in (b't="e"', b't="b"'):
            pos = data.find(probe)
            while pos >= 0:
                self.cell(data, pos, tags)
                pos = data.find(probe, pos + 5)
        # A formula with no value: "</f></c>", "<f …/></c>", or an empty <v> after it.  With recalc, every formula.
        probe = tags.f_open if self.recalc else tags.f_close
        pos = data.find(probe)
        self.formulas = self.formulas or pos >= 0
        while pos >= 0:
            if self.recalc or _no_value_after(data, pos + len(probe), tags):
                self.cell(data, pos, tags)
            pos = data.find(probe, pos + 1)
        if not self.recalc and self.formulas:
            # A shared formula's other cells (<f t="shared" si="0"/>) come after its first one, which has a
            # </f>: in a sheet without any formula so far, this pass has nothing to find.
            pos = data.find(b"/>" + tags.cell_close)
            while pos >= 0:
                self.cell(data, pos, tags)
                pos = data.find(b"/>" + tags.cell_close, pos + 1)
        pos = data.find(b'hidden="')
        while pos >= 0:
            start = data.rfind(b"<", 0, pos)
            end = data.find(b">", pos)
            tag = data[start:end]
            if tag.startswith(tags.row_open + b" ") and _HIDDEN.search(tag):
                r = _R.search(tag)
                row = int(r.group(2)) - 1 if r else -1
                if self.inside(row, -1):
                    self.scan.add(Finding("hidden", row, -1))
            pos = data.find(b'hidden="', pos + 8)

    def merges(self, tail: bytes, tags: _Tags) -> None:
        for m in tags.merge.finditer(tail):
            ref = m.group(1).decode()
            first, _, last = ref.partition(":")
            (r0, c0), (r1, c1) = parse_cell(first), parse_cell(last or first)
            span = Area(r0, r1, c0, c1)
            if (r0, c0) != (r1, c1) and any(a.overlaps(span) for a in self.areas):
                self.scan.add(Finding("merged", r0, c0, ref, r1, c1))


def _no_value_after(data: bytes, pos: int, tags: _Tags) -> bool:
    """Whether the formula ending at ``pos`` is followed by the end of its cell, with no value (or an empty one)."""
    rest = data[pos:pos + 24]
    v = tags.v_open
    return (rest.startswith(tags.cell_close) or rest.startswith(v + b"/>" + tags.cell_close)
            or rest.startswith(v + b"></" + v[1:] + b">" + tags.cell_close)
            or rest.startswith(v + b" />" + tags.cell_close))


def _text(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))


def scan_sheet(zf: zipfile.ZipFile, part: str, areas: Iterable[Area], recalc: bool = False) -> SheetScan:
    """Every error value, formula without a value (every formula with ``recalc``), hidden row and merged range
    of ``part`` that lies in ``areas``."""
    scanner = _Scanner(part, list(areas), recalc)
    tail = []
    done = False
    for block, tags in _blocks(zf, part):
        if done:
            tail.append(block)
            continue
        end = block.find(tags.data_close)
        if end >= 0:
            done = True
            tail.append(block[end:])
            block = block[:end]
        scanner.rows(block, tags)
    end = b"".join(tail)
    scanner.merges(end, tags)
    scanner.scan.complete = done and end.rstrip().endswith(tags.worksheet_close)
    return scanner.scan


def cell_ref(row: int, col: int) -> str:
    """``F5`` (or ``5``, the row alone, when the column is not known)."""
    from .cells import cell_name

    return cell_name(row, col) if col >= 0 else str(row + 1)
