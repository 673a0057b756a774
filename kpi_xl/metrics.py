"""The KPI core: every KPI of the tracker, as pure functions of the sums of a selection.

Numbers in, numbers out: no I/O, no Excel, no data frames.  Each KPI is a
function whose parameter names are the figures (or earlier KPIs) it needs; its
docstring's first line is its formula, the single text that the Excel function
help and the docs show (``docs/kpis.md`` is generated from these docstrings).
:data:`REGISTRY` keeps them in the order they are computed and shown;
:data:`KPI_IDS` is the one list of ids used by the command line, JSON, the
Excel functions and the docs.

Undefined ratios follow one policy, in :func:`ratio`: a zero denominator gives
``None`` (``null`` in JSON, ``#DIV/0!`` in Excel, an empty cell on a summary
sheet), and anything computed from an undefined value is undefined too.

>>> f = Figures(impressions=10_000, clicks=200, spend=300.0, leads=20, customers=2, revenue=1_200.0)
>>> values = compute(f)
>>> values["cpc"], values["cpl"], values["cac"], values["roas"]
(1.5, 15.0, 150.0, 4.0)
>>> values["cost_per_call"] is None   # no calls booked: undefined, never 0 or ∞
True
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field, fields
from typing import Callable, Literal, Sequence

Unit = Literal["money", "percent", "count", "multiple", "months"]
Origin = Literal["ads", "ledger", "blended", "forecast"]
Value = float | None


def ratio(numerator: Value, denominator: Value) -> Value:
    """``numerator / denominator``, or ``None`` when that is undefined.

    The one policy for undefined ratios: a zero (or undefined) denominator, or
    an undefined numerator, gives ``None``.

    >>> ratio(3, 4)
    0.75
    >>> ratio(3, 0) is None, ratio(None, 2) is None
    (True, True)
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class MonthFigures:
    """One calendar month's `Ledger` sums, by type."""

    sales: float = 0.0
    variable_costs: float = 0.0
    fixed_costs: float = 0.0
    owner_pay: float = 0.0
    tax: float = 0.0
    other_income: float = 0.0
    other_expense: float = 0.0
    non_cash_income: float = 0.0
    non_cash_expense: float = 0.0

    @property
    def operating_profit(self) -> float:
        return self.sales - self.variable_costs - self.fixed_costs

    @property
    def cash_flow(self) -> float:
        """Net money in (positive) or out (negative) over the month.

        Other income and expense move cash; non-cash entries (depreciation,
        provisions, stock variation) do not.

        >>> MonthFigures(sales=1_000, fixed_costs=300, other_income=50, non_cash_expense=200).cash_flow
        750.0
        """
        total = 0.0
        for name, sign in CASH_SIGN.items():
            if sign:
                total += sign * getattr(self, name)
        return total


@dataclass(frozen=True)
class ForecastRow:
    """One projected month (``offset`` 1 is the month after the last one with entries)."""

    offset: int
    sales: float
    variable_costs: float
    fixed_costs: float
    tax: float
    owner_pay: float
    plan: float  # net cash effect of the Plan rows of that month
    cash_end: float


CASH_TOLERANCE = 1e-6
"""Float noise allowed when comparing projected cash with the reserve (a millionth of the currency)."""

CASH_SIGN = {"sales": 1.0, "variable_costs": -1.0, "fixed_costs": -1.0, "other_income": 1.0, "other_expense": -1.0,
             "owner_pay": -1.0, "tax": -1.0, "non_cash_income": 0.0, "non_cash_expense": 0.0}
"""How each monthly `Ledger` (or `Plan`) sum moves cash: in (+1), out (−1), not at all (0).
The one statement of it: the cash curve, burn and the forecast all follow it."""


