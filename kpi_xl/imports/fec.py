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
from .sniff import Sniffed
from .text import normalise_header, parse_amount, parse_fec_date, quote

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
_NONE = {"none", "skip", "-", ""}


def parse_mapping(items: list[str] | Mapping[str, str | None] | None) -> dict[str, str | None]:
    """A user's mapping: ``["62=Variable cost", "791=none"]`` (or a dict) → prefix → Type (None: left out).

    >>> parse_mapping(["623=variable cost", "108=Owner pay", "791=none"])
    {'623': 'Variable cost', '108': 'Owner pay', '791': None}
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
    known = {t.casefold(): t for t in LEDGER_TYPES}
    out: dict[str, str | None] = {}
    for prefix, kind in pairs:
        prefix = prefix.strip()
        if not re.fullmatch(r"[0-9A-Za-z]+", prefix):
            raise ArgumentError(f'--map "{prefix}={kind}": expected an account prefix such as 62 or 6226, '
                                f"found {quote(prefix)}")
        key = (kind or "").strip().casefold()
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
    # A FEC is kept in euros (Montantdevise/Idevise only add a foreign amount beside it).
    currencies: dict[str, int] = field(default_factory=lambda: {"EUR": 1})


def _is_opening(journal: str, journal_label: str, cache: dict) -> bool:
    key = (journal, journal_label)
    if key not in cache:
        cache[key] = journal in OPENING_JOURNALS or bool(_OPENING_LABEL.search(normalise_header(journal_label)))
    return cache[key]


def _amount(raw: str, column: str, name: str, line: int, problems: list[Problem]) -> tuple[float, bool]:
    try:
        return parse_amount(raw), True
    except ValueError:
        problems.append(Problem(f"{name}:{line}", f"{column}: expected an amount such as 1234,56, found {quote(raw)}"))
        return 0.0, False


def read_fec(sniffed: Sniffed, mapping: Mapping[str, str | None] | None = None,
             where: str | None = None) -> tuple[FecExport, list[Problem]]:
    """Parse a recognised FEC into `Ledger` rows and every problem, each at ``file:line``."""
    name = where or str(sniffed.path)
    problems: list[Problem] = []
    sep = sniffed.delimiter
    header = [h.strip() for h in sniffed.header]
    while header and not header[-1]:  # a trailing separator on the header line
        header.pop()
    index = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
    header_line = sniffed.header_line + 1
    width = len(header)
    variant = "22 columns" if width >= 22 else f"{width} columns"
    export = FecExport(name, "FEC", f"{variant}, {sniffed.encoding}, {sniffed.delimiter_name}")
    export.currencies = {"EUR": header_line}

    def col(name_: str) -> int | None:
        return index.get(name_.casefold())

    missing = [c for c in _REQUIRED if col(c) is None]
    by_debit_credit = col("Debit") is not None and col("Credit") is not None
    by_amount_sense = col("Montant") is not None and col("Sens") is not None
    if not (by_debit_credit or by_amount_sense):
        missing.append("Debit and Credit (or Montant and Sens)")
    if missing:
        problems.append(Problem(f"{name}:{header_line}",
                                f"expected the FEC columns {', '.join(missing)} in the header, found "
                                f"{', '.join(header)}"))
        return export, problems

    c_journal, c_num, c_date, c_account = (col(c) for c in _REQUIRED)
    c_journal_label, c_account_label = col("JournalLib"), col("CompteLib")
    c_label, c_piece = col("EcritureLib"), col("PieceRef")
    if by_debit_credit:
        c_debit, c_credit = col("Debit"), col("Credit")
    else:
        c_amount, c_sense = col("Montant"), col("Sens")
    types = AccountTypes(mapping)
    opening_cache: dict = {}
    total_debit = total_credit = 0.0
    opening_lines = other_lines = 0
    opening_cash = 0.0
    opening_date: dt.date | None = None
    opening_journals: set[str] = set()
    first = last = None
    rows = export.rows

    for i in range(sniffed.header_line + 1, len(sniffed.lines)):
        raw = sniffed.lines[i].rstrip("\r\n")
        if not raw.strip():
            continue
        line = i + 1
        fields = raw.split(sep)
        if len(fields) > width and not "".join(fields[width:]).strip():
            fields = fields[:width]  # a trailing separator (a 19th empty field)
        if len(fields) != width:
            problems.append(Problem(f"{name}:{line}", f"expected {width} fields separated by "
                                                      f"{sniffed.delimiter_name}s, found {len(fields)}"))
            continue
        export.lines += 1
        bad = False
        date = parse_fec_date(fields[c_date])
        if date is None:
            problems.append(Problem(f"{name}:{line}", f"EcritureDate: expected a date AAAAMMJJ such as 20220831, "
                                                      f"found {quote(fields[c_date])}"))
            bad = True
        if by_debit_credit:
            debit, ok_d = _amount(fields[c_debit], "Debit", name, line, problems)
            credit, ok_c = _amount(fields[c_credit], "Credit", name, line, problems)
            bad = bad or not (ok_d and ok_c)
        else:
            amount, ok = _amount(fields[c_amount], "Montant", name, line, problems)
            sense = fields[c_sense].strip().upper()
            debit, credit = (amount, 0.0) if sense in ("D", "+1", "1") else (0.0, amount)
            if sense not in ("D", "C", "+1", "1", "-1"):
                problems.append(Problem(f"{name}:{line}", f"Sens: expected D or C, found {quote(fields[c_sense])}"))
                ok = False
            bad = bad or not ok
        account = fields[c_account].strip()
        if not account:
            problems.append(Problem(f"{name}:{line}", "CompteNum: expected an account number, found nothing"))
            bad = True
        if bad:
            continue
        total_debit += debit
        total_credit += credit
        journal = fields[c_journal].strip().upper()
        if _is_opening(journal, fields[c_journal_label] if c_journal_label is not None else "", opening_cache):
            opening_lines += 1
            opening_journals.add(journal)
            if account.startswith(CASH_ACCOUNTS):
                opening_cash += debit - credit
                opening_date = date if opening_date is None else min(opening_date, date)
            continue
        first = date if first is None or date < first else first
        last = date if last is None or date > last else last
        kind = types(account)
        if kind is None or debit == credit:
            other_lines += 1
            continue
        amount = credit - debit if kind in INCOME_TYPES else debit - credit
        label = fields[c_label].strip() if c_label is not None else ""
        if not label and c_piece is not None:
            label = fields[c_piece].strip()
        entry = f"{journal} {fields[c_num].strip()}".strip()
        account_label = fields[c_account_label].strip() if c_account_label is not None else ""
        rows.append(LedgerRow(date, f"{label} [{entry}]" if label else f"[{entry}]",
                              f"{account} {account_label}".strip(), kind, round(amount, 2), line))

    if problems:
        export.rows = []
        return export, problems
    if first is not None:
        export.notes.append(f"entries from {first:%Y-%m-%d} to {last:%Y-%m-%d}: {len(rows):,} income and "
                            f"expense lines to Ledger, {other_lines:,} balance-sheet lines left out")
    if opening_lines:
        export.notes.append(f"{opening_lines:,} opening lines (journal {', '.join(sorted(opening_journals))}) "
                            "left out: they are last year's balances, not this year's flows")
    if opening_date is not None:
        export.opening_cash = (opening_date, round(opening_cash, 2))
        export.notes.append(f"opening bank and cash balance (accounts 51…, 53…) on {opening_date:%Y-%m-%d}: "
                            f"{opening_cash:,.2f} — set OpeningCash and OpeningDate on Settings to start the "
                            "cash curve there")
    if abs(total_debit - total_credit) > 0.005:
        export.notes.append(f"the file does not balance (debits {total_debit:,.2f}, credits {total_credit:,.2f}): "
                            "is it complete?")
    return export, problems
