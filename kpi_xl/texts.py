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
gives it another (``sheet.<name>``).  Numbers passed to ``words(key, …)``
are formatted before they are passed in (:mod:`kpi_xl.formatting`).

A sentence found before anyone knows who will read it — a note of ``kpi-xl
import``, a finding of ``kpi-xl doctor`` — is a :class:`Message`: its key and
its raw parameters, said later in the reader's language (:meth:`Texts.say`).
``str(message)`` is its English::

    >>> note = Message("import.no_dates", day=dt.date(2026, 1, 16))
    >>> str(note), note == "no dates in the export: its rows are put on 2026-01-16 (--date)"
    ('no dates in the export: its rows are put on 2026-01-16 (--date)', True)
    >>> texts("fr").say(note)
    "pas de date dans l'export\xa0: ses lignes sont placées au 16/01/2026 (--date)"

Its parameters are formatted as the language writes them, by type and by
the placeholder's format spec (:class:`_Say`): a date (``2023-01-01``,
``01/01/2023``); a number (``1,389``, ``1 389``); ``{x:money}`` an amount
(``13,002.44``; French adds the currency given to ``say``: ``13 002,44 €``);
``{x:percent}`` a share (``99.9%``, ``99,9 %``); ``{n:line}`` a count with
the noun ``noun.line`` agreed (``3 lines``, ``1 ligne``) and ``{n:~line}``
the noun alone; a list joined with ``,`` (default), ``{x:semicolon}`` or
``{x:and}``; a :class:`Sheet` by the language's name; a Message said in the
same language.  Any other spec is Python's (``{n:d}``: digits only).

The problems found in a tracker's input (:mod:`kpi_xl.reader`) and in the
files imported into it (:mod:`kpi_xl.imports`) are Messages too, ``where``
and ``message`` (:class:`~kpi_xl.errors.Problem`), said by
:meth:`Texts.problem`; a :class:`Header`, :class:`SettingLabel` or
:class:`LedgerType` parameter is said with the reader's name for it.

What is not here, and why: the errors that stop a command before it reads
any input (a damaged, missing or locked file, a refused write, a bad
argument) are English; the Excel functions' help is generated into the VBA
project from :mod:`kpi_xl.udfs`, and their ``#VALUE!`` messages are English.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from .metrics import REGISTRY

if TYPE_CHECKING:
    from .errors import Problem

