"""Which format a file is, from its content (never its name).

A file is read safely first (:mod:`.reading`): a workbook's first sheet as
typed cells, anything else as text in UTF-8, UTF-16 or a legacy 8-bit
encoding.  Its header line is the first of its first :data:`HEADER_SEARCH`
lines (or sheet rows) that, split on a tab, a comma or a semicolon, holds the
columns a format always writes:

==============  =================================================================
format          recognised by
==============  =================================================================
FEC             ``JournalCode``, ``EcritureDate``, ``CompteNum`` (tab or pipe)
Meta            ``Amount spent (…)`` / ``Montant dépensé (…)``
LinkedIn        ``Total Spent`` or ``Start Date (in UTC)``
TikTok          ``Clicks (destination)``, or ``By Day`` with ``Cost``
Microsoft       ``Spend`` / ``Dépenses`` with ``Impr.`` or ``Impressions``
Google Ads      ``Cost``/``Coût`` with ``Campaign``/``Campagne`` and ``Impr.``,
                ``Currency code`` or ``Clicks``; or with ``Currency code`` and
                ``Impr.``; or with ``Impressions``, ``Avg. CPC`` and ``Date``
==============  =================================================================

A file that is none of them is refused; when its header looks like a
platform's all the same (a Google report without ``Cost``, a Meta breakdown
without ``Amount spent``), the message names the platform, the column it
lacks and what to download instead.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal

from ..texts import Message
from .platforms import PLATFORMS, Platform, look_alike
from .reading import Refused, is_workbook, workbook_rows
from .text import DecodeError, binary_at, binary_char_at, decode, looks_utf16le, normalise_header

HEADER_SEARCH = 30
"""How many lines may come before the header (Google's title lines, LinkedIn's and Microsoft's report details)."""

FEC_COLUMNS = ("journalcode", "ecrituredate", "comptenum")

FORMATS = tuple(Message(f"import.formats.{name}") for name in ("google", "meta", "microsoft", "linkedin", "tiktok",
                                                                 "fec"))
"""Every format ``kpi-xl import`` understands, as its messages list them."""

_DELIMITERS = {"\t": Message("import.delimiter.tab"), ",": Message("import.delimiter.comma"),
               ";": Message("import.delimiter.semicolon"), "|": Message("import.delimiter.pipe")}


@dataclass
class Sniffed:
    """A file recognised: its kind, its platform (ad exports), and its lines or sheet rows."""

    path: Path
    kind: Literal["ads", "fec"]
    encoding: str  # as a user would name it; "Excel workbook" for a sheet
    delimiter: str | None  # None for a workbook's sheet
    header_line: int  # 0-based index into ``lines`` (or ``rows``)
    header: list[str]
    lines: list[str] = field(default_factory=list)  # with their line endings, as csv wants them
    platform: Platform | None = None
    rows: list[list[object]] | None = None  # a workbook's sheet, cells typed
    sheet: str | None = None

    @property
    def delimiter_name(self) -> str:
        return _DELIMITERS.get(self.delimiter or "", "")

    @property
    def source_details(self) -> str:
        """How the file is written: "UTF-8 with BOM, comma", or "Excel workbook, sheet “Report”" (a Message)."""
        if self.rows is not None:
            return Message("import.source.workbook", sheet=self.sheet)
        return Message("import.source.text", encoding=self.encoding_name, delimiter=self.delimiter_name)

    @property
    def encoding_name(self) -> str:
        """The encoding as a user would name it, in the reader's language ("UTF-8 with BOM", "UTF-8 avec BOM")."""
        return Message("import.encoding.utf8_bom") if self.encoding == "UTF-8 with BOM" else self.encoding

    @property
    def format_name(self) -> str:
        """What the file is, as messages name it: "Google Ads campaign report", "FEC"."""
        if self.platform is None:
            return "FEC"
        return self.platform.report_name(self.platform.locate([normalise_header(h) for h in self.header]).columns)

    def title_texts(self) -> list[tuple[int, str]]:
        """(1-based line, text) of the lines above the header: a report's title and date range."""
        if self.rows is not None:
            titles = self.rows[:self.header_line]
        else:
            titles = [next(csv.reader([line], delimiter=self.delimiter or ","), [])
                      for line in self.lines[:self.header_line]]
        return [(i + 1, " ".join(str(c).strip() for c in cells if str(c).strip())) for i, cells in enumerate(titles)]

    def data_rows(self) -> Iterator[tuple[int, list]]:
        """(1-based line or sheet row, cells) of every line after the header."""
        first = self.header_line + 1
        if self.rows is not None:
            for i in range(first, len(self.rows)):
                yield i + 1, self.rows[i]
            return
        reader = csv.reader(self.lines[first:], delimiter=self.delimiter or ",")
        for cells in reader:
            yield first + reader.line_num, cells


class UnknownFormat(ValueError):
    """The file is none of :data:`FORMATS`; the message says what it looks like, if anything (``none_alike``:
    nothing)."""

    def __init__(self, message: str, line: int | None = None, none_alike: bool = False):
        super().__init__(message)
        self.line, self.none_alike = line, none_alike


def sniff(path: Path, data: bytes) -> Sniffed:
    """Recognise ``data`` (the bytes of ``path``).

    Raises :class:`UnknownFormat` (with the line when a header was found),
    :class:`~.text.DecodeError` (with its line) or :class:`~.reading.Refused`.
    """
    if not data.strip():
        raise UnknownFormat(Message("import.unknown.empty"))
    if is_workbook(data):
        return _sniff_sheet(path, *workbook_rows(data))
    lines, encoding = _text_lines(data)
    return _sniff_text(path, lines, encoding)


def _text_lines(data: bytes) -> tuple[list[str], str]:
    # A FEC is ISO-8859-15 when it is not UTF-8 (the format allows both); exports from ad
    # platforms are UTF-8 or UTF-16, and Windows-1252 when a user re-saved them.
    head = data[:4096].lower()
    legacy = "iso-8859-15" if b"ournalcode" in head or b"o\x00u\x00r\x00n\x00a\x00l" in head else "cp1252"
    bom = 2 if data[:2] in (b"\xff\xfe", b"\xfe\xff") else 0
    utf16 = bool(bom) or looks_utf16le(data)
    if not utf16 and (at := binary_at(data)) is not None:
        raise Refused(_binary(at))
    text, encoding = decode(data, legacy)
    if utf16 and (at := binary_char_at(text)) is not None:
        raise Refused(_binary(bom + 2 * at))
    return list(io.StringIO(text, newline="")), encoding


def _binary(at: int) -> Message:
    return Message("import.refused.binary", at=at)


def _sniff_text(path: Path, lines: list[str], encoding: str) -> Sniffed:
    seen: list[tuple[int, list[str], list[str]]] = []
    for i, line in enumerate(lines[:HEADER_SEARCH]):
        if not line.strip():
            continue
        raw = line.rstrip("\r\n")
        for delimiter in ("\t", "|"):
            if delimiter in raw and all(c in [normalise_header(h) for h in raw.split(delimiter)] for c in FEC_COLUMNS):
                return Sniffed(path, "fec", encoding, delimiter, i, raw.split(delimiter), lines)
        for delimiter in ("\t", ",", ";"):
            if delimiter not in line:
                continue
            cells = next(csv.reader([line], delimiter=delimiter), [])
            normalised = [normalise_header(c) for c in cells]
            platform = _platform_of(normalised)
            if platform:
                return Sniffed(path, "ads", encoding, delimiter, i, cells, lines, platform)
            seen.append((i, cells, normalised))
    raise _unknown(seen)


def _sniff_sheet(path: Path, sheet: str, rows: list[list[object]]) -> Sniffed:
    seen: list[tuple[int, list[str], list[str]]] = []
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        cells = ["" if c is None else str(c) for c in row]
        while cells and not cells[-1].strip():
            cells.pop()
        normalised = [normalise_header(c) for c in cells]
        if all(c in normalised for c in FEC_COLUMNS):
            raise UnknownFormat(Message("import.unknown.fec_workbook"), i + 1)
        platform = _platform_of(normalised)
        if platform:
            return Sniffed(path, "ads", "Excel workbook", None, i, cells, [], platform, rows, sheet)
        seen.append((i, cells, normalised))
    raise _unknown(seen, Message("import.unknown.workbook"))


def _platform_of(normalised: list[str]) -> Platform | None:
    return next((p for p in PLATFORMS if p.recognises(normalised)), None)


def _unknown(seen: list[tuple[int, list[str], list[str]]], unknown: str | None = None) -> UnknownFormat:
    """The refusal of a file no format recognised, naming the platform it looks like if any."""
    for i, cells, normalised in seen:
        found = look_alike(normalised)
        if found:
            platform, typical = found
            shown = ", ".join(cells[j].strip() for j in typical[:4]) + (", …" if len(typical) > 4 else "")
            return UnknownFormat(Message("import.unknown.look_alike", platform=platform.name, shown=shown,
                                         spend=platform.spend_header, advice=platform.spend_advice), i + 1)
    return UnknownFormat(unknown or Message("import.unknown"), none_alike=True)


__all__ = ["FORMATS", "Sniffed", "UnknownFormat", "sniff", "DecodeError", "Refused"]
