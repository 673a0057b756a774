"""How values are shown to people: money in the tracker's currency, rates as percentages, in its language.

One place for display formats, shared by the command line, the sentences of
the Dashboard and the summary sheets (Excel number formats are in
:func:`excel_format`).  English writes ``1,234.56 EUR`` and ``12.50%``;
French writes ``1 234,56 €`` and ``12,50 %``, with a narrow no-break space
(U+202F) between thousands and a no-break space (U+00A0) before the symbol,
as French typography (and CLDR) has it.
"""

from __future__ import annotations

import math

from .metrics import REGISTRY, Value

UNDEFINED = "—"
NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"
SYMBOLS = {"fr": {"EUR": "€"}}
"""Currencies a language writes with a symbol after the amount; any other stays a code (``12,50 CHF``)."""


def number(value: float, decimals: int = 2, lang: str = "en") -> str:
    """A number with its thousands grouped, the language's way.

    >>> number(1234.5), number(1234.5, lang="fr"), number(-502.01, lang="fr"), number(-0.001, lang="fr")
    ('1,234.50', '1\\u202f234,50', '−502,01', '0,00')
    """
    if lang != "fr":
        return f"{value:,.{decimals}f}"
    if round(value, decimals) == 0:
        value = 0.0
    text = f"{abs(value):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return (MINUS if value < 0 else "") + text


def money(value: float, currency: str = "EUR", decimals: int = 2, lang: str = "en") -> str:
    """``1,234.56 EUR``; ``1 234,56 €``.

    >>> money(1234.56, "EUR"), money(18041.67, "EUR", 0, "fr"), money(12.5, "CHF", lang="fr")
    ('1,234.56 EUR', '18\\u202f042\\xa0€', '12,50\\xa0CHF')
    """
    if lang != "fr":
        return f"{value:,.{decimals}f} {currency}"
    return f"{number(value, decimals, lang)}{NBSP}{SYMBOLS['fr'].get(currency.upper(), currency)}"


def format_value(kpi_id: str, value: Value, currency: str = "EUR", lang: str = "en") -> str:
    """A KPI value as text (a terminal, a sentence).

    >>> format_value("cpc", 1.5, "EUR"), format_value("ctr", 0.01234), format_value("roas", 2.5)
    ('1.50 EUR', '1.23%', '2.50×')
    >>> format_value("clicks", 12345.0), format_value("runway_months", 7.25), format_value("cac", None)
    ('12,345', '7.2 months', '—')
    >>> format_value("ctr", 0.01234, lang="fr"), format_value("runway_months", 7.25, lang="fr")
    ('1,23\\xa0%', '7,2\\xa0mois')
    """
    if value is None:
        return UNDEFINED
    unit = REGISTRY[kpi_id].unit
    if unit == "money":
        return money(value, currency, 2, lang)
    if lang == "fr":
        return {"percent": lambda: f"{number(value * 100, 2, lang)}{NBSP}%",
                "multiple": lambda: f"{number(value, 2, lang)}×",
                "months": lambda: f"{number(value, 1, lang)}{NBSP}mois"}.get(unit, lambda: number(value, 0, lang))()
    if unit == "percent":
        return f"{value:.2%}"
    if unit == "multiple":
        return f"{value:,.2f}×"
    if unit == "months":
        return f"{value:,.1f} months"
    return f"{value:,.0f}"


def short_number(value: float, lang: str = "en") -> str:
    """A setting shown in a sentence, as short as it reads: ``2.5``, ``2,5``, ``3``.

    >>> short_number(2.5), short_number(2.5, "fr"), short_number(3.0, "fr")
    ('2.5', '2,5', '3')
    """
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def signed_percent(p: float, lang: str = "en") -> str:
    """A change as people write it, with a true minus sign.

    >>> signed_percent(0.85), signed_percent(-0.2), signed_percent(-0.2, "fr")
    ('+85%', '−20%', '−20\\xa0%')
    """
    if lang == "fr":
        whole = round(p * 100)
        return f"{'+' if whole >= 0 else MINUS}{number(abs(whole), 0, lang)}{NBSP}%"
    return f"{p:+.0%}".replace("-", "−")


def percent_threshold(p: float, lang: str = "en") -> str:
    """``10%``, ``10 %``."""
    return f"{p:.0%}" if lang != "fr" else f"{p * 100:.0f}{NBSP}%"


def excel_format(unit: str, currency: str = "EUR", lang: str = "en") -> str:
    """The Excel number format of a unit: the one mapping every writer uses.

    Excel stores a format with ``,`` for thousands and ``.`` for decimals
    whatever the machine, and shows it with the machine's separators: a French
    tracker stores ``#,##0.00 "€"``, which Excel on a French machine shows as
    ``1 234,56 €``.  ``[$-40C]`` (French) makes month names French on any machine.

    >>> excel_format("money", "EUR")
    '#,##0.00 "EUR";-#,##0.00 "EUR"'
    >>> excel_format("month"), excel_format("text"), excel_format("money", "EUR", "fr")
    ('yyyy-mm', 'General', '#,##0.00 "€";-#,##0.00 "€"')
    >>> excel_format("month", lang="fr")
    '[$-40C]mmmm yyyy'
    """
    safe = SYMBOLS.get(lang, {}).get(currency.upper(), currency).replace('"', "")
    if lang == "fr":
        return {
            "money": f'#,##0.00 "{safe}";-#,##0.00 "{safe}"',
            "percent": "0.00\\ %",
            "multiple": '0.00"×"',
            "months": '0.0" mois"',
            "count": "#,##0",
            "month": "[$-40C]mmmm yyyy",
            "date": "dd/mm/yyyy",
            "text": "General",
            "sentence": "General",
        }[unit]
    return {
        "money": f'#,##0.00 "{safe}";-#,##0.00 "{safe}"',
        "percent": "0.00%",
        "multiple": '0.00"×"',
        "months": '0.0" mo"',
        "count": "#,##0",
        "month": "yyyy-mm",
        "date": "yyyy-mm-dd",
        "text": "General",
        "sentence": "General",
    }[unit]


def setting_format(kind: str, currency: str = "EUR", months: str = "months", lang: str = "en") -> str | None:
    """The number format of a Settings cell of ``kind`` (None: General); ``months`` is the word for months.

    >>> setting_format("whole_months"), setting_format("rate")
    ('0" months"', '0.00%')
    """
    return {
        "currency": None,
        "language": None,
        "name": None,
        "text": None,
        "money": excel_format("money", currency, lang),
        "date": excel_format("date", lang=lang),
        "ratio": excel_format("multiple", lang=lang),
        "rate": excel_format("percent", lang=lang),
        "months": f'0.0" {months}"',
        "whole_months": f'0" {months}"',
    }[kind]


def clean_number(value: Value) -> Value:
    """Strip float noise for JSON (12 significant digits), keep ``None``; a non-finite value is ``None`` too.

    >>> clean_number(0.1 + 0.2), clean_number(None), clean_number(float("inf"))
    (0.3, None, None)
    """
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.12g}")
