"""Excel functions: ``=CPC()``, ``=CAC("2026-03", "Meta")``, … ``=KPI(id, …)``, ``=KPIS(…)``.

One function per KPI id (upper-case), each taking the same optional
``(period, channel, campaign)``; ledger KPIs ignore channel and campaign.
They read the calling workbook's own `Ads`/`Ledger` tables and `Settings`
through :mod:`kpi_xl.excel` and compute with the same core as ``kpi-xl
kpis``.  Thin: parse the arguments, call the core, format for a cell.

What a cell shows:

* a number, or ``#DIV/0!`` for an undefined ratio.  Python returns the text
  marker ``"#DIV/0!"``; the workbook's VBA wrapper turns it into Excel's real
  error value (xlwings cannot return one itself, xlwings issue #776);
* ``#VALUE! <argument> "<found>": expected …`` for a bad argument, or
  ``#VALUE! <Sheet!Cell (Header)>: expected …, found …`` (and how many more
  problems) when the tracker's input is invalid — one line, never a traceback.

**Freshness and the cache.**  The functions are volatile, so Excel calls them
on every recalculation.  Each call copies the tables' current values out of
Excel (:func:`kpi_xl.excel.snapshot`) and compares them, exactly, with the
copy behind the cached tracker: equal → reuse the parsed, validated,
aggregated tracker; different → rebuild it.  The key is the data itself, so
an edit can never be missed (unsaved edits, edits by macros with events off,
pasted ranges, undo…).  Cheaper keys were rejected because each can miss an
edit: the file's modification time (unsaved edits), a `Worksheet_Change`
counter (events switched off, external refreshes), a time window.  What the
cache saves is the parsing, validation and aggregation — the part that grows
with the table in Python; bench/README.md has the figures.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from . import metrics
from .errors import ArgumentError, InputError, KpiXlError
from .excel import Snapshot, book_of, check_snapshot, snapshot
from .metrics import KPI_IDS, Value
from .periods import Selection
from .texts import texts
from .tracker import Tracker

DIV0 = "#DIV/0!"
"""The marker for an undefined value; the VBA wrapper shows it as Excel's #DIV/0! error."""

CATEGORY = "KPI"
PERIOD_DOC = "Optional. 2026-03, 2026-Q1, 2026, a date (its month) or blank for everything."
CHANNEL_DOC = "Optional. Only the Ads rows of this channel (case ignored). Ledger KPIs ignore it."
CAMPAIGN_DOC = "Optional. Only the Ads rows of this campaign (case ignored). Ledger KPIs ignore it."


class _Cache:
    """The last snapshot of each workbook and what was built from it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Snapshot, Tracker | None, list]] = {}

    def tracker(self, key: str, snap: Snapshot) -> Tracker:
        entry = self._entries.get(key)
        if entry is None or entry[0] != snap:
            tracker, problems = check_snapshot(snap)
            entry = self._entries[key] = (snap, tracker, problems)
        _, tracker, problems = entry
        if tracker is None:
            raise InputError(problems)
        return tracker

    def clear(self) -> None:
        self._entries.clear()


cache = _Cache()


def _book_key(book: Any) -> str:
    try:
        return str(book.fullname)
    except Exception:  # a book without a file yet
        return str(id(book))


def tracker_for(caller: Any) -> Tracker:
    """The (cached) tracker of the workbook holding the calling cell."""
    book = book_of(caller)
    return cache.tracker(_book_key(book), snapshot(book))


def cell_value(value: Value) -> float | str:
    """What a KPI value becomes in a cell.

    >>> cell_value(1.5), cell_value(None)
    (1.5, '#DIV/0!')
    """
    return DIV0 if value is None else value


def error_text(error: Exception) -> str:
    """The one line a cell shows for an error.

    >>> error_text(ArgumentError('period "2026-13": expected 2026-03, 2026-Q1, 2026 or a date'))
    '#VALUE! period "2026-13": expected 2026-03, 2026-Q1, 2026 or a date'
    """
    if isinstance(error, InputError):
        first, rest = error.problems[0], len(error.problems) - 1
        more = f" (and {rest} more problem{'s' if rest != 1 else ''})" if rest else ""
        return f"#VALUE! {first}{more}"
    if isinstance(error, KpiXlError):
        return f"#VALUE! {str(error).splitlines()[0]}"
    return f"#VALUE! unexpected error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def _values(ids: list[str] | None, period: Any, channel: Any, campaign: Any, caller: Any) -> dict[str, Value]:
    selection = Selection.parse(period, channel, campaign)
    return tracker_for(caller).kpis(selection, ids=ids)


def evaluate(kpi_id: str, period: Any = None, channel: Any = None, campaign: Any = None,
             caller: Any = None) -> float | str:
    """One KPI for a cell: a number, the #DIV/0! marker, or a #VALUE! line."""
    try:
        return cell_value(_values([kpi_id], period, channel, campaign, caller)[kpi_id])
    except Exception as e:  # a cell shows one line, never a traceback
        return error_text(e)