EN: dict[str, str] = {
    # --- document properties -------------------------------------------------------
    "print.footer": "Page &P of &N",  # the page footer: &P this page, &N how many
    "properties.title": "KPI tracker",
    "properties.subject": "Advertising funnel and monthly profitability",
    "properties.comments": "Made with kpi-xl, the Python-driven KPI tracker",
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
    "settings.comment": "{label}: {note}",
    "settings.validation": "{label}: {hint}.",
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
    "step.reading": "Reading {file}",
    "step.checking": "Checking {file}",
    "step.computing": "Computing the summaries",
    "step.writing": "Writing {file}",
    "step.demo": "Writing the demo tracker",
    "cli.error": "error: {text}",
    "cli.error.about": "{path}: {reason}",
    "write.read_only": "read-only (its permissions forbid writing it), so kpi-xl leaves it as it is: make it writable "
                       "(Windows: Properties › untick Read-only; elsewhere: chmod u+w) and run the command again{out}",
    "write.read_only.out": ", or write a copy elsewhere with --out",
    "write.excel": "open in Excel{user} (its lock file {lock} is beside it): close it in Excel first, or Excel's next "
                   "save would overwrite what kpi-xl writes (or kpi-xl what you typed);{button} If Excel is not "
                   "running, delete {lock}{force}",
    "write.excel.user": " by {name}",
    "write.excel.button": " in Excel, the Refresh KPIs button does the refresh.",
    "write.force": " or pass --force",
    "write.libreoffice": "open in LibreOffice (its lock file {lock} is beside it): close it there first, or "
                         "LibreOffice's next save would overwrite what kpi-xl writes (or kpi-xl what you typed). If "
                         "LibreOffice is not running, delete {lock}{force}",
    "write.busy": "{holder} is writing it, and has been for over {wait} s: run this again when it is done",
    "demo.span": "{first} to {last}",
    "demo.title": "{file}: {story} against {before}, and all 12 months ({span})",
    "demo.sentence": "In {story}, against {before}, the cost per lead went {cpl} while the cost per click went "
                     "{cpc}, the cost per customer {cac} and net profit from {profit_before} to {profit_after}: the "
                     "lead form had gained qualifying questions, and every step of the funnel matters.",
    "demo.undefined": "from — to —",
    "selection.all": "all time",
    # --- names a French tracker writes differently (English: the identifier itself) --------------
    "setting.Language": "Language of the tracker and of kpi-xl's reports: en (English) or fr (French).",
    "setting_kind.language.hint": "en or fr",
    "month.style": "iso",
    "noun.line": "line|lines",
    "noun.row": "row|rows",
    "cli.import.file": "{path}: {format} ({details}), {lines} → {number} {table} {rows}: {added} new, {skipped} "
                       "already there",
    "cli.import.warning": "warning: {text}",
    "cli.import.counts": "{ads:row} to Ads, {ledger} to Ledger",
    "cli.import.dry_run": "Dry run, nothing written: would add {counts} ({skipped} already there).",
    "cli.import.done": "Imported into {path}: added {counts} ({skipped} already there).",
    "cli.import.nothing": "Nothing new: {path} is unchanged ({skipped} rows already there).",
    "and": " and ",
    "selection.channel": "channel {name}",
    "selection.campaign": "campaign {name}",
    # --- kpi-xl import: what each file is, and its notes and warnings (kpi_xl.imports) -------------
    "date.format": "%Y-%m-%d",
    "list.semicolon": "; ",
    "noun.cover": "covers|cover",
    "noun.total_line": "total line|total lines",
    "noun.impression": "impression|impressions",
    "noun.click": "click|clicks",
    "format.google": "Google Ads report",
    "format.google.search_terms": "Google Ads search terms report",
    "format.google.keyword": "Google Ads keyword report",
    "format.google.ad": "Google Ads ad report",
    "format.google.ad_group": "Google Ads ad group report",
    "format.google.location": "Google Ads location report",
    "format.google.device": "Google Ads campaign report by device",
    "format.google.campaign": "Google Ads campaign report",
    "format.google.chart": "Google Ads chart download",
    "format.adwords": "{name} (AdWords, before 2018)",
    "format.meta": "Meta Ads Manager export",
    "format.linkedin": "LinkedIn Campaign Manager export",
    "format.tiktok": "TikTok Ads export",
    "format.microsoft": "Microsoft Advertising report",
    "format.microsoft.search_terms": "Microsoft Advertising search terms report",
    "format.microsoft.keyword": "Microsoft Advertising keyword report",
    "format.microsoft.campaign": "Microsoft Advertising campaign report",
    "import.details.ads": "{language}, {source}",
    "import.details.fec": "{columns:d} columns, {encoding}, {delimiter}",
    "import.language.English": "English",
    "import.language.French": "French",
    "import.source.text": "{encoding}, {delimiter}",
    "import.source.workbook": "Excel workbook, sheet “{sheet}”",
    "import.encoding.utf8_bom": "UTF-8 with BOM",
    "import.delimiter.tab": "tab",
    "import.delimiter.comma": "comma",
    "import.delimiter.semicolon": "semicolon",
    "import.delimiter.pipe": "pipe",
    "platform.group.ad_set": "ad set",
    "platform.group.ad_group": "ad group",
    "platform.group.campaign_group": "campaign group",
    "platform.leads.google": "a Google Ads report counts conversions of every kind (Conversions), never leads alone",
    "platform.leads.meta": "the export has no Leads column, and its Results column mixes kinds of results (never read "
                           "as leads)",
    "platform.leads.linkedin": "the export has no Leads column",
    "platform.leads.tiktok": "TikTok's Conversions count whichever event each ad group optimises for, never leads "
                             "alone",
    "platform.leads.microsoft": "Microsoft Advertising's Conv. count every conversion goal, never leads alone",
    "import.currency.unsaid": "the export does not say its currency: taken to be {currency}",
    "import.currency.dollar": "the export writes its amounts with \"$\" only: taken to be {currency}, the tracker's "
                              "Currency",
    "import.no_dates": "no dates in the export: its rows are put on {day} (--date)",
    "import.no_data": "no data: the export says \"No data available.\"",
    "import.span": "{n:line} {n:~cover} more than one day ({first} … {last}, no daily breakdown): each is put on its "
                   "first day{months}",
    "import.span.months": ", so a range over several months counts in its first month",
    "import.no_campaign": "{n:line} without a campaign ({why}): Campaign is \"{name}\"{group}",
    "import.no_campaign.no_column": "the export has no Campaign column",
    "import.no_campaign.blank": "its Campaign is blank",
    "import.no_campaign.group": ", or \"{name} {label}: …\" when the line names its {group}",
    "import.cut_campaigns": "campaign names longer than an Excel cell holds (32,767 characters) cut to fit, "
                            "{n:~line} {lines}{more}",
    "import.currency_marks": "currency from the marks on the amounts: {marks}",
    "import.currency_mark": "\"{mark}\" is {code}",
    "import.currency_mark.dollar": "\"$\" is no single currency",
    "import.blank": "left blank: {columns:semicolon}",
    "import.blank.clicks": "Clicks (the export has no clicks column)",
    "import.blank.leads": "Leads ({why})",
    "import.blank.calls": "Calls (no ad platform knows them)",
    "import.blank.customers": "Customers",
    "import.blank.revenue": "Revenue",
    "import.attribution": "Customers and Revenue from {columns:and} (the platform's own attribution; check the VAT of "
                          "your conversion values)",
    "import.partial.keywords": "a keyword or search-terms report leaves out spend without keywords (Performance Max, "
                               "Display, Smart, Shopping…): download the Campaign report for the whole spend",
    "import.partial.account": "the report leaves out part of the account (removed campaigns, or lines a filter hid): "
                              "download the Campaign report with all campaigns for the whole spend",
    "import.summary_row": "the export's summary row",
    "import.totals": "{n:total_line} read as checks, not rows ({labels})",
    "import.totals.none": "the report's own totals hold no spend, impressions or clicks to compare",
    "import.match": "matches the report's own total ({where}): {figures}{off}",
    "import.match.lines": "matches the report's own total of its lines ({where}): {figures}{off}",
    "import.match.off": " (the report says {spend:money}: each line is rounded to the cent)",
    "import.lines": "{n:~line} {lines}{more}",
    "import.where": "{label}, {lines}",
    "import.figures.spend": "spend {spend:money}",
    "import.figures.impressions": "{n:impression}",
    "import.figures.clicks": "{n:click}",
    "import.figures.none": "no figures",
    "import.warn.summary_row": "the export's summary row ({lines}) says {theirs}, but its other lines add up to "
                               "{mine}: check that the file is the whole export",
    "import.warn.share": "covers spend {mine:money} of the account's {theirs:money}{share} in the report's own total "
                         "({where}): {reason}",
    "import.share": " ({share:percent})",
    "import.warn.partial": "the lines imported add up to {mine}, but the report's own total for the account ({where}) "
                           "is {theirs}: {reason}",
    "import.warn.none_agrees": "the lines imported add up to {mine}, which none of the report's own totals agrees with "
                               "({totals:semicolon}): check that the file is the whole export, then import it again",
    "import.total": "{where}: {figures}",
    "import.fec.entries": "entries from {first} to {last}: {rows} income and expense lines to Ledger, {other} "
                          "balance-sheet lines left out",
    "import.fec.opening": "{n} opening lines (journal {journals}) left out: they are last year's balances, not this "
                          "year's flows",
    "import.fec.opening_cash": "opening bank and cash balance (accounts 51…, 53…) on {day}: {amount:money} — set "
                               "OpeningCash and OpeningDate on Settings to start the cash curve there",
    "import.fec.cut": "labels longer than an Excel cell holds (32,767 characters) cut to fit, keeping the entry "
                      "number, {n:~line} {lines}{more}",
    "import.fec.unbalanced": "the file does not balance (debits {debit:money}, credits {credit:money}): is it "
                             "complete?",
    # --- kpi-xl import: what is wrong with a file (kpi_xl.imports) ---------------------------------------
    "import.found.text": "\"{text}\"",
    "import.found.nothing": "nothing",
    "import.refused.missing": "no such file: check the name and the folder",
    "import.refused.unreadable": "cannot read the file: {error}",
    "import.refused.folder": "a folder, not an export file: name the export inside it",
    "import.refused.not_regular": "not a regular file (a device, a pipe or a socket): save the export as a file, "
                                  "then import that file",
    "import.refused.too_large": "{size:,.1f} MiB, over the {limit:,.0f} MiB kpi-xl reads in one export: download a "
                                "shorter date range (or fewer columns), in several files if need be",
    "import.refused.bad_zip": "a zip file that cannot be opened ({error}): download the export again",
    "import.refused.unpacks": "a workbook that unpacks to {size:,.0f} MiB, over the {limit:,.0f} MiB kpi-xl reads: "
                              "download a shorter date range",
    "import.refused.zip": "a zip file, not an Excel workbook: unzip it and import the CSV or .xlsx inside",
    "import.refused.workbook": "an Excel workbook kpi-xl cannot read ({error}): open it in Excel and save it as .xlsx "
                               "or CSV UTF-8",
    "import.refused.binary": "not a text export (binary data at byte {at}): expected a CSV or text export, or an "
                             "Excel workbook",
    "import.decode.legacy": "expected text in UTF-8, UTF-16 or {name}, found byte 0x{byte} at byte {at}, which none "
                            "of them has (a Shift-JIS or other encoding?): save the export as CSV in UTF-8, then "
                            "import it again",
    "import.decode.strict": "expected {name} text, found bytes that are not (at byte {at}: {reason}): download the "
                            "export again",
    "import.unknown.empty": "an empty file",
    "import.unknown": "not a format kpi-xl knows",
    "import.unknown.workbook": "an Excel workbook whose first sheet is not a format kpi-xl knows",
    "import.unknown.formats": "{unknown}: expected one of the formats kpi-xl imports — {formats:semicolon}",
    "import.unknown.fec_workbook": "a FEC in an Excel workbook: a FEC is the text file the accounting software exports "
                                   "(tab or pipe separated); import that file",
    "import.unknown.look_alike": "looks like a {platform} (its header has {shown}) but has no {spend} column, and "
                                 "kpi-xl needs the spend: {advice}",
    "import.formats.google": "Google Ads report: campaign, ad group, keyword, search terms, device, location or chart "
                             "download (CSV, Excel CSV or .xlsx; English or French; AdWords before 2018 too)",
    "import.formats.meta": "Meta Ads Manager export (CSV or .xlsx, English or French)",
    "import.formats.microsoft": "Microsoft Advertising report (CSV, English or French)",
    "import.formats.linkedin": "LinkedIn Campaign Manager export (CSV)",
    "import.formats.tiktok": "TikTok Ads export (CSV)",
    "import.formats.fec": "FEC, Fichier des écritures comptables (18 or 22 columns, tab or pipe)",
    "platform.advice.google": "download the Campaign report (Campaigns › Download › CSV) with its Cost column, or add "
                              "Cost to this report (Columns › Modify columns › Performance)",
    "platform.advice.meta": "in Ads Manager, export again with the Amount spent column (Columns: Performance, or "
                            "Customise columns › Amount spent), by campaign and broken down by day",
    "platform.advice.linkedin": "export the campaign performance report from Campaign Manager (Analyze › Export) with "
                                "its Total Spent column",
    "platform.advice.tiktok": "export the campaign report from TikTok Ads Manager with its Cost column, by day",
    "platform.advice.microsoft": "download the Campaign report (Reports › Performance › Campaign) with its Spend "
                                 "column",
    "import.not_ads": "a FEC accounting file, not an ad export: pass it with --fec",
    "import.not_fec": "a {format}, not a FEC: pass it with --ads",
    "import.currency.other": "currency {code}, expected {currency} (the tracker's Currency, {where}): import it into a "
                             "tracker whose Currency is {code}, or convert the amounts first",
    "import.currency.dollar_only": "amounts written with \"$\", which is no single currency, expected {currency} (the "
                                   "tracker's Currency, {where}): download the report with its Currency code column",
    "import.no_spend": "this {format} has no {spend} column, and kpi-xl needs the spend: {advice}",
    "import.no_impressions": "this {format} has no Impressions column, and kpi-xl needs it: add Impressions to the "
                             "export's columns, then download it again",
    "import.all_time": "the report covers \"All time\", which gives its rows no date: download it for a date range, or "
                       "pass --date with the day to count it on",
    "import.no_day": "expected a day column or a report date range, found neither: pass --date with the day to count "
                     "these rows on",
    "import.fields": "expected {width:d} fields like the header (line {header:d}), found {found:d}",
    "import.bad_date": "{label}: expected a date such as 2026-04-14, found {found}",
    "import.bad_number": "{label}: expected a number such as {example}, found {found}",
    "import.negative": "{label}: expected a number ≥ 0, found {found}",
    "import.fractional": "{label}: expected a whole number, found {found}",
    "import.fec.columns": "expected the FEC columns {missing} in the header, found {header}",
    "import.fec.debit_credit": "Debit and Credit (or Montant and Sens)",
    "import.fec.fields": "expected {width:d} fields separated by {delimiter}s, found {found:d}",
    "import.fec.bad_date": "EcritureDate: expected a date AAAAMMJJ such as 20220831, found {found}",
    "import.fec.no_account": "CompteNum: expected an account number, found nothing",
    "import.fec.bad_amount": "{column}: expected an amount such as 1234,56, found {found}",
    "import.fec.bad_sense": "Sens: expected D or C, found {found}",
    # --- kpi-xl doctor: findings, what they mean, repairs (kpi_xl.ooxml.doctor, kpi_xl.doctor) -----
    "noun.has": "has|have",
    "noun.document_module": "document module|document modules",
    "noun.belongs": "belongs|belong",
    "cli.doctor.finding": "{severity} {part}: {message}",
    "doctor.severity.error": "error",
    "doctor.severity.warning": "warning",
    "doctor.meaning.repair": "Excel will offer to repair the file, and may drop what it cannot read.",
    "doctor.meaning.unreadable": "The part cannot be read at all: Excel refuses the file or repairs it, and kpi-xl "
                                 "cannot read it.",
    "doctor.meaning.formats": "Cells show a wrong number format (or none).",
    "doctor.meaning.vba": "The VBA editor shows modules that belong to nothing, and Excel may rename or add modules "
                          "when it opens the file.",
    "doctor.meaning.vba_broken": "Excel may refuse the macros: the Refresh KPIs button and the Excel functions would "
                                 "not work.",
    "doctor.meaning.harmless": "Excel accepts this; other programs reading the file may not.",
    "doctor.meaning.deleted_reference": "The name is kept but points nowhere (Formulas › Name Manager).",
    "doctor.meaning.output": "The next kpi-xl refresh (or doctor --fix) writes it.",
    "doctor.meaning.vba_version": "The Refresh KPIs button and the Excel functions are those of the version that made "
                                  "the file; doctor --fix embeds this version's.",
    "doctor.missing": "missing",
    "doctor.no_content_type": "no content type ([Content_Types].xml has neither Override nor Default for it)",
    "doctor.dangling_relationship": "relationship {rid} ({kind}) leads to {target}, which is not in the file",
    "doctor.wrong_content_type": "content type {got}, but {part} relates to it as {kind}",
    "doctor.orphan_part": "no relationship leads to this part",
    "doctor.unreadable_workbook": "cannot read the workbook: {error}",
    "doctor.sheet_name_twice": "sheet name {key} used {n:d} times",
    "doctor.sheet_id_twice": "sheetId {key} used {n:d} times",
    "doctor.sheet_without_part": "sheet {name}: its r:id leads to no part",
    "doctor.name_local_sheet": "defined name {name}: localSheetId {local} is no sheet",
    "doctor.name_deleted_reference": "defined name {name} = {text}: a deleted reference",
    "doctor.name_no_sheet": "defined name {name} = {text}: no sheet {sheet}",
    "doctor.name_twice": "defined name {name} (localSheetId {local}) defined {n:d} times",
    "doctor.unreadable_styles": "cannot read the styles: {error}",
    "doctor.numfmt_twice": "numFmtId {id:d} defined {n:d} times in <numFmts>",
    "doctor.dxf_numfmt": "dxfs[{i:d}] numFmt {id:d} = {code}, but <numFmts> has {id:d} = {other}",
    "doctor.xf_numfmt": "{section}[{i:d}] numFmtId={id:d}: not defined in <numFmts>",
    "doctor.xf_index": "{section}[{i:d}] {attr}={value}: only {count:d} {list}",
    "doctor.xf_style": "cellXfs[{i:d}] xfId={value}: only {count:d} cellStyleXfs",
    "doctor.unreadable_table": "cannot read the table: {error}",
    "doctor.table_ref": "table {name}: ref={ref} is no range",
    "doctor.table_columns": "table {name}: {n:d} columns for ref {ref}",
    "doctor.row_order": "{sheet}: row {row:d} after row {last:d}",
    "doctor.cf_dxf": "{sheet}: conditional format dxfId={id}, only {count:d} dxfs",
    "doctor.sheet_xml": "sheet {sheet}: not well-formed XML: {error}",
    "doctor.style_index": "{where} s={value}, only {count:d} cellXfs",
    "doctor.where.row": "{sheet}: row {row:d}",
    "doctor.where.col": "{sheet}: <col>",
    "doctor.where.cell": "{sheet}!{ref}",
    "doctor.cell_ref": "{sheet}: cell r={ref} is no cell reference",
    "doctor.cell_row": "{sheet}!{ref} in row {row:d}",
    "doctor.cell_order": "{sheet}!{ref}: cells out of order in row {row:d}",
    "doctor.list_validation": "{sheet}: list validation on {sqref} is {n:d} characters (Excel's limit: {limit:d})",
    "doctor.validation_sheet": "{sheet}: validation on {sqref} names no sheet {name}",
    "doctor.header_cell": "table {table}: the header cell of column {column} (sheet {sheet}, row {row:d}) holds {text}",
    "doctor.table_name_twice": "table name {key} used {n:d} times",
    "doctor.table_id_twice": "table id {key} used {n:d} times",
    "doctor.code_name_twice": "code name {code} used by sheets {sheets}",
    "doctor.table_dxf": "table {table} column {column}: {attr}={value}, only {count:d} dxfs",
    "doctor.unreadable_chart": "cannot read the chart: {error}",
    "doctor.chart_sheet": "a chart series reads {formula}: no sheet {sheet}",
    "doctor.vba_lists": "{mismatch} (as LibreOffice writes it)",
    "doctor.owner.workbook": "the workbook",
    "doctor.owner.sheet": "sheet {name}",
    "doctor.no_code_name": "{owners:and} {owners:~has} no VBA code name",
    "doctor.unknown_code_name": "{owner} has code name {code}, which no document module of the VBA project has",
    "doctor.orphan_modules": "{modules:~document_module} {modules:and} {modules:~belongs} to no sheet",
    "doctor.not_well_formed": "not well-formed XML: {error}",
    "doctor.vba_no_module": "the VBA project has no {name} module",
    "doctor.vba_old_module": "the {name} module is not this kpi-xl version's",
    "doctor.no_sheet": "no {sheet} sheet",
    "doctor.xlsm_without_vba": "a macro-enabled workbook (.xlsm) without a VBA project",
    "doctor.fixed.prefix": "declared the r: prefix that xl/workbook.xml uses (the workbook could not be read)",
    "doctor.fixed.number_format": "a cell style whose number format was defined nowhere now shows General",
    "doctor.fixed.dxf_id": "a conditional format's number format got an id of its own",
    "doctor.fixed.vba": "embedded this version's VBA project (the KpiXl, xlwings and Dictionary modules, and one "
                        "document module per template sheet), and gave the template's sheets their code names",
    "doctor.fixed.refresh": "refreshed the output sheets",
    "doctor.fixed.refresh_added": "refreshed the output sheets (added {sheets})",
    # --- problems of a tracker's input (kpi_xl.reader, kpi_xl.currencies, kpi_xl.ooxml.package) --------------
    "problem": "{where}: {message}",
    "problem.warning": "{where}: warning: {message}",
    "cli.problems": "{n:d} {n:~problem}: nothing was written.",
    "input.more": "… and {n} more cells like these",
    "input.none": "none",
    "input.found.blank": "a blank cell",
    "input.found.true": "TRUE",
    "input.found.false": "FALSE",
    "input.found.text": "text \"{text}\"",
    "input.found.error": "the error value {code}",
    "input.found.formula": "the formula {formula} with no value saved",
    "input.found.nan": "NaN (not a number)",
    "input.found.infinity": "infinity",
    "input.found.minus_infinity": "minus infinity",
    "input.found.number": "{value:found}",
    "input.found.date": "the date {day}",
    "input.found.time": "a time of day ({time}) with no date",
    "input.expected.date": "a date",
    "input.expected.month": "a month (2027-02) or a date",
    "input.expected.text": "text",
    "input.expected.count": "a whole number ≥ 0",
    "input.expected.money": "a number ≥ 0",
    "input.expected.signed_money": "a number",
    "input.expected.ledger_type": "one of {types}",
    "input.expected.day_range": "a date from {first} to {last}",
    "input.expected.setting.currency": "an ISO 4217 currency code (EUR, USD…) or a symbol such as €",
    "input.expected.setting.name": "a name of at most 100 characters",
    "input.expected.setting.money": "a number",
    "input.expected.setting.date": "a date",
    "input.expected.setting.ratio": "a number ≥ 0",
    "input.expected.setting.rate": "a percentage (e.g. 1%)",
    "input.expected.setting.months": "a number of months ≥ 0",
    "input.expected.setting.whole_months": "a whole number of months from 1 to 120",
    "input.expected.setting.language": "en or fr",
    "input.check": "expected {expected}, found {found}{why}",
    "input.check.recalc": "expected {expected}, found the formula {formula}, whose value this file does not hold{why}",
    "input.check.currency": "expected {expected}, found {found}: {why}",
    "input.why.cell_error": " (Excel could not calculate this cell): correct its formula, or type the value",
    "input.why.uncalculated": " (the program that wrote the file does not calculate): open the workbook in Excel and "
                              "save it, or type the value",
    "input.why.recalc": " (the program that wrote the file did not calculate it: the workbook asks Excel to "
                        "recalculate on opening): open the workbook in Excel and save it, or type the value",
    "input.why.nan": " (a value no spreadsheet holds)",
    "input.why.bound": " (beyond ±{bound}, the most a tracker holds)",
    "input.why.day_zero": " (Excel's day 0, shown as \"1900-01-00\": no day at all)",
    "input.why.negative_serial": " (a negative serial number: no day at all)",
    "input.why.time_alone": " (a time of day with no date)",
    "input.why.after_last_day": " (after {last}, the last day Excel holds)",
    "input.why.boolean": " (a logical value, which Excel's own sums leave out): type the number, or clear the cell",
    "input.why.other_values": " (the row has other values)",
    "input.currency.ambiguous": "type its code: {codes}",
    "input.currency.not_iso": "not an ISO 4217 code",
    "input.currency.dollar": "USD, CAD, AUD…",
    "input.currency.yen": "JPY or CNY",
    "input.currency.krona": "SEK, NOK, DKK or ISK",
    "input.currency.franc": "CHF…",
    "input.currency.rand": "ZAR…",
    "input.where.setting": "{cell} ({name})",
    "input.where.header": "{cells} ({header})",
    "input.setting.missing": "expected a named cell \"{name}\", found none (Formulas › Name Manager)",
    "input.setting.not_one_cell": "expected the name \"{name}\" to point at one cell, found \"{found}\"{deleted}: in "
                                  "Formulas › Name Manager, point it at its cell on {settings}",
    "input.setting.deleted": " (its cell was deleted)",
    "input.setting.twice": "expected one name \"{name}\", found two (Formulas › Name Manager): delete the wrong one",
    "input.table.missing": "expected an Excel Table named \"{table}\", found none (tables in this workbook: {tables})",
    "input.table.on": "{table} on {sheet}",
    "input.table.twice": "expected one Excel Table named \"{table}\", found two (on {first} and on {second}), which "
                         "Excel does not allow: rename one (Table Design › Table Name)",
    "input.table.span": "expected table {table} to span its {n:d} columns ({headers}), found {width:d} columns in "
                        "{ref}: make the change again in Excel (or undo it)",
    "input.header.twice": "expected one column \"{header}\" in table {table}, found a second one (the first is "
                          "{first}): rename or delete one",
    "input.header.languages": "expected the headers of table {table} in one language, found {mixed}: rename them "
                              "all in one language",
    "input.header.renamed": "expected header \"{header}\", found \"{found}\"",
    "input.header.missing": "expected a column \"{header}\" in table {table}, found none (headers: {headers})",
    "input.header.moved": "expected the header \"{header}\" of table {table}, found {found}: the sheet's header row "
                          "no longer matches the table's columns (a column deleted or moved outside Excel?); put the "
                          "column back, or make the change again in Excel",
    "input.merged": "expected one value in each cell, found cells merged into one (all but its first cell read as "
                    "blank): unmerge them (Home › Merge & Center) and type each value",
    "noun.hidden_row": "hidden row|hidden rows",
    "input.where.hidden": "{cells} ({n:~hidden_row})",
    "input.hidden": "{what}, counted in every KPI like the others (hiding a row does not leave it out): delete the "
                    "rows you want left out, or unhide them",
    "input.hidden.one": "a hidden row",
    "input.hidden.many": "{n:d} hidden rows",
    "input.date.old": "{day} is before {year:d}: a typo? It counts in its month",
    "input.date.late": "{day} is after {latest} (today plus the forecast's months): {horizon}",
    "input.date.late.forecast": "beyond the forecast: left out of it",
    "input.date.late.typo": "a typo? It counts in its month",
    "input.ads.clicks": "{clicks} clicks but {impressions} impressions (clicks without impressions: check the export)",
    "input.ads.customers": "{customers} customers but no spend on this row (counted, but they make the cost per "
                           "customer look lower)",
    "input.ads.channel": "a blank channel (the row counts in totals but in no channel)",
    "input.unmatched.channel": "channel \"{name}\" matches no Ads row (channels: {channels})",
    "input.unmatched.campaign": "campaign \"{name}\" matches no Ads row",
    # --- many trackers: kpi-xl refresh PATH…, kpi-xl portfolio -------------------------------------------
    "noun.tracker": "tracker|trackers",
    "noun.file": "file|files",
    "noun.problem": "problem|problems",
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

    def header(self, table: str, header: str) -> str:
        """A table column's header as this language writes it (``header`` is the identifier, the English one)."""
        return self.table.get(f"header.{table}.{header}", header)

    def ledger_type(self, name: str) -> str:
        """A `Ledger` Type as this language writes it (``name`` is the identifier, the English one)."""
        return self.table.get(f"type.{name}", name)

    def setting_label(self, name: str) -> str:
        """What column A of `Settings` says for a setting (its defined name stays the same in every language)."""
        return self.table.get(f"setting_label.{name}", name)

    def month_year(self, year: int, month: int) -> str:
        """``March 2026``, ``mars 2026``."""
        return self("month.year", month=self.table["month.names"].split()[month - 1], year=year)

    def month(self, index: int) -> str:
        """A month in a sentence: ``2026-03`` in English, ``mars 2026`` in French (months in lower case)."""
        year, m = divmod(index, 12)
        if self.table["month.style"] == "iso":
            return f"{year}-{m + 1:02d}"
        return self.month_year(year, m + 1).replace(" ", "\u00a0")

    def after_colon(self, sentence: str) -> str:
        """A sentence that follows a colon: French writes it without a capital."""
        return sentence[:1].lower() + sentence[1:] if self.lang == "fr" else sentence

    def line_start(self, text: str) -> str:
        """A line starts with a capital (``Mai 2026 par rapport à avril 2026``)."""
        return text[:1].upper() + text[1:]

    def count(self, n: float, noun: str) -> str:
        """``1 line``, ``3 lines``; ``1 ligne``, ``0 ligne``, ``3 lignes`` (French is singular below 2)."""
        from .formatting import number

        space = "\u00a0" if self.lang == "fr" else " "
        return f"{number(n, 0, self.lang)}{space}{self.noun(n, noun)}"

    def noun(self, n: float, noun: str) -> str:
        """``row`` or ``rows``, agreed with ``n`` the language's way."""
        one, many = self.table[f"noun.{noun}"].split("|")
        return many if (abs(n) >= 2 if self.lang == "fr" else n != 1) else one

    def say(self, text: object, currency: str | None = None) -> str:
        """A :class:`Message` said in this language (amounts in ``currency`` where the language writes one);
        any other text as it is."""
        if isinstance(text, Message):
            return self.say_key(text.key, text.params, currency)
        return str(text)

    def say_key(self, key: str, params: Mapping[str, object], currency: str | None = None) -> str:
        """The text ``key`` with ``params`` formatted this language's way (see :class:`Message`)."""
        return _Say(self, currency).vformat(self.table[key], (), params)

    def problem(self, problem: "Problem") -> str:
        """A problem of the input said in this language: ``Publicités!F7 (Dépense HT) : attendu…``
        (``str(problem)`` is its English)."""
        key = "problem.warning" if problem.severity == "warning" else "problem"
        return self(key, where=self.say(problem.where), message=self.say(problem.message))

    def and_list(self, items: list[str]) -> str:
        """``Dashboard, Ads Summary, P&L and Forecast``."""
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + self.table["and"] + items[-1]


class Message(str):
    """A sentence of the catalogue not said yet: its key and raw parameters; the string itself is its English.

    Being a string, it is compared, sorted, joined and printed as the English
    sentence it always was; :meth:`Texts.say` says it in another language.
    (A string built from it — ``message + "…"`` — is plain English text.)
    """

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, /, **params: object) -> "Message":
        self = super().__new__(cls, LANGUAGES["en"].say_key(key, params))
        self.key, self.params = key, params
        return self

    def __getnewargs_ex__(self) -> tuple[tuple, dict]:  # copy and pickle make it again from its key
        return (self.key,), self.params


