"""Every word a user reads in a tracker and in the command's report, keyed, in one table per language.

Code asks for a text by its key and fills in its parameters::

    >>> words = texts("en")
    >>> words("alert.none", month="2026-05")
    'None: every target is met in 2026-05.'
    >>> words.kpi("cac"), words.sheet("P&L")
    ('Cost per customer', 'P&L')

A KPI's name is its label in the core (:data:`kpi_xl.metrics.REGISTRY`)
unless a language gives it another (``kpi.<id>``); a sheet's name is its
identifier (the English name, :data:`kpi_xl.layout.SHEETS`) unless a language
gives it another (``sheet.<name>``).  Numbers inside sentences are formatted
before they are passed in (:mod:`kpi_xl.formatting`).

What is not here, and why: the problems found in a workbook or an import
file (:mod:`kpi_xl.reader`, :mod:`kpi_xl.imports`) keep their messages beside
the checks that find them; the Excel functions' help is generated into the
VBA project from :mod:`kpi_xl.udfs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .metrics import REGISTRY

EN: dict[str, str] = {
    # --- document properties -------------------------------------------------------
    "properties.title": "KPI tracker",
    "properties.subject": "Advertising funnel and monthly profitability",
    "properties.comments": "Made with kpi_xl (https://pypi.org/project/kpi-xl/)",
    # --- Dashboard (template) ---------------------------------------------------------
    "dashboard.title": "KPI tracker",
    "dashboard.subtitle": "Does your advertising pay, and how much can you safely pay yourself? "
                          "What is not measured does not improve.",
    "dashboard.step.1": "1   Type your ad results in Ads and every money movement in Ledger; your targets once in "
                        "Settings.",
    "dashboard.step.2": "2   Click Refresh KPIs: the summaries, alerts and charts are rewritten. Needs macros "
                        "enabled and Python with kpi-xl.",
    "dashboard.step.3": '3   Or use the functions in any cell: =CPC(), =CAC("2026-03"), =KPIS("2026").',
    "dashboard.button": "Refresh KPIs",
    "dashboard.no_macros": "No macros in an .xlsx:",
    "dashboard.no_macros.command": "run kpi-xl refresh FILE",
    "dashboard.latest_month": "Latest month",
    "dashboard.not_refreshed": "not refreshed yet",
    "dashboard.last_refresh": "Last refresh",
    "dashboard.header.kpi": "KPI",
    "dashboard.header.latest": "Latest month",
    "dashboard.header.year": "Last 12 months",
    "dashboard.header.target": "Target",
    "dashboard.target.net_profit": "≥ 0",
    "dashboard.target.reserve": "≥ {months} months of fixed costs",
    "dashboard.alerts": "Alerts",
    "dashboard.alerts.hint": "Targets come from Settings; a refresh lists what is off target here.",
    "dashboard.changes": "What changed since last month",
    "dashboard.changes.hint": "Every step of the funnel, side by side, in words.",
    "dashboard.charts": "Charts",
    "dashboard.charts.hint": "Cost per click, lead and customer; sales, costs and net profit; cash against the reserve "
                             "— by month, after a refresh.",
    "dashboard.chart_data": "Chart data (written by Refresh KPIs)",
    # --- Dashboard (refresh) ------------------------------------------------------------
    "dashboard.no_data.month": "no data yet",
    "dashboard.no_data": "No data yet: type or import your rows in Ads and Ledger, then refresh.",
    "alert.none": "None: every target is met in {month}.",
    "alert.below": "{kpi} {value} is below {setting} {target}",
    "alert.above": "{kpi} {value} is above {setting} {target}",
    "alert.net_profit": "Net profit is negative: {value}",
    "alert.cash": "Cash at month end {cash} is below the reserve ({months} months of fixed costs: {line})",
    "lines.more": "… and {n} more (see Ads Summary and P&L).",
    "changed.line": "{month} against {previous}: {text}",
    "changed.cpl_up_cac_down": "Cost per lead {cpl} but cost per customer {cac}: the extra leads were better "
                               "qualified.",
    "changed.cpl_down_cac_up": "Cost per lead {cpl} but cost per customer {cac}: cheaper leads, but fewer of them buy.",
    "changed.cpl": "Cost per lead {cpl}.",
    "changed.cpc_down_cpl_up": "Cost per click {cpc} while cost per lead {cpl}: cheaper clicks turned into fewer "
                               "leads.",
    "changed.cpc_up_cpl_down": "Cost per click {cpc} while cost per lead {cpl}: dearer clicks, but more of them became "
                               "leads.",
    "changed.cpc": "Cost per click {cpc}.",
    "changed.cac": "Cost per customer {change} ({before} → {after}).",
    "changed.roas_below": "Return on ad spend fell below the {target}× target ({before} → {after}).",
    "changed.roas_back": "Return on ad spend is back above the {target}× target ({after}).",
    "changed.sales": "Sales {change} ({before} → {after}).",
    "changed.net_profit": "Net profit {change}: {before} → {after}.",
    "changed.net_profit.sign": "Net profit: {before} → {after}.",
    "changed.nothing": "No move of {threshold} or more in the funnel or the profit since last month.",
    "forecast.sentence.pay": "You can pay yourself up to {pay} a month until {until} without going under your "
                             "{reserve}; {low}.",
    "forecast.sentence.hold": "Any owner pay would take cash under your {reserve} before {until}: hold it and review "
                              "costs; {low}.",
    "forecast.sentence.reserve": "{months}-month reserve ({amount})",
    "forecast.sentence.low": "the low point is {month} ({cash})",
    "forecast.sentence.low_plan": "the low point is {month} ({cash}), after the Plan items of that month",
    "forecast.none": "No Ledger entries yet: nothing to project. The forecast starts from the last month in Ledger.",
    "month.year": "{month} {year}",
    "month.names": "January February March April May June July August September October November December",
    # --- charts ---------------------------------------------------------------------------
    "chart.funnel": "Cost per click, lead and customer",
    "chart.profit": "Sales, costs and net profit",
    "chart.profit.costs": "Costs",
    "chart.cash": "Cash at month end against the reserve",
    "chart.reserve": "Reserve",
    "chart.forecast": "Projected cash against the reserve",
    "chart.forecast.cash": "Projected cash",
    "chart.forecast.max_pay": "Paying the most you can",
    # --- input sheets ------------------------------------------------------------------------
    "validation.count": "{header}: a whole number ≥ 0 ({meaning}).",
    "validation.money": "{header}: a number ≥ 0 ({meaning}).",
    "validation.signed_money": "{header}: a number ({meaning}).",
    "validation.date": "{header}: a date, e.g. 2026-03-15 ({meaning}).",
    "validation.ledger_type": "Type: one of {types}.",
    "column.Ads.Date": "the day (or first day of the period) the row covers",
    "column.Ads.Channel": "Meta, Google, LinkedIn, TikTok, …",
    "column.Ads.Campaign": "may be blank",
    "column.Ads.Impressions": "times the ad was shown",
    "column.Ads.Clicks": "link clicks",
    "column.Ads.Spend": "ad spend excluding VAT, in Currency",
    "column.Ads.Leads": "sign-ups (newsletter, funnel opt-in, form)",
    "column.Ads.Calls": "sales calls booked",
    "column.Ads.Customers": "new paying customers from these ads",
    "column.Ads.Revenue": "what those customers paid, excluding VAT",
    "column.Ledger.Date": "when it happened",
    "column.Ledger.Label": "free text",
    "column.Ledger.Category": "your own grouping (Rent, Software, Coaching…)",
    "column.Ledger.Type": "one of {types}",
    "column.Ledger.Amount": "excluding VAT, positive; a negative amount reverses",
    "column.Plan.Month": "the month of a planned one-off item: a date (its month) or 2027-02",
    "column.Plan.Label": "free text",
    "column.Plan.Type": "one of {types}",
    "column.Plan.Amount": "excluding VAT, signed as in Ledger",
    "plan.hint.1": "Planned one-off items for coming months (a hire, a tax bill, an investment); the forecast adds "
                   "them. May stay empty.",
    "plan.hint.2": "Month: a date or 2027-02. Type and Amount as in Ledger (a negative amount reverses).",
    "settings.title": "Settings",
    "settings.subtitle": "Targets and parameters. Each value is a named cell (Formulas › Name Manager): move it if "
                         "you like, keep its name.",
    "settings.header.name": "Setting",
    "settings.header.value": "Value",
    "settings.header.note": "What it does",
    "setting.Currency": "Currency code shown in every money format (EUR, USD, GBP…).",
    "setting.OpeningCash": "Cash in the bank on OpeningDate: the start of the cash curve.",
    "setting.OpeningDate": "The day OpeningCash was in the bank; Ledger entries before it do not move cash.",
    "setting.TargetROAS": "A customer must bring at least this many times what they cost (revenue ÷ ad spend). "
                          "Blank: no alert.",
    "setting.MaxCAC": "Alert when the cost per customer is above this. Blank: no alert.",
    "setting.MaxCPL": "Alert when the cost per lead is above this. Blank: no alert.",
    "setting.MinCTR": "Alert when the click-through rate is below this (e.g. 1%). Blank: no alert.",
    "setting.MinGrossMargin": "Alert when the gross margin is below this (e.g. 40%). Blank: no alert.",
    "setting.ReserveMonths": "Cash to keep, in months of fixed costs; below it, safe owner pay is 0 and cash turns "
                             "red.",
    "setting.ForecastMonths": "How many months ahead the forecast looks.",
    "setting.Business": "The business's name, shown on a portfolio of trackers (kpi-xl portfolio). Blank: the file's "
                        "name.",
    "setting_kind.currency.hint": "a currency code such as EUR, USD or GBP",
    "setting_kind.name.hint": "a name of at most 100 characters (blank: the file's name)",
    "setting_kind.money.hint": "a number",
    "setting_kind.date.hint": "a date, e.g. 2026-01-01",
    "setting_kind.ratio.hint": "a number ≥ 0, e.g. 2 (blank: no alert)",
    "setting_kind.rate.hint": "a percentage between -100% and 100%, e.g. 1% (blank: no alert)",
    "setting_kind.months.hint": "a number of months ≥ 0",
    "setting_kind.whole_months.hint": "a whole number of months from 1 to 120",
    "unit.months": "months",
    # --- output sheets --------------------------------------------------------------------------
    "output.Ads Summary.title": "Ads Summary",
    "output.Ads Summary.subtitle": "One row per month and channel, then the month's total. Written by Refresh KPIs: "
                                   "the next refresh replaces what is typed here.",
    "output.P&L.title": "Profit and loss",
    "output.P&L.subtitle": "One row per month, from the Ledger. Written by Refresh KPIs: the next refresh replaces "
                           "what is typed here.",
    "output.Forecast.title": "Forecast",
    "output.Forecast.subtitle": "The next ForecastMonths months after the last month with Ledger entries: the mean of "
                                "the last 3 months, plus the Plan. Written by Refresh KPIs.",
    "column.month": "Month",
    "column.channel": "Channel",
    "ads_summary.total": "All channels",
    "forecast.column.month": "Month",
    "forecast.column.sales": "Sales",
    "forecast.column.variable_costs": "Variable costs",
    "forecast.column.fixed_costs": "Fixed costs",
    "forecast.column.tax": "Tax",
    "forecast.column.owner_pay": "Owner pay",
    "forecast.column.plan": "Plan items",
    "forecast.column.cash_end": "Cash at month end",
    "forecast.column.cash_max_pay": "Cash, paying the most you can",
    "forecast.column.reserve": "Reserve",
    "forecast.low_cash": "Lowest cash",
    "forecast.max_pay": "Max owner pay",
    "forecast.low_cash.hint": "the lowest projected month-end cash over the horizon, owner pay as it is",
    "forecast.max_pay.hint": "the largest monthly owner pay that keeps every month-end cash above the reserve",
    # --- xlwings.conf ------------------------------------------------------------------------------
    "xlwings_conf.1": "xlwings reads its settings here: a name in A, its value in B, from row 1 down to the first "
                      "blank row.",
    "xlwings_conf.2": "UDF Modules: the Python module of the Excel functions ({module}). Keep it.",
    "xlwings_conf.3": "Interpreter_Win: add a row with the full path of python.exe if the python on the PATH lacks "
                      "kpi-xl.",
    "xlwings_conf.4": "Other settings (Interpreter_Mac, PYTHONPATH, Conda Env, Show Console…): see xlwings' "
                      "documentation.",
    # --- Excel (the button) ---------------------------------------------------------------------------
    "excel.title": "Refresh KPIs",
    "excel.refreshed": "KPIs refreshed (latest month {month})",
    "excel.refreshed.none": "none",
    "excel.added_sheet": "; added the {name} sheet",
    "excel.invalid": "{n} problem(s) in the input; nothing was written.",
    "excel.valid": "The tracker is valid.",
    "excel.warnings": "Warnings:",
    "excel.more": "… and {n} more.",
    # --- the command's report -----------------------------------------------------------------------
    "cli.section.ads": "Advertising",
    "cli.section.ledger": "Profitability",
    "cli.section.blended": "Blended",
    "cli.section.forecast": "Forecast",
    "cli.header.kpi": "KPI",
    "cli.header.id": "id",
    "cli.title": "{file} — {selection}",
    "cli.new": "Tracker written to {path} ({holds})",
    "cli.new.empty": "empty tables and default Settings",
    "cli.new.sample": "a year of sample data: {ads} Ads rows, {ledger} Ledger entries",
    "cli.refreshed": "Refreshed {path}: {sheets} ({latest})",
    "cli.refreshed.latest": "latest month {month}",
    "cli.refreshed.none": "no data yet",
    "cli.added_sheet": "  Added the {name} sheet, which this tracker lacked (made before it existed, or deleted "
                       "since).",
    "cli.doctor.clean": "{file}: nothing to repair: Excel should open it as it is.",
    "cli.doctor.findings": "{file}: {n} finding(s):",
    "cli.doctor.hint": "kpi-xl doctor {file} --fix repairs what can be repaired.",
    "cli.doctor.fixed": "Repaired {file}:",
    "cli.doctor.nothing_fixed": "{file}: nothing that --fix can repair.",
    "cli.doctor.left": "Still there after the repair ({n}):",
    "cli.doctor.user_code": "Not replaced: the VBA project holds your own macros ({modules}); a new project "
                            "would lose them. Export them (VBA editor › File › Export), then delete them and run "
                            "--fix again.",
    "cli.doctor.input": "{n} problem(s) in the tracker's input (as kpi-xl kpis lists them):",
    "selection.all": "all time",
    "selection.channel": "channel {name}",
    "selection.campaign": "campaign {name}",
    # --- many trackers: kpi-xl refresh PATH…, kpi-xl portfolio -------------------------------------------
    "count.tracker.one": "1 tracker",
    "count.tracker.many": "{n} trackers",
    "count.file.one": "1 file",
    "count.file.many": "{n} files",
    "count.problem.one": "1 problem",
    "count.problem.many": "{n} problems",
    "batch.status.refreshed": "refreshed",
    "batch.status.read": "read",
    "batch.status.bad_input": "bad input",
    "batch.status.locked": "skipped: open in another program",
    "batch.status.not_a_tracker": "skipped: not a tracker",
    "batch.status.error": "error",
    "batch.locked.excel": "open in Excel ({lock} is beside it): close it there, then run this again",
    "batch.locked.libreoffice": "open in LibreOffice ({lock} is beside it): close it there, then run this again",
    "batch.not_a_tracker": "no Ads or Ledger table: not a tracker, left alone",
    "batch.worker_died": "not done: a worker process stopped (killed, or out of memory?) before this file was "
                         "finished, and nothing was written to it; run again, with fewer --jobs if memory is short",
    "cli.batch.refreshing": "Refreshing",
    "cli.batch.reading": "Reading",
    "cli.batch.header.file": "File",
    "cli.batch.header.result": "Result",
    "cli.batch.header.month": "Latest month",
    "cli.batch.header.net_profit": "Net profit",
    "cli.batch.header.alerts": "Alerts",
    "cli.batch.summary": "{files}: {parts}.",
    "cli.batch.part.refreshed": "{n} refreshed",
    "cli.batch.part.read": "{n} read",
    "cli.batch.part.bad_input": "{n} with bad input (nothing written to them: every problem is listed above)",
    "cli.batch.part.locked": "{n} skipped, open in another program",
    "cli.batch.part.not_a_tracker": "{n} not a tracker, left alone",
    "cli.batch.part.error": "{n} failed",
    "cli.batch.no_alert": "none",
    "cli.batch.problems": "{problems} (listed below)",
    "cli.portfolio.part.bad_input": "{n} with bad input (every problem is listed above, and on Problems)",
    "cli.portfolio.written": "Portfolio of {trackers} written to {path}: {currencies}.",
    "cli.portfolio.writing": "Writing {path}",
    "cli.portfolio.over_cac": "Most over their CAC limit:",
    "cli.portfolio.runway": "Shortest runway:",
    "cli.portfolio.over_cac.line": "{name}: cost per customer {cac} against MaxCAC {limit} ({over} over)",
    "cli.portfolio.runway.line": "{name}: {runway} of cash ({cash})",
    "portfolio.title": "Portfolio",
    "portfolio.subtitle": "One row per tracker, each at its latest month. Colours compare each tracker with its own "
                          "targets (the Settings beside each KPI).",
    "portfolio.column.client": "Client",
    "portfolio.column.file": "File",
    "portfolio.column.currency": "Currency",
    "portfolio.column.month": "Latest month",
    "portfolio.column.MaxCAC": "MaxCAC",
    "portfolio.column.TargetROAS": "TargetROAS",
    "portfolio.column.MinGrossMargin": "MinGrossMargin",
    "portfolio.column.reserve": "Reserve",
    "portfolio.column.alerts": "Alerts",
    "portfolio.totals": "Totals, one per currency",
    "portfolio.total": "Total {currency} ({trackers})",
    "portfolio.currencies": "Several currencies ({currencies}): each has its own total; amounts in different "
                            "currencies are never added together.",
    "portfolio.one_currency": "One currency ({currency}): one total.",
    "portfolio.months_differ": "Latest months differ ({first} to {last}): a total adds each tracker's own latest "
                               "month.",
    "portfolio.months.title": "Months",
    "portfolio.months.subtitle": "One row per tracker and month, every KPI under its id (the KPI names are above): "
                                 "the Excel Table Months, ready for a pivot table or Power Query.",
    "portfolio.problems.title": "Problems",
    "portfolio.problems.subtitle": "The files that are not in the portfolio, and why: fix them and run kpi-xl "
                                   "portfolio again.",
    "portfolio.problems.none": "None: every file was read.",
    "portfolio.problems.column.file": "File",
    "portfolio.problems.column.result": "Result",
    "portfolio.problems.column.where": "Where",
    "portfolio.problems.column.problem": "Problem",
    "portfolio.dashboard.title": "Portfolio",
    "portfolio.dashboard.subtitle": "{trackers}, each at its latest month, against its own targets. Made on {date}.",
    "portfolio.dashboard.currencies": "Currencies: {currencies}. Totals are on Portfolio, one per currency.",
    "portfolio.dashboard.problems": "{files} not read: see Problems.",
    "portfolio.dashboard.over_cac": "Most over their CAC limit",
    "portfolio.dashboard.over_cac.none": "None: every tracker's cost per customer is within its MaxCAC.",
    "portfolio.dashboard.over_by": "Over by",
    "portfolio.dashboard.runway": "Shortest runway",
    "portfolio.dashboard.runway.none": "None: no tracker is burning cash.",
    "portfolio.dashboard.charts": "Charts",
    "portfolio.dashboard.chart_data": "Chart data",
    "portfolio.chart.roas": "Return on ad spend by client, latest month",
    "portfolio.chart.net_profit": "Net profit by client, latest month",
    "portfolio.chart.lowest": "{title} (the {n} lowest)",
    "portfolio.chart.currencies": "{title}, each in its own currency",
}


@dataclass(frozen=True)
class Texts:
    """The words of one language: ``words(key, **params)``."""

    lang: str
    table: Mapping[str, str]

    def __call__(self, key: str, **params: object) -> str:
        text = self.table[key]
        return text.format(**params) if params else text

    def kpi(self, kpi_id: str) -> str:
        """A KPI's name."""
        return self.table.get(f"kpi.{kpi_id}") or REGISTRY[kpi_id].label

    def sheet(self, name: str) -> str:
        """A sheet's name (``name`` is its identifier, :data:`kpi_xl.layout.SHEETS`)."""
        return self.table.get(f"sheet.{name}", name)

    def month_year(self, year: int, month: int) -> str:
        """``March 2026``."""
        return self("month.year", month=self.table["month.names"].split()[month - 1], year=year)

    def and_list(self, items: list[str]) -> str:
        """``Dashboard, Ads Summary, P&L and Forecast``."""
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


LANGUAGES = {"en": Texts("en", EN)}


def texts(lang: str = "en") -> Texts:
    """The words of ``lang``."""
    return LANGUAGES[lang]
