"""KPIs of a small tracker worked out by hand (rows in conftest.HAND_*), read from a real file."""

from __future__ import annotations

import json

import pytest

from kpi_xl import read_tracker

from .conftest import run_cli

approx = pytest.approx

# March 2026, worked on paper from the three March Ads rows:
#   impressions 10,000 + 2,000 + 5,000 = 17,000; clicks 400; spend 700; leads 35;
#   calls 8; customers 3; revenue 4,500.
MARCH_ADS = {
    "impressions": 17_000, "clicks": 400, "spend": 700, "leads": 35, "calls": 8, "customers": 3, "revenue": 4500,
    "ctr": 400 / 17_000, "cpc": 1.75, "cpm": 700_000 / 17_000, "cpl": 20.0, "cost_per_call": 87.5,
    "cac": 700 / 3, "click_to_lead": 0.0875, "lead_to_call": 8 / 35, "call_to_customer": 0.375,
    "lead_to_customer": 3 / 35, "revenue_per_customer": 1500.0, "roas": 4500 / 700, "ads_profit": 3800.0,
}
# Ledger, March: sales 3,000 + 2,000; variable 1,500; fixed 2,000; owner pay 1,000; tax 200.
MARCH_LEDGER = {
    "sales": 5000, "variable_costs": 1500, "gross_profit": 3500, "gross_margin": 0.7, "fixed_costs": 2000,
    "operating_profit": 1500, "owner_pay": 1000, "tax": 200, "net_profit": 300, "net_margin": 0.06,
    "breakeven_sales": 2000 / 0.7,
    # OpeningCash 10,000 on 2026-03-01; the February invoice is before it and does not move cash.
    "cash_end": 10_300,
    # Last 3 months Jan, Feb, Mar: flows 0, +999, +300: money came in.
    "burn": 0.0, "runway_months": None,
    # mean(op. profit − tax) over Jan..Mar = (0 + 999 + 1,300) / 3; reserve 3 × (0 + 0 + 2,000)/3 = 2,000 ≤ cash.
    "safe_owner_pay": 2299 / 3,
    "mer": 5000 / 700,
}


def test_march_by_hand(hand_tracker):
    values = read_tracker(hand_tracker).kpis("2026-03")
    for kpi_id, expected in {**MARCH_ADS, **MARCH_LEDGER}.items():
        assert values[kpi_id] == (None if expected is None else approx(expected)), kpi_id


def test_the_article_story_cost_per_lead_doubles_while_cost_per_click_falls_and_profit_rises(hand_tracker):
    t = read_tracker(hand_tracker)
    march, april = t.kpis("2026-03"), t.kpis("2026-04")
    # April: one Meta row, 500 clicks for 600 → 1.20 a click, 15 leads → 40 a lead, 3 customers → 200 each.
    assert april["cpc"] == approx(1.2) and march["cpc"] == approx(1.75)
    assert april["cpl"] == approx(40.0) and march["cpl"] == approx(20.0)
    assert april["cpl"] / march["cpl"] == approx(2.0)
    assert april["cac"] == approx(200.0) and april["cac"] < march["cac"]
    # Ledger, April: 8,000 − (2,500 − 100) − 2,000 − 1,000 − 300 = 2,300 > March's 300.
    assert april["net_profit"] == approx(2300.0) and april["net_profit"] > march["net_profit"]
    assert april["cash_end"] == approx(12_600.0)


def test_channel_and_campaign_filters_ignore_case(hand_tracker):
    t = read_tracker(hand_tracker)
    meta = t.kpis("2026-03", channel="META")
    # Rows "Meta" and "meta": 15,000 impressions, 300 clicks, 450 spend.
    assert (meta["impressions"], meta["clicks"], meta["spend"]) == (15_000, 300, 450)
    assert meta["cpc"] == approx(1.5)
    assert t.kpis("2026-03", campaign=" guide ")["spend"] == 450
    assert t.kpis("2026-03", channel="Google", campaign="Guide")["spend"] == 0
    assert t.kpis("2026-03", channel="Google", campaign="Guide")["cpc"] is None
    # Ledger KPIs and the blended MER ignore channel and campaign.
    assert meta["sales"] == 5000 and meta["mer"] == approx(5000 / 700)


def test_periods_longer_than_a_month(hand_tracker):
    t = read_tracker(hand_tracker)
    q1, year, everything = t.kpis("2026-Q1"), t.kpis("2026"), t.kpis()
    assert q1["sales"] == 5999 and q1["spend"] == 700
    assert year["sales"] == 13_999 and year["spend"] == 1300
    assert everything["sales"] == year["sales"]
    # Cash, burn and safe pay are taken at the period's last month with entries (April here).
    assert year["cash_end"] == approx(12_600) and everything["cash_end"] == approx(12_600)
    # Feb..Apr: (999 + 1,300 + 3,300) / 3, reserve 3 × 4,000/3 = 4,000 ≤ 12,600.
    assert year["safe_owner_pay"] == approx(5599 / 3)
    assert t.kpis("2026-04-17")["cpl"] == approx(40.0)  # a date means its month


def test_kpis_json_gives_the_hand_worked_numbers(hand_tracker):
    result = run_cli("kpis", hand_tracker, "--period", "2026-03", "--json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)
    assert list(values)[:3] == ["impressions", "clicks", "spend"]
    assert values["cpc"] == 1.75 and values["cpl"] == 20.0 and values["net_profit"] == 300
    assert values["runway_months"] is None  # undefined → null
    assert values["cac"] == approx(233.333333333)


def test_burn_and_runway_when_losing_money(tmp_path):
    import datetime as dt

    from kpi_xl.tracker import Settings
    from kpi_xl.workbook import write_tracker

    ledger = []
    for month, sales in ((1, 1000.0), (2, 2000.0), (3, 6000.0)):
        ledger += [{"Date": dt.date(2026, month, 1), "Type": "Fixed cost", "Amount": 4000.0},
                   {"Date": dt.date(2026, month, 2), "Type": "Revenue", "Amount": sales}]
    path = write_tracker(tmp_path / "burn.xlsx", [], ledger,
                         Settings(opening_cash=20_000.0, opening_date=dt.date(2026, 1, 1), reserve_months=3))
    v = read_tracker(path).kpis("2026-Q1")
    # Flows −3,000, −2,000, +2,000: burn = 3,000 / 3 = 1,000 a month; cash 20,000 − 3,000.
    assert v["burn"] == approx(1000.0)
    assert v["cash_end"] == approx(17_000.0)
    assert v["runway_months"] == approx(17.0)
    # mean(op. profit − tax) = −1,000 → 0; and cash 17,000 ≥ reserve 12,000.
    assert v["safe_owner_pay"] == 0.0
    # No ads at all: every advertising ratio is undefined, sums are 0.
    assert v["spend"] == 0 and v["cpc"] is None and v["mer"] is None
