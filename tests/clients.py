"""A folder of client trackers, as an accountant keeps them: the tests of many trackers at once share it.

=================  ========  =====================  ============  ===========================================
file               currency  Business               latest month  what it is for
=================  ========  =====================  ============  ===========================================
alpha.xlsm         EUR       Alpha Coaching         2026-12       over its CAC limit (MaxCAC 250)
beta.xlsx          USD       Beta Shop              2026-12       another currency, over its limit (MaxCAC 300)
gamma.xlsm         EUR       (none: made before)    2026-11       named after its file; another latest month
broken.xlsm        EUR       Alpha Coaching         –             bad input: text in Spend, negative clicks
notes.xlsx         –         –                      –             a workbook that is no tracker
=================  ========  =====================  ============  ===========================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from kpi_xl.sample import sample_data
from kpi_xl.workbook import write_tracker

CREATED = dt.datetime(2026, 1, 1)
TRACKERS = ("alpha.xlsm", "beta.xlsx", "gamma.xlsm")
BROKEN = "broken.xlsm"
NOT_A_TRACKER = "notes.xlsx"
BROKEN_PROBLEMS = [
    'Ads!F7 (Spend): expected a number ≥ 0, found text "12,5 €"',
    "Ads!E9 (Clicks): expected a whole number ≥ 0, found -3",
]


def _tracker(path: Path, end: str, seed: int, **settings) -> Path:
    data = sample_data(end, seed=seed)
    return write_tracker(path, data.ads, data.ledger, dataclasses.replace(data.settings, **settings), data.plan,
                         created=CREATED)


def make_clients(folder: Path) -> Path:
    """Write the folder above (about five seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    _tracker(folder / "alpha.xlsm", "2026-12", 17, business="Alpha Coaching", max_cac=250.0)
    _tracker(folder / "beta.xlsx", "2026-12", 23, business="Beta Shop", currency="USD", max_cac=300.0)
    gamma = _tracker(folder / "gamma.xlsm", "2026-11", 31, max_cac=1000.0, min_gross_margin=None)
    wb = openpyxl.load_workbook(gamma, keep_vba=True)  # made before the Business setting existed
    del wb.defined_names["Business"]
    wb.save(gamma)
    shutil.copyfile(folder / "alpha.xlsm", folder / BROKEN)
    wb = openpyxl.load_workbook(folder / BROKEN, keep_vba=True)
    wb["Ads"]["F7"] = "12,5 €"
    wb["Ads"]["E9"] = -3
    wb.save(folder / BROKEN)
    notes = openpyxl.Workbook()
    notes.active["A1"] = "Client list"
    notes.save(folder / NOT_A_TRACKER)
    return folder


def copy_clients(master: Path, to: Path) -> Path:
    shutil.copytree(master, to)
    return to
