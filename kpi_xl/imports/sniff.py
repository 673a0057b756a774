"""Which format a file is, from its content (never its name).

An export is recognised by its header line — the first of its first
:data:`HEADER_SEARCH` lines that, split on a tab, a comma or a semicolon,
holds the columns a platform always writes:

==============  ===========================================================
format          recognised by
==============  ===========================================================
FEC             ``JournalCode``, ``EcritureDate``, ``CompteNum`` (tab or pipe)
Meta            ``Amount spent (…)`` / ``Montant dépensé (…)``
LinkedIn        ``Total Spent`` or ``Start Date (in UTC)``
TikTok          ``Clicks (destination)``, or ``By Day`` with ``Cost``
Google Ads      ``Campaign``/``Campagne`` with ``Cost``/``Coût`` and ``Impr.`` or ``Currency code``
==============  ===========================================================
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .platforms import PLATFORMS, Platform
from .text import DecodeError, decode, normalise_header

HEADER_SEARCH = 30
"""How many lines may come before the header (Google's title lines, LinkedIn's report details)."""

FEC_COLUMNS = ("journalcode", "ecrituredate", "comptenum")

FORMATS = (
    "Google Ads campaign report (CSV or Excel CSV, English or French)",
    "Meta Ads Manager export (CSV, English or French)",
    "LinkedIn Campaign Manager export (CSV)",
    "TikTok Ads export (CSV)",
    "FEC, Fichier des écritures comptables (18 or 22 columns, tab or pipe)",
)
"""Every format ``kpi-xl import`` understands, as its messages list them."""


@dataclass
class Sniffed:
    """A file recognised: its kind, its platform (ad exports), and its decoded lines."""

    path: Path
    kind: Literal["ads", "fec"]
    encoding: str
    delimiter: str
    header_line: int  # 0-based index into ``lines``
    header: list[str]
    lines: list[str]  # with their line endings, as csv wants them
    platform: Platform | None = None

    @property
    def delimiter_name(self) -> str:
        return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.delimiter]


class UnknownFormat(ValueError):
    """The file is none of :data:`FORMATS` (the message says what it looks like, if anything)."""


def sniff(path: Path, data: bytes) -> Sniffed:
    """Recognise ``data`` (the bytes of ``path``); raise :class:`UnknownFormat` or :class:`~.text.DecodeError`."""
    if data.startswith(b"PK\x03\x04"):
        raise UnknownFormat("an Excel workbook or another zip file, not a CSV or text export "
                            "(download the report as CSV)")
    if not data.strip():
        raise UnknownFormat("an empty file")
    # A FEC is ISO-8859-15 when it is not UTF-8 (the format allows both); exports from ad
    # platforms are UTF-8 or UTF-16, and Windows-1252 when a user re-saved them.
    head = data[:4096]
    legacy = "iso-8859-15" if b"ournalcode" in head.lower() or b"o\x00u\x00r\x00n\x00a\x00l" in head.lower() \
        else "cp1252"
    text, encoding = decode(data, legacy)
    lines = list(io.StringIO(text, newline=""))
    for i, line in enumerate(lines[:HEADER_SEARCH]):
        if not line.strip():
            continue
        for delimiter in ("\t", "|"):
            if delimiter in line:
                cells = [normalise_header(c) for c in line.rstrip("\r\n").split(delimiter)]
                if all(c in cells for c in FEC_COLUMNS):
                    return Sniffed(path, "fec", encoding, delimiter, i, line.rstrip("\r\n").split(delimiter), lines)
        for delimiter in ("\t", ",", ";"):
            if delimiter not in line:
                continue
            cells = next(csv.reader([line], delimiter=delimiter), [])
            normalised = [normalise_header(c) for c in cells]
            for platform in PLATFORMS:
                if platform.recognises(normalised):
                    return Sniffed(path, "ads", encoding, delimiter, i, cells, lines, platform)
    raise UnknownFormat("not a format kpi-xl knows")


__all__ = ["FORMATS", "Sniffed", "UnknownFormat", "sniff", "DecodeError"]
