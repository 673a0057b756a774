"""A tracker's data, aggregated by month, and the KPIs of any selection.

Every period is a run of whole months (see :mod:`kpi_xl.periods`), so the
`Ads` table is summed once into a small cube (month × channel × campaign) and
the `Ledger` into one line per month.  A selection then adds up a few cube
rows and hands the sums to the pure core, :func:`kpi_xl.metrics.compute`.
Reading a million-row table costs seconds; every KPI call after that costs
microseconds, which is what the Excel functions rely on.

>>> import datetime as dt
>>> t = Tracker.from_records(
...     ads=[{"Date": dt.date(2026, 3, 2), "Channel": "Meta", "Spend": 90.0, "Clicks": 60, "Leads": 3}],
...     ledger=[{"Date": dt.date(2026, 3, 5), "Type": "Revenue", "Amount": 1500.0}],
... )
>>> t.kpis("2026-03")["cpc"], t.kpis("2026-03")["mer"]
(1.5, 16.666666666666668)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import polars as pl

from . import metrics
from .errors import ArgumentError, Problem
from .metrics import CASH_SIGN, Figures, Forecast, MonthFigures, Value
from .periods import Period, Selection, normalise_name
from .schema import ADS, ADS_SUMS, DEFAULTS, LEDGER_SUMS, default_opening_date
from .texts import Message


@dataclass(frozen=True)
class Settings:
    """The named cells of the `Settings` sheet, typed.  ``None``: left blank (no alert).

    One field per :data:`kpi_xl.schema.SETTINGS` entry (its ``field``), with its default.
    """

    currency: str = DEFAULTS["currency"]
    opening_cash: float = DEFAULTS["opening_cash"]
    opening_date: dt.date = field(default_factory=default_opening_date)
    target_roas: float | None = DEFAULTS["target_roas"]
    max_cac: float | None = DEFAULTS["max_cac"]
    max_cpl: float | None = DEFAULTS["max_cpl"]
    min_ctr: float | None = DEFAULTS["min_ctr"]
    min_gross_margin: float | None = DEFAULTS["min_gross_margin"]
    reserve_months: float = DEFAULTS["reserve_months"]
    forecast_months: int = DEFAULTS["forecast_months"]
    language: str = DEFAULTS["language"]
    business: str | None = DEFAULTS["business"]


# Internal column names of the normalised frames.
ADS_FRAME_SCHEMA = {
    "date": pl.Date,
    "channel": pl.String,
    "campaign": pl.String,
    **{s: pl.Float64 for s in ADS_SUMS},
}
LEDGER_FRAME_SCHEMA = {"date": pl.Date, "type": pl.String, "amount": pl.Float64}

_MONTH_EXPR = (pl.col("date").dt.year().cast(pl.Int32) * 12
               + pl.col("date").dt.month().cast(pl.Int32) - 1).alias("month")


def _group_sums(frame: pl.DataFrame, keys: list[str], values: Iterable[str], first: Iterable[str] = ()) -> pl.DataFrame:
    """One row per group: the keys, the first value of ``first`` columns, the sums of ``values``.

    The sums are taken in row order (numpy's bincount), not by polars'
    parallel group-by, whose summation order — and so the last bits of a
    float sum — can change from one run to the next.  A refresh must write
    the same numbers for the same data, byte for byte.
    """
    values = list(values)
    groups = frame.group_by(keys, maintain_order=True).agg(pl.col(c).first() for c in first).with_row_index("_g")
    index = frame.select(keys).join(groups.select(*keys, "_g"), on=keys, how="left", maintain_order="left")["_g"]
    index = index.to_numpy().astype(np.int64)
    sums = {c: np.bincount(index, weights=frame[c].fill_null(0).cast(pl.Float64).to_numpy(), minlength=len(groups))
            for c in values}
    return groups.drop("_g").with_columns(pl.Series(c, v, dtype=pl.Float64) for c, v in sums.items())


class Tracker:
    """The aggregated content of one tracker workbook (or of records in memory)."""

    def __init__(self, ads: pl.DataFrame, ledger: pl.DataFrame, settings: Settings | None = None,
                 warnings: Iterable[Problem] = (), plan: pl.DataFrame | None = None):
        self.settings = settings or Settings()
        self.warnings = list(warnings)
        self._aggregate_ads(ads)
        self._aggregate_ledger(ledger)
        self._plan = self._plan_items(plan)

    # -- construction -------------------------------------------------------

    @classmethod
    def from_records(cls, ads: Iterable[Mapping] = (), ledger: Iterable[Mapping] = (),
                     settings: Settings | None = None, plan: Iterable[Mapping] = ()) -> "Tracker":
        """Build a tracker from rows keyed by the table headers (missing numbers count as 0)."""
        ads_rows = [
            {"date": r["Date"], "channel": r.get("Channel"), "campaign": r.get("Campaign"),
             **{s: float(r.get(h) or 0) for s, h in zip(ADS_SUMS, ADS.headers[3:], strict=True)}}
            for r in ads
        ]
        ledger_rows = [{"date": r["Date"], "type": r["Type"], "amount": float(r.get("Amount") or 0)}
                       for r in ledger]
        plan_rows = [{"date": r["Month"], "type": r["Type"], "amount": float(r.get("Amount") or 0)} for r in plan]
        return cls(pl.DataFrame(ads_rows, schema=ADS_FRAME_SCHEMA),
                   pl.DataFrame(ledger_rows, schema=LEDGER_FRAME_SCHEMA), settings,
                   plan=pl.DataFrame(plan_rows, schema=LEDGER_FRAME_SCHEMA))

    @staticmethod
    def _plan_items(plan: pl.DataFrame | None) -> list[tuple[int, str, float]]:
        """(month, sum name, amount) of every `Plan` row (its date's month)."""
        if plan is None or plan.height == 0:
            return []
        type_key = {t.casefold(): kpi_id for t, kpi_id in LEDGER_SUMS.items()}
        return [(d.year * 12 + d.month - 1, type_key[t.strip().casefold()], a or 0.0)
                for d, t, a in plan.select("date", "type", "amount").iter_rows() if d is not None and t]

    def _aggregate_ads(self, ads: pl.DataFrame) -> None:
        keyed = ads.with_columns(
            _MONTH_EXPR,
            pl.col("channel").fill_null("").str.strip_chars().alias("channel"),
            pl.col("campaign").fill_null("").str.strip_chars().alias("campaign"),
        ).with_columns(
            pl.col("channel").str.to_lowercase().alias("channel_key"),
            pl.col("campaign").str.to_lowercase().alias("campaign_key"),
        )
        cube = _group_sums(keyed, ["month", "channel_key", "campaign_key"], ADS_SUMS,
                           first=["channel", "campaign"]).sort("month", "channel_key", "campaign_key")
        # Display names: the first spelling met for each key.
        self._channel_names = dict(zip(cube["channel_key"].to_list(), cube["channel"].to_list(), strict=True))
        self._campaign_names = dict(zip(cube["campaign_key"].to_list(), cube["campaign"].to_list(), strict=True))
        self._cube_month = cube["month"].to_numpy()
        self._cube_channel = cube["channel_key"].to_numpy().astype(object)
        self._cube_campaign = cube["campaign_key"].to_numpy().astype(object)
        self._cube_sums = cube.select(ADS_SUMS).to_numpy().astype(np.float64).reshape(len(cube), len(ADS_SUMS))
        self._spend_column = ADS_SUMS.index("spend")

    def _aggregate_ledger(self, ledger: pl.DataFrame) -> None:
        # Types are matched ignoring case; the reader has already rejected unknown ones.
        type_key = {t.casefold(): kpi_id for t, kpi_id in LEDGER_SUMS.items()}
        kind = pl.col("type").str.strip_chars().str.to_lowercase().replace_strict(type_key, default=None)
        frame = ledger.with_columns(_MONTH_EXPR, kind.alias("kind")).filter(pl.col("kind").is_not_null())
        by_month = _group_sums(frame, ["month", "kind"], ["amount"])
        months: dict[int, dict[str, float]] = {}
        for month, kind_id, amount in by_month.iter_rows():
            months.setdefault(month, {})[kind_id] = amount
        self._ledger_months = {m: MonthFigures(**v) for m, v in sorted(months.items())}
        # Cash only moves for entries dated from OpeningDate on (the opening
        # balance already holds what came before); money in counts +1, money
        # out −1, non-cash entries (depreciation, stock variation) 0.
        sign = pl.col("kind").replace_strict(CASH_SIGN, return_dtype=pl.Float64)
        since_opening = frame.filter(pl.col("date") >= self.settings.opening_date)
        flows = _group_sums(since_opening.with_columns((pl.col("amount").fill_null(0) * sign).alias("flow")),
                            ["month"], ["flow"])
        self._cash_flows = dict(flows.select("month", "flow").iter_rows())

    # -- what is in it --------------------------------------------------------

    def ads_months(self) -> list[int]:
        return sorted(set(self._cube_month.tolist()))

    def ledger_months(self) -> list[int]:
        return list(self._ledger_months)

    def months(self) -> list[int]:
        """Every month with an `Ads` row or a `Ledger` entry, in order."""
        return sorted(set(self.ads_months()) | set(self._ledger_months))

    def channels(self) -> list[str]:
        return sorted(n for n in self._channel_names.values() if n)

    def campaigns(self) -> list[str]:
        return sorted(n for n in self._campaign_names.values() if n)

    def ledger_month(self, month: int) -> MonthFigures:
        return self._ledger_months.get(month, MonthFigures())

    # -- KPIs -----------------------------------------------------------------

    def as_of(self, period: Period) -> int | None:
        """The month at which cash, burn, runway and safe owner pay are taken.

        The period's last month, but no later than the last month with a
        `Ledger` entry (so that ``2026`` asked in November does not count an
        empty December as a month without costs).
        """
        last_entry = max(self._ledger_months, default=None)
        if period.is_all:
            return last_entry
        if last_entry is None:
            return period.last
        return max(period.first, min(period.last, last_entry))

    def figures(self, selection: Selection) -> Figures:
        """The sums of a selection: what :func:`kpi_xl.metrics.compute` needs."""
        period = selection.period
        in_period = np.ones(len(self._cube_month), dtype=bool)
        if not period.is_all:
            in_period = (self._cube_month >= period.first) & (self._cube_month <= period.last)
        mask = in_period
        if (key := normalise_name(selection.channel)) is not None:
            mask = mask & (self._cube_channel == key)
        if (key := normalise_name(selection.campaign)) is not None:
            mask = mask & (self._cube_campaign == key)
        ads_sums = self._cube_sums[mask].sum(axis=0)
        total_spend = float(self._cube_sums[in_period, self._spend_column].sum())

        ledger = {k: 0.0 for k in LEDGER_SUMS.values()}
        for month, figures in self._ledger_months.items():
            if month in period:
                for k in ledger:
                    ledger[k] += getattr(figures, k)

        as_of = self.as_of(period)
        if as_of is None:
            last_months = (MonthFigures(),) * 3
            flow = sum(self._cash_flows.values())
        else:
            last_months = tuple(self.ledger_month(m) for m in range(as_of - 2, as_of + 1))
            flow = sum(v for m, v in self._cash_flows.items() if m <= as_of)
        s = self.settings
        return Figures(
            **{name: float(v) for name, v in zip(ADS_SUMS, ads_sums, strict=True)},
            **ledger,
            opening_cash=s.opening_cash,
            cash_flow_to_date=flow,
            last_months=last_months,
            reserve_months=s.reserve_months,
            total_spend=total_spend,
            forecast=self.forecast(as_of, flow),
        )

    def forecast(self, as_of: int | None, flow: float) -> Forecast | None:
        """The projection from month ``as_of`` (None without any Ledger entry: nothing to project)."""
        if as_of is None or not self._ledger_months:
            return None
        months = self.settings.forecast_months
        plan = tuple((m - as_of, kind, amount) for m, kind, amount in self._plan if 1 <= m - as_of <= months)
        base = tuple(self.ledger_month(m) for m in range(as_of - 2, as_of + 1))
        return Forecast(base, self.settings.opening_cash + flow, months, self.settings.reserve_months, plan)

    def kpis(self, period: object = None, channel: object = None, campaign: object = None,
             ids: Iterable[str] | None = None) -> dict[str, Value]:
        """Every KPI of a selection, keyed by id (``None``: undefined)."""
        selection = period if isinstance(period, Selection) else Selection.parse(period, channel, campaign)
        if ids is not None:
            ids = list(ids)
            unknown = [i for i in ids if i not in metrics.REGISTRY]
            if unknown:
                raise ArgumentError(f'id "{unknown[0]}": expected one of {", ".join(metrics.KPI_IDS)}')
        return metrics.compute(self.figures(selection), ids)

    def unmatched(self, selection: Selection) -> list[str]:
        """Notes (:class:`~kpi_xl.texts.Message`) for a channel or campaign filter that matches no `Ads` row."""
        notes = []
        if selection.channel and normalise_name(selection.channel) not in self._channel_names:
            notes.append(Message("input.unmatched.channel", name=selection.channel,
                                 channels=self.channels() or Message("input.none")))
        if selection.campaign and normalise_name(selection.campaign) not in self._campaign_names:
            notes.append(Message("input.unmatched.campaign", name=selection.campaign))
        return notes
