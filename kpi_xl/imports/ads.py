"""Ad-platform exports → `Ads` rows: one row per day (or period) per campaign.

Reading one export goes: locate its columns (:meth:`.Platform.locate`),
decide how its lines are dated, then read line by line — a blank line, a
note (Meta's ``"No data available."``, Microsoft's copyright line), a total
(:mod:`.footers`: kept as a check, never a row) or a data line, parsed into
a day, a campaign and numbers — and finally sum the lines per day and
campaign, the grain of the `Ads` table, and check the sums against the
export's own totals.

A line is dated by, in order: its day (a daily breakdown), the first day it
covers (``Reporting starts``, ``Start Date (in UTC)``), the first day of the
report's date range (a title line), or the day given with ``--date``; a line
that covers more than one day is put on its first day, and the summary says
so.  A line without a campaign is named ``(no campaign)`` — or, when it
names its ad set or ad group, ``(no campaign) ad set: …`` so that lines the
export tells apart stay apart — and the summary says how many.

Leads come only from a column that counts leads and nothing else; a
platform's mixed ``Results`` or ``Conversions`` is never read as leads, and
the summary says what was left blank and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import Problem
from ..texts import Message
from .footers import FIGURES, SUMMARY_ROW, Footer, footer_label, segment_of, self_check
from .platforms import GOOGLE
from .sniff import Sniffed
from .text import MISSING, cell_text, normalise_header, parse_date, parse_date_range, parse_money, parse_number, quote

NO_CAMPAIGN = "(no campaign)"
"""The Campaign of a line whose export names no campaign: visible, never a blank cell."""

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
_BAD = object()  # a cell that is not what its column holds (the problem is reported)


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
    """What an ad export holds, ready to append: rows, currency, and notes and warnings for the summary."""

    path: str
    format: str
    details: str
    rows: list[AdRow] = field(default_factory=list)
    lines: int = 0  # data lines read (title, header, total and blank lines excluded)
    currencies: dict[str, int] = field(default_factory=dict)  # currency → first line it is on
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_ad_export(sniffed: Sniffed, date: dt.date | None = None,
                   where: str | None = None) -> tuple[AdExport, list[Problem]]:
    """Parse a recognised ad export into `Ads` rows and every problem, each at ``file:line``.

    ``date`` is the day to put the rows of a report without dates on (a
    Google Ads "All time" report); ``where`` is how messages name the file.
    """
    reader = _AdReader(sniffed, where)
    if not reader.check_columns() or not reader.set_dating(date):
        return reader.export, reader.problems
    for line, cells in sniffed.data_rows():
        reader.read(line, cells)
    if not reader.problems:
        reader.finish()
    return reader.export, reader.problems


def _blank(cell: object) -> bool:
    return cell is None or (type(cell) is str and not cell.strip())


def _blank_line(cells: list) -> bool:
    try:
        return not "".join(cells).strip()
    except TypeError:  # a workbook's typed cells
        return all(_blank(c) for c in cells)


def _text(cell: object) -> str:
    """A name cell as text; a blank or `` --`` cell is ""."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = "" if cell is None else str(cell).strip()
    return "" if text in MISSING else text


def _number(cell: object, french: bool) -> float | None:
    """A number cell: typed (a workbook) or as the export writes it; ValueError otherwise."""
    if type(cell) is float or type(cell) is int:
        return float(cell)
    if type(cell) is str:
        return parse_number(cell, french)
    if cell is None:
        return None
    raise ValueError(cell)