@dataclass(frozen=True)
class Forecast:
    """The next ``months`` months projected from the base (the last 3 months with a month of entries last).

    Sales are the base's mean; variable costs keep the base's share of sales;
    fixed costs, tax and owner pay are the base's means; each ``plan`` item
    ``(offset, sum name, amount)`` is added on its month, signed as in the
    Ledger; cash starts from ``start_cash`` (``cash_end`` of the last month).

    >>> base = (MonthFigures(sales=10_000, variable_costs=4_000, fixed_costs=3_000, owner_pay=2_000),) * 3
    >>> f = Forecast(base, start_cash=20_000.0, months=3, reserve_months=3, plan=((2, "tax", 5_000.0),))
    >>> [r.cash_end for r in f.rows()]
    [21000.0, 17000.0, 18000.0]
    >>> f.reserve
    9000.0
    """

    base: tuple[MonthFigures, ...]
    start_cash: float
    months: int
    reserve_months: float
    plan: tuple[tuple[int, str, float], ...] = ()

    def _mean(self, name: str) -> float:
        return sum(getattr(m, name) for m in self.base) / len(self.base)

    @property
    def reserve(self) -> float:
        """ReserveMonths × the base's mean monthly fixed costs."""
        return self.reserve_months * self._mean("fixed_costs")

    @property
    def owner_pay_mean(self) -> float:
        return self._mean("owner_pay")

    def rows(self, owner_pay: float | None = None) -> list[ForecastRow]:
        """The projection, with owner pay at ``owner_pay`` each month (default: the base's mean)."""
        sales = self._mean("sales")
        base_sales = sum(m.sales for m in self.base)
        share = sum(m.variable_costs for m in self.base) / base_sales if base_sales else 0.0
        fixed, tax = self._mean("fixed_costs"), self._mean("tax")
        pay = self.owner_pay_mean if owner_pay is None else owner_pay
        cash, out = self.start_cash, []
        for k in range(1, self.months + 1):
            plan = sum((CASH_SIGN[kind] * amount for offset, kind, amount in self.plan if offset == k), 0.0)
            cash = cash + sales - sales * share - fixed - tax - pay + plan
            out.append(ForecastRow(k, sales, sales * share, fixed, tax, pay, plan, cash))
        return out

    def low(self) -> ForecastRow | None:
        """The month with the lowest projected cash (the first such month on a tie)."""
        rows = self.rows()
        return min(rows, key=lambda r: r.cash_end) if rows else None

    def max_owner_pay(self) -> float:
        """The largest constant monthly owner pay, to the cent, keeping every month-end cash ≥ the reserve.

        Cash after k months falls by k × the pay, so the pay is the least of
        (cash_k without owner pay − reserve) / k, rounded down to the cent; 0
        if even no pay at all breaks the reserve.
        """
        free = self.rows(owner_pay=0.0)
        if not free:
            return 0.0
        best = min((r.cash_end - self.reserve) / r.offset for r in free)
        if best <= 0:
            return 0.0
        cents = math.floor(best * 100 + 1e-6)
        # Guard against float rounding: step down until every month holds (to a millionth).
        while cents > 0 and any(r.cash_end < self.reserve - CASH_TOLERANCE for r in self.rows(owner_pay=cents / 100)):
            cents -= 1
        return cents / 100


@dataclass(frozen=True)
class Figures:
    """Everything the KPIs of one selection are computed from.

    The `Ads` sums are over the rows of the selection; the `Ledger` sums over
    the period (ledger KPIs ignore channel and campaign).  ``last_months`` are
    the three calendar months ending at the period's last month (oldest
    first); ``cash_flow_to_date`` is the net flow of every `Ledger` entry from
    `OpeningDate` to the end of that month; ``total_spend`` is the ad spend of
    every channel over the period (for the blended ``mer``).

    ``other_income``, ``other_expense``, ``non_cash_income`` and
    ``non_cash_expense`` are the sums of the `Ledger` types of the same names
    (what an accounting file holds beyond the five everyday types: subsidies,
    interest, exceptional items, depreciation, provisions, stock variation).
    They are part of ``net_profit``; the first two move cash, the last two do
    not.
    """

    impressions: float = 0.0
    clicks: float = 0.0
    spend: float = 0.0
    leads: float = 0.0
    calls: float = 0.0
    customers: float = 0.0
    revenue: float = 0.0
    sales: float = 0.0
    variable_costs: float = 0.0
    fixed_costs: float = 0.0
    owner_pay: float = 0.0
    tax: float = 0.0
    other_income: float = 0.0
    other_expense: float = 0.0
    non_cash_income: float = 0.0
    non_cash_expense: float = 0.0
    opening_cash: float = 0.0
    cash_flow_to_date: float = 0.0
    last_months: tuple[MonthFigures, ...] = field(default=(MonthFigures(),) * 3)
    reserve_months: float = 3.0
    total_spend: float | None = None  # None: same as ``spend``
    forecast: Forecast | None = None  # None: no Ledger history to project from


