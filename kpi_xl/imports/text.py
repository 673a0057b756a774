"""Reading the text of an export: its encoding, its lines, its numbers and dates.

Exports come in UTF-8 (with or without a BOM), UTF-16 (Google's and
LinkedIn's "Excel CSV", with a BOM) or a legacy 8-bit encoding (ISO-8859-15
for a FEC).  Numbers are written the platform's way — ``"1,356,884"``,
``4,838.80``, ``1 356 884,50``, ``0000000069,60`` — and each parser here
accepts exactly one way per file and reports anything else: a number is never
guessed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata

from ..texts import Message

MISSING = frozenset({"", "--", "-", "—", "–", "n/a", "N/A"})
"""How exports write "no value" (Google's `` --``, Meta's ``-``): read as a blank cell."""


class DecodeError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def decode(data: bytes, legacy: str = "cp1252") -> tuple[str, str]:
    """(text, encoding as a user would name it); ``legacy`` when the bytes are not UTF-8.

    Raises :class:`DecodeError` (with the line) when the bytes are none of
    these: a Shift-JIS file, or bytes Windows-1252 does not define (0x81,
    0x8D, 0x8F, 0x90, 0x9D), is refused, never turned into other characters.

    >>> decode("\\ufeffCampaign".encode("utf-8"))
    ('Campaign', 'UTF-8 with BOM')
    >>> decode("\\ufeffCampagne\\tCoût".encode("utf-16-le"))
    ('Campagne\\tCoût', 'UTF-16LE')
    >>> decode("Coût".encode("iso-8859-15"), "iso-8859-15")
    ('Coût', 'ISO-8859-15')
    >>> decode(b"Campaign\\nA\\x81B\\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kpi_xl.imports.text.DecodeError: expected text in UTF-8, UTF-16 or Windows-1252, found byte 0x81 at byte 10, ...
    """
    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
                             (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
                             (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE")):
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, name, len(bom)), name
    if looks_utf16le(data):  # UTF-16LE without a BOM
        return _strict(data, "utf-16-le", "UTF-16LE", 0), "UTF-16LE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(legacy), legacy.upper()
    except UnicodeDecodeError as e:
        name = LEGACY_NAMES.get(legacy, legacy.upper())
        raise DecodeError(data[:e.start].count(b"\n") + 1,
                          Message("import.decode.legacy", name=name, byte=f"{data[e.start]:02X}", at=e.start)) from None


LEGACY_NAMES = {"cp1252": "Windows-1252", "iso-8859-15": "ISO-8859-15"}


def looks_utf16le(data: bytes) -> bool:
    """UTF-16LE without a BOM: every second byte of the first characters is 0."""
    return len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0


def _strict(data: bytes, codec: str, name: str, offset: int) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        line = data[:e.start].count("\n".encode(codec)) + 1
        raise DecodeError(line, Message("import.decode.strict", name=name, at=offset + e.start,
                                        reason=e.reason)) from None


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]|\x1a(?!\Z)")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]|\x1a(?!\\Z)")


def binary_at(data: bytes) -> int | None:
    """The offset of the first byte no text export holds (a NUL, a control code), or None.

    UTF-16 text is full of NUL bytes: it is checked after decoding
    (:func:`binary_char_at`).  A DOS end-of-file mark (0x1A) at the very end
    is text.

    >>> binary_at(b"Campaign,Cost\\r\\nA,1\\r\\n"), binary_at(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    (None, 6)
    """
    controls = data.translate(None, _TEXT_BYTES)  # in C: a 20 MB export is looked at in milliseconds
    if not controls or (controls == b"\x1a" and data.endswith(b"\x1a")):
        return None
    m = _CONTROL_BYTES.search(data)
    return m.start() if m else None


_TEXT_BYTES = bytes([0x09, 0x0a, 0x0b, 0x0c, 0x0d]) + bytes(range(0x20, 0x100))


def binary_char_at(text: str) -> int | None:
    """The index of the first character no text export holds, in decoded text (UTF-16), or None."""
    m = _CONTROL_CHARS.search(text)
    return m.start() if m else None


def normalise_header(text: str) -> str:
    """A header as compared: case, accents, apostrophes and spacing ignored.

    >>> normalise_header("  Montant dépensé (EUR) "), normalise_header("Nom de l’ensemble")
    ('montant depense (eur)', "nom de l'ensemble")
    """
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()).casefold()


# --- numbers -------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_EN_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_FR_GROUPED = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def parse_number(raw: str, decimal_comma: bool) -> float | None:
    """A number as an export writes it; None for a blank or `` --``; ValueError otherwise.

    English exports group thousands with commas (``"1,356,884"``,
    ``4,838.80``); French ones with spaces (``1 356 884,50``) and use a decimal
    comma.  Anything else — a currency sign, a percentage, ``< 10%``, a comma
    that is not a thousands group in an English file — is an error.

    >>> parse_number("1,356,884", False), parse_number(" --", False), parse_number("4,838.80", False)
    (1356884.0, None, 4838.8)
    >>> parse_number("1 356 884,50", True), parse_number("4.56", True)
    (1356884.5, 4.56)
    >>> parse_number("12,5", False)
    Traceback (most recent call last):
    ...
    ValueError: 12,5
    """
    if raw.isascii() and raw.replace(".", "", 1).isdigit():  # the common case, fast: "1526", "4.56"
        return float(raw)
    text = raw.strip()
    if text in MISSING:
        return None
    compact = _SPACES.sub("", text) if decimal_comma else text
    if _PLAIN.fullmatch(compact):
        return float(compact)
    if decimal_comma:
        if _FR_GROUPED.fullmatch(compact):
            compact = compact.replace(".", "")
        if re.fullmatch(r"-?\d+(?:,\d+)?", compact):
            return float(compact.replace(",", "."))
    elif _EN_GROUPED.fullmatch(compact):
        return float(compact.replace(",", ""))
    raise ValueError(raw)


# Currency marks an amount may carry (Google's chart downloads write "US$50.00").  A bare
# "$" is any of a dozen dollars: it is kept as "$" and matched against the tracker's
# currency by the importer, never taken for USD.
CURRENCY_MARKS = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD",
    "S$": "SGD", "MX$": "MXN", "R$": "BRL", "€": "EUR", "£": "GBP", "₹": "INR", "$": "$",
}
_MONEY = re.compile(r"(?P<pre>[A-Z]{0,2}\$|[€£₹]|[A-Z]{3}(?=[\s\d]))?\s*(?P<num>-?\d[\d.,\s\u00a0\u202f]*?)\s*"
                    r"(?P<post>[€£₹$]|[A-Z]{3})?")


def parse_money(raw: str, decimal_comma: bool) -> tuple[float | None, str | None, str | None]:
    """(amount, currency, mark as written) of an amount written with a currency mark; ValueError otherwise.

    The currency is an ISO code, or ``"$"`` when the mark names no single
    currency.  The number itself follows :func:`parse_number`'s rules.

    >>> parse_money("US$1,234.50", False), parse_money("12,50 €", True), parse_money("$3.00", False)
    ((1234.5, 'USD', 'US$'), (12.5, 'EUR', '€'), (3.0, '$', '$'))
    >>> parse_money("50.00 CAD", False), parse_money("12", False)
    ((50.0, 'CAD', 'CAD'), (12.0, None, None))
    """
    m = _MONEY.fullmatch(raw.strip())
    if m is None or (m["pre"] and m["post"]):
        raise ValueError(raw)
    mark = m["pre"] or m["post"]
    currency = CURRENCY_MARKS.get(mark, mark if mark and len(mark) == 3 and mark.isalpha() else None) \
        if mark else None
    if mark and currency is None:
        raise ValueError(raw)
    return parse_number(m["num"], decimal_comma), currency, mark


def parse_amount(raw: str) -> float:
    """A FEC amount: decimal comma (or point), no thousands separator, maybe zero-padded; blank → 0.

    >>> parse_amount("0000000069,60"), parse_amount("13500,00"), parse_amount(""), parse_amount("-12.5")
    (69.6, 13500.0, 0.0, -12.5)
    """
    text = raw.strip()
    if not text:
        return 0.0
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    raise ValueError(raw)


# --- dates ---------------------------------------------------------------------

MONTHS = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
                                   "septembre", "octobre", "novembre", "decembre"), 1)},
    "sept": 9, "janv": 1, "fevr": 2, "avr": 4, "juil": 7,
}
for _name, _n in list(MONTHS.items()):
    MONTHS.setdefault(_name[:3], _n)


def _month(word: str) -> int | None:
    return MONTHS.get(normalise_header(word).rstrip("."))


def parse_date(raw: str, day_first: bool = False) -> dt.date | None:
    """A day as exports write it, or None when it is not one.

    ISO (``2026-04-14``, with or without a time), month names in English or
    French (``April 14, 2026``, ``Apr 14, 2026``, ``14 April 2026``,
    ``14 avr. 2026``) and numeric ``4/14/2026`` (``14/04/2026`` when
    ``day_first``).

    >>> parse_date("2026-04-14"), parse_date("March 27, 2026"), parse_date("27 janvier 2026")
    (datetime.date(2026, 4, 14), datetime.date(2026, 3, 27), datetime.date(2026, 1, 27))
    >>> parse_date("4/14/2026"), parse_date("14/04/2026", day_first=True), parse_date("2026-13-01")
    (datetime.date(2026, 4, 14), datetime.date(2026, 4, 14), None)
    """
    text = raw.strip()
    try:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?", text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?: [\d:]+(?: ?[AP]M)?)?", text, re.I)
        if m:
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            return dt.date(year, b, a) if day_first else dt.date(year, a, b)
        # Words: "Tue, Apr 14, 2026", "April 14, 2026", "14 April 2026", "14 avr. 2026"
        words = [w for w in re.split(r"[\s,]+", text) if w]
        if len(words) == 4 and not words[0][0].isdigit():  # a weekday first
            words = words[1:]
        if len(words) == 3 and words[2].isdigit() and len(words[2]) == 4:
            if words[0].isdigit() and (month := _month(words[1])):
                return dt.date(int(words[2]), month, int(words[0]))
            if words[1].isdigit() and (month := _month(words[0])):
                return dt.date(int(words[2]), month, int(words[1]))
    except ValueError:  # day or month out of range
        return None
    return None


_RANGE_SEPARATORS = re.compile(r"\s*(?:-|–|—|,|\bto\b|\bau\b)\s*")


def parse_date_range(text: str, day_first: bool = False) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a report's date range as its title line writes it, or None.

    Google writes ``March 27, 2026 - April 23, 2026`` (``27 janvier 2026 -
    …`` in French), AdWords before 2018 ``Ad report (Oct 25, 2016-Oct 31,
    2016)``, Microsoft ``Report Time: 1/1/2026 - 1/31/2026`` (or one day).
    Every separator is tried, so a comma inside a date is no trouble.

    >>> parse_date_range("March 27, 2026 - April 23, 2026")
    (datetime.date(2026, 3, 27), datetime.date(2026, 4, 23))
    >>> parse_date_range("Ad report (Oct 25, 2016-Oct 31, 2016)")
    (datetime.date(2016, 10, 25), datetime.date(2016, 10, 31))
    >>> parse_date_range("Report Time: 2/7/2026"), parse_date_range("Campaign report")
    ((datetime.date(2026, 2, 7), datetime.date(2026, 2, 7)), None)
    """
    inside = re.search(r"\(([^()]*)\)\s*$", text)
    body = inside.group(1) if inside else text.partition(":")[2] or text
    body = body.strip().strip('"')
    single = parse_date(body, day_first)
    if single:
        return single, single
    for m in _RANGE_SEPARATORS.finditer(body):
        first, last = parse_date(body[:m.start()], day_first), parse_date(body[m.end():], day_first)
        if first and last and first <= last:
            return first, last
    return None


def parse_fec_date(raw: str) -> dt.date | None:
    """A FEC date: AAAAMMJJ (a time after it is ignored); None when it is not one.

    >>> parse_fec_date("20220831"), parse_fec_date("20220831 12:30:00"), parse_fec_date("31/08/2022")
    (datetime.date(2022, 8, 31), datetime.date(2022, 8, 31), None)
    """
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:[ T]?\d{2}:?\d{2}(?::?\d{2})?)?", raw.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


EXCEL_TEXT_LIMIT = 32_767
"""Excel's limit for the text of one cell (what :mod:`.append` cuts to when it writes)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_text(value: str) -> tuple[str, bool]:
    """(the text as the tracker will hold it once written and read back, whether it was cut).

    A row is recognised on the next import by its text, so the text is made
    what the workbook will give back *before* it is compared: characters XML
    cannot hold are dropped (as the writer drops them), line breaks become
    ``\\n`` (XML reads ``\\r\\n`` so), and text longer than a cell holds is
    cut to :data:`EXCEL_TEXT_LIMIT` characters (the summary says so).

    >>> cell_text("Spring\\x00 sale\\r\\n"), cell_text("x" * 40_000)[0] == "x" * 32_767
    (('Spring sale\\n', False), True)
    """
    text = _NOT_XML.sub("", value) if not value.isprintable() else value
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > EXCEL_TEXT_LIMIT:
        return text[:EXCEL_TEXT_LIMIT], True
    return text, False


def quote(value: str, limit: int = 60) -> str:
    """A found value as a message quotes it (a :class:`~kpi_xl.texts.Message`: ``« 12,5 € »`` in French).

    >>> quote("12,5 €"), quote("")
    ('"12,5 €"', 'nothing')
    """
    if not value.strip():
        return Message("import.found.nothing")
    return Message("import.found.text", text=value if len(value) <= limit else value[:limit - 1] + "…")
