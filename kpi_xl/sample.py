"""Twelve months of realistic, deterministic sample data for the demo and `kpi-xl new --sample`.

A coaching business sells a 1,500 € programme through three channels (Meta,
Google, LinkedIn) and five campaigns, one `Ads` row per campaign per day, with
seasonality (a quiet eighth month, a busy ninth to eleventh: August and
autumn when the sample ends in December).  Calls and customers follow the
funnel; every customer is also an invoice in the `Ledger`, beside referrals,
rent, software, freelancers, the ad platforms' invoices, owner pay and taxes.

The sample ends with the month you ask for; by default the last complete
month before today, so that no figure lies in the future.  Its fifth month
tells the article's story: the lead form gains qualifying questions, so
cheaper clicks (a broader audience) turn into half as many leads — the cost
per lead roughly doubles — but those leads book calls and buy far more often,
and net profit rises.  :attr:`SampleData.story_month` names that month; a test
checks the story through the KPI core for every end month of several years.

Same end month, same rows: only the default end month reads the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import re
from dataclasses import dataclass

from .periods import month_label, month_of, month_start, parse_period
from .tracker import Settings

MONTHS = 12
"""How many months the sample covers, ending with its end month."""
STORY_OFFSET = 4
"""The story month is the sample's fifth month (May for a sample ending in December)."""
PRICE = 1500.0

# Relative activity by month of the sample (budget and audience): its eighth is
# quiet, its ninth to eleventh busy — August and autumn for a calendar year.
SEASON = (0.85, 0.95, 1.0, 1.0, 1.0, 0.95, 0.8, 0.55, 1.1, 1.2, 1.15, 0.8)
TAX_MONTHS = (2, 5, 8, 11)
"""Months of the sample (from 0) with a corporate tax instalment: every third month."""
REFUND = (8, 18)
"""A refunded invoice: the sample's ninth month, on the 18th."""


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

# From the story month on, the lead form asks qualifying questions (see the module docstring).
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
    first_month: str
    """The sample's first month, e.g. ``2026-01``."""
    last_month: str
    """Its last month (the end month asked for), e.g. ``2026-12``."""
    story_month: str
    """The month the lead form changed (the sample's fifth), e.g. ``2026-05``."""
    seed: int
    """The random seed the rows were drawn with."""

    @property
    def before_story(self) -> str:
        """The month before the story month, the one it is compared with."""
        return month_label(parse_period(self.story_month).first - 1)

    @property
    def span(self) -> str:
        """The months covered, in words: ``2026-01 to 2026-12``."""
        return f"{self.first_month} to {self.last_month}"


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


def last_complete_month(today: dt.date | None = None) -> str:
    """The month before ``today``'s (default: the clock's), the last one with every day past.

    >>> last_complete_month(dt.date(2026, 11, 29)), last_complete_month(dt.date(2027, 1, 1))
    ('2026-10', '2026-12')
    """
    return month_label(month_of(today or dt.date.today()) - 1)


def _end_month(end: str | dt.date | None) -> int:
    if end is None:
        end = last_complete_month()
    period = parse_period(end, "end month")
    if period.first is None or period.first != period.last:
        raise ValueError(f"end month {end!r}: expected a month such as 2026-12")
    return period.first


FIRST_SEED = 17
SEEDS_TRIED = 200
"""The default seed is the first from :data:`FIRST_SEED` whose story month tells the story (a handful at most)."""


