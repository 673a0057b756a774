"""Imports: ad-platform exports and French FEC accounting files into a tracker's tables.

Library first: :func:`import_files` does what ``kpi-xl import`` does.  The
format of each file is recognised from its content (:mod:`.sniff`), never
from its name; each is parsed into rows of the `Ads` table (:mod:`.ads`,
:mod:`.platforms`) or the `Ledger` table (:mod:`.fec`), with every problem
reported as ``file:line: what is wrong``; the new rows are appended to the
workbook's Excel Tables in place, every other part of the file copied byte
for byte (:mod:`.append`).

>>> from kpi_xl.imports import FORMATS
>>> len(FORMATS)
5
"""

from .ads import AdExport, AdRow, read_ad_export
from .fec import DEFAULT_ACCOUNT_TYPES, AccountTypes, FecExport, LedgerRow, parse_mapping, read_fec
from .importer import FileSummary, ImportResult, import_files
from .sniff import FORMATS, Sniffed, UnknownFormat, sniff

__all__ = [
    "AccountTypes", "AdExport", "AdRow", "DEFAULT_ACCOUNT_TYPES", "FORMATS", "FecExport", "FileSummary",
    "ImportResult", "LedgerRow", "Sniffed", "UnknownFormat", "import_files", "parse_mapping", "read_ad_export",
    "read_fec", "sniff",
]
