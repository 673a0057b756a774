"""French FEC accounting files → `Ledger` rows.

A FEC (Fichier des écritures comptables, art. A47 A-1 of the Livre des
procédures fiscales) lists every line of every accounting entry of a year:
18 columns (22 for the non-commercial variant, which adds ``DateRglt``,
``ModeRglt``, ``NatOp`` and ``IdClient``), separated by a tab or a pipe,
amounts with a decimal comma, dates as AAAAMMJJ.  Columns are found by name,
in any order and any case; amounts may be ``Debit``/``Credit`` or
``Montant``/``Sens``.

Only income and expense lines become `Ledger` rows — accounts of class 7
(income) and 6 (expense), or any prefix a user maps — dated by
``EcritureDate``; balance-sheet lines (bank, customers, suppliers, VAT…) are
the other side of the same entries and are left out.  Opening entries
(journals ``AN``, ``ANO``, ``ANX``, ``RAN``, ``OUV``, or any journal labelled
"à nouveau" or "ouverture") carry last year's balances, not this year's
flows, and are left out too; their bank and cash balance is reported so a
user can set `OpeningCash`.

Each line's `Type` comes from the longest prefix of its account in
:data:`DEFAULT_ACCOUNT_TYPES` (or the user's mapping), and its `Amount` is
signed so that the figures add up to the accounting result: credit − debit
for the income types, debit − credit for the others.  With the default
mapping, `sales` = Σ class 70 and `net_profit` = Σ class 7 − Σ class 6.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Mapping

from ..errors import ArgumentError, Problem
from ..schema import LEDGER_TYPES
from ..texts import Message, canonical_types, fold
from .sniff import Sniffed
from .text import EXCEL_TEXT_LIMIT, cell_text, normalise_header, parse_amount, parse_fec_date, quote

DEFAULT_ACCOUNT_TYPES: dict[str, str] = {
    # class 6: expenses
    "6": "Fixed cost",
    "60": "Variable cost",  # purchases of goods, raw materials, supplies, subcontracted work
    "603": "Non-cash expense",  # change in stocks: not money spent this month
    "606": "Fixed cost",  # non-stocked purchases: energy, small equipment, office supplies
    "61": "Fixed cost",  # external services: rent, leasing, maintenance, insurance
    "611": "Variable cost",  # general subcontracting
    "62": "Fixed cost",  # other external services: fees, advertising, travel, telecoms, bank
    "624": "Variable cost",  # transport of goods
    "63": "Tax",  # taxes and duties other than on profits
    "64": "Fixed cost",  # staff costs
    "644": "Owner pay",  # the owner's pay (sole proprietor)
    "646": "Owner pay",  # the owner's personal social contributions
    "65": "Fixed cost",  # other operating costs
    "66": "Other expense",  # financial costs: interest, exchange losses
    "67": "Other expense",  # exceptional costs
    "675": "Non-cash expense",  # book value of assets sold
    "68": "Non-cash expense",  # depreciation, amortisation and provisions
    "69": "Tax",  # tax on profits
    "691": "Other expense",  # employee profit-sharing
    # class 7: income
    "7": "Other income",
    "70": "Revenue",  # sales of goods and services
    "71": "Non-cash income",  # change in stocks of products
    "72": "Non-cash income",  # own work capitalised
    "74": "Other income",  # operating subsidies
    "75": "Other income",  # other operating income
    "76": "Other income",  # financial income
    "77": "Other income",  # exceptional income
    "777": "Non-cash income",  # investment subsidies released to profit
    "78": "Non-cash income",  # reversals of depreciation and provisions
    "79": "Other income",  # expense transfers
}
"""Account prefix → `Ledger` Type; the longest matching prefix wins (``6037`` → ``603``)."""

INCOME_TYPES = frozenset({"Revenue", "Other income", "Non-cash income"})
"""Types whose Amount is credit − debit (income); every other type's is debit − credit."""

OPENING_JOURNALS = frozenset({"AN", "ANO", "ANX", "RAN", "OUV", "AO"})
_OPENING_LABEL = re.compile(r"\ba[ -]?nouveaux?\b|\bouverture\b")
CASH_ACCOUNTS = ("51", "53")
"""Banks and cash in hand: their opening balance is what `OpeningCash` means."""

_REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum")
_NONE = {"none", "skip", "-", "", "aucun", "ignorer"}