@dataclass(frozen=True)
class KPI:
    """A KPI's identity card: id, label, unit, where it comes from, its formula."""

    id: str
    label: str
    unit: Unit
    origin: Origin
    func: Callable[..., Value]
    params: tuple[str, ...]

    @property
    def formula(self) -> str:
        """The first line of the function's docstring."""
        return inspect.getdoc(self.func).splitlines()[0]



REGISTRY: dict[str, KPI] = {}


def kpi(id: str, label: str, unit: Unit, origin: Origin):
    """Register a KPI function under ``id`` (order of registration = order of computation)."""

    def register(func: Callable[..., Value]) -> Callable[..., Value]:
        params = tuple(inspect.signature(func).parameters)
        REGISTRY[id] = KPI(id, label, unit, origin, func, params)
        return func

    return register


# --- Advertising (from `Ads`) -------------------------------------------------


@kpi("impressions", "Impressions", "count", "ads")
def impressions(impressions: float) -> float:
    """Σ Impressions

    >>> impressions(1200.0)
    1200.0
    """
    return impressions


@kpi("clicks", "Clicks", "count", "ads")
def clicks(clicks: float) -> float:
    """Σ Clicks

    >>> clicks(36.0)
    36.0
    """
    return clicks


@kpi("spend", "Ad spend", "money", "ads")
def spend(spend: float) -> float:
    """Σ Spend

    >>> spend(250.5)
    250.5
    """
    return spend


@kpi("leads", "Leads", "count", "ads")
def leads(leads: float) -> float:
    """Σ Leads

    >>> leads(12.0)
    12.0
    """
    return leads


@kpi("calls", "Calls booked", "count", "ads")
def calls(calls: float) -> float:
    """Σ Calls

    >>> calls(4.0)
    4.0
    """
    return calls


@kpi("customers", "Customers", "count", "ads")
def customers(customers: float) -> float:
    """Σ Customers

    >>> customers(2.0)
    2.0
    """
    return customers


@kpi("revenue", "Revenue from ads", "money", "ads")
def revenue(revenue: float) -> float:
    """Σ Revenue

    >>> revenue(900.0)
    900.0
    """
    return revenue


@kpi("ctr", "Click-through rate", "percent", "ads")
def ctr(clicks: float, impressions: float) -> Value:
    """clicks / impressions

    >>> ctr(clicks=30, impressions=2000)
    0.015
    """
    return ratio(clicks, impressions)


@kpi("cpc", "Cost per click", "money", "ads")
def cpc(spend: float, clicks: float) -> Value:
    """spend / clicks

    >>> cpc(spend=45.0, clicks=30)
    1.5
    """
    return ratio(spend, clicks)


@kpi("cpm", "Cost per 1,000 impressions", "money", "ads")
def cpm(spend: float, impressions: float) -> Value:
    """1000 × spend / impressions

    >>> cpm(spend=45.0, impressions=2000)
    22.5
    """
    return ratio(1000 * spend, impressions)


@kpi("cpl", "Cost per lead", "money", "ads")
def cpl(spend: float, leads: float) -> Value:
    """spend / leads

    >>> cpl(spend=45.0, leads=3)
    15.0
    """
    return ratio(spend, leads)


@kpi("cost_per_call", "Cost per booked call", "money", "ads")
def cost_per_call(spend: float, calls: float) -> Value:
    """spend / calls

    >>> cost_per_call(spend=45.0, calls=2)
    22.5
    """
    return ratio(spend, calls)


@kpi("cac", "Cost per customer", "money", "ads")
def cac(spend: float, customers: float) -> Value:
    """spend / customers

    >>> cac(spend=45.0, customers=1)
    45.0
    """
    return ratio(spend, customers)


@kpi("click_to_lead", "Clicks → leads", "percent", "ads")
def click_to_lead(leads: float, clicks: float) -> Value:
    """leads / clicks

    >>> click_to_lead(leads=3, clicks=30)
    0.1
    """
    return ratio(leads, clicks)


@kpi("lead_to_call", "Leads → calls", "percent", "ads")
def lead_to_call(calls: float, leads: float) -> Value:
    """calls / leads

    >>> lead_to_call(calls=1, leads=4)
    0.25
    """
    return ratio(calls, leads)


