"""The catalogue of bad inputs (issue 14): one row per kind, each refused or warned about, never a silent number.

Every row starts from the pinned sample tracker (``kpi-xl new --sample``),
damages it as a user or another program would, runs one command, and
states the exit code and a fragment of the message with its location
(``Sheet!Cell (Header)``, ``file:line`` or the path).  The test asserts, for
every row: that exit code; a stderr line that starts with the location and
holds the fragment; every file of the folder byte-identical (unless the row
says the command writes, after a warning); no debris beside the tracker nor
in the temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from kpi_xl.ooxml.cells import ERROR_VALUES

from .conftest import (
    after_sheet_data,
    error,
    files_in,
    formula,
    num,
    rewrite_part,
    run_cli,
    set_cells,
    set_row,
    sheet_part,
    text,
)

T = "t.xlsm"


@dataclass(frozen=True)
class Case:
    id: str
    damage: str  # what is wrong, in words
    make: Callable[[Path], object]  # damages the folder's t.xlsm (or adds files)
    command: tuple[str, ...]  # {t}: the tracker, {d}: the folder
    exit: int
    where: str  # where the message says it is: the start of its line (after "error: ")
    message: str  # a fragment of it
    writes: bool = False  # the command writes the tracker (a warning, exit 0)


def kpis(*extra: str) -> tuple[str, ...]:
    return ("kpis", "{t}", "--json", *extra)


REFRESH = ("refresh", "{t}")


def cells(sheet: str, **values: tuple[str, str]) -> Callable[[Path], object]:
    return lambda d: set_cells(d / T, sheet, values)


def part(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    return lambda d: rewrite_part(d / T, name, change)


def sheet(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    return lambda d: rewrite_part(d / T, sheet_part(name), change)


def both(*steps: Callable[[Path], object]) -> Callable[[Path], object]:
    return lambda d: [s(d) for s in steps]


def google(lines: list[str], name: str = "g.csv", header: str = "Campaign status,Campaign,Impr.,Clicks,Currency "
           "code,Cost") -> Callable[[Path], object]:
    body = "\n".join(["Campaign report", "March 2, 2026 - March 2, 2026", header, *lines]) + "\n"
    return lambda d: (d / name).write_text(body, encoding="utf-8")


def write(name: str, data: bytes | str) -> Callable[[Path], object]:
    return lambda d: (d / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def replace_tracker(data: bytes) -> Callable[[Path], object]:
    return lambda d: (d / T).write_bytes(data)


def chmod(mode: int) -> Callable[[Path], object]:
    return lambda d: os.chmod(d / T, mode)


def truncate(fraction: float) -> Callable[[Path], object]:
    def cut(d: Path) -> None:
        data = (d / T).read_bytes()
        (d / T).write_bytes(data[:int(len(data) * fraction)])
    return cut


def encrypted(d: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    import io

    plain = io.BytesIO((d / T).read_bytes())
    out = io.BytesIO()
    ooxml.OOXMLFile(plain).encrypt("secret", out)
    (d / T).write_bytes(out.getvalue())


def legacy_xls(d: Path) -> None:
    """A real .xls (BIFF8 in an OLE2 container), as Excel 97-2003 saves it: made with a minimal OLE writer."""
    (d / T).write_bytes(_ole2({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 8}))


def _ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file holding these small streams (in the mini stream)."""
    import struct

    sector = 512
    names = list(streams)
    mini = b"".join(s.ljust((len(s) + 63) // 64 * 64, b"\0") for s in streams.values())
    mini = mini.ljust(max(len(mini), 64), b"\0")
    mini_sectors = (len(mini) + sector - 1) // sector
    # sectors: 0 FAT, 1 directory, 2 mini FAT, 3.. mini stream
    fat = [0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE] + [3 + i + 1 for i in range(mini_sectors - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    minifat, start = [], 0
    starts = []
    for s in streams.values():
        n = max(1, (len(s) + 63) // 64)
        starts.append(start)
        minifat += [start + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
        start += n
    minifat += [0xFFFFFFFF] * (128 - len(minifat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IIi", start, size, 0))

    entries = [entry("Root Entry", 5, 3, len(mini), child=1)]
    for i, (name, data) in enumerate(streams.items()):
        entries.append(entry(name, 2, starts[i], len(data), right=i + 2 if i + 1 < len(names) else 0xFFFFFFFF))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIII", 0, 1, 1, 0, 0x1000, 2, 1, 0xFFFFFFFE) + struct.pack("<I", 0)
              + struct.pack("<I", 0) + struct.pack("<I", 0)[:0])
    header = header[:76] + struct.pack("<I", 0) + struct.pack("<" + "I" * 108, *([0xFFFFFFFF] * 108))
    header = header.ljust(sector, b"\0")
    return (header + struct.pack("<" + "I" * 128, *fat) + directory + struct.pack("<" + "I" * 128, *minifat)
            + mini.ljust(mini_sectors * sector, b"\0"))


def excel_lock(d: Path) -> None:
    (d / ("~$" + T)).write_bytes(b"\x05Alice" + b" " * 48 + b"\x05\x00A\x00l\x00i\x00c\x00e\x00")


def hidden_rows(*rows: int) -> Callable[[Path], object]:
    def hide(d: Path) -> None:
        for r in rows:
            set_row(d / T, "Ads", r, 'hidden="1"')
    return hide


def merge(sheet_name: str, ref: str) -> Callable[[Path], object]:
    return lambda d: after_sheet_data(d / T, sheet_name, f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>')


def protect(sheet_name: str) -> Callable[[Path], object]:
    return lambda d: after_sheet_data(d / T, sheet_name, '<sheetProtection sheet="1" objects="1" scenarios="1"/>')


def rename_table(old: str, new: str) -> Callable[[Path], object]:
    n = {"Ads": 1, "Ledger": 2, "Plan": 3}[old]
    return part(f"xl/tables/table{n}.xml",
                lambda b: b.replace(f'name="{old}" displayName="{old}"'.encode(), f'name="{new}" displayName="{new}"'
                                    .encode()))


def table_xml(n: int, change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    return part(f"xl/tables/table{n}.xml", change)


def workbook_xml(change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    return part("xl/workbook.xml", change)


def name_to(name: str, ref: str) -> Callable[[Path], object]:
    import re

    return workbook_xml(lambda b: re.sub(rf'(<definedName name="{name}">)[^<]*'.encode(), rb"\g<1>" + ref.encode(), b))


def corrupt(data: bytes) -> bytes:
    """Cut a part in the middle of a tag, as a disk or a sync client that stopped half-way would."""
    return data[:len(data) // 2] + b"<"


GOOD = ["Enabled,Search,100,5,EUR,10.00"]
FEC_HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise")


def fec(lines: list[str]) -> Callable[[Path], object]:
    return write("FEC.txt", "\n".join([FEC_HEADER, *lines]) + "\n")


CASES: list[Case] = []


def case(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


# --- 1. Excel error cells and formulas without a value: never read as 0 ------------------------------

_COLUMN = {"F": "Spend", "D": "Impressions", "A": "Date", "B": "Channel", "J": "Revenue"}
for i, code in enumerate(ERROR_VALUES[:10]):
    col = "FDAJB"[i % 5]
    case(f"error-{code}", f"{code} in Ads {_COLUMN[col]}", cells("Ads", **{f"{col}5": error(code)}), kpis(), 2,
         f"Ads!{col}5 ({_COLUMN[col]})", f"found the error value {code} (Excel could not calculate this cell)")
case("error-ledger-amount", "#N/A in a Ledger Amount", cells("Ledger", E6=error("#N/A", "VLOOKUP(1,A:A,2,0)")),
     kpis(), 2, "Ledger!E6 (Amount)", "found the error value #N/A")
case("error-ledger-type", "#REF! in a Ledger Type", cells("Ledger", D6=error("#REF!", None)), kpis(), 2,
     "Ledger!D6 (Type)", "found the error value #REF!")
case("error-plan-amount", "#VALUE! in a Plan Amount", cells("Plan", D2=error("#VALUE!")), kpis(), 2,
     "Plan!D2 (Amount)", "found the error value #VALUE!")
case("error-three-at-once", "#DIV/0! F5, #N/A D6, #REF! A7: all three named, none as blank",
     cells("Ads", F5=error("#DIV/0!"), D6=error("#N/A"), A7=error("#REF!")), kpis(), 2, "Ads!D6 (Impressions)",
     "found the error value #N/A")
case("error-alone-on-its-row", "an error in an otherwise blank row is still an error",
     cells("Ads", **{c + "9": ("", "") for c in "BCDEFGHIJ"}, A9=error("#REF!")), kpis(), 2, "Ads!A9 (Date)",
     "found the error value #REF!")
case("error-refresh", "refresh refuses an error cell too", cells("Ads", F5=error("#DIV/0!")), REFRESH, 2,
     "Ads!F5 (Spend)", "#DIV/0!")
case("error-many", "30 #N/A in a column: 20 listed, the rest counted",
     cells("Ads", **{f"F{r}": error("#N/A") for r in range(2, 32)}), kpis(), 2, "Ads!F (Spend)",
     "… and 10 more cells like these")
case("error-setting", "#REF! in OpeningCash (was read as blank, so 0)", cells("Settings", B5=error("#REF!", "A99")),
     kpis(), 2, "Settings!B5 (OpeningCash)", "found the error value #REF!")
case("error-setting-currency", "#N/A in Currency", cells("Settings", B4=error("#N/A", None)), kpis(), 2,
     "Settings!B4 (Currency)", "#N/A")
case("uncached-number", "a formula with no value saved in Clicks", cells("Ads", E8=formula("SUM(1,2)")), kpis(), 2,
     "Ads!E8 (Clicks)", "found the formula =SUM(1,2) with no value saved")
case("uncached-empty-v", "a formula with an empty <v/> (openpyxl)",
     cells("Ads", F8=("", "<f>F7*2</f><v></v>")), kpis(), 2, "Ads!F8 (Spend)", "with no value saved")
case("uncached-date", "a formula with no value in Date", cells("Ads", A8=formula("TODAY()")), kpis(), 2,
     "Ads!A8 (Date)", "found the formula =TODAY() with no value saved")
case("uncached-text", "a formula with no value in Channel", cells("Ads", B8=formula('"Me"&"ta"')), kpis(), 2,
     "Ads!B8 (Channel)", "with no value saved")
case("uncached-ledger", "a formula with no value in a Ledger Amount", cells("Ledger", E8=formula("100*12")), kpis(),
     2, "Ledger!E8 (Amount)", "with no value saved")
case("uncached-setting", "a formula with no value in TargetROAS", cells("Settings", B7=formula("1+1")), kpis(), 2,
     "Settings!B7 (TargetROAS)", "with no value saved")
case("uncached-shared", "a shared formula's other cell with no value, in a workbook Excel saved (no recalc flag)",
     both(workbook_xml(lambda b: b.replace(b' fullCalcOnLoad="1"', b"")),
          cells("Ads", E7=("", '<f t="shared" ref="E7:E8" si="0">D7/100</f><v>30</v>'),
                E8=("", '<f t="shared" si="0"/>'))), kpis(), 2, "Ads!E8 (Clicks)", "with no value saved")
case("formula-with-value", "a formula with its value, in a workbook Excel saved: read as its value",
     both(workbook_xml(lambda b: b.replace(b' fullCalcOnLoad="1"', b"")), cells("Ads", F9=formula("10+8.85", 18.85))),
     kpis(), 0, "", "")
case("recalc-placeholder", "a formula whose stored value a non-calculating writer made up (fullCalcOnLoad)",
     cells("Ads", G9=formula("E9/10", 0)), kpis(), 2, "Ads!G9 (Leads)", "whose value this file does not hold")
case("merged-across-columns", "Spend and Leads merged into one cell", merge("Ads", "F5:G5"), kpis(), 2,
     "Ads!F5:G5 (Spend, Leads)", "found cells merged into one")
case("merged-down-rows", "a Revenue cell merged over the rows below", merge("Ads", "J10:J12"), kpis(), 2,
     "Ads!J10:J12 (Revenue)", "found cells merged into one")
case("merged-ledger", "Label and Category merged", merge("Ledger", "B4:C4"), kpis(), 2, "Ledger!B4:C4 (Label, Category)",
     "merged into one")
case("hidden-rows", "rows hidden by a user who wanted them left out", hidden_rows(5, 6, 7), kpis(), 0,
     "Ads!A5:J7 (hidden rows)", "warning: 3 hidden rows, counted in every KPI")
case("hidden-row-refresh", "one hidden row: refresh warns and writes", hidden_rows(12), REFRESH, 0,
     "Ads!A12:J12 (hidden row)", "warning: a hidden row, counted in every KPI", writes=True)

# --- 2. dates and numbers outside what Excel holds ----------------------------------------------------

case("date-serial-0", "date serial 0 (1900-01-00)", cells("Ads", A5=num(0)), kpis(), 2, "Ads!A5 (Date)",
     'found 0 (Excel\'s day 0, shown as "1900-01-00": no day at all)')
case("date-negative", "a negative date serial", cells("Ads", A5=num(-5)), kpis(), 2, "Ads!A5 (Date)",
     "found -5 (a negative serial number")
case("date-time-only", "a time with no date (0.5)", cells("Ads", A5=num(0.5)), kpis(), 2, "Ads!A5 (Date)",
     "found 0.5 (a time of day with no date)")
case("date-beyond-9999", "serial 3,000,000 (year 10113)", cells("Ads", A5=num(3000000)), kpis(), 2, "Ads!A5 (Date)",
     "found 3000000 (after 9999-12-31")
case("date-beyond-9999-refresh", "serial 3,000,000: refresh used to die with ValueError",
     cells("Ads", A5=num(3000000)), REFRESH, 2, "Ads!A5 (Date)", "after 9999-12-31")
case("date-ledger-serial-0", "Ledger date serial 0", cells("Ledger", A5=num(0)), kpis(), 2, "Ledger!A5 (Date)",
     "Excel's day 0")
case("date-as-text", "a date typed as text", cells("Ads", A3=text("03/10/2026")), kpis(), 2, "Ads!A3 (Date)",
     'expected a date, found text "03/10/2026"')
case("date-as-text-iso", "an ISO date as text", cells("Ledger", A3=text("2026-03-10")), kpis(), 2, "Ledger!A3 (Date)",
     'found text "2026-03-10"')
case("date-blank-with-values", "a row with values but no date", cells("Ads", A6=("", "")), kpis(), 2,
     "Ads!A6 (Date)", "found a blank cell (the row has other values)")
case("date-boolean", "TRUE as a date", cells("Ads", A6=(' t="b"', "<v>1</v>")), kpis(), 2, "Ads!A6 (Date)",
     "found TRUE")
case("date-far-future", "a typo: 2206 for 2026", cells("Ads", A6=num(111_500)), kpis(), 0, "Ads!A6 (Date)",
     "warning: 2205-04-10 is after")
case("date-before-1990", "a typo: 1926 for 2026", cells("Ledger", A6=num(9_500)), kpis(), 0, "Ledger!A6 (Date)",
     "warning: 1926-01-03 is before 1990")
case("number-1e308-twice", "1e308 twice (their sum is infinite)", cells("Ads", F5=num("1e308"), F6=num("1e308")),
     kpis(), 2, "Ads!F6 (Spend)", "found 1e+308 (beyond ±1,000,000,000,000,000")
case("number-inf", "INF in Spend", cells("Ads", F5=num("INF")), kpis(), 2, "Ads!F5 (Spend)", "found infinity")
case("number-minus-inf", "-INF in Revenue", cells("Ads", J5=num("-INF")), kpis(), 2, "Ads!J5 (Revenue)",
     "found minus infinity")
case("number-nan", "NaN in Spend", cells("Ads", F5=num("NaN")), kpis(), 2, "Ads!F5 (Spend)", "found NaN")
case("number-nan-count", "NaN in Clicks", cells("Ads", E5=num("NaN")), kpis(), 2, "Ads!E5 (Clicks)", "found NaN")
case("number-huge-ledger", "1e300 in a Ledger Amount", cells("Ledger", E5=num("1e300")), kpis(), 2,
     "Ledger!E5 (Amount)", "beyond ±1,000,000,000,000,000")
case("number-huge-refresh", "INF: refresh used to die in write_number()", cells("Ads", F5=num("INF")), REFRESH, 2,
     "Ads!F5 (Spend)", "found infinity")
case("number-huge-setting", "OpeningCash 1e308 (was an OverflowError)", cells("Settings", B5=num("1e308")), kpis(), 2,
     "Settings!B5 (OpeningCash)", "found 1e+308 (beyond")
case("number-huge-reserve", "ReserveMonths 1e300", cells("Settings", B12=num("1e300")), REFRESH, 2,
     "Settings!B12 (ReserveMonths)", "beyond")
case("number-inf-plan", "INF in a Plan amount", cells("Plan", D2=num("INF")), kpis(), 2, "Plan!D2 (Amount)",
     "found infinity")
case("text-in-number", "a number pasted as text", cells("Ads", F2=text("1 234,50")), kpis(), 2, "Ads!F2 (Spend)",
     'expected a number ≥ 0, found text "1 234,50"')
case("text-with-currency", "a number with its currency", cells("Ads", F3=text("12.5 €")), kpis(), 2,
     "Ads!F3 (Spend)", 'found text "12.5 €"')
case("text-digits", "digits stored as text", cells("Ledger", E4=text("3000")), kpis(), 2, "Ledger!E4 (Amount)",
     'expected a number, found text "3000"')
case("negative-count", "a negative click count", cells("Ads", E4=num(-5)), kpis(), 2, "Ads!E4 (Clicks)",
     "expected a whole number ≥ 0, found -5")
case("fractional-count", "2.5 leads", cells("Ads", G5=num(2.5)), kpis(), 2, "Ads!G5 (Leads)",
     "expected a whole number ≥ 0, found 2.5")
case("negative-spend", "negative spend", cells("Ads", F7=num(-10)), kpis(), 2, "Ads!F7 (Spend)",
     "expected a number ≥ 0, found -10")
case("boolean-number", "TRUE in Impressions (fastexcel made it 1)", cells("Ads", D5=(' t="b"', "<v>1</v>")), kpis(),
     2, "Ads!D5 (Impressions)", "found TRUE (a logical value, which Excel's own sums leave out)")
case("boolean-text", "TRUE in Campaign is a campaign named TRUE", cells("Ads", C5=(' t="b"', "<v>1</v>")), kpis(), 0,
     "", "")
case("clicks-over-impressions", "more clicks than impressions", cells("Ads", D2=num(0)), kpis(), 0, "Ads!E2 (Clicks)",
     "warning: 41 clicks but 0 impressions")
case("customers-no-spend", "customers on a row without spend", cells("Ads", F3=num(0), I3=num(2)), kpis(), 0,
     "Ads!I3 (Customers)", "warning: 2 customers but no spend")
case("blank-channel", "a blank channel", cells("Ads", B4=("", "")), kpis(), 0, "Ads!B4 (Channel)",
     "warning: a blank channel")
case("ledger-unknown-type", "a category typed as the Type", cells("Ledger", D3=text("Rent")), kpis(), 2,
     "Ledger!D3 (Type)", 'found text "Rent"')
case("ledger-blank-type", "a Ledger row without a Type", cells("Ledger", D3=("", "")), kpis(), 2, "Ledger!D3 (Type)",
     "found a blank cell")
case("ledger-number-type", "a number as the Type", cells("Ledger", D3=num(3)), kpis(), 2, "Ledger!D3 (Type)",
     'found text "3"')
case("many-bad-cells", "25 bad cells in a column: 20 listed, the rest counted",
     cells("Ads", **{f"E{r}": num(-1) for r in range(2, 27)}), kpis(), 2, "Ads!E (Clicks)",
     "… and 5 more cells like these")

# --- Plan ------------------------------------------------------------------------------------------

case("plan-month-13", "Plan month 2027-13", cells("Plan", A2=text("2027-13")), kpis(), 2, "Plan!A2 (Month)",
     'found text "2027-13"')
case("plan-month-words", "Plan month in words", cells("Plan", A2=text("next March")), kpis(), 2, "Plan!A2 (Month)",
     'found text "next March"')
case("plan-month-blank", "a Plan row without a month", cells("Plan", A3=("", "")), kpis(), 2, "Plan!A3 (Month)",
     "found a blank cell")
case("plan-month-beyond", "a Plan month beyond the forecast", cells("Plan", A3=text("2099-01")), kpis(), 0,
     "Plan!A3 (Month)", "warning: 2099-01-01 is after")
case("plan-unknown-type", "a Plan Type that is none of the nine", cells("Plan", C2=text("Holiday")), kpis(), 2,
     "Plan!C2 (Type)", 'found text "Holiday"')
case("plan-amount-text", "a Plan amount as text", cells("Plan", D2=text("14k")), kpis(), 2, "Plan!D2 (Amount)",
     'found text "14k"')

# --- Settings -----------------------------------------------------------------------------------

case("currency-banana", "Currency = banana money", cells("Settings", B4=text("banana money")), kpis(), 2,
     "Settings!B4 (Currency)", "not an ISO 4217 code")
case("currency-dollar", "Currency = $ (several currencies)", cells("Settings", B4=text("$")), kpis(), 2,
     "Settings!B4 (Currency)", "type its code: USD, CAD, AUD")
case("currency-number", "Currency = 12", cells("Settings", B4=num(12)), kpis(), 2, "Settings!B4 (Currency)",
     "found 12")
case("currency-blank-code", "Currency = XYZ", cells("Settings", B4=text("XYZ")), kpis(), 2, "Settings!B4 (Currency)",
     'found text "XYZ"')
case("setting-roas-text", "TargetROAS = 2x", cells("Settings", B7=text("2x")), kpis(), 2, "Settings!B7 (TargetROAS)",
     'expected a number ≥ 0, found text "2x"')
case("setting-date-text", "OpeningDate = tomorrow", cells("Settings", B6=text("tomorrow")), kpis(), 2,
     "Settings!B6 (OpeningDate)", 'found text "tomorrow"')
case("setting-date-serial-0", "OpeningDate = serial 0", cells("Settings", B6=num(0)), kpis(), 2,
     "Settings!B6 (OpeningDate)", "expected a date, found 0")
case("setting-ctr-150", "MinCTR typed as 150 %", cells("Settings", B10=num(1.5)), kpis(), 2, "Settings!B10 (MinCTR)",
     "expected a percentage (e.g. 1%), found 1.5")
case("setting-reserve-negative", "ReserveMonths = -1", cells("Settings", B12=num(-1)), kpis(), 2,
     "Settings!B12 (ReserveMonths)", "found -1")
case("setting-forecast-fraction", "ForecastMonths = 2.5", cells("Settings", B13=num(2.5)), kpis(), 2,
     "Settings!B13 (ForecastMonths)", "found 2.5")
case("setting-forecast-huge", "ForecastMonths = 500", cells("Settings", B13=num(500)), kpis(), 2,
     "Settings!B13 (ForecastMonths)", "from 1 to 120, found 500")
case("setting-opening-date-blank", "OpeningDate blank", cells("Settings", B6=("", "")), kpis(), 2,
     "Settings!B6 (OpeningDate)", "found a blank cell")
case("name-missing", "the name MaxCAC deleted",
     workbook_xml(lambda b: b.replace(b'<definedName name="MaxCAC">Settings!$B$8</definedName>', b"")), kpis(), 2,
     "Settings (MaxCAC)", 'expected a named cell "MaxCAC", found none')
case("name-ref-deleted", "the name Currency points at #REF! (its row deleted)", name_to("Currency", "Settings!#REF!"),
     kpis(), 2, "Settings (Currency)", "(its cell was deleted)")
case("name-range", "the name OpeningCash points at a range", name_to("OpeningCash", "Settings!$B$5:$B$6"), kpis(), 2,
     "Settings (OpeningCash)", 'to point at one cell, found "Settings!$B$5:$B$6"')
case("name-duplicated", "two names Currency",
     workbook_xml(lambda b: b.replace(b"</definedNames>", b'<definedName name="currency">Ads!$A$1</definedName>'
                                      b"</definedNames>")), kpis(), 2, "Settings (currency)",
     'expected one name "currency", found two')

# --- tables and headers ----------------------------------------------------------------------------

case("table-missing", "table Ads renamed Table1", rename_table("Ads", "Table1"), kpis(), 2, "Ads",
     'expected an Excel Table named "Ads", found none (tables in this workbook: Table1 on Ads')
case("table-ledger-missing", "table Ledger renamed", rename_table("Ledger", "Money"), REFRESH, 2, "Ledger",
     'expected an Excel Table named "Ledger"')
case("table-duplicated", "two tables named Ads (a copy renamed by another program)",
     rename_table("Plan", "ads"), kpis(), 2, "ads", 'expected one Excel Table named "ads", found two')
case("header-renamed", "header Spend renamed Cost",
     both(table_xml(1, lambda b: b.replace(b'name="Spend"', b'name="Cost"')), cells("Ads", F1=text("Cost"))), kpis(),
     2, "Ads!F1 (Spend)", 'expected header "Spend", found "Cost"')
case("header-cell-differs", "a header cell changed outside Excel", cells("Ads", D1=text("Clicks")), kpis(), 2,
     "Ads!D1 (Impressions)", 'expected the header "Impressions" of table Ads, found text "Clicks"')
case("header-duplicated", "two columns named Spend",
     both(table_xml(1, lambda b: b.replace(b'name="Leads"', b'name="Spend"')), cells("Ads", G1=text("Spend"))),
     kpis(), 2, "Ads!G1 (Spend)", 'expected one column "Spend" in table Ads, found a second one')
case("header-missing-column", "table Ads without its Revenue column",
     both(table_xml(1, lambda b: re.sub(rb'<tableColumn id="10" name="Revenue"[^>]*/>', b"", b.replace(
         b'ref="A1:J1826"', b'ref="A1:I1826"').replace(b'count="10"', b'count="9"'))),
          cells("Ads", J1=("", ""))),
     kpis(), 2, "Ads!A1:I1 (Revenue)", 'expected a column "Revenue" in table Ads, found none')
case("header-table-wider", "the table's range wider than its columns",
     table_xml(1, lambda b: b.replace(b'ref="A1:J1826"', b'ref="A1:K1826"')), kpis(), 2, "Ads!A1:K1826",
     "expected table Ads to span its 10 columns")
case("table-bad-ref", "a table part without a valid range",
     table_xml(2, lambda b: b.replace(b'ref="A1:E585"', b'ref="A1:E"')), kpis(), 2, "{t}",
     'xl/tables/table2.xml (table Ledger on Ledger) has no valid range (ref="A1:E")')

# --- the file itself ------------------------------------------------------------------------------

case("file-xlsx", "a tracker saved as .xlsx without macros: refresh --out .xlsm would not open in Excel",
     lambda d: shutil.copy(d / T, d / "m.xlsm"), ("refresh", "{t}", "--out", "{d}/x.xlsx"), 2, "{d}/x.xlsx",
     "the workbook has macros (the Refresh KPIs button), which only an .xlsm holds")
case("file-xls", "an Excel 97-2003 .xls", legacy_xls, kpis(), 2, "{t}",
     "an Excel 97-2003 workbook (.xls), which kpi-xl does not read")
case("file-encrypted", "a password-protected (encrypted) workbook", encrypted, kpis(), 2, "{t}",
     "a password-protected (encrypted) workbook, which kpi-xl cannot read")
case("file-encrypted-refresh", "refresh of an encrypted workbook", encrypted, REFRESH, 2, "{t}",
     "password-protected (encrypted)")
case("file-zero-bytes", "a 0-byte file", replace_tracker(b""), kpis(), 2, "{t}", "an empty file (0 bytes)")
case("file-truncated", "a zip cut in half", truncate(0.5), kpis(), 2, "{t}", "a damaged workbook: the file is cut short")
case("file-truncated-end", "the last bytes of the zip missing", truncate(0.999), REFRESH, 2, "{t}",
     "a damaged workbook")
case("file-text", "a CSV named .xlsm", replace_tracker(b"Date,Spend\n2026-03-01,12\n"), kpis(), 2, "{t}",
     "not an Excel workbook (.xlsx or .xlsm)")
case("file-ods", "an OpenDocument spreadsheet named .xlsm",
     lambda d: _zip(d / T, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
     kpis(), 2, "{t}", "an OpenDocument spreadsheet (.ods)")
case("file-plain-zip", "a zip of CSVs named .xlsm", lambda d: _zip(d / T, {"ads.csv": b"a,b\n"}), kpis(), 2, "{t}",
     "a zip file, not an Excel workbook")
case("file-folder", "a folder named t.xlsm", lambda d: ((d / T).unlink(), (d / T).mkdir()), kpis(), 2, "{t}",
     "a folder, not a workbook")
case("file-missing", "no such file", lambda d: (d / T).unlink(), kpis(), 2, "{t}",
     "no such file: check the name and the folder")
case("file-missing-refresh", "refresh of a file that is not there", lambda d: (d / T).unlink(), REFRESH, 2, "{t}",
     "no such file")
case("file-excel-owner", "Excel's own lock file given as the tracker", excel_lock, ("kpis", "{d}/~$t.xlsm"), 2,
     "{d}/~$t.xlsm", "not a workbook but Excel's lock file: Excel has t.xlsm open")
for _command in (REFRESH, ("import", "{t}", "--ads", "{d}/g.csv"), ("doctor", "{t}", "--fix")):
    case(f"part-styles-missing-{_command[0]}", "xl/styles.xml left out of the zip",
         both(lambda d: _drop(d / T, "xl/styles.xml"), google(["Enabled,Spring,10,2,EUR,3.00"])), _command,
         1 if _command[0] == "doctor" else 2, "{t}" if _command[0] != "doctor" else "error xl/workbook.xml",
         "its part xl/styles.xml is missing" if _command[0] != "doctor" else "xl/styles.xml, which is not in the file")
case("part-workbook-corrupt", "xl/workbook.xml cut half-way", part("xl/workbook.xml", corrupt), kpis(), 2, "{t}",
     "xl/workbook.xml is not well-formed XML")
case("part-rels-corrupt", "the workbook's relationships cut half-way", part("xl/_rels/workbook.xml.rels", corrupt),
     kpis(), 2, "{t}", "xl/_rels/workbook.xml.rels is not well-formed XML")
case("part-table-corrupt", "a table part cut half-way", part("xl/tables/table1.xml", corrupt), kpis(), 2, "{t}",
     "xl/tables/table1.xml is not well-formed XML")
case("part-table-missing", "a table part missing from the zip",
     lambda d: _drop(d / T, "xl/tables/table2.xml"), kpis(), 2, "{t}", "the part xl/tables/table2.xml is missing")
case("part-sheet-corrupt", "the Ads sheet cut half-way (was: ParseError naming nothing)", sheet("Ads", corrupt),
     kpis(), 2, "{t}", "xl/worksheets/sheet2.xml is not well-formed XML")
case("part-ledger-corrupt", "the Ledger sheet garbage", sheet("Ledger", lambda b: b"<worksheet garbage"), kpis(), 2,
     "{t}", "xl/worksheets/sheet3.xml is not well-formed XML")
case("part-strings-corrupt", "the shared strings cut half-way", part("xl/sharedStrings.xml", corrupt), kpis(), 2,
     "{t}", "xl/sharedStrings.xml is not well-formed XML")
case("part-styles-corrupt", "styles.xml cut half-way", part("xl/styles.xml", corrupt), kpis(), 2, "{t}",
     "xl/styles.xml is not well-formed XML")
case("part-settings-corrupt", "the Settings sheet cut half-way (calamine reads the half silently)",
     sheet("Settings", corrupt), kpis(), 2, "{t}", "xl/worksheets/sheet4.xml")
case("part-sheet-cut-cleanly", "the Ledger sheet cut at a row's end: no XML error, rows missing",
     sheet("Ledger", lambda b: b[:b.index(b"</row>", len(b) // 2) + 6]), kpis(), 2, "{t}",
     "xl/worksheets/sheet3.xml is not well-formed XML (it is cut short")
case("part-sheet-corrupt-import", "import into a tracker whose Ads sheet is damaged",
     both(sheet("Ads", corrupt), google(GOOD)), ("import", "{t}", "--ads", "{d}/g.csv"), 2, "{t}",
     "xl/worksheets/sheet2.xml is not well-formed XML")
case("part-doctor-fix", "doctor --fix on a damaged sheet: a finding it cannot repair (doctor's exit 1)",
     sheet("Ads", corrupt), ("doctor", "{t}", "--fix"), 1, "error xl/worksheets/sheet2.xml", "not well-formed XML")

# --- writes nobody should make ------------------------------------------------------------------------

for cmd, extra in (("refresh", ()), ("import", ("--ads", "{d}/g.csv")), ("doctor", ("--fix",))):
    case(f"read-only-{cmd}", f"{cmd} of a read-only (0444) tracker", both(google(GOOD), chmod(0o444)),
         (cmd, "{t}", *extra), 2, "{t}", "read-only (its permissions forbid writing it)")
    case(f"open-in-excel-{cmd}", f"{cmd} while Excel has the tracker open (~$t.xlsm beside it)",
         both(google(GOOD), excel_lock), (cmd, "{t}", *extra), 2, "{t}", "open in Excel by Alice (its lock file ~$t.xlsm")
case("read-only-new-force", "new --force over a read-only tracker", chmod(0o444), ("new", "{t}", "--force"), 2,
     "{t}", "read-only")
case("open-in-excel-new-force-not-needed", "new over an existing tracker open in Excel", excel_lock, ("new", "{t}"),
     2, "{t}", "open in Excel")
case("open-in-excel-kpis", "reading a tracker open in Excel is fine: kpis does not refuse", excel_lock, kpis(), 0,
     "", "")
case("out-missing-folder", "--out into a folder that does not exist (the message named the temp file)", lambda d: 0,
     ("refresh", "{t}", "--out", "{d}/missing/x.xlsm"), 2, "{d}/missing/x.xlsm",
     "the folder {d}/missing does not exist")
case("out-is-folder", "--out names a folder", lambda d: (d / "sub").mkdir(), ("refresh", "{t}", "--out", "{d}/sub"),
     2, "{d}/sub", "a folder, not a workbook")
case("out-read-only", "--out over a read-only file", lambda d: (shutil.copy(d / T, d / "o.xlsm"),
                                                                 os.chmod(d / "o.xlsm", 0o444)),
     ("refresh", "{t}", "--out", "{d}/o.xlsm"), 2, "{d}/o.xlsm", "read-only")
case("out-open-in-excel", "--out over a copy open in Excel",
     lambda d: (shutil.copy(d / T, d / "o.xlsm"), (d / "~$o.xlsm").write_bytes(b"\x03Bob")),
     ("refresh", "{t}", "--out", "{d}/o.xlsm"), 2, "{d}/o.xlsm", "open in Excel by Bob")
case("out-wrong-suffix-import", "import --out a.csv", google(GOOD), ("import", "{t}", "--ads", "{d}/g.csv", "--out",
                                                                    "{d}/a.csv"), 2, "{d}/a.csv",
     "only an .xlsm holds: name it .xlsm, not .csv")
case("protected-sheet-reads", "a protected Ads sheet is read as it is", protect("Ads"), kpis(), 0, "", "")
case("formula-injection-label", "a Ledger label that looks like a formula is read as text",
     cells("Ledger", B3=text('=HYPERLINK("http://x","y")')), kpis(), 0, "", "")
case("odd-filename", "a tracker named with spaces, accents and brackets is refreshed",
     lambda d: shutil.move(d / T, d / "Suivi (v2) é.xlsm"), ("refresh", "{d}/Suivi (v2) é.xlsm"), 0, "", "",
     writes=True)
case("odd-filename-upper", "a tracker named .XLSM", lambda d: shutil.move(d / T, d / "T.XLSM"),
     ("kpis", "{d}/T.XLSM", "--json"), 0, "", "")

# --- imports: every bad one, and the tracker left as it was -------------------------------------------


def imp(*files: str) -> tuple[str, ...]:
    return ("import", "{t}", *[a for f in files for a in (("--fec", "{d}/" + f[4:]) if f.startswith("fec:")
                                                         else ("--ads", "{d}/" + f))])


case("import-png", "a PNG renamed .csv", write("g.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), imp("g.csv"), 2,
     "{d}/g.csv", "not a text export (binary data at byte 6)")
case("import-folder", "a folder given as an export", lambda d: (d / "exports").mkdir(), imp("exports"), 2,
     "{d}/exports", "a folder, not an export file")
case("import-missing", "an export that is not there", lambda d: 0, imp("nowhere.csv"), 2, "{d}/nowhere.csv",
     "no such file")
case("import-empty", "an empty export", write("g.csv", b""), imp("g.csv"), 2, "{d}/g.csv", "")
case("import-unknown", "a CSV of another kind", write("g.csv", "Name,Age\nBob,3\n"), imp("g.csv"), 2, "{d}/g.csv",
     "expected one of the formats kpi-xl imports")
case("import-currency", "an export in USD into a EUR tracker", google(["Enabled,Search,100,5,USD,10.00"]),
     imp("g.csv"), 2, "{d}/g.csv:4", "currency USD, expected EUR")
case("import-bad-number", "a malformed cost", google(["Enabled,Search,100,5,EUR,ten"]), imp("g.csv"), 2,
     "{d}/g.csv:4", "")
case("import-no-cost", "a Google report without Cost", google(["Enabled,Search,100,5"], header="Campaign status,"
                                                              "Campaign,Impr.,Clicks"), imp("g.csv"), 2,
     "{d}/g.csv:3", "has no Cost column")
case("import-shift-jis", "bytes no accepted encoding has", write("g.csv", "Campaign,Impr.,Clicks,Currency code,Cost\n"
                                                                  "春,10,1,JPY,100\n".encode("shift_jis")),
     imp("g.csv"), 2, "{d}/g.csv:2", "expected text in UTF-8, UTF-16 or Windows-1252")
case("import-fec-as-ads", "a FEC passed with --ads",
     fec(["VT\tVentes\t7\t20260302\t706000\tPrestations\t\t\tF7\t20260302\tX\t0,00\t500,00\t\t\t20260331\t\t"]),
     ("import", "{t}", "--ads", "{d}/FEC.txt"), 2, "{d}/FEC.txt", "a FEC accounting file, not an ad export")
case("import-fec-bad-date", "a FEC line with a bad date",
     fec(["VT\tVentes\t7\t20261302\t706000\tPrestations\t\t\tF7\t20260302\tX\t0,00\t500,00\t\t\t20260331\t\t"]),
     imp("fec:FEC.txt"), 2, "{d}/FEC.txt:2", "")
case("import-into-bad-tracker", "an import into a tracker with an error cell",
     both(cells("Ads", F5=error("#DIV/0!")), google(GOOD)), imp("g.csv"), 2, "Ads!F5 (Spend)", "#DIV/0!")
case("import-into-uncached", "an import into a tracker with a formula without value",
     both(cells("Ledger", E5=formula("1+1")), google(GOOD)), imp("g.csv"), 2, "Ledger!E5 (Amount)",
     "with no value saved")
case("import-into-banana", "an import into a tracker whose Currency is no currency",
     both(cells("Settings", B4=text("banana money")), google(GOOD)), imp("g.csv"), 2, "Settings!B4 (Currency)",
     "not an ISO 4217 code")
case("import-into-xls", "an import into a .xls", both(legacy_xls, google(GOOD)), imp("g.csv"), 2, "{t}",
     "an Excel 97-2003 workbook (.xls)")
case("import-into-missing", "an import into a tracker that is not there", both(lambda d: (d / T).unlink(),
                                                                              google(GOOD)),
     imp("g.csv"), 2, "{t}", "no such file")
case("import-long-text", "a campaign name longer than a cell holds (32,767 characters): cut, and said",
     google(['Enabled,"Spring' + "x" * 40_000 + '",100,5,EUR,10.00']), imp("g.csv"), 0,
     "  campaign names longer than an Excel cell holds (32,767 characters)", "cut to fit, line 4", writes=True)
case("import-bad-date-option", "--date that is no day", google(GOOD),
     ("import", "{t}", "--ads", "{d}/g.csv", "--date", "someday"), 2, "--date", "expected a day such as 2026-01-16")
case("import-bad-map", "--map to no Type", fec([]), ("import", "{t}", "--fec", "{d}/FEC.txt", "--map", "6=Holiday"),
     2, "--map", "")


def _zip(path: Path, entries: dict[str, bytes]) -> None:
    path.unlink(missing_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)


def _drop(path: Path, name: str) -> None:
    with zipfile.ZipFile(path) as z:
        entries = {i.filename: z.read(i.filename) for i in z.infolist() if i.filename != name}
    _zip(path, entries)


def _not_json(constant: str) -> None:
    raise AssertionError(f"kpis --json printed {constant}, which is not JSON")


def test_the_catalogue_has_a_row_for_every_kind_tried():
    assert len(CASES) >= 105
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """A temporary folder of this test's own, so that nothing another process leaves in /tmp counts as debris."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_input(c: Case, tmp_path, private_tmp, sample_tracker_bytes):
    work = tmp_path / "work"
    work.mkdir()
    (work / T).write_bytes(sample_tracker_bytes)
    c.make(work)
    fill = lambda s: s.replace("{t}", str(work / T)).replace("{d}", str(work))  # noqa: E731
    before = files_in(work)
    result = run_cli(*[fill(a) for a in c.command])
    after = files_in(work)
    for p in work.rglob("*"):  # a read-only file must not stop the clean-up
        if p.is_file():
            os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)

    assert result.exit_code == c.exit, result.output
    if c.exit == 2 or c.message:
        where, message = fill(c.where), fill(c.message)
        lines = [line.removeprefix("error: ") for line in (result.stderr + result.stdout).splitlines()]
        assert any(line.startswith(where) and message in line for line in lines), \
            f"no line starting {where!r} with {message!r} in:\n{result.stderr}"
    if c.exit == 0 and not c.message:
        assert "warning" not in result.stderr, result.stderr
    if c.exit == 0 and c.command[0] == "kpis":
        json.loads(result.stdout, parse_constant=_not_json)  # strict JSON: no NaN, no Infinity
    if c.writes:
        assert set(after) == set(before), "a file appeared or vanished"
    else:
        assert after == before, "a refused command changed a file"
    assert not [n for n in after if ".kpi-xl-" in n], "debris beside the tracker"
    assert list(private_tmp.iterdir()) == [], "debris in the temporary folder"