def _kpi_function(kpi_id: str, name: str | None = None, doc: str | None = None):
    """The Excel function ``name`` (default: the id, upper-case) giving KPI ``kpi_id``."""
    kpi = metrics.REGISTRY[kpi_id]

    def udf(period=None, channel=None, campaign=None, caller=None):
        return evaluate(kpi_id, period, channel, campaign, caller)

    udf.__name__ = udf.__qualname__ = name or kpi_id.upper()
    udf.__module__ = __name__
    udf.__doc__ = doc or f"{kpi.label}: {kpi.formula}."
    udf = xw.arg("period", doc=PERIOD_DOC)(udf)
    udf = xw.arg("channel", doc=CHANNEL_DOC)(udf)
    udf = xw.arg("campaign", doc=CAMPAIGN_DOC)(udf)
    return xw.func(category=CATEGORY, volatile=True)(udf)


for _id in KPI_IDS:
    globals()[_id.upper()] = _kpi_function(_id)
del _id


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("id", doc="A KPI id such as cpc, cac or net_profit (case ignored).")
@xw.arg("period", doc=PERIOD_DOC)
@xw.arg("channel", doc=CHANNEL_DOC)
@xw.arg("campaign", doc=CAMPAIGN_DOC)
def KPI(id, period=None, channel=None, campaign=None, caller=None):
    """Any KPI by its id: =KPI("cac", "2026-03") is =CAC("2026-03")."""
    key = str(id).strip().casefold() if id is not None else ""
    if key not in metrics.REGISTRY:
        return error_text(ArgumentError(f'id "{"" if id is None else id}": expected one of {", ".join(KPI_IDS)}'))
    return evaluate(key, period, channel, campaign, caller)


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("period", doc=PERIOD_DOC)
@xw.arg("channel", doc=CHANNEL_DOC)
@xw.arg("campaign", doc=CAMPAIGN_DOC)
def KPIS(period=None, channel=None, campaign=None, caller=None):
    """Every KPI of the selection, spilled as two columns: id and value."""
    try:
        values = _values(None, period, channel, campaign, caller)
    except Exception as e:
        return [[error_text(e), ""]]
    return [[kpi_id, cell_value(v)] for kpi_id, v in values.items()]


ALIASES = {"CA": "sales", "TRESORERIE": "cash_end", "BENEFICE_NET": "net_profit",
           "REMUNERATION_POSSIBLE": "safe_owner_pay", "SEUIL_RENTABILITE": "breakeven_sales"}
"""French names for the few figures a French owner would look for by their French name: =CA() is
=SALES().  The acronyms (CPC, CPL, CAC, CTR, ROAS) are the same in French and need none."""


for _name, _id in ALIASES.items():
    globals()[_name] = _kpi_function(_id, _name, f"{texts('fr').kpi(_id)} (={_id.upper()}()) : "
                                                 f"{metrics.REGISTRY[_id].formula}.")
del _name, _id

FUNCTION_NAMES: tuple[str, ...] = tuple(i.upper() for i in KPI_IDS) + ("KPI", "KPIS") + tuple(ALIASES)
"""Every Excel function this module defines, in the order of the docs."""
