"""What a refresh shows: summary tables, headline KPIs, alerts and "what changed", as data.

Pure: a :class:`~kpi_xl.tracker.Tracker` in, rows and sentences out.  Every
number comes from :meth:`Tracker.kpis` (the one core); the writers (a file on
disk, or a workbook open in Excel) only lay these out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import format_value
from .metrics import KPIS, Value
from .periods import Period, month_label
from .tracker import Tracker

ADS_SUMMARY_IDS = tuple(k.id for k in KPIS.values() if k.source == "ads")
PNL_IDS = ("sales", "variable_costs", "gross_profit", "gross_margin", "fixed_costs", "operating_profit",
           "owner_pay", "tax", "other_income", "other_expense", "non_cash_income", "non_cash_expense",
           "net_profit", "net_margin", "cash_end", "burn", "runway_months", "safe_owner_pay", "breakeven_sales", "mer")
HEADLINE_IDS = ("spend", "cpc", "cpl", "cost_per_call", "cac", "ctr", "roas", "sales", "gross_margin",
                "net_profit", "cash_end", "runway_months", "safe_owner_pay", "mer")
ALL_CHANNELS = "All channels"


@dataclass(frozen=True)
class AdsSummaryRow:
    month: str
    channel: str  # a channel, or ALL_CHANNELS for the month's total
    values: dict[str, Value]

    @property
    def is_total(self) -> bool:
        return self.channel == ALL_CHANNELS


def ads_summary(tracker: Tracker) -> list[AdsSummaryRow]:
    """One row per month × channel, then the month's total row."""
    rows = []
    channels = tracker.channels()
    for month in tracker.ads_months():
        label = month_label(month)
        for channel in channels:
            values = tracker.kpis(label, channel=channel, ids=ADS_SUMMARY_IDS)
            if values["impressions"] or values["clicks"] or values["spend"] or values["leads"]:
                rows.append(AdsSummaryRow(label, channel, values))
        rows.append(AdsSummaryRow(label, ALL_CHANNELS, tracker.kpis(label, ids=ADS_SUMMARY_IDS)))
    return rows


def pnl(tracker: Tracker) -> list[tuple[str, dict[str, Value]]]:
    """One row per month, from the first to the last month with a Ledger entry (gaps included)."""
    months = tracker.ledger_months()
    if not months:
        return []
    return [(month_label(m), tracker.kpis(month_label(m), ids=PNL_IDS)) for m in range(months[0], months[-1] + 1)]


def latest_month(tracker: Tracker) -> int | None:
    months = tracker.months()
    return months[-1] if months else None


def trailing_12(month: int) -> Period:
    return Period(f"{month_label(month - 11)} – {month_label(month)}", month - 11, month)


@dataclass(frozen=True)
class Target:
    kpi_id: str
    setting: str  # the named Settings cell
    kind: str  # "min" (KPI must be ≥ target) or "max"
    value: float | None
    severity: str  # "red" or "amber"

    def broken(self, v: Value) -> bool:
        if self.value is None or v is None:
            return False
        return v < self.value if self.kind == "min" else v > self.value


def targets(tracker: Tracker) -> list[Target]:
    """The alert rules (``docs/workbook.md``, "Alerts"); a blank target gives no alert."""
    s = tracker.settings
    return [
        Target("roas", "TargetROAS", "min", s.target_roas, "red"),
        Target("cac", "MaxCAC", "max", s.max_cac, "red"),
        Target("cpl", "MaxCPL", "max", s.max_cpl, "amber"),
        Target("ctr", "MinCTR", "min", s.min_ctr, "amber"),
        Target("gross_margin", "MinGrossMargin", "min", s.min_gross_margin, "amber"),
    ]


def reserve(tracker: Tracker, month: int) -> float:
    """ReserveMonths × the month's fixed costs (the cash alert's line)."""
    return tracker.settings.reserve_months * tracker.ledger_month(month).fixed_costs


