"""Imports: ad-platform exports and French FEC accounting files into a tracker's tables.

Library first: :func:`import_files` does what ``kpi-xl import`` does, in
four steps, each its own module:

1. read and recognise each file from its content, never its name
   (:mod:`.reading`: bounded, text or workbook; :mod:`.sniff`);
2. locate its columns (:mod:`.platforms`, or the FEC's names in :mod:`.fec`);
3. parse its lines into rows of the `Ads` table (:mod:`.ads`) or the
   `Ledger` table (:mod:`.fec`), every problem as ``file:line: what is
   wrong``;
4. check: an ad export's lines against its own totals (:mod:`.footers`), the
   tracker as ``kpi-xl kpis`` checks it, the currencies, the rows already
   there (:mod:`.importer`) — then append the new rows to the workbook's
   Excel Tables in place, every other part of the file copied byte for byte
   (:mod:`.append`).

``docs/imports.md`` documents every layout.

>>> from kpi_xl.imports import FORMATS
>>> len(FORMATS)
6
"""

from .ads import AdExport, AdRow, read_ad_export
from .fec import DEFAULT_ACCOUNT_TYPES, AccountTypes, FecExport, LedgerRow, parse_mapping, read_fec
from .importer import FileSummary, ImportOptions, ImportResult, import_files
from .sniff import FORMATS, Sniffed, UnknownFormat, sniff

__all__ = [
    "AccountTypes", "AdExport", "AdRow", "DEFAULT_ACCOUNT_TYPES", "FORMATS", "FecExport", "FileSummary",
    "ImportOptions", "ImportResult", "LedgerRow", "Sniffed", "UnknownFormat", "import_files", "parse_mapping",
    "read_ad_export", "read_fec", "sniff",
]
