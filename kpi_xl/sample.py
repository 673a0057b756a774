"""A year of realistic, deterministic sample data for the demo and `kpi-xl new --sample`.

A coaching business sells a 1,500 € programme through three channels (Meta,
Google, LinkedIn) and five campaigns, one `Ads` row per campaign per day, with
seasonality (a quiet August, a busy autumn).  Calls and customers follow the
funnel; every customer is also an invoice in the `Ledger`, beside referrals,
rent, software, freelancers, the ad platforms' invoices, owner pay and taxes.

The article's story is in May: the lead form gains qualifying questions, so
cheaper clicks (a broader audience) turn into half as many leads — the cost
per lead roughly doubles — but those leads book calls and buy far more often,
and net profit rises.  :data:`STORY_MONTH` names it; a test checks the story
through the KPI core.

Same seed, same rows: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from .tracker import Settings

YEAR = 2026
STORY_MONTH = "2026-05"
PRICE = 1500.0

# Relative activity by month (budget and audience): quiet August, busy autumn.
SEASON = (0.85, 0.95, 1.0, 1.0, 1.0, 0.95, 0.8, 0.55, 1.1, 1.2, 1.15, 0.8)


@dataclass(frozen=True)
class Campaign:
    channel: str
    name: str
    impressions: float  # per day, before seasonality
    ctr: float
    cpc: float
    click_to_lead: float
    lead_to_call: float
    call_to_customer: float


CAMPAIGNS = (
    Campaign("Meta", "Free guide", 5200, 0.0125, 0.62, 0.11, 0.08, 0.25),
    Campaign("Meta", "Retargeting", 1800, 0.009, 0.80, 0.09, 0.12, 0.28),
    Campaign("Google", "Search - Brand", 450, 0.085, 0.45, 0.12, 0.14, 0.30),
    Campaign("Google", "Search - Coaching", 1400, 0.04, 1.35, 0.07, 0.10, 0.25),
    Campaign("LinkedIn", "Webinar", 2200, 0.0055, 3.40, 0.16, 0.12, 0.30),
)

# From May on the lead form asks qualifying questions (see the module docstring).
STORY_FROM = dt.date(2026, 5, 1)
STORY_EFFECT = {"cpc": 0.85, "click_to_lead": 0.40, "lead_to_call": 2.4, "call_to_customer": 1.2}

FIXED_COSTS = (  # (day of month, label, category, amount)
    (1, "Office rent", "Rent", 1150.0),
    (3, "CRM subscription", "Software", 129.0),
    (3, "Video calls subscription", "Software", 39.0),
    (5, "Scheduling tool", "Software", 24.0),
    (10, "Accountant", "Accounting", 180.0),
    (12, "Professional insurance", "Insurance", 86.0),
    (20, "Phone and internet", "Telecom", 59.0),
    (25, "Part-time assistant", "Staff", 1950.0),
)


@dataclass(frozen=True)
class SampleData:
    ads: list[dict]
    ledger: list[dict]
    settings: Settings
    plan: list[dict]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:  # normal approximation
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def sample_data(seed: int = 17) -> SampleData:
    """The sample year (2026): ~1,800 `Ads` rows, ~400 `Ledger` entries."""
    rng = random.Random(seed)
    ads: list[dict] = []
    ledger: list[dict] = []
    invoice = 0
    day = dt.date(YEAR, 1, 1)
    while day.year == YEAR:
        season = SEASON[day.month - 1] * (0.75 if day.weekday() >= 5 else 1.05)
        for c in CAMPAIGNS:
            effect = STORY_EFFECT if day >= STORY_FROM else {}
            impressions = _poisson(rng, c.impressions * season * rng.uniform(0.85, 1.15))
            clicks = _poisson(rng, impressions * c.ctr)
            cpc = c.cpc * effect.get("cpc", 1.0) * rng.uniform(0.9, 1.1)
            spend = round(clicks * cpc, 2)
            leads = _poisson(rng, clicks * c.click_to_lead * effect.get("click_to_lead", 1.0))
            calls = min(leads, _poisson(rng, leads * c.lead_to_call * effect.get("lead_to_call", 1.0)))
            customers = min(calls, _poisson(rng, calls * c.call_to_customer * effect.get("call_to_customer", 1.0)))
            revenue = customers * PRICE
            ads.append({"Date": day, "Channel": c.channel, "Campaign": c.name, "Impressions": impressions,
                        "Clicks": clicks, "Spend": spend, "Leads": leads, "Calls": calls,
                        "Customers": customers, "Revenue": revenue})
            for _ in range(customers):
                invoice += 1
                ledger.append({"Date": day, "Label": f"Invoice {YEAR}-{invoice:04d} - coaching programme",
                               "Category": "Coaching", "Type": "Revenue", "Amount": PRICE})
                # A freelance coach delivers part of each programme.
                ledger.append({"Date": day, "Label": f"Freelance coach - invoice {YEAR}-{invoice:04d}",
                               "Category": "Freelancers", "Type": "Variable cost", "Amount": 420.0})
        if day.weekday() == 2 and rng.random() < 0.45:  # referrals, not from ads
            invoice += 1
            ledger.append({"Date": day, "Label": f"Invoice {YEAR}-{invoice:04d} - referral",
                           "Category": "Coaching", "Type": "Revenue", "Amount": PRICE})
            ledger.append({"Date": day, "Label": f"Freelance coach - invoice {YEAR}-{invoice:04d}",
                           "Category": "Freelancers", "Type": "Variable cost", "Amount": 420.0})
        day += dt.timedelta(days=1)

    for month in range(1, 13):
        for dom, label, category, amount in FIXED_COSTS:
            ledger.append({"Date": dt.date(YEAR, month, dom), "Label": label, "Category": category,
                           "Type": "Fixed cost", "Amount": amount})
        # The ad platforms invoice last month's spend (a variable cost).
        if month > 1:
            for channel in ("Meta", "Google", "LinkedIn"):
                spent = sum(r["Spend"] for r in ads if r["Channel"] == channel and r["Date"].month == month - 1)
                ledger.append({"Date": dt.date(YEAR, month, 2), "Label": f"{channel} Ads invoice",
                               "Category": "Advertising", "Type": "Variable cost", "Amount": round(spent, 2)})
        ledger.append({"Date": dt.date(YEAR, month, 28), "Label": "Owner pay", "Category": "Owner",
                       "Type": "Owner pay", "Amount": 3500.0})
        ledger.append({"Date": dt.date(YEAR, month, 15), "Label": "Social charges", "Category": "Social charges",
                       "Type": "Tax", "Amount": 1350.0})
        if month in (3, 6, 9, 12):
            ledger.append({"Date": dt.date(YEAR, month, 15), "Label": "Corporate tax instalment",
                           "Category": "Corporate tax", "Type": "Tax", "Amount": 1800.0})
    # A refund: a negative amount reverses.
    ledger.append({"Date": dt.date(YEAR, 9, 18), "Label": "Refund - invoice cancelled", "Category": "Coaching",
                   "Type": "Revenue", "Amount": -PRICE})
    ledger.sort(key=lambda r: (r["Date"], r["Type"], r["Label"]))
    settings = Settings(currency="EUR", opening_cash=18000.0, opening_date=dt.date(YEAR, 1, 1),
                        target_roas=2.0, max_cac=600.0, max_cpl=60.0, min_ctr=0.008, min_gross_margin=0.5,
                        reserve_months=3.0, forecast_months=6)
    plan = [  # what the owner already knows is coming (the forecast adds it)
        {"Month": "2027-03", "Label": "Corporate tax balance for 2026", "Type": "Tax", "Amount": 14_000.0},
        {"Month": "2027-05", "Label": "New laptop and camera", "Type": "Fixed cost", "Amount": 3_200.0},
    ]
    return SampleData(ads, ledger, settings, plan)