def alerts(tracker: Tracker, month: int) -> list[str]:
    """The alerts in force for a month, in words."""
    v = tracker.kpis(month_label(month))
    cur = tracker.settings.currency
    out = []
    for t in targets(tracker):
        if t.broken(v[t.kpi_id]):
            word = "below" if t.kind == "min" else "above"
            out.append(f"{KPIS[t.kpi_id].label} {format_value(t.kpi_id, v[t.kpi_id], cur)} is {word} "
                       f"{t.setting} {format_value(t.kpi_id, t.value, cur)}")
    if v["net_profit"] is not None and v["net_profit"] < 0:
        out.append(f"Net profit is negative: {format_value('net_profit', v['net_profit'], cur)}")
    line = reserve(tracker, month)
    if v["cash_end"] < line:
        out.append(f"Cash at month end {format_value('cash_end', v['cash_end'], cur)} is below the reserve "
                   f"({tracker.settings.reserve_months:g} months of fixed costs: {format_value('cash_end', line, cur)})")
    return out


def _pct(before: Value, after: Value) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return (after - before) / abs(before)


def _signed(p: float) -> str:
    """+85% / −20% (a true minus sign, as people write it)."""
    return f"{p:+.0%}".replace("-", "−")


def what_changed(tracker: Tracker, month: int, threshold: float = 0.10) -> list[str]:
    """Plain sentences on the moves since the previous month that matter.

    The funnel is read step by step, so that a dearer lead is not called bad
    news when the customer got cheaper (the article's story), nor a cheaper
    click good news when the leads dried up.
    """
    a, b = tracker.kpis(month_label(month - 1)), tracker.kpis(month_label(month))
    cur = tracker.settings.currency
    ch = {k: _pct(a[k], b[k]) for k in ("cpc", "cpl", "cac", "roas", "ctr", "sales", "net_profit", "spend")}
    big = {k: p for k, p in ch.items() if p is not None and abs(p) >= threshold}
    out: list[str] = []
    if "cpl" in big and ch["cac"] is not None and (ch["cpl"] > 0) != (ch["cac"] > 0):
        if ch["cpl"] > 0:
            out.append(f"Cost per lead {_signed(ch['cpl'])} but cost per customer {_signed(ch['cac'])}: "
                       "the extra leads were better qualified.")
        else:
            out.append(f"Cost per lead {_signed(ch['cpl'])} but cost per customer {_signed(ch['cac'])}: "
                       "cheaper leads, but fewer of them buy.")
        big.pop("cac", None)
    elif "cpl" in big:
        out.append(f"Cost per lead {_signed(ch['cpl'])}.")
    if "cpc" in big and ch["cpl"] is not None and (ch["cpc"] > 0) != (ch["cpl"] > 0):
        if ch["cpc"] < 0:
            out.append(f"Cost per click {_signed(ch['cpc'])} while cost per lead {_signed(ch['cpl'])}: "
                       "cheaper clicks turned into fewer leads.")
        else:
            out.append(f"Cost per click {_signed(ch['cpc'])} while cost per lead {_signed(ch['cpl'])}: "
                       "dearer clicks, but more of them became leads.")
    elif "cpc" in big:
        out.append(f"Cost per click {_signed(ch['cpc'])}.")
    if "cac" in big:
        out.append(f"Cost per customer {_signed(ch['cac'])} ({format_value('cac', a['cac'], cur)} → "
                   f"{format_value('cac', b['cac'], cur)}).")
    target = tracker.settings.target_roas
    if target is not None and a["roas"] is not None and b["roas"] is not None:
        if a["roas"] >= target > b["roas"]:
            out.append(f"Return on ad spend fell below the {target:g}× target ({a['roas']:.2f}× → {b['roas']:.2f}×).")
        elif a["roas"] < target <= b["roas"]:
            out.append(f"Return on ad spend is back above the {target:g}× target ({b['roas']:.2f}×).")
    if "sales" in big:
        out.append(f"Sales {_signed(ch['sales'])} ({format_value('sales', a['sales'], cur)} → "
                   f"{format_value('sales', b['sales'], cur)}).")
    if a["net_profit"] is not None and b["net_profit"] is not None and (
            "net_profit" in big or (a["net_profit"] < 0) != (b["net_profit"] < 0)):
        change = f" {_signed(ch['net_profit'])}" if ch["net_profit"] is not None else ""
        out.append(f"Net profit{change}: {format_value('net_profit', a['net_profit'], cur)} → "
                   f"{format_value('net_profit', b['net_profit'], cur)}.")
    if not out:
        out.append("No move of 10% or more in the funnel or the profit since last month.")
    return [f"{month_label(month)} against {month_label(month - 1)}: " + out[0]] + out[1:]
