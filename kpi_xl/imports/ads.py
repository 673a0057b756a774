"""Ad-platform exports → `Ads` rows: one row per day (or period) per campaign.

A platform's rows (per ad, per ad set, per campaign) are summed per date and
campaign, the grain of the `Ads` table.  Each row is dated by, in order: its
day (a daily breakdown), the first day it covers (``Reporting starts``,
``Start Date (in UTC)``), the first day of the report's date range (Google's
second title line), or the day given with ``--date``; a row that covers more
than one day is put on its first day, and the summary says so.

Leads come only from a column that counts leads and nothing else; a
platform's mixed ``Results`` or ``Conversions`` is never read as leads, and
the summary says what was left blank and why.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field

from ..errors import Problem
from .sniff import Sniffed
from .text import normalise_header, parse_date, parse_number, quote

ADS_COLUMNS = ("Impressions", "Clicks", "Spend", "Leads", "Calls", "Customers", "Revenue")

_NUMBER_FIELDS = {  # field → (Ads header, whole number?)
    "impressions": ("Impressions", True),
    "clicks": ("Clicks", True),
    "spend": ("Spend", False),
    "leads": ("Leads", True),
    "customers": ("Customers", True),
    "revenue": ("Revenue", False),
}
_NO_DATA = {"no data available.", "no data available", "aucune donnee disponible.", "aucune donnee disponible"}
_ALL_TIME = {"all time", "toute la periode", "depuis toujours", "toutes les dates"}


@dataclass
class AdRow:
    """One `Ads` row: a campaign on a day (or the first day of a period), with its sums."""

    date: dt.date
    channel: str
    campaign: str
    numbers: dict[str, float]  # Ads header → value; a missing header is a blank cell
    line: int  # the first line of the file that went into it

    def cells(self) -> dict[str, object]:
        return {"Date": self.date, "Channel": self.channel, "Campaign": self.campaign, **self.numbers}

    def key(self) -> tuple:
        """The row identity: date, channel and campaign (case and surrounding spaces ignored)."""
        return ads_key(self.date, self.channel, self.campaign)


def ads_key(date: object, channel: object, campaign: object) -> tuple:
    return (date, str(channel or "").strip().casefold(), str(campaign or "").strip().casefold())


@dataclass
class AdExport:
    """What an ad export holds, ready to append: rows, currency, and notes for the summary."""

    path: str
    format: str
    details: str
    rows: list[AdRow] = field(default_factory=list)
    lines: int = 0  # data lines read (title, header, footer and blank lines excluded)
    currencies: dict[str, int] = field(default_factory=dict)  # currency → first line it is on
    notes: list[str] = field(default_factory=list)


def _report_range(sniffed: Sniffed, french: bool) -> tuple[dt.date | None, dt.date | None, int | None, bool]:
    """Google's date-range title line: (first day, last day, its line, "All time")."""
    for i, line in enumerate(sniffed.lines[:sniffed.header_line]):
        cells = next(csv.reader([line], delimiter=sniffed.delimiter), [])
        text = " ".join(c for c in cells if c.strip()).strip()
        if normalise_header(text) in _ALL_TIME:
            return None, None, i + 1, True
        for dash in (" - ", " – ", " — "):
            if dash in text:
                a, _, b = text.partition(dash)
                first, last = parse_date(a, french), parse_date(b, french)
                if first and last:
                    return first, last, i + 1, False
    return None, None, None, False


