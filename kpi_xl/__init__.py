"""kpi_xl: an Excel tracker, driven by Python, for a small business's ads and profitability.

The library is usable without the command line or Excel::

    >>> import kpi_xl
    >>> "cac" in kpi_xl.KPI_IDS
    True

``read_tracker(path)`` reads and validates a workbook; ``Tracker.kpis(period,
channel, campaign)`` gives every KPI of a selection.  Many trackers at once:
``refresh_many(paths, jobs=…)`` refreshes them in parallel and
``portfolio(paths)`` reads them side by side (:mod:`kpi_xl.batch`); both
return records, one per file.
"""

from .batch import portfolio, refresh_many
from .errors import ArgumentError, InputError, KpiXlError, Problem, TemplateError, WorkbookError
from .metrics import KPI_IDS, REGISTRY, Figures, compute
from .periods import Selection, parse_period
from .reader import check_tracker, read_tracker
from .tracker import Settings, Tracker

__version__ = "0.1.0"

__all__ = [
    "KPI_IDS", "REGISTRY", "Figures", "compute", "Selection", "parse_period", "read_tracker", "check_tracker",
    "Settings", "Tracker", "KpiXlError", "InputError", "ArgumentError", "WorkbookError", "TemplateError",
    "Problem", "refresh_many", "portfolio", "__version__",
]
