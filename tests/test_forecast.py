"""The forecast: hand-worked projections, the most the owner can pay (to the cent), the Plan table."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl import InputError, read_tracker
from kpi_xl.metrics import CASH_TOLERANCE, Forecast, MonthFigures
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from .conftest import kpis_json

D = dt.date


def steady_ledger(owner_pay: float = 2000.0):
    rows = []
    for m in (1, 2, 3):
        rows += [{"Date": D(2026, m, 5), "Label": "Sales", "Category": "Coaching", "Type": "Revenue", "Amount": 10_000.0},
                 {"Date": D(2026, m, 6), "Label": "Freelancers", "Category": "F", "Type": "Variable cost", "Amount": 4_000.0},
                 {"Date": D(2026, m, 1), "Label": "Rent", "Category": "Rent", "Type": "Fixed cost", "Amount": 3_000.0},
                 {"Date": D(2026, m, 28), "Label": "Me", "Category": "Owner", "Type": "Owner pay", "Amount": owner_pay}]
    return rows


def test_a_big_planned_expense_in_the_third_month(tmp_path):
    # Each month: 10,000 − 4,000 − 3,000 − 2,000 = +1,000; cash at the end of March 20,000 + 3,000.
    path = write_tracker(tmp_path / "t.xlsm", [], steady_ledger(),
                         Settings(opening_cash=20_000.0, opening_date=D(2026, 1, 1), forecast_months=6),
                         plan=[{"Month": "2026-06", "Label": "New van", "Type": "Fixed cost", "Amount": 8_000.0}])
    values = kpis_json(path)
    # Apr 24,000, May 25,000, Jun 26,000 − 8,000 = 18,000 (the low), Jul 19,000, Aug 20,000, Sep 21,000.
    assert values["cash_end"] == 23_000
    assert values["forecast_cash_low"] == 18_000
    # Reserve 3 × 3,000 = 9,000.  Without owner pay cash would be 26,000, 29,000, 24,000, 27,000, 30,000, 33,000:
    # the most is min((26,000 − 9,000)/1, 20,000/2, 15,000/3, 18,000/4, 21,000/5, 24,000/6) = 4,000.
    assert values["max_owner_pay"] == 4_000
    f = read_tracker(path).figures(__import__("kpi_xl").Selection.parse()).forecast
    assert f.low().offset == 3 and [r.plan for r in f.rows()] == [0, 0, -8000, 0, 0, 0]


def test_already_below_the_reserve_means_nothing_to_pay(tmp_path):
    path = write_tracker(tmp_path / "t.xlsm", [], steady_ledger(owner_pay=4_000.0),
                         Settings(opening_cash=5_000.0, opening_date=D(2026, 1, 1)))
    values = kpis_json(path)
    assert values["cash_end"] == 2_000  # 5,000 − 3 × 1,000
    assert values["max_owner_pay"] == 0
    assert values["forecast_cash_low"] == 2_000 - 6 * 1_000


def test_no_history_is_undefined_not_a_crash(tmp_path):
    from kpi_xl.layout import DASHBOARD_FORECAST_CELL, DASHBOARD_MONTH_CELL, FORECAST_LOW_CASH_CELL
    from kpi_xl.refresh import refresh
    from kpi_xl.texts import texts

    NO_FORECAST = texts()("forecast.none")

    path = write_tracker(tmp_path / "t.xlsm")
    values = kpis_json(path)
    assert values["forecast_cash_low"] is None and values["max_owner_pay"] is None
    refresh(path, today=D(2026, 11, 25))  # says so on both sheets
    wb = openpyxl.load_workbook(path)
    cell = lambda sheet, rc: wb[sheet].cell(rc[0] + 1, rc[1] + 1).value  # noqa: E731
    assert cell("Dashboard", DASHBOARD_FORECAST_CELL) == NO_FORECAST == cell("Forecast", FORECAST_LOW_CASH_CELL)
    assert NO_FORECAST.startswith("No Ledger entries yet")
    assert cell("Dashboard", DASHBOARD_MONTH_CELL) == "no data yet"


def test_plan_rows_are_validated_like_the_other_tables(tmp_path):
    path = write_tracker(tmp_path / "t.xlsm", [], steady_ledger(), Settings(opening_date=D(2026, 1, 1)),
                         plan=[{"Month": "2026-06", "Label": "Tax bill", "Type": "Tax", "Amount": 5_000.0}])
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["Plan"]["A2"] = "June"
    wb["Plan"]["C2"] = "Bonus"
    wb.save(path)
    with pytest.raises(InputError) as e:
        read_tracker(path)
    assert [str(p) for p in e.value.problems] == [
        'Plan!A2 (Month): expected a month (2027-02) or a date, found text "June"',
        'Plan!C2 (Type): expected one of Revenue, Variable cost, Fixed cost, Owner pay, Tax, Other income, '
        'Other expense, Non-cash income, Non-cash expense, found text "Bonus"',
    ]


money = st.integers(min_value=0, max_value=5_000_000).map(lambda c: c / 100)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(MonthFigures, sales=money, variable_costs=money, fixed_costs=money, owner_pay=money,
                          tax=money), min_size=3, max_size=3),
       st.integers(min_value=-2_000_000, max_value=20_000_000).map(lambda c: c / 100),
       st.integers(min_value=1, max_value=24),
       st.lists(st.tuples(st.integers(1, 24), st.sampled_from(["sales", "fixed_costs", "tax", "owner_pay"]), money),
                max_size=4))
def test_paying_max_owner_pay_holds_the_reserve_and_a_cent_more_breaks_it(base, start, months, plan):
    f = Forecast(tuple(base), start, months, 3.0, tuple(plan))
    pay = f.max_owner_pay()
    assert pay >= 0 and round(pay, 2) == pay
    if pay > 0:
        assert all(r.cash_end >= f.reserve - CASH_TOLERANCE for r in f.rows(owner_pay=pay))
    assert any(r.cash_end < f.reserve - CASH_TOLERANCE for r in f.rows(owner_pay=pay + 0.01))