@kpi("call_to_customer", "Calls → customers", "percent", "ads")
def call_to_customer(customers: float, calls: float) -> Value:
    """customers / calls

    >>> call_to_customer(customers=1, calls=2)
    0.5
    """
    return ratio(customers, calls)


@kpi("lead_to_customer", "Leads → customers", "percent", "ads")
def lead_to_customer(customers: float, leads: float) -> Value:
    """customers / leads

    >>> lead_to_customer(customers=1, leads=8)
    0.125
    """
    return ratio(customers, leads)


@kpi("revenue_per_customer", "Revenue per customer", "money", "ads")
def revenue_per_customer(revenue: float, customers: float) -> Value:
    """revenue / customers

    >>> revenue_per_customer(revenue=900.0, customers=2)
    450.0
    """
    return ratio(revenue, customers)


@kpi("roas", "Return on ad spend", "multiple", "ads")
def roas(revenue: float, spend: float) -> Value:
    """revenue / spend

    Equals revenue_per_customer / cac: the "a customer must bring at least
    twice what they cost" rule is ``roas >= TargetROAS``.

    >>> roas(revenue=900.0, spend=300.0)
    3.0
    """
    return ratio(revenue, spend)


@kpi("ads_profit", "Revenue minus ad spend", "money", "ads")
def ads_profit(revenue: float, spend: float) -> float:
    """revenue − spend

    >>> ads_profit(revenue=900.0, spend=300.0)
    600.0
    """
    return revenue - spend


# --- Profitability (from `Ledger`) --------------------------------------------


@kpi("sales", "Sales", "money", "ledger")
def sales(sales: float) -> float:
    """Σ Revenue

    >>> sales(10_000.0)
    10000.0
    """
    return sales


@kpi("variable_costs", "Variable costs", "money", "ledger")
def variable_costs(variable_costs: float) -> float:
    """Σ Variable cost

    >>> variable_costs(3_000.0)
    3000.0
    """
    return variable_costs


@kpi("gross_profit", "Gross profit", "money", "ledger")
def gross_profit(sales: float, variable_costs: float) -> float:
    """sales − variable_costs

    >>> gross_profit(sales=10_000.0, variable_costs=3_000.0)
    7000.0
    """
    return sales - variable_costs


@kpi("gross_margin", "Gross margin", "percent", "ledger")
def gross_margin(gross_profit: float, sales: float) -> Value:
    """gross_profit / sales

    >>> gross_margin(gross_profit=7_000.0, sales=10_000.0)
    0.7
    """
    return ratio(gross_profit, sales)


@kpi("fixed_costs", "Fixed costs", "money", "ledger")
def fixed_costs(fixed_costs: float) -> float:
    """Σ Fixed cost

    >>> fixed_costs(4_200.0)
    4200.0
    """
    return fixed_costs


@kpi("operating_profit", "Operating profit", "money", "ledger")
def operating_profit(gross_profit: float, fixed_costs: float) -> float:
    """gross_profit − fixed_costs

    >>> operating_profit(gross_profit=7_000.0, fixed_costs=4_200.0)
    2800.0
    """
    return gross_profit - fixed_costs


@kpi("owner_pay", "Owner pay", "money", "ledger")
def owner_pay(owner_pay: float) -> float:
    """Σ Owner pay

    >>> owner_pay(1_500.0)
    1500.0
    """
    return owner_pay


@kpi("tax", "Tax", "money", "ledger")
def tax(tax: float) -> float:
    """Σ Tax

    >>> tax(300.0)
    300.0
    """
    return tax


@kpi("other_income", "Other income", "money", "ledger")
def other_income(other_income: float) -> float:
    """Σ Other income

    A `Ledger` type beyond the five everyday ones (subsidies, interest received, exceptional income); 0 in a tracker that does not use it.

    >>> other_income(120.0)
    120.0
    """
    return other_income


@kpi("other_expense", "Other expense", "money", "ledger")
def other_expense(other_expense: float) -> float:
    """Σ Other expense

    A `Ledger` type beyond the five everyday ones (interest paid, exceptional charges); 0 in a tracker that does not use it.

    >>> other_expense(120.0)
    120.0
    """
    return other_expense