def parse_mapping(items: list[str] | Mapping[str, str | None] | None) -> dict[str, str | None]:
    """A user's mapping: ``["62=Variable cost", "791=none"]`` (or a dict) → prefix → Type (None: left out).

    >>> parse_mapping(["623=variable cost", "108=Owner pay", "791=none"])
    {'623': 'Variable cost', '108': 'Owner pay', '791': None}
    >>> parse_mapping(["6226=Coût variable", "791=aucun"])
    {'6226': 'Variable cost', '791': None}
    """
    if not items:
        return {}
    pairs = list(items.items()) if isinstance(items, Mapping) else []
    if not isinstance(items, Mapping):
        for item in items:
            prefix, sep, kind = item.partition("=")
            if not sep:
                raise ArgumentError(f'--map "{item}": expected ACCOUNT_PREFIX=TYPE, e.g. "6226=Variable cost"')
            pairs.append((prefix, kind))
    known = canonical_types()  # English or French names: "6226=Coût variable" too
    out: dict[str, str | None] = {}
    for prefix, kind in pairs:
        prefix = prefix.strip()
        if not re.fullmatch(r"[0-9A-Za-z]+", prefix):
            raise ArgumentError(f'--map "{prefix}={kind}": expected an account prefix such as 62 or 6226, '
                                f"found {quote(prefix)}")
        key = fold(kind or "")
        if key in _NONE:
            out[prefix] = None
        elif key in known:
            out[prefix] = known[key]
        else:
            raise ArgumentError(f'--map "{prefix}={kind}": expected a Type, one of {", ".join(LEDGER_TYPES)} '
                                f"(or none), found {quote(kind or '')}")
    return out


class AccountTypes:
    """Account number → `Ledger` Type by longest prefix, memoised (a FEC repeats its accounts)."""

    def __init__(self, overrides: Mapping[str, str | None] | None = None):
        self.table: dict[str, str | None] = {**DEFAULT_ACCOUNT_TYPES, **(overrides or {})}
        self._longest = max(map(len, self.table))
        self._cache: dict[str, str | None] = {}

    def __call__(self, account: str) -> str | None:
        """The Type of an account, or None when no prefix maps it (balance sheet) or it maps to none.

        >>> types = AccountTypes({"6226": "Variable cost"})
        >>> types("70100000"), types("6037"), types("62260000"), types("62200000"), types("512000")
        ('Revenue', 'Non-cash expense', 'Variable cost', 'Fixed cost', None)
        """
        if account not in self._cache:
            found = None
            for n in range(min(len(account), self._longest), 0, -1):
                if account[:n] in self.table:
                    found = self.table[account[:n]]
                    break
            self._cache[account] = found
        return self._cache[account]


@dataclass
class LedgerRow:
    """One `Ledger` row from one FEC line."""

    date: dt.date
    label: str
    category: str
    type: str
    amount: float
    line: int

    def cells(self) -> dict[str, object]:
        return {"Date": self.date, "Label": self.label, "Category": self.category, "Type": self.type,
                "Amount": self.amount}

    def key(self) -> tuple:
        """The row identity: date, label (which holds the journal and entry number) and amount."""
        return ledger_key(self.date, self.label, self.amount)


def ledger_key(date: object, label: object, amount: object) -> tuple:
    try:
        value = round(abs(float(amount)), 2)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = None
    return (date, str(label or "").strip(), value)


@dataclass
class FecExport:
    """What a FEC holds, ready to append: `Ledger` rows and notes for the summary."""

    path: str
    format: str = "FEC"
    details: str = ""
    rows: list[LedgerRow] = field(default_factory=list)
    lines: int = 0
    notes: list[str] = field(default_factory=list)
    opening_cash: tuple[dt.date, float] | None = None
    warnings: list[str] = field(default_factory=list)
    # A FEC is kept in euros (Montantdevise/Idevise only add a foreign amount beside it).
    currencies: dict[str, int] = field(default_factory=lambda: {"EUR": 1})


def _is_opening(journal: str, journal_label: str, cache: dict) -> bool:
    key = (journal, journal_label)
    if key not in cache:
        cache[key] = journal in OPENING_JOURNALS or bool(_OPENING_LABEL.search(normalise_header(journal_label)))
    return cache[key]


