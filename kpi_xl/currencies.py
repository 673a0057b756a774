"""Currencies: the ISO 4217 codes a tracker's `Currency` may hold, and the symbols read as one of them.

Every money amount of a tracker is in one currency, named on `Settings` and
written into each money format; an import refuses an export in another.  A
name that is no currency (``banana money``) would be printed after every
figure and compared with every export's code, so the reader accepts only the
codes of ISO 4217 and the few symbols that stand for one currency only
(``€`` is EUR; ``$`` and ``¥`` are several, so they are refused).
"""

from __future__ import annotations

from .texts import Message

ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())
"""The active currency codes of ISO 4217 (funds, metals and test codes left out)."""

SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND",
           "₱": "PHP", "฿": "THB", "₴": "UAH", "₦": "NGN", "₸": "KZT", "zł": "PLN", "Kč": "CZK", "лв": "BGN",
           "US$": "USD", "CA$": "CAD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL"}
"""Symbols that stand for one currency only."""

AMBIGUOUS = {"$": "dollar", "¥": "yen", "kr": "krona", "Fr": "franc", "R": "rand", "dollar": "dollar",
             "dollars": "dollar"}
"""Symbols several currencies write: refused, naming the codes to choose from (``input.currency.<key>``)."""


def currency_code(text: str) -> tuple[str | None, str | None]:
    """(the ISO 4217 code, None) for a code or a symbol that names one; (None, why not) otherwise (a
    :class:`~kpi_xl.texts.Message`).

    >>> currency_code("eur"), currency_code(" € "), currency_code("$")
    (('EUR', None), ('EUR', None), (None, 'type its code: USD, CAD, AUD…'))
    >>> currency_code("banana money")
    (None, 'not an ISO 4217 code')
    """
    text = text.strip()
    if text.upper() in ISO_4217:
        return text.upper(), None
    if text in SYMBOLS:
        return SYMBOLS[text], None
    if text in AMBIGUOUS or text.casefold() in AMBIGUOUS:
        codes = Message(f"input.currency.{AMBIGUOUS.get(text) or AMBIGUOUS[text.casefold()]}")
        return None, Message("input.currency.ambiguous", codes=codes)
    return None, Message("input.currency.not_iso")