@kpi("non_cash_income", "Non-cash income", "money", "ledger")
def non_cash_income(non_cash_income: float) -> float:
    """Σ Non-cash income

    A `Ledger` type beyond the five everyday ones (provision reversals, stock increase: profit, not cash); 0 in a tracker that does not use it.

    >>> non_cash_income(120.0)
    120.0
    """
    return non_cash_income


@kpi("non_cash_expense", "Non-cash expense", "money", "ledger")
def non_cash_expense(non_cash_expense: float) -> float:
    """Σ Non-cash expense

    A `Ledger` type beyond the five everyday ones (depreciation, provisions, stock decrease: profit, not cash); 0 in a tracker that does not use it.

    >>> non_cash_expense(120.0)
    120.0
    """
    return non_cash_expense


@kpi("net_profit", "Net profit", "money", "ledger")
def net_profit(operating_profit: float, owner_pay: float, tax: float, other_income: float = 0.0,
               other_expense: float = 0.0, non_cash_income: float = 0.0, non_cash_expense: float = 0.0) -> float:
    """operating_profit − owner_pay − tax + other_income − other_expense + non_cash_income − non_cash_expense

    The last four are the `Ledger` types beyond the five everyday ones (0 in a tracker
    that does not use them): with them, the net profit of an imported French
    FEC is the accounting result, Σ class 7 − Σ class 6.

    >>> net_profit(operating_profit=2_800.0, owner_pay=1_500.0, tax=300.0)
    1000.0
    >>> net_profit(operating_profit=2_800.0, owner_pay=1_500.0, tax=300.0,
    ...            other_income=200.0, other_expense=50.0, non_cash_expense=400.0)   # depreciation
    750.0
    """
    return (operating_profit - owner_pay - tax + other_income - other_expense
            + non_cash_income - non_cash_expense)


@kpi("net_margin", "Net margin", "percent", "ledger")
def net_margin(net_profit: float, sales: float) -> Value:
    """net_profit / sales

    >>> net_margin(net_profit=1_000.0, sales=10_000.0)
    0.1
    """
    return ratio(net_profit, sales)


@kpi("breakeven_sales", "Break-even sales", "money", "ledger")
def breakeven_sales(fixed_costs: float, gross_margin: Value) -> Value:
    """fixed_costs / gross_margin

    The sales that cover the fixed costs at the current gross margin.  Also
    undefined when the gross margin is negative: no amount of sales breaks
    even then, and a negative "break-even" would read as a target.

    >>> breakeven_sales(fixed_costs=4_200.0, gross_margin=0.7)
    6000.0
    >>> breakeven_sales(fixed_costs=4_200.0, gross_margin=-0.1) is None
    True
    """
    if gross_margin is not None and gross_margin < 0:
        return None
    return ratio(fixed_costs, gross_margin)


@kpi("cash_end", "Cash at month end", "money", "ledger")
def cash_end(opening_cash: float, cash_flow_to_date: float) -> float:
    """OpeningCash + Σ(sales − variable_costs − fixed_costs − owner_pay − tax + other_income − other_expense) from OpeningDate to the end of the period

    Non-cash income and expense (depreciation, provisions, stock variation)
    change the profit, not the cash: they are left out.

    >>> cash_end(opening_cash=20_000.0, cash_flow_to_date=-3_500.0)
    16500.0
    """
    return opening_cash + cash_flow_to_date


@kpi("burn", "Monthly burn", "money", "ledger")
def burn(last_months: Sequence[MonthFigures]) -> float:
    """mean monthly net outflow of the period's last 3 months (0 when money came in)

    The net outflow of the three months together, divided by 3: a good month
    offsets a bad one, and burn is never negative.

    >>> burn([MonthFigures(sales=1_000, fixed_costs=4_000),
    ...       MonthFigures(sales=2_000, fixed_costs=4_000),
    ...       MonthFigures(sales=6_000, fixed_costs=4_000)])
    1000.0
    >>> burn([MonthFigures(sales=9_000, fixed_costs=4_000)] * 3)
    0.0
    """
    return max(0.0, -sum(m.cash_flow for m in last_months) / len(last_months))


