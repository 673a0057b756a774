"""Documentation generated from the code: the README's KPI table comes from here.

``python -m kpi_xl.docs`` prints the table; a test fails when the README's
copy differs, so the docs can never drift from the core.
"""

from __future__ import annotations

from .metrics import REGISTRY

UNITS = {"money": "money", "percent": "%", "count": "count", "multiple": "×", "months": "months"}
SOURCES = {"ads": "Ads", "ledger": "Ledger", "blended": "Ledger ÷ Ads", "forecast": "Ledger + Plan"}


def kpi_table_markdown() -> str:
    lines = ["| id | what it is | formula | unit | from |", "|---|---|---|---|---|"]
    for k in REGISTRY.values():
        lines.append(f"| `{k.id}` | {k.label} | {k.formula} | {UNITS[k.unit]} | {SOURCES[k.origin]} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(kpi_table_markdown())