class Sheet(str):
    """A sheet's identifier (:data:`kpi_xl.layout.SHEETS`) in a message: said with the reader's name for it."""


class SettingLabel(str):
    """A setting's defined name in a message: said with the label the reader's `Settings` sheet gives it."""


class LedgerType(str):
    """A `Ledger` Type identifier in a message: said as the reader's language writes it."""


class Header(str):
    """A table column's identifier in a message (``Spend``): said with the reader's header (``Dépense HT``)."""

    table: str

    def __new__(cls, table: str, header: str) -> "Header":
        self = super().__new__(cls, header)
        self.table = table
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # copy and pickle make it again from its table and header
        return self.table, str(self)


class _Say(string.Formatter):
    """Fills a template in one language: each parameter formatted by its type and its placeholder's spec."""

    def __init__(self, words: "Texts", currency: str | None):
        super().__init__()
        self.words, self.currency = words, currency

    def format_field(self, value: object, spec: str) -> str:
        words = self.words
        if isinstance(value, Message):
            return words.say(value, self.currency)
        if isinstance(value, Sheet):
            return words.sheet(value)
        if isinstance(value, Header):
            return words.header(value.table, value)
        if isinstance(value, SettingLabel):
            return words.setting_label(value)
        if isinstance(value, LedgerType):
            return words.ledger_type(value)
        if spec.startswith("~"):  # the noun alone, agreed with a number or a list's length
            return words.noun(len(value) if isinstance(value, (list, tuple)) else value, spec[1:])
        if isinstance(value, (list, tuple)):
            items = [self.format_field(item, "") for item in value]
            if spec == "and":
                return words.and_list(items) if items else ""
            return (words.table["list.semicolon"] if spec == "semicolon" else ", ").join(items)
        if isinstance(value, dt.date):
            return value.strftime(words.table["date.format"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self._number(value, spec)
        return format(value, spec)

    def _number(self, value: float, spec: str) -> str:
        from .formatting import MINUS, NBSP, money, number

        lang = self.words.lang
        if spec == "money":
            return money(value, self.currency, 2, lang) if self.currency and lang != "en" else number(value, 2, lang)
        if spec == "found":  # a number as a cell holds it: every digit, none added
            big = isinstance(value, float) and abs(value) >= 1e15
            text = f"{value:.6g}" if big else str(int(value)) if float(value).is_integer() else str(value)
            return text if lang == "en" else text.replace("-", MINUS).replace(".", ",")
        if spec == "percent":
            return f"{value:.1%}" if lang == "en" else f"{number(value * 100, 1, lang)}{NBSP}%"
        if spec.startswith(",.") and spec.endswith("f"):  # {x:,.1f}: grouped, with that many decimals
            return number(value, int(spec[2:-1]), lang)
        if f"noun.{spec}" in self.words.table:
            return self.words.count(value, spec)
        return number(value, 0, lang) if not spec else format(value, spec)


def _french() -> dict[str, str]:
    from .texts_fr import FR

    return FR


LANGUAGES = {"en": Texts("en", EN), "fr": Texts("fr", _french())}


def texts(lang: str | None = "en") -> Texts:
    """The words of ``lang`` (``en`` or ``fr``; None: English)."""
    return LANGUAGES[lang or "en"]


def fold(text: str) -> str:
    """How a typed name is compared: case, accents, spacing and apostrophes ignored.

    >>> fold("  Coûts  VARIABLES "), fold("Rémunération") == fold("REMUNERATION")
    ('couts variables', True)
    """
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split()).casefold()


def canonical_types() -> dict[str, str]:
    """Folded spelling → `Ledger` Type identifier: every language's name, and the other French spellings."""
    from .schema import LEDGER_TYPES
    from .texts_fr import ACCEPTED_TYPES

    out = {}
    for name in LEDGER_TYPES:
        for spelling in (*all_names("type", name), *ACCEPTED_TYPES.get(name, ())):
            out[fold(spelling)] = name
    return out


def all_names(kind: str, name: str) -> set[str]:
    """Every language's spelling of a sheet, header or type identifier (``kind``: ``sheet``, ``header.Ads``…)."""
    return {words.table.get(f"{kind}.{name}", name) for words in LANGUAGES.values()}