def sample_data(end: str | dt.date | None = None, *, seed: int | None = None, lang: str = "en") -> SampleData:
    """Twelve months ending with ``end`` (``2026-12``; default :func:`last_complete_month`).

    About 1,800 `Ads` rows and 400 `Ledger` entries.  A sample is random
    draws, and a dozen customers a month is a small number: some draws would
    not show the story.  So, without ``seed``, the seed is the first from 17
    on whose story month does (:func:`tells_the_story`) — for a given end
    month, always the same.  With ``end="2026-12"`` the sample is the calendar
    year 2026, its seed 17 and its story month May.

    >>> data = sample_data("2026-12")
    >>> data.span, data.story_month, data.before_story, data.seed
    ('2026-01 to 2026-12', '2026-05', '2026-04', 17)
    >>> max(r["Date"] for r in data.ads + data.ledger)
    datetime.date(2026, 12, 31)
    """
    last = _end_month(end)
    if seed is not None:
        return _in_language(_generate(last, seed), lang)
    for candidate in range(FIRST_SEED, FIRST_SEED + SEEDS_TRIED):
        data = _generate(last, candidate)
        if tells_the_story(data):
            return _in_language(data, lang)
    raise RuntimeError(f"no seed from {FIRST_SEED} to {FIRST_SEED + SEEDS_TRIED - 1} tells the story "
                       f"for a sample ending {month_label(last)}")  # pragma: no cover


def _in_language(data: SampleData, lang: str) -> SampleData:
    """The same rows, figures and order, with the campaigns, labels and categories of ``lang``.

    Types stay identifiers: the workbook writes them in the tracker's language.

    >>> fr = sample_data("2026-12", lang="fr")
    >>> fr.ads[0]["Campaign"], fr.ledger[0]["Label"], fr.settings.language
    ('Guide gratuit', 'Loyer du bureau', 'fr')
    >>> [r["Amount"] for r in fr.ledger] == [r["Amount"] for r in sample_data("2026-12").ledger]
    True
    """
    if lang == "en":
        return data
    from .texts_fr import SAMPLE

    def label(text: str) -> str:
        if text in SAMPLE["labels"]:
            return SAMPLE["labels"][text]
        for english, french in SAMPLE["label_templates"].items():
            pattern = "^" + re.escape(english).replace(r"\{number\}", "(?P<number>.+)").replace(
                r"\{channel\}", "(?P<channel>.+)") + "$"
            if m := re.match(pattern, text):
                return french.format(**m.groupdict())
        m = re.match(r"^Corporate tax balance for (\d{4})$", text)
        return f"Solde de l'impôt sur les sociétés {m[1]}" if m else text

    ads = [{**r, "Campaign": SAMPLE["campaigns"].get(r["Campaign"], r["Campaign"])} for r in data.ads]
    ledger = [{**r, "Label": label(r["Label"]), "Category": SAMPLE["categories"].get(r["Category"], r["Category"])}
              for r in data.ledger]
    plan = [{**r, "Label": label(r["Label"])} for r in data.plan]
    settings = dataclasses.replace(data.settings, language=lang)
    return dataclasses.replace(data, ads=ads, ledger=ledger, plan=plan, settings=settings)


def _month_sums(data: SampleData, month: str) -> dict[str, float]:
    index = parse_period(month).first
    sums = dict.fromkeys(("spend", "clicks", "leads", "customers", "profit"), 0.0)
    for r in data.ads:
        if month_of(r["Date"]) == index:
            for k in ("spend", "clicks", "leads", "customers"):
                sums[k] += r[k.capitalize()]
    for r in data.ledger:
        if month_of(r["Date"]) == index:
            sums["profit"] += r["Amount"] if r["Type"] == "Revenue" else -r["Amount"]
    return sums


def tells_the_story(data: SampleData) -> bool:
    """Whether the story month, against the month before, tells the article's story.

    The cost per lead roughly doubles (×1.8 to ×2.5) while the cost per click
    and the cost per customer fall and net profit rises.  Computed from the
    rows' sums here; the tests check the same through the KPI core.
    """
    a, b = _month_sums(data, data.before_story), _month_sums(data, data.story_month)
    if not all(m[k] for m in (a, b) for k in ("clicks", "leads", "customers")):
        return False

    def per(m: dict[str, float], k: str) -> float:
        return m["spend"] / m[k]

    return (1.8 <= per(b, "leads") / per(a, "leads") <= 2.5 and per(b, "clicks") < per(a, "clicks")
            and per(b, "customers") < per(a, "customers") and b["profit"] > a["profit"])