def read_fec(sniffed: Sniffed, mapping: Mapping[str, str | None] | None = None,
             where: str | None = None) -> tuple[FecExport, list[Problem]]:
    """Parse a recognised FEC into `Ledger` rows and every problem, each at ``file:line``."""
    reader = _FecReader(sniffed, mapping, where)
    if not reader.locate():
        return reader.export, reader.problems
    for i in range(sniffed.header_line + 1, len(sniffed.lines)):
        reader.read(i + 1, sniffed.lines[i])
    if reader.problems:
        reader.export.rows = []
    else:
        reader.finish()
    return reader.export, reader.problems


@dataclass
class _Entry:
    """One FEC line's fields as kpi-xl uses them."""

    date: dt.date
    journal: str
    account: str
    debit: float
    credit: float


class _FecReader:
    """One FEC being read: its columns, the lines so far, the figures the summary gives."""

    def __init__(self, sniffed: Sniffed, mapping: Mapping[str, str | None] | None, where: str | None):
        self.sniffed = sniffed
        self.where = where or str(sniffed.path)
        self.problems: list[Problem] = []
        header = [h.strip() for h in sniffed.header]
        while header and not header[-1]:  # a trailing separator on the header line
            header.pop()
        self.header = header
        self.index = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
        self.header_line = sniffed.header_line + 1
        self.width = len(header)
        self.export = FecExport(self.where, "FEC", Message("import.details.fec", columns=min(self.width, 22),
                                                           encoding=sniffed.encoding_name,
                                                           delimiter=sniffed.delimiter_name))
        # A FEC is kept in euros (Montantdevise/Idevise only add a foreign amount beside it).
        self.export.currencies = {"EUR": self.header_line}
        self.types = AccountTypes(mapping)
        self.opening_cache: dict = {}
        self.total_debit = self.total_credit = 0.0
        self.opening_lines = self.other_lines = 0
        self.opening_cash = 0.0
        self.opening_date: dt.date | None = None
        self.opening_journals: set[str] = set()
        self.first: dt.date | None = None
        self.last: dt.date | None = None
        self.cut: list[int] = []

    def col(self, name: str) -> int | None:
        return self.index.get(name.casefold())

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(f"{self.where}:{line}", message))

    def locate(self) -> bool:
        """Whether the header has every column kpi-xl reads (else the problem names the missing ones)."""
        missing = [c for c in _REQUIRED if self.col(c) is None]
        self.by_debit_credit = self.col("Debit") is not None and self.col("Credit") is not None
        if not self.by_debit_credit and (self.col("Montant") is None or self.col("Sens") is None):
            missing.append(Message("import.fec.debit_credit"))
        if missing:
            self.problem(self.header_line, Message("import.fec.columns", missing=missing, header=list(self.header)))
        return not missing

    # -- one line ----------------------------------------------------------------------

    def read(self, line: int, raw_line: str) -> None:
        raw = raw_line.rstrip("\r\n")
        if not raw.strip():
            return
        fields = self._fields(line, raw)
        if fields is None:
            return
        self.export.lines += 1
        entry = self._entry(line, fields)
        if entry is None:
            return
        self.total_debit += entry.debit
        self.total_credit += entry.credit
        if self._opening(entry, fields):
            return
        self.first = entry.date if self.first is None or entry.date < self.first else self.first
        self.last = entry.date if self.last is None or entry.date > self.last else self.last
        kind = self.types(entry.account)
        if kind is None or entry.debit == entry.credit:
            self.other_lines += 1
            return
        self.export.rows.append(self._row(line, entry, fields, kind))

    def _fields(self, line: int, raw: str) -> list[str] | None:
        fields = raw.split(self.sniffed.delimiter)
        if len(fields) > self.width and not "".join(fields[self.width:]).strip():
            fields = fields[:self.width]  # a trailing separator (a 19th empty field)
        if len(fields) != self.width:
            self.problem(line, Message("import.fec.fields", width=self.width, delimiter=self.sniffed.delimiter_name,
                                       found=len(fields)))
            return None
        return fields

    def _entry(self, line: int, fields: list[str]) -> _Entry | None:
        """The date, accounts and amounts of a line, or None after reporting what is wrong with it."""
        c_date = self.col("EcritureDate")
        date = parse_fec_date(fields[c_date])
        ok = date is not None
        if not ok:
            self.problem(line, Message("import.fec.bad_date", found=quote(fields[c_date])))
        amounts = self._debit_credit(line, fields) if self.by_debit_credit else self._amount_sense(line, fields)
        account = fields[self.col("CompteNum")].strip()
        if not account:
            self.problem(line, Message("import.fec.no_account"))
        if not (ok and amounts and account):
            return None
        journal = fields[self.col("JournalCode")].strip().upper()
        return _Entry(date, journal, account, *amounts)

    def _amount(self, line: int, raw: str, column: str) -> float | None:
        try:
            return parse_amount(raw)
        except ValueError:
            self.problem(line, Message("import.fec.bad_amount", column=column, found=quote(raw)))
            return None

    def _debit_credit(self, line: int, fields: list[str]) -> tuple[float, float] | None:
        debit = self._amount(line, fields[self.col("Debit")], "Debit")
        credit = self._amount(line, fields[self.col("Credit")], "Credit")
        return None if debit is None or credit is None else (debit, credit)

    def _amount_sense(self, line: int, fields: list[str]) -> tuple[float, float] | None:
        amount = self._amount(line, fields[self.col("Montant")], "Montant")
        raw_sense = fields[self.col("Sens")]
        sense = raw_sense.strip().upper()
        if sense not in ("D", "C", "+1", "1", "-1"):
            self.problem(line, Message("import.fec.bad_sense", found=quote(raw_sense)))
            return None
        if amount is None:
            return None
        return (amount, 0.0) if sense in ("D", "+1", "1") else (0.0, amount)

    def _opening(self, entry: _Entry, fields: list[str]) -> bool:
        """Whether the line is an opening entry (left out; its bank and cash balance noted)."""
        c_label = self.col("JournalLib")
        if not _is_opening(entry.journal, fields[c_label] if c_label is not None else "", self.opening_cache):
            return False
        self.opening_lines += 1
        self.opening_journals.add(entry.journal)
        if entry.account.startswith(CASH_ACCOUNTS):
            self.opening_cash += entry.debit - entry.credit
            self.opening_date = entry.date if self.opening_date is None else min(self.opening_date, entry.date)
        return True

    def _row(self, line: int, entry: _Entry, fields: list[str], kind: str) -> LedgerRow:
        amount = entry.credit - entry.debit if kind in INCOME_TYPES else entry.debit - entry.credit
        c_label, c_piece, c_account_label = self.col("EcritureLib"), self.col("PieceRef"), self.col("CompteLib")
        label = fields[c_label].strip() if c_label is not None else ""
        if not label and c_piece is not None:
            label = fields[c_piece].strip()
        number = f"{entry.journal} {fields[self.col('EcritureNum')].strip()}".strip()
        account_label = fields[c_account_label].strip() if c_account_label is not None else ""
        text, cut = _ledger_label(label, number)
        category, cut_category = cell_text(f"{entry.account} {account_label}".strip())
        if cut or cut_category:
            self.cut.append(line)
        return LedgerRow(entry.date, text, category.strip(), kind, round(amount, 2), line)

    # -- the whole file ----------------------------------------------------------------

    def finish(self) -> None:
        notes = self.export.notes
        if self.first is not None:
            notes.append(Message("import.fec.entries", first=self.first, last=self.last, rows=len(self.export.rows),
                                 other=self.other_lines))
        if self.opening_lines:
            notes.append(Message("import.fec.opening", n=self.opening_lines, journals=sorted(self.opening_journals)))
        if self.opening_date is not None:
            self.export.opening_cash = (self.opening_date, round(self.opening_cash, 2))
            notes.append(Message("import.fec.opening_cash", day=self.opening_date, amount=self.opening_cash))
        if self.cut:
            notes.append(Message("import.fec.cut", n=len(self.cut), lines=self.cut[:5],
                                 more="…" if len(self.cut) > 5 else ""))
        if abs(self.total_debit - self.total_credit) > 0.005:
            notes.append(Message("import.fec.unbalanced", debit=self.total_debit, credit=self.total_credit))


def _ledger_label(label: str, number: str) -> tuple[str, bool]:
    """``Facture 123 [VE 456]``, cut to fit a cell by shortening the label, never the entry number.

    The entry number is what recognises the line on the next import.

    >>> _ledger_label("Facture 123", "VE 456"), _ledger_label("", "VE 456")
    (('Facture 123 [VE 456]', False), ('[VE 456]', False))
    >>> text, cut = _ledger_label("x" * 40_000, "VE 456"); (len(text), text[-10:], cut)
    (32767, 'x [VE 456]', True)
    """
    suffix = f"[{number}]"
    text, _ = cell_text(label)
    text = text.strip()
    room = EXCEL_TEXT_LIMIT - len(suffix) - 1
    cut = len(text) > room
    if cut:
        text = text[:room].rstrip()
    return (f"{text} {suffix}" if text else suffix), cut
