"""How values are shown to people: money in the tracker's currency, rates as percentages.

One place for display formats, shared by the command line and the summary
sheets (Excel number formats are in :func:`excel_format`).
"""

from __future__ import annotations

import math

from .metrics import REGISTRY, Value

UNDEFINED = "—"


def format_value(kpi_id: str, value: Value, currency: str = "EUR") -> str:
    """A KPI value as text for a terminal.

    >>> format_value("cpc", 1.5, "EUR"), format_value("ctr", 0.01234), format_value("roas", 2.5)
    ('1.50 EUR', '1.23%', '2.50×')
    >>> format_value("clicks", 12345.0), format_value("runway_months", 7.25), format_value("cac", None)
    ('12,345', '7.2 months', '—')
    """
    if value is None:
        return UNDEFINED
    unit = REGISTRY[kpi_id].unit
    if unit == "money":
        return f"{value:,.2f} {currency}"
    if unit == "percent":
        return f"{value:.2%}"
    if unit == "multiple":
        return f"{value:,.2f}×"
    if unit == "months":
        return f"{value:,.1f} months"
    return f"{value:,.0f}"


def signed_percent(p: float) -> str:
    """A change as people write it, with a true minus sign.

    >>> signed_percent(0.85), signed_percent(-0.2)
    ('+85%', '−20%')
    """
    return f"{p:+.0%}".replace("-", "−")


def excel_format(unit: str, currency: str = "EUR") -> str:
    """The Excel number format of a unit: the one mapping every writer uses.

    >>> excel_format("money", "EUR")
    '#,##0.00 "EUR";-#,##0.00 "EUR"'
    >>> excel_format("month"), excel_format("text")
    ('yyyy-mm', 'General')
    """
    safe = currency.replace('"', "")
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


def setting_format(kind: str, currency: str = "EUR", months: str = "months") -> str | None:
    """The number format of a Settings cell of ``kind`` (None: General); ``months`` is the word for months.

    >>> setting_format("whole_months"), setting_format("rate")
    ('0" months"', '0.00%')
    """
    return {
        "currency": None,
        "money": excel_format("money", currency),
        "date": excel_format("date"),
        "ratio": excel_format("multiple"),
        "rate": excel_format("percent"),
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
