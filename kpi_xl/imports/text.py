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

MISSING = frozenset({"", "--", "-", "—", "–", "n/a", "N/A"})
"""How exports write "no value" (Google's `` --``, Meta's ``-``): read as a blank cell."""


class DecodeError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def decode(data: bytes, legacy: str = "cp1252") -> tuple[str, str]:
    """(text, encoding as a user would name it); ``legacy`` when the bytes are not UTF-8.

    >>> decode("\\ufeffCampaign".encode("utf-8"))
    ('Campaign', 'UTF-8 with BOM')
    >>> decode("\\ufeffCampagne\\tCoût".encode("utf-16-le"))
    ('Campagne\\tCoût', 'UTF-16LE')
    >>> decode("Coût".encode("iso-8859-15"), "iso-8859-15")
    ('Coût', 'ISO-8859-15')
    """
    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
                             (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
                             (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE")):
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, name), name
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:  # UTF-16LE without a BOM
        return _strict(data, "utf-16-le", "UTF-16LE"), "UTF-16LE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode(legacy), legacy.upper()


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n" if "8" in codec else "\n".encode(codec)) + 1
        raise DecodeError(line, f"expected {name} text, found bytes that are not ({e.reason})") from None


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


def quote(value: str, limit: int = 60) -> str:
    """A found value as a message quotes it.

    >>> quote("12,5 €"), quote("")
    ('"12,5 €"', 'nothing')
    """
    if not value.strip():
        return "nothing"
    value = value if len(value) <= limit else value[:limit - 1] + "…"
    return f'"{value}"'