@kpi("runway_months", "Runway", "months", "ledger")
def runway_months(cash_end: float, burn: float) -> Value:
    """cash_end / burn

    Months of cash left at the current burn; undefined (not infinite) when
    nothing burns.

    >>> runway_months(cash_end=16_500.0, burn=1_500.0)
    11.0
    >>> runway_months(cash_end=16_500.0, burn=0.0) is None
    True
    """
    return ratio(cash_end, burn)


@kpi("safe_owner_pay", "Safe owner pay", "money", "ledger")
def safe_owner_pay(last_months: Sequence[MonthFigures], cash_end: float, reserve_months: float) -> float:
    """max(0, mean monthly (operating_profit − tax) of the period's last 3 months), and 0 while cash_end < ReserveMonths × mean monthly fixed_costs of those months

    >>> months = [MonthFigures(sales=10_000, variable_costs=3_000, fixed_costs=4_000, tax=300)] * 3
    >>> safe_owner_pay(months, cash_end=20_000.0, reserve_months=3)
    2700.0
    >>> safe_owner_pay(months, cash_end=11_999.0, reserve_months=3)   # below 3 × 4,000
    0.0
    """
    n = len(last_months)
    reserve = reserve_months * sum(m.fixed_costs for m in last_months) / n
    if cash_end < reserve:
        return 0.0
    return max(0.0, sum(m.operating_profit - m.tax for m in last_months) / n)


@kpi("mer", "Marketing efficiency ratio", "multiple", "blended")
def mer(sales: float, total_spend: float) -> Value:
    """sales / spend

    Blended return: every sale in the `Ledger` over every euro of ad spend in
    `Ads` for the same period, all channels (it ignores channel and campaign).

    >>> mer(sales=10_000.0, total_spend=2_500.0)
    4.0
    """
    return ratio(sales, total_spend)


# --- Forecast (from `Ledger` and `Plan`) -------------------------------------------


@kpi("forecast_cash_low", "Lowest projected cash", "money", "forecast")
def forecast_cash_low(forecast: Forecast | None) -> Value:
    """min of the projected month-end cash over the next ForecastMonths months, owner pay at its mean of the last 3 months

    Undefined without Ledger history.  The month it happens is
    ``forecast.low().offset`` months after the last month with entries.

    >>> base = (MonthFigures(sales=10_000, variable_costs=4_000, fixed_costs=3_000, owner_pay=2_000),) * 3
    >>> forecast_cash_low(Forecast(base, 20_000.0, 3, 3, plan=((2, "tax", 5_000.0),)))
    17000.0
    """
    if forecast is None:
        return None
    low = forecast.low()
    return None if low is None else low.cash_end


@kpi("max_owner_pay", "Most the owner can pay", "money", "forecast")
def max_owner_pay(forecast: Forecast | None) -> Value:
    """largest constant monthly owner pay keeping every projected month-end cash ≥ ReserveMonths × mean monthly fixed costs; 0 if none

    >>> base = (MonthFigures(sales=10_000, variable_costs=4_000, fixed_costs=3_000, owner_pay=2_000),) * 3
    >>> max_owner_pay(Forecast(base, 20_000.0, 3, 3, plan=((2, "tax", 5_000.0),)))   # min(14000/1, 12000/2, 15000/3)
    5000.0
    """
    return None if forecast is None else forecast.max_owner_pay()


KPI_IDS: tuple[str, ...] = tuple(REGISTRY)
"""Every KPI id, in the order they are computed and shown."""

_FIGURE_NAMES = {f.name for f in fields(Figures)}


def compute(figures: Figures, ids: Sequence[str] | None = None) -> dict[str, Value]:
    """Every KPI (or those in ``ids``, in :data:`KPI_IDS` order) of one selection.

    >>> compute(Figures(sales=1_000.0, variable_costs=400.0), ids=["gross_margin"])
    {'gross_margin': 0.6}
    """
    namespace: dict[str, object] = {f: getattr(figures, f) for f in _FIGURE_NAMES}
    if figures.total_spend is None:
        namespace["total_spend"] = figures.spend
    values: dict[str, Value] = {}
    for kpi_id, k in REGISTRY.items():
        value = k.func(*(namespace[p] for p in k.params))
        namespace[kpi_id] = values[kpi_id] = value
    if ids is None:
        return values
    wanted = set(ids)
    return {i: v for i, v in values.items() if i in wanted}
