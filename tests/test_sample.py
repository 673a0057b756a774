"""The built-in sample year is realistic, deterministic, and tells the article's story."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kpi_xl import Tracker
from kpi_xl.cli import app
from kpi_xl.periods import month_label, parse_period
from kpi_xl.sample import STORY_MONTH, sample_data


def test_the_story_month_through_the_core():
    data = sample_data()
    t = Tracker.from_records(data.ads, data.ledger, data.settings)
    story = parse_period(STORY_MONTH).first
    before, after = t.kpis(month_label(story - 1)), t.kpis(STORY_MONTH)
    assert 1.8 <= after["cpl"] / before["cpl"] <= 2.5        # the cost per lead roughly doubles
    assert after["cpc"] < before["cpc"]                       # while clicks get cheaper
    assert after["cac"] < before["cac"]                       # customers too
    assert after["net_profit"] > before["net_profit"]         # and profit rises


def test_the_sample_is_deterministic_and_shaped_like_a_real_business():
    a, b = sample_data(), sample_data()
    assert a == b
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


def test_demo_writes_a_tracker_and_tells_the_story(tmp_path):
    out = tmp_path / "demo.xlsx"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert f"In {STORY_MONTH} the cost per lead went +" in result.stdout
    result = CliRunner().invoke(app, ["kpis", str(out), "--period", STORY_MONTH, "--json"])
    data = sample_data()
    t = Tracker.from_records(data.ads, data.ledger, data.settings)
    expected = t.kpis(STORY_MONTH)
    got = json.loads(result.stdout)
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == (None if v is None else __import__("pytest").approx(v)), k