def read_ad_export(sniffed: Sniffed, date: dt.date | None = None,
                   where: str | None = None) -> tuple[AdExport, list[Problem]]:
    """Parse a recognised ad export into `Ads` rows and every problem, each at ``file:line``.

    ``date`` is the day to put the rows of a report without dates on (a
    Google Ads "All time" report); ``where`` is how messages name the file.
    """
    platform = sniffed.platform
    assert platform is not None
    name = where or str(sniffed.path)
    problems: list[Problem] = []
    headers = [normalise_header(h) for h in sniffed.header]
    columns, header_currency, language = platform.locate(headers)
    french = language == "French"
    export = AdExport(name, platform.name, f"{language}, {sniffed.encoding}, {sniffed.delimiter_name}")
    header_line = sniffed.header_line + 1

    def problem(line: int, message: str) -> None:
        problems.append(Problem(f"{name}:{line}", message))

    for f in ("spend", "impressions"):
        if f not in columns:
            header = {"spend": "a spend column", "impressions": "an Impressions column"}[f]
            problem(header_line, f"expected {header} in the header of this {platform.name}, found none")
    if "spend" in header_currency:
        export.currencies[header_currency["spend"]] = header_line

    range_first, range_last, range_line, all_time = _report_range(sniffed, french)
    dated_by = "day" if "day" in columns else "starts" if "starts" in columns else None
    if dated_by is None:
        if range_first is None and date is None:
            if all_time:
                problem(range_line, 'the report covers "All time", which gives its rows no date: download it '
                                    "for a date range, or pass --date with the day to count it on")
            else:
                problem(header_line, "expected a day column or a report date range, found neither: "
                                     "pass --date with the day to count these rows on")
        elif range_first is None:
            export.notes.append(f"no dates in the export: its rows are put on {date:%Y-%m-%d} (--date)")
    if problems:
        return export, problems

    width = len(sniffed.header)
    number_columns = sorted(((f, columns[f], header, whole, sniffed.header[columns[f]].strip())
                             for f, (header, whole) in _NUMBER_FIELDS.items() if f in columns),
                            key=lambda c: c[1])  # problems in the order of the file's columns
    grouped: dict[tuple, AdRow] = {}
    spans: list[tuple[dt.date, dt.date]] = []
    no_data = False
    dates: dict[str, dt.date | None] = {}  # a daily export repeats each day on many lines
    summed: set[tuple] = set()  # keys of rows that add up several lines
    reader = csv.reader(sniffed.lines[sniffed.header_line + 1:], delimiter=sniffed.delimiter)
    line = header_line
    for cells in reader:
        line = header_line + reader.line_num
        if not "".join(cells).strip():
            continue
        first = cells[0].lstrip()[:24].casefold()
        if first.startswith("total") and first[5:].lstrip().startswith(":"):
            continue  # Google's footers: "Total: Campaigns", "Total: Account", "Total: Search"…
        if first[:2] in ("no", "au") and normalise_header(cells[0]) in _NO_DATA \
                and not any(c.strip() for c in cells[1:]):
            no_data = True
            continue
        while len(cells) > width and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != width:
            problem(line, f"expected {width} fields like the header (line {header_line}), found {len(cells)}")
            continue
        export.lines += 1
        ok = True

        # The date.
        if dated_by:
            raw = cells[columns[dated_by]]
            day = dates[raw] if raw in dates else dates.setdefault(raw, parse_date(raw, french))
            if day is None:
                label = sniffed.header[columns[dated_by]].strip()
                problem(line, f"{label}: expected a date such as 2026-04-14, found {quote(raw)}")
                ok = False
            elif dated_by == "starts" and "ends" in columns:
                end = parse_date(cells[columns["ends"]], french)
                if end is not None and end > day:
                    spans.append((day, end))
        else:
            day = range_first or date
            if range_first and range_last and range_last > range_first:
                spans.append((range_first, range_last))

        # The numbers.
        numbers: dict[str, float] = {}
        for f, index, header, whole, label in number_columns:
            raw = cells[index]
            try:
                value = parse_number(raw, french)
            except ValueError:
                example = "1 234,56" if french else "1,234.56"
                problem(line, f"{label}: expected a number such as {example}, found {quote(raw)}")
                ok = False
                continue
            if value is None:
                continue
            if value < 0 and f != "revenue":
                problem(line, f"{label}: expected a number ≥ 0, found {quote(raw)}")
                ok = False
            elif whole and not value.is_integer():
                problem(line, f"{label}: expected a whole number, found {quote(raw)}")
                ok = False
            else:
                numbers[header] = value

        if "currency" in columns:
            code = cells[columns["currency"]].strip().upper()
            if code and code not in export.currencies:
                export.currencies[code] = line
        if not ok:
            continue
        campaign = cells[columns["campaign"]].strip() if "campaign" in columns else ""
        key = (day, campaign.casefold())
        row = grouped.get(key)
        if row is None:
            grouped[key] = AdRow(day, platform.channel, campaign, numbers, line)
        else:
            summed.add(key)
            for header, value in numbers.items():
                row.numbers[header] = row.numbers.get(header, 0.0) + value

    if problems:
        return export, problems
    # In date order (exports often list the newest first); a stable sort keeps the
    # file's order of campaigns within a day.
    export.rows = sorted(grouped.values(), key=lambda r: r.date)
    for key in summed:  # sums of cents, written as cents (not 25.270000000000003)
        row = grouped[key]
        for header, value in row.numbers.items():
            row.numbers[header] = round(value, 6)
    _add_notes(export, platform, columns, spans, no_data, sniffed)
    return export, problems


def _add_notes(export: AdExport, platform, columns: dict[str, int], spans: list, no_data: bool,
               sniffed: Sniffed) -> None:
    if no_data:
        export.notes.append('no data: the export says "No data available."')
    if spans:
        first = min(a for a, _ in spans)
        last = max(b for _, b in spans)
        several_months = any((a.year, a.month) != (b.year, b.month) for a, b in spans)
        export.notes.append(
            f"{len(spans):,} line{'s' if len(spans) != 1 else ''} cover{'' if len(spans) != 1 else 's'} more than "
            f"one day ({first:%Y-%m-%d} … {last:%Y-%m-%d}, no daily breakdown): each is put on its first day"
            + (", so a range over several months counts in its first month" if several_months else ""))
    blank = []
    if "leads" not in columns:
        blank.append(f"Leads ({platform.leads_note})")
    blank.append("Calls (no ad platform knows them)")
    if "customers" not in columns:
        blank.append("Customers")
    if "revenue" not in columns:
        blank.append("Revenue")
    if "clicks" not in columns:
        blank.insert(0, "Clicks (no link-click column)")
    export.notes.append("left blank: " + "; ".join(blank))
    if "customers" in columns or "revenue" in columns:
        used = [sniffed.header[columns[f]].strip() for f in ("customers", "revenue") if f in columns]
        export.notes.append(f"Customers and Revenue from {' and '.join(used)} "
                            "(the platform's own attribution; check the VAT of your conversion values)")