def _generate(last: int, seed: int) -> SampleData:
    first = last - (MONTHS - 1)
    story = first + STORY_OFFSET
    story_from = month_start(story)
    after_end = month_start(last + 1)
    rng = random.Random(seed)
    ads: list[dict] = []
    ledger: list[dict] = []
    invoice_year, invoice = None, 0
    day = month_start(first)
    while day < after_end:
        if day.year != invoice_year:  # invoice numbers restart every year
            invoice_year, invoice = day.year, 0
        season = SEASON[month_of(day) - first] * (0.75 if day.weekday() >= 5 else 1.05)
        for c in CAMPAIGNS:
            effect = STORY_EFFECT if day >= story_from else {}
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
                ledger.append({"Date": day, "Label": f"Invoice {day.year}-{invoice:04d} - coaching programme",
                               "Category": "Coaching", "Type": "Revenue", "Amount": PRICE})
                # A freelance coach delivers part of each programme.
                ledger.append({"Date": day, "Label": f"Freelance coach - invoice {day.year}-{invoice:04d}",
                               "Category": "Freelancers", "Type": "Variable cost", "Amount": 420.0})
        if day.weekday() == 2 and rng.random() < 0.45:  # referrals, not from ads
            invoice += 1
            ledger.append({"Date": day, "Label": f"Invoice {day.year}-{invoice:04d} - referral",
                           "Category": "Coaching", "Type": "Revenue", "Amount": PRICE})
            ledger.append({"Date": day, "Label": f"Freelance coach - invoice {day.year}-{invoice:04d}",
                           "Category": "Freelancers", "Type": "Variable cost", "Amount": 420.0})
        day += dt.timedelta(days=1)

    spent: dict[tuple[str, int], float] = {}
    for r in ads:
        key = (r["Channel"], month_of(r["Date"]))
        spent[key] = spent.get(key, 0.0) + r["Spend"]
    for month in range(first, last + 1):
        start = month_start(month)
        for dom, label, category, amount in FIXED_COSTS:
            ledger.append({"Date": start.replace(day=dom), "Label": label, "Category": category,
                           "Type": "Fixed cost", "Amount": amount})
        # The ad platforms invoice last month's spend (a variable cost).
        if month > first:
            for channel in ("Meta", "Google", "LinkedIn"):
                ledger.append({"Date": start.replace(day=2), "Label": f"{channel} Ads invoice",
                               "Category": "Advertising", "Type": "Variable cost",
                               "Amount": round(spent.get((channel, month - 1), 0.0), 2)})
        ledger.append({"Date": start.replace(day=28), "Label": "Owner pay", "Category": "Owner",
                       "Type": "Owner pay", "Amount": 3500.0})
        ledger.append({"Date": start.replace(day=15), "Label": "Social charges", "Category": "Social charges",
                       "Type": "Tax", "Amount": 1350.0})
        if month - first in TAX_MONTHS:
            ledger.append({"Date": start.replace(day=15), "Label": "Corporate tax instalment",
                           "Category": "Corporate tax", "Type": "Tax", "Amount": 1800.0})
    # A refund: a negative amount reverses.
    ledger.append({"Date": month_start(first + REFUND[0]).replace(day=REFUND[1]), "Label": "Refund - invoice cancelled",
                   "Category": "Coaching", "Type": "Revenue", "Amount": -PRICE})
    ledger.sort(key=lambda r: (r["Date"], r["Type"], r["Label"]))
    settings = Settings(currency="EUR", opening_cash=18000.0, opening_date=month_start(first),
                        target_roas=2.0, max_cac=600.0, max_cpl=60.0, min_ctr=0.008, min_gross_margin=0.5,
                        reserve_months=3.0, forecast_months=6)
    tax_due, purchase = last + 3, last + 5
    plan = [  # what the owner already knows is coming (the forecast adds it)
        {"Month": month_label(tax_due), "Label": f"Corporate tax balance for {month_start(tax_due).year - 1}",
         "Type": "Tax", "Amount": 14_000.0},
        {"Month": month_label(purchase), "Label": "New laptop and camera", "Type": "Fixed cost", "Amount": 3_200.0},
    ]
    return SampleData(ads, ledger, settings, plan, month_label(first), month_label(last), month_label(story), seed)
