"""Invariants of the core, on random trackers (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.metrics import REGISTRY
from kpi_xl.periods import month_label, parse_period
from kpi_xl.schema import ADS, ADS_SUMS, LEDGER_TYPES
from kpi_xl.tracker import Tracker

approx = pytest.approx
CHANNELS = ["Meta", "Google", "LinkedIn", "meta"]
SUM_IDS = [k.id for k in REGISTRY.values() if k.formula.startswith("Σ")]

counts = st.integers(min_value=0, max_value=50_000)
money = st.integers(min_value=0, max_value=10_000_00).map(lambda c: c / 100)
dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))

ads_rows = st.lists(st.fixed_dictionaries({
    "Date": dates, "Channel": st.sampled_from(CHANNELS), "Campaign": st.sampled_from(["A", "B", ""]),
    "Impressions": counts, "Clicks": counts, "Spend": money, "Leads": counts, "Calls": counts,
    "Customers": counts, "Revenue": money,
}), max_size=40)
ledger_rows = st.lists(st.fixed_dictionaries({
    "Date": dates, "Type": st.sampled_from(LEDGER_TYPES),
    "Amount": st.integers(min_value=-100_000, max_value=1_000_000).map(lambda c: c / 100),
}), max_size=40)


def row_sum(rows, header, keep=lambda r: True):
    return sum(r[header] for r in rows if keep(r))


@settings(max_examples=60, deadline=None)
@given(ads_rows, st.sampled_from(["2025", "2026", "2026-Q2", "2025-11", None]), st.sampled_from([None, "meta", "Google"]))
def test_every_ratio_is_a_ratio_of_sums(rows, period, channel):
    t = Tracker.from_records(rows, [])
    p = parse_period(period)
    picked = [r for r in rows if (r["Date"].year * 12 + r["Date"].month - 1) in p
              and (channel is None or r["Channel"].casefold() == channel.casefold())]
    v = t.kpis(period, channel)
    spend, clicks, leads, impressions = (row_sum(picked, h) for h in ("Spend", "Clicks", "Leads", "Impressions"))
    customers, revenue = row_sum(picked, "Customers"), row_sum(picked, "Revenue")
    assert v["cpc"] == (None if clicks == 0 else approx(spend / clicks))
    assert v["cpl"] == (None if leads == 0 else approx(spend / leads))
    assert v["ctr"] == (None if impressions == 0 else approx(clicks / impressions))
    assert v["cac"] == (None if customers == 0 else approx(spend / customers))
    assert v["roas"] == (None if spend == 0 else approx(revenue / spend))


@settings(max_examples=40, deadline=None)
@given(ads_rows, ledger_rows)
def test_a_year_is_the_sum_of_its_months(ads, ledger):
    t = Tracker.from_records(ads, ledger)
    year = t.kpis("2026")
    months = [t.kpis(f"2026-{m:02d}") for m in range(1, 13)]
    for kpi_id in SUM_IDS + ["gross_profit", "operating_profit", "net_profit", "ads_profit"]:
        assert year[kpi_id] == approx(sum(m[kpi_id] for m in months), abs=1e-6), kpi_id
    # and a ratio of the year is the ratio of the summed months, not a mean of monthly ratios
    spend, clicks = sum(m["spend"] for m in months), sum(m["clicks"] for m in months)
    assert year["cpc"] == (None if clicks == 0 else approx(spend / clicks))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_the_quarter_and_year_of_a_month_contain_it(day):
    month = parse_period(f"{day:%Y-%m}")
    quarter = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    year = parse_period(str(day.year))
    assert month.first == month.last == parse_period(day).first == parse_period(day.isoformat()).first
    assert quarter.first <= month.first <= quarter.last and quarter.last - quarter.first == 2
    assert year.first <= quarter.first <= quarter.last <= year.last
    assert month_label(month.first) == f"{day:%Y-%m}"


@settings(max_examples=40, deadline=None)
@given(ads_rows, st.sampled_from([None, "2026", "2025-Q4"]))
def test_adding_up_every_channel_gives_the_total(rows, period):
    t = Tracker.from_records(rows, [])
    total = t.kpis(period)
    channels = {r["Channel"].casefold() for r in rows}
    parts = [t.kpis(period, channel=c) for c in channels]
    for kpi_id in ADS_SUMS:
        assert total[kpi_id] == approx(sum(p[kpi_id] for p in parts), abs=1e-6)
    # Campaigns within a channel add up to the channel too.
    for c in channels:
        whole = t.kpis(period, channel=c)["spend"]
        by_campaign = sum(t.kpis(period, channel=c, campaign=k)["spend"] for k in ("A", "B"))
        blank = sum(r["Spend"] for r in rows if r["Channel"].casefold() == c and r["Campaign"] == ""
                    and (r["Date"].year * 12 + r["Date"].month - 1) in parse_period(period))
        assert whole == approx(by_campaign + blank, abs=1e-6)


def test_every_kpi_has_a_formula_and_a_doctest():
    import doctest

    from kpi_xl import metrics

    finder = doctest.DocTestFinder()
    for kpi in REGISTRY.values():
        assert kpi.formula, kpi.id
        tests = finder.find(kpi.func, module=metrics)
        assert tests and tests[0].examples, f"{kpi.id} has no doctest"
    assert [h for h in ADS.headers[3:]] == [s.capitalize() for s in ADS_SUMS]