class _AdReader:
    """One ad export being read: where its columns are, the lines so far, what the summary will say."""

    def __init__(self, sniffed: Sniffed, where: str | None):
        self.sniffed = sniffed
        self.platform = sniffed.platform
        assert self.platform is not None
        self.where = where or str(sniffed.path)
        self.header_line = sniffed.header_line + 1
        self.width = len(sniffed.header)
        located = self.platform.locate([normalise_header(h) for h in sniffed.header])
        self.columns, self.french = located.columns, located.french
        self.header_currency = located.currencies.get("spend")
        self.export = AdExport(self.where, self._format_name(),
                               Message("import.details.ads", language=Message(f"import.language.{located.language}"),
                                       source=sniffed.source_details))
        self.problems: list[Problem] = []
        self.number_columns = sorted(((f, self.columns[f], header, whole, sniffed.header[self.columns[f]].strip())
                                      for f, (header, whole) in _NUMBER_FIELDS.items() if f in self.columns),
                                     key=lambda c: c[1])  # problems in the order of the file's columns
        # Meta's summary row names nothing: blank in every name column, or (an account-level daily
        # export has none) in its Day column.
        self.summary_columns = [self.columns[f] for f in self.platform.dimensions if f in self.columns]
        self.grouped: dict[tuple, AdRow] = {}
        self.summed: set[tuple] = set()  # keys of rows that add up several lines
        self.spans: list[tuple[dt.date, dt.date]] = []
        self.footers: list[Footer] = []
        self.no_data = False
        self.dates: dict[str, dt.date | None] = {}  # a daily export repeats each day on many lines
        self.names: dict[str, tuple[str, bool]] = {}  # campaign cell → (as the tracker holds it, cut?)
        self.no_campaign = 0
        self.cut: list[int] = []  # lines whose campaign was longer than a cell holds
        self.marks: dict[str, str] = {}  # currency marks read on amounts ("US$") → their currency
        self.dated_by: str | None = None
        self.range_day: dt.date | None = None
        self.range_span: tuple[dt.date, dt.date] | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(f"{self.where}:{line}", message))

    def _format_name(self) -> str:
        name = self.platform.report_name(self.columns)
        headers = {normalise_header(h) for h in self.sniffed.header}
        if self.platform is GOOGLE and "campaign" in self.columns and "impressions" in headers \
                and "impr." not in headers and "currency" not in self.columns:
            name = Message("format.adwords", name=name)
        return name

    # -- the layout --------------------------------------------------------------------

    def check_columns(self) -> bool:
        """Whether the columns kpi-xl needs are there (else the problem says what to download)."""
        if "spend" not in self.columns:
            self.problem(self.header_line, Message("import.no_spend", format=self.export.format,
                                                   spend=self.platform.spend_header, advice=self.platform.spend_advice))
        if "impressions" not in self.columns:
            self.problem(self.header_line, Message("import.no_impressions", format=self.export.format))
        if self.header_currency:
            self.export.currencies[self.header_currency] = self.header_line
        return not self.problems

    def set_dating(self, date: dt.date | None) -> bool:
        """How lines are dated: a column, the report's date range, or ``date`` (--date)."""
        self.dated_by = "day" if "day" in self.columns else "starts" if "starts" in self.columns else None
        if self.dated_by:
            return True
        found, line, all_time = self._title_range()
        if found:
            self.range_day = found[0]
            self.range_span = found if found[1] > found[0] else None
        elif date is not None:
            self.range_day = date
            self.export.notes.append(Message("import.no_dates", day=date))
        elif all_time:
            self.problem(line, Message("import.all_time"))
        else:
            self.problem(self.header_line, Message("import.no_day"))
        return not self.problems

    def _title_range(self) -> tuple[tuple[dt.date, dt.date] | None, int | None, bool]:
        """(the date range on the title lines, its line, whether they say "All time")."""
        for line, text in self.sniffed.title_texts():
            if normalise_header(text) in _ALL_TIME:
                return None, line, True
            found = parse_date_range(text, self.french)
            if found:
                return found, line, False
        return None, None, False

    # -- one line ----------------------------------------------------------------------

    def read(self, line: int, cells: list) -> None:
        """Read one line after the header: skip it, keep it as a total, or add it to its row."""
        # A data line of a text export has the header's width and some text: the rest is looked at closer.
        if len(cells) != self.width or not any(cells) or self.sniffed.rows is not None:
            if _blank_line(cells) or self._note(cells):
                return
        label = footer_label(cells)
        if label is not None:
            self._footer(line, cells, *label)
            return
        if len(cells) != self.width:
            cells = self._fit(line, cells)
            if cells is None:
                return
        names = self.summary_columns
        if names and _blank(cells[names[0]]) and all(_blank(cells[i]) for i in names):
            self._footer(line, cells, None, SUMMARY_ROW)
            return
        self._data(line, cells)

    def _note(self, cells: list) -> bool:
        """A one-cell note: Meta's "No data available.", Microsoft's copyright line."""
        first = cells[0]
        if type(first) is not str or not (len(cells) == 1 or _blank_line(cells[1:])):
            return False
        text = normalise_header(first)
        if text in _NO_DATA:
            self.no_data = True
            return True
        return "microsoft corporation" in text and text[:1] in "©@\""

    def _footer(self, line: int, cells: list, column: int | None, label: str) -> None:
        figures = {}
        for f in FIGURES:
            i = self.columns.get(f)
            figures[f] = self._figure(cells[i]) if i is not None and i < len(cells) else None
        segment = segment_of(cells, column) if column is not None else ""
        self.footers.append(Footer(label, line, segment, figures))

    def _figure(self, cell: object) -> float | None:
        try:
            return _number(cell, self.french)
        except ValueError:
            try:
                return parse_money(str(cell), self.french)[0]
            except ValueError:
                return None  # a total kpi-xl cannot read is no check, and no error either

    def _fit(self, line: int, cells: list) -> list | None:
        """The cells, as many as the header's (trailing blanks dropped), or None after reporting."""
        while len(cells) > self.width and _blank(cells[-1]):
            cells = cells[:-1]
        if len(cells) != self.width:
            self.problem(line, Message("import.fields", width=self.width, header=self.header_line, found=len(cells)))
            return None
        return cells

    def _data(self, line: int, cells: list) -> None:
        self.export.lines += 1
        day = self._day(line, cells)
        numbers = self._numbers(line, cells)
        if "currency" in self.columns:
            code = str(cells[self.columns["currency"]]).strip().upper()
            if code and code not in MISSING and code not in self.export.currencies:
                self.export.currencies[code] = line
        if day is not None and numbers is not None:
            self._add(line, day, self._campaign(line, cells), numbers)

    def _day(self, line: int, cells: list) -> dt.date | None:
        if self.dated_by is None:
            if self.range_span:
                self.spans.append(self.range_span)
            return self.range_day
        raw = cells[self.columns[self.dated_by]]
        day = self._date(raw)
        if day is None:
            label = self.sniffed.header[self.columns[self.dated_by]].strip()
            self.problem(line, Message("import.bad_date", label=label, found=quote(str(raw))))
        elif self.dated_by == "starts" and "ends" in self.columns:
            end = self._date(cells[self.columns["ends"]])
            if end is not None and end > day:
                self.spans.append((day, end))
        return day

    def _date(self, cell: object) -> dt.date | None:
        day = self.dates.get(cell) if type(cell) is str else None  # a daily export repeats each day on many lines
        if day is not None:
            return day
        if isinstance(cell, dt.datetime):
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        raw = str(cell)
        if raw not in self.dates:
            self.dates[raw] = parse_date(raw, self.french)
        return self.dates[raw]

    def _numbers(self, line: int, cells: list) -> dict[str, float] | None:
        numbers: dict[str, float] = {}
        ok = True
        for f, index, header, whole, label in self.number_columns:
            cell = cells[index]
            if type(cell) is str and cell.isascii() and cell.replace(".", "", 1).isdigit():  # the common case, fast
                value = float(cell)
                if not whole or value.is_integer():
                    numbers[header] = value
                    continue
            value = self._value(line, f, cell, whole, label)
            if value is _BAD:
                ok = False
            elif value is not None:
                numbers[header] = value
        return numbers if ok else None

    def _value(self, line: int, f: str, cell: object, whole: bool, label: str):
        """The number of one cell, None for a blank, or _BAD after reporting."""
        try:
            value = _number(cell, self.french)
        except ValueError:
            value = self._money(line, f, cell)
            if value is _BAD:
                example = "1 234,56" if self.french else "1,234.56"
                self.problem(line, Message("import.bad_number", label=label, example=example, found=quote(str(cell))))
                return _BAD
        if value is None:
            return None
        if value < 0 and f != "revenue":
            self.problem(line, Message("import.negative", label=label, found=quote(str(cell))))
            return _BAD
        if whole and not value.is_integer():
            self.problem(line, Message("import.fractional", label=label, found=quote(str(cell))))
            return _BAD
        return value

    def _money(self, line: int, f: str, cell: object):
        """A spend written with its currency (``US$50.00``): the amount, its currency noted; else _BAD."""
        if f != "spend" or type(cell) is not str:
            return _BAD
        try:
            value, currency, mark = parse_money(cell, self.french)
        except ValueError:
            return _BAD
        if currency:
            self.export.currencies.setdefault(currency, line)
            self.marks.setdefault(mark, currency)
        return value

    def _campaign(self, line: int, cells: list) -> str:
        """The line's Campaign as the tracker will hold it (cut to a cell), or the (no campaign) name."""
        raw = cells[self.columns["campaign"]] if "campaign" in self.columns else ""
        known = self.names.get(raw) if type(raw) is str else None  # campaigns repeat on many lines
        if known is None:
            name = _text(raw)
            if not name:
                self.no_campaign += 1
                group = _text(cells[self.columns["group"]]) if "group" in self.columns else ""
                name = f"{NO_CAMPAIGN} {self.platform.group_label}: {group}" if group else NO_CAMPAIGN
            text, cut = cell_text(name)
            known = (text.strip(), cut)
            if type(raw) is str and _text(raw):
                self.names[raw] = known
        if known[1]:
            self.cut.append(line)
        return known[0]

    def _add(self, line: int, day: dt.date, campaign: str, numbers: dict[str, float]) -> None:
        key = (day, campaign.casefold())
        row = self.grouped.get(key)
        if row is None:
            self.grouped[key] = AdRow(day, self.platform.channel, campaign, numbers, line)
            return
        self.summed.add(key)
        for header, value in numbers.items():
            row.numbers[header] = row.numbers.get(header, 0.0) + value

    # -- the whole export --------------------------------------------------------------

    def finish(self) -> None:
        """The rows in date order, the notes, and the check against the export's own totals."""
        # Exports often list the newest first; a stable sort keeps the file's order of campaigns within a day.
        self.export.rows = sorted(self.grouped.values(), key=lambda r: r.date)
        for key in self.summed:  # sums of cents, written as cents (not 25.270000000000003)
            row = self.grouped[key]
            for header, value in row.numbers.items():
                row.numbers[header] = round(value, 6)
        notes = self.export.notes
        if self.no_data:
            notes.append(Message("import.no_data"))
        self._span_note()
        self._campaign_notes()
        if self.marks:
            notes.append(Message("import.currency_marks", marks=[
                Message("import.currency_mark", mark=mark, code=code) if code != "$"
                else Message("import.currency_mark.dollar") for mark, code in self.marks.items()]))
        notes.extend(_blank_notes(self.platform, self.columns, self.sniffed.header))
        # The rows are the lines summed, so their sums are the lines' sums.
        sums = {f: sum(r.numbers.get(header, 0.0) for r in self.export.rows) if f in self.columns else None
                for f, header in zip(FIGURES, ("Spend", "Impressions", "Clicks"), strict=True)}
        check = self_check(sums, self.export.lines, self.footers, self._partial_reason())
        notes.extend(check.notes)
        self.export.warnings.extend(check.warnings)

    def _span_note(self) -> None:
        if not self.spans:
            return
        first = min(a for a, _ in self.spans)
        last = max(b for _, b in self.spans)
        several_months = any((a.year, a.month) != (b.year, b.month) for a, b in self.spans)
        self.export.notes.append(Message("import.span", n=len(self.spans), first=first, last=last,
                                         months=Message("import.span.months") if several_months else ""))

    def _campaign_notes(self) -> None:
        n = self.no_campaign
        if n:
            why = Message("import.no_campaign.blank" if "campaign" in self.columns else "import.no_campaign.no_column")
            label = self.platform.group_label  # English in the Campaign cell, the reader's language in the sentence
            group = Message("import.no_campaign.group", name=NO_CAMPAIGN, label=str(label), group=label) \
                if "group" in self.columns else ""
            self.export.notes.append(Message("import.no_campaign", n=n, why=why, name=NO_CAMPAIGN, group=group))
        if self.cut:
            self.export.notes.append(Message("import.cut_campaigns", n=len(self.cut), lines=self.cut[:5],
                                             more="…" if len(self.cut) > 5 else ""))

    def _partial_reason(self) -> str:
        if "keyword" in self.columns or "search_term" in self.columns:
            return Message("import.partial.keywords")
        return Message("import.partial.account")


def _blank_notes(platform, columns: dict[str, int], header: list[str]) -> list[str]:
    """What the `Ads` rows leave blank, and why; where Customers and Revenue come from."""
    blank = []
    if "clicks" not in columns:
        blank.append(Message("import.blank.clicks"))
    if "leads" not in columns:
        blank.append(Message("import.blank.leads", why=platform.leads_note))
    blank.append(Message("import.blank.calls"))
    if "customers" not in columns:
        blank.append(Message("import.blank.customers"))
    if "revenue" not in columns:
        blank.append(Message("import.blank.revenue"))
    notes = [Message("import.blank", columns=blank)]
    if "customers" in columns or "revenue" in columns:
        used = [header[columns[f]].strip() for f in ("customers", "revenue") if f in columns]
        notes.append(Message("import.attribution", columns=used))
    return notes
