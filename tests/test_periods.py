from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl.errors import ArgumentError
from kpi_xl.periods import ALL, month_label, parse_period


@pytest.mark.parametrize("text, label, first, last", [
    ("2026-03", "2026-03", "2026-03", "2026-03"),
    ("2026-Q1", "2026-Q1", "2026-01", "2026-03"),
    ("2026-q4", "2026-Q4", "2026-10", "2026-12"),
    ("2026", "2026", "2026-01", "2026-12"),
    (" 2026-03-15 ", "2026-03", "2026-03", "2026-03"),
    ("2026-03-15T10:30:00", "2026-03", "2026-03", "2026-03"),
    (dt.date(2026, 2, 28), "2026-02", "2026-02", "2026-02"),
    (dt.datetime(2026, 2, 28, 23, 59), "2026-02", "2026-02", "2026-02"),
    (2026, "2026", "2026-01", "2026-12"),
    (2026.0, "2026", "2026-01", "2026-12"),
])
def test_periods_as_spec_writes_them(text, label, first, last):
    p = parse_period(text)
    assert (p.label, month_label(p.first), month_label(p.last)) == (label, first, last)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_everything(blank):
    assert parse_period(blank) == ALL and ALL.is_all


@pytest.mark.parametrize("bad, shown", [
    ("2026-13", '"2026-13"'), ("2026-00", '"2026-00"'), ("2026-Q5", '"2026-Q5"'), ("March", '"March"'),
    ("2026-02-30", '"2026-02-30"'), ("26-03", '"26-03"'), ("2026/03", '"2026/03"'), (True, "True"),
    (12.5, "12.5"), (46083, "46083"),
])
def test_anything_else_is_a_clear_error(bad, shown):
    with pytest.raises(ArgumentError) as e:
        parse_period(bad)
    assert str(e.value) == f"period {shown}: expected 2026-03, 2026-Q1, 2026 or a date"
