"""The built-in sample is realistic, deterministic, ends last month, and tells the article's story."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from kpi_xl import Tracker
from kpi_xl.periods import month_index, month_label, month_of, month_start, parse_period
from kpi_xl.sample import MONTHS, last_complete_month, sample_data, tells_the_story

from .conftest import SAMPLE_END, run_cli

# Every end month of three years, so every calendar month is the story month at least twice.
END_MONTHS = [month_label(month_index(2025, 1) + i) for i in range(36)]


@pytest.mark.parametrize("end", END_MONTHS)
def test_every_sample_tells_the_story_through_the_core_and_stays_in_its_months(end):
    data = sample_data(end)
    assert data.last_month == end and tells_the_story(data)
    first, last = parse_period(data.first_month).first, parse_period(end).first
    assert last - first == MONTHS - 1
    assert parse_period(data.story_month).first == first + 4  # the fifth month, whatever the calendar
    dates = [r["Date"] for r in data.ads + data.ledger]
    assert min(dates) == month_start(first) and max(dates) < month_start(last + 1)  # nothing after its end
    assert all(parse_period(p["Month"]).first > last for p in data.plan)  # the Plan is about the future
    assert data.settings.opening_date == month_start(first)
    t = Tracker.from_records(data.ads, data.ledger, data.settings)
    assert t.months() == list(range(first, last + 1))
    before, after = t.kpis(data.before_story), t.kpis(data.story_month)
    assert 1.8 <= after["cpl"] / before["cpl"] <= 2.5        # the cost per lead roughly doubles
    assert after["cpc"] < before["cpc"]                       # while clicks get cheaper
    assert after["cac"] < before["cac"]                       # customers too
    assert after["net_profit"] > before["net_profit"]         # and profit rises
    whole = t.kpis()
    assert whole["roas"] > 2 and whole["net_profit"] > 0


def test_the_default_sample_ends_with_the_last_complete_month_before_today():
    today = dt.date.today()
    data = sample_data()
    assert data.last_month == last_complete_month() == month_label(month_of(today) - 1)
    assert max(r["Date"] for r in data.ads + data.ledger) < today.replace(day=1)
    assert last_complete_month(dt.date(2026, 11, 29)) == "2026-10"
    assert last_complete_month(dt.date(2027, 1, 1)) == "2026-12"
    assert last_complete_month(dt.date(2026, 3, 31)) == "2026-02"


def test_the_sample_is_deterministic_and_shaped_like_a_real_business():
    a, b = sample_data(SAMPLE_END), sample_data(SAMPLE_END)
    assert a == b and a.seed == 17
    assert sample_data(SAMPLE_END, seed=17) == a
    assert sample_data(SAMPLE_END, seed=18) != a
    t = Tracker.from_records(a.ads, a.ledger, a.settings)
    assert t.channels() == ["Google", "LinkedIn", "Meta"]
    assert len(t.campaigns()) >= 4
    assert len(t.months()) == 12 and len(a.ads) == 365 * 5
    categories = {r["Category"] for r in a.ledger}
    assert {"Rent", "Software", "Freelancers", "Advertising", "Owner", "Corporate tax"} <= categories
    year = t.kpis("2026")
    assert year["roas"] > 2 and year["net_profit"] > 0
    # Seasonality: August is the quiet month.
    spend = {m: t.kpis(f"2026-{m:02d}")["spend"] for m in range(1, 13)}
    assert min(spend, key=spend.get) == 8
    # Invoice numbers restart with each year.
    invoices = [r["Label"] for r in sample_data("2026-06").ledger if r["Label"].startswith("Invoice ")]
    assert invoices[0].startswith("Invoice 2025-0001") and any(i.startswith("Invoice 2026-0001") for i in invoices)


def test_an_end_month_must_be_a_month():
    with pytest.raises(ValueError, match="expected a month"):
        sample_data("2026-Q4")


def _demo(tmp_path, *args):
    out = tmp_path / "demo.xlsx"
    result = run_cli("demo", "--out", out, *args)
    assert result.exit_code == 0, result.output
    assert out.exists()
    return out, result.stdout, result.stderr


def test_demo_title_table_and_sentence_compare_the_same_two_months_in_the_same_order(tmp_path):
    out, stdout, stderr = _demo(tmp_path)  # today's sample
    data = sample_data()
    story, before = data.story_month, data.before_story
    title = re.search(r"^demo\.xlsx: (\d{4}-\d{2}) against (\d{4}-\d{2}), and all 12 months \((.*)\)\s*$",
                      stdout, re.M)
    assert title, stdout
    assert title.groups() == (story, before, data.span)
    header = next(line for line in stdout.splitlines() if line.lstrip().startswith("KPI"))
    assert [cell.strip() for cell in header.split("┃")] == ["KPI", "id", story, before, data.span]
    sentence = re.search(r"^In (\d{4}-\d{2}), against (\d{4}-\d{2}), the cost per lead went \+\d+% while the cost "
                         r"per click went −\d+%, the cost per customer −\d+% and net profit from ", stdout, re.M)
    assert sentence, stdout
    assert sentence.groups()[:2] == (story, before)
    # No month after the last complete one: the Dashboard's latest month is last month.
    assert f"(latest month {last_complete_month()})" in stderr


def test_demo_figures_are_the_cores(tmp_path, pinned_sample):
    out, stdout, _ = _demo(tmp_path)
    data = sample_data(SAMPLE_END)
    assert "demo.xlsx: 2026-05 against 2026-04, and all 12 months (2026-01 to 2026-12)" in stdout
    assert "In 2026-05, against 2026-04, " in stdout
    t = Tracker.from_records(data.ads, data.ledger, data.settings)
    expected = t.kpis(data.story_month)
    before = t.kpis(data.before_story)
    change = round((expected["cpl"] - before["cpl"]) / before["cpl"] * 100)
    assert f"the cost per lead went +{change}%" in stdout
    assert f"net profit from {before['net_profit']:,.2f} EUR to {expected['net_profit']:,.2f} EUR: " in stdout
    result = run_cli("kpis", out, "--period", data.story_month, "--json")
    got = json.loads(result.stdout)
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == (None if v is None else pytest.approx(v)), k
