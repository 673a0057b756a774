"""What a tracker's numbers say: the summary tables, the alerts, what changed, the forecast, in words.

Pure: a :class:`~kpi_xl.tracker.Tracker` in, rows and sentences out.  Every
number comes from :meth:`Tracker.kpis` (the one core); :mod:`kpi_xl.report`
puts these at their places on the sheets, and the writers lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import format_value, money, percent_threshold, short_number, signed_percent
from .layout import ADS_SUMMARY_IDS, PNL_IDS, TARGETS, Target
from .metrics import Forecast, Value
from .periods import Period, month_label, month_start
from .schema import SETTINGS_BY_NAME
from .texts import Texts, texts
from .tracker import Tracker

CHANGE_THRESHOLD = 0.10
"""A move of at least this much (either way) since last month is worth a sentence."""


@dataclass(frozen=True)
class AdsSummaryRow:
    month: str
    channel: str | None  # None: the month's total over every channel
    values: dict[str, Value]

    @property
    def is_total(self) -> bool:
        return self.channel is None


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
        rows.append(AdsSummaryRow(label, None, tracker.kpis(label, ids=ADS_SUMMARY_IDS)))
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


def target_value(tracker: Tracker, target: Target) -> float | None:
    """The target's value in the tracker's Settings (None: blank, no alert)."""
    return getattr(tracker.settings, SETTINGS_BY_NAME[target.setting.casefold()].field)


def broken(target: Target, value: Value, limit: float | None) -> bool:
    """Whether ``value`` is off ``target`` (never when either is blank or undefined)."""
    if limit is None or value is None:
        return False
    return value < limit if target.kind == "min" else value > limit


def reserve(tracker: Tracker, month: int) -> float:
    """ReserveMonths × the month's fixed costs (the cash alert's line)."""
    return tracker.settings.reserve_months * tracker.ledger_month(month).fixed_costs


def alerts(tracker: Tracker, month: int, words: Texts | None = None) -> list[str]:
    """The alerts in force for a month, in words."""
    words = words or texts()
    lang = words.lang
    v = tracker.kpis(month_label(month))
    cur = tracker.settings.currency
    out = []
    for t in TARGETS:
        limit = target_value(tracker, t)
        if broken(t, v[t.kpi_id], limit):
            out.append(words("alert.below" if t.kind == "min" else "alert.above", kpi=words.kpi(t.kpi_id),
                             value=format_value(t.kpi_id, v[t.kpi_id], cur, lang),
                             setting=words.setting_label(t.setting), target=format_value(t.kpi_id, limit, cur, lang)))
    if v["net_profit"] is not None and v["net_profit"] < 0:
        out.append(words("alert.net_profit", value=format_value("net_profit", v["net_profit"], cur, lang)))
    line = reserve(tracker, month)
    if v["cash_end"] < line:
        out.append(words("alert.cash", cash=format_value("cash_end", v["cash_end"], cur, lang),
                         months=short_number(tracker.settings.reserve_months, lang),
                         line=format_value("cash_end", line, cur, lang)))
    return out


def _pct(before: Value, after: Value) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return (after - before) / abs(before)


def what_changed(tracker: Tracker, month: int, words: Texts | None = None,
                 threshold: float = CHANGE_THRESHOLD) -> list[str]:
    """Plain sentences on the moves since the previous month that matter.

    The funnel is read step by step, so that a dearer lead is not called bad
    news when the customer got cheaper (the article's story), nor a cheaper
    click good news when the leads dried up.
    """
    words = words or texts()
    a, b = tracker.kpis(month_label(month - 1)), tracker.kpis(month_label(month))
    move = _Moves(a, b, tracker.settings.currency, threshold, words)
    out = _funnel(move) + _returns(move, tracker.settings.target_roas) + _money(move)
    if not out:
        out.append(words("changed.nothing", threshold=percent_threshold(threshold, words.lang)))
    first = words("changed.line", month=words.month(month), previous=words.month(month - 1),
                  text=words.after_colon(out[0]))
    return [words.line_start(first)] + out[1:]


class _Moves:
    """Last month's and this month's KPIs, their relative changes, and which moved by the threshold or more."""

    def __init__(self, a: dict[str, Value], b: dict[str, Value], currency: str, threshold: float, words: Texts):
        self.a, self.b, self.currency, self.words = a, b, currency, words
        self.change = {k: _pct(a[k], b[k]) for k in ("cpc", "cpl", "cac", "roas", "ctr", "sales", "net_profit",
                                                     "spend")}
        self.big = {k for k, p in self.change.items() if p is not None and abs(p) >= threshold}
        self.pct = {k: signed_percent(p, words.lang) for k, p in self.change.items() if p is not None}

    def up(self, kpi_id: str) -> bool:
        return self.change[kpi_id] > 0

    def value(self, kpi_id: str, v: Value) -> str:
        return format_value(kpi_id, v, self.currency, self.words.lang)

    def before_after(self, key: str, kpi_id: str, **params: str) -> str:
        return self.words(key, before=self.value(kpi_id, self.a[kpi_id]), after=self.value(kpi_id, self.b[kpi_id]),
                          **params)


def _funnel(m: _Moves) -> list[str]:
    """Cost per lead against cost per customer, cost per click against cost per lead, cost per customer."""
    out, told_cac = [], False
    words, ch, pct = m.words, m.change, m.pct
    if "cpl" in m.big and ch["cac"] is not None and m.up("cpl") != m.up("cac"):
        key = "changed.cpl_up_cac_down" if m.up("cpl") else "changed.cpl_down_cac_up"
        out.append(words(key, cpl=pct["cpl"], cac=pct["cac"]))
        told_cac = True
    elif "cpl" in m.big:
        out.append(words("changed.cpl", cpl=pct["cpl"]))
    if "cpc" in m.big and ch["cpl"] is not None and m.up("cpc") != m.up("cpl"):
        key = "changed.cpc_up_cpl_down" if m.up("cpc") else "changed.cpc_down_cpl_up"
        out.append(words(key, cpc=pct["cpc"], cpl=pct["cpl"]))
    elif "cpc" in m.big:
        out.append(words("changed.cpc", cpc=pct["cpc"]))
    if "cac" in m.big and not told_cac:
        out.append(m.before_after("changed.cac", "cac", change=pct["cac"]))
    return out


def _returns(m: _Moves, target: float | None) -> list[str]:
    """Return on ad spend crossing its target, either way."""
    a, b = m.a["roas"], m.b["roas"]
    if target is None or a is None or b is None:
        return []
    target_text = short_number(target, m.words.lang)
    if a >= target > b:
        return [m.words("changed.roas_below", target=target_text, before=m.value("roas", a), after=m.value("roas", b))]
    if a < target <= b:
        return [m.words("changed.roas_back", target=target_text, after=m.value("roas", b))]
    return []


def _money(m: _Moves) -> list[str]:
    """Sales, and net profit when it moved or changed sign."""
    out = []
    if "sales" in m.big:
        out.append(m.before_after("changed.sales", "sales", change=m.pct["sales"]))
    a, b = m.a["net_profit"], m.b["net_profit"]
    if a is not None and b is not None and ("net_profit" in m.big or (a < 0) != (b < 0)):
        if m.change["net_profit"] is not None:
            out.append(m.before_after("changed.net_profit", "net_profit", change=m.pct["net_profit"]))
        else:
            out.append(m.before_after("changed.net_profit.sign", "net_profit"))
    return out


def forecast_sentence(tracker: Tracker, forecast: Forecast, as_of: int, words: Texts | None = None) -> str:
    """The forecast in one sentence, for the Dashboard."""
    words = words or texts()
    cur = tracker.settings.currency

    def whole(v: float) -> str:
        return money(v, cur, 0, words.lang)

    def name(m: int) -> str:
        day = month_start(m)
        return words.month_year(day.year, day.month)

    low = forecast.low()
    reserve_text = words("forecast.sentence.reserve", months=short_number(tracker.settings.reserve_months, words.lang),
                         amount=whole(forecast.reserve))
    low_text = words("forecast.sentence.low_plan" if low.plan else "forecast.sentence.low",
                     month=name(as_of + low.offset), cash=whole(low.cash_end))
    pay = forecast.max_owner_pay()
    until = name(as_of + forecast.months)
    if pay > 0:
        return words("forecast.sentence.pay", pay=whole(pay), until=until, reserve=reserve_text, low=low_text)
    return words("forecast.sentence.hold", reserve=reserve_text, until=until, low=low_text)
