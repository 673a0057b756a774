"""An export's own total lines: never imported as rows, always used as a check.

Google writes its footers wherever the report's label column is — the first
column of a campaign report (``Total: Campaigns``), the third of a keyword
report after blank or `` --`` cells (``\\t\\tTotal: Account``), the second of
a report segmented by device (``Computers,Total: Display``); AdWords before
2018 wrote ``Total - filtered`` and ``Total``; Microsoft writes ``Total``;
French exports ``Total : Compte``.  So a line is a footer when **any** of
its cells is such a label (:func:`footer_label`), never by its position.

Meta writes no label: with "Include summary row" its totals are a line with
every name (and the day) blank (the reader tells those apart, :mod:`.ads`).

Each footer's figures are compared with the sum of the lines imported
(:func:`self_check`): the account's own total (``Total: Account``, a bare
``Total``, Meta's summary row) must agree, or the summary warns that the
file covers only part of the account and says why; any other total that
agrees is named, so a user sees the import match the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..texts import Message
from .text import MISSING

_LABEL = re.compile(r"total(?:\s*[:：]\s*(?P<colon>.*)|\s+[-–—]\s+(?P<dash>.*))?", re.S)
ACCOUNT_LABELS = frozenset({"", "account", "compte"})
"""What follows "Total" in the label of the whole account's total (a bare "Total" is one)."""
SUMMARY_ROW = Message("import.summary_row")

FIGURES = ("spend", "impressions", "clicks")


def footer_label(cells: list) -> tuple[int, str] | None:
    """(column, label) of the first cell that is a total's label, or None for any other line.

    >>> footer_label(["", "", "Total: Account", "", "10,708"]), footer_label(["Computers", "Total: Display"])
    ((2, 'Total: Account'), (1, 'Total: Display'))
    >>> footer_label(["Total - filtered", "--"]), footer_label(["Total : Compte"]), footer_label(["Totally Tiles"])
    ((0, 'Total - filtered'), (0, 'Total : Compte'), None)
    """
    try:
        joined = "\x1f".join(cells)  # most lines hold no "total" at all: one look at the whole line
    except TypeError:  # a workbook's typed cells
        joined = None
    if joined is not None and "otal" not in joined and "OTAL" not in joined:
        return None
    for i, cell in enumerate(cells):
        if type(cell) is str and ("otal" in cell or "OTAL" in cell):
            text = " ".join(cell.split())
            if _LABEL.fullmatch(text.casefold()):
                return i, text
    return None


def label_key(label: str) -> str:
    """What a label totals, as compared: ``Total: Account`` → ``account``, ``Total`` → ``""``."""
    m = _LABEL.fullmatch(" ".join(label.split()).casefold())
    return ((m["colon"] or m["dash"] or "") if m else label).strip()


@dataclass
class Footer:
    """One total line of an export."""

    label: str  # "Total: Account", or SUMMARY_ROW
    line: int
    segment: str  # what the line is a total of within the label (a device: "Computers"), "" for all
    figures: dict[str, float | None] = field(default_factory=dict)

    @property
    def is_account(self) -> bool:
        return self.label == SUMMARY_ROW or label_key(self.label) in ACCOUNT_LABELS


def segment_of(cells: list, label_column: int) -> str:
    """The text before a footer's label (a device segment), blank and `` --`` cells ignored."""
    parts = [str(c).strip() for c in cells[:label_column] if str(c).strip() not in MISSING]
    return " ".join(parts)


@dataclass
class Total:
    """One label's total: a line, or the sum of its segments' lines (a report segmented by device)."""

    label: str
    lines: list[int]
    figures: dict[str, float | None]
    is_account: bool


def combine(footers: list[Footer]) -> list[Total]:
    """One total per label: its unsegmented line if it has one, else the sum of its segments."""
    by_label: dict[str, list[Footer]] = {}
    for f in footers:
        by_label.setdefault(f.label.casefold(), []).append(f)
    totals = []
    for group in by_label.values():
        whole = [f for f in group if not f.segment]
        parts = whole[-1:] if whole else group
        figures = {k: _sum(f.figures.get(k) for f in parts) for k in FIGURES}
        totals.append(Total(group[0].label, [f.line for f in parts], figures, group[0].is_account))
    return totals


def _sum(values) -> float | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


@dataclass
class Check:
    """What the self-check found: notes for the summary, and warnings (each a :class:`~kpi_xl.texts.Message`)."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def self_check(sums: dict[str, float | None], lines: int, footers: list[Footer], partial_reason: str) -> Check:
    """Compare the sums of the lines imported with each of the export's own totals.

    ``sums`` holds the figures the export has (None: no such column);
    ``lines`` is how many lines went into them, which bounds the rounding:
    each line's spend is rounded to the cent, a total is not.
    ``partial_reason`` says why this kind of export may cover less than the
    account, and what to download instead.
    """
    check = Check()
    if not footers:
        return check
    labels = sorted({f.label for f in footers if f.label != SUMMARY_ROW}, key=lambda x: x.casefold())
    if labels:
        check.notes.append(Message("import.totals", n=len(footers), labels=labels))
    totals = [t for t in combine(footers)
              if any(t.figures.get(k) is not None and sums.get(k) is not None for k in FIGURES)]
    if not totals:
        check.notes.append(Message("import.totals.none"))
        return check
    account = next((t for t in totals if t.is_account), None)
    agreeing = [t for t in totals if _agrees(t.figures, sums, lines)]
    if account is not None and account in agreeing:
        check.notes.append(_agreed("import.match", sums, account))
    elif account is not None:
        check.warnings.append(_partial(account, sums, partial_reason))
        if agreeing:
            check.notes.append(_agreed("import.match.lines", sums, agreeing[0]))
    elif agreeing:
        check.notes.append(_agreed("import.match", sums, agreeing[0]))
    else:
        shown = [Message("import.total", where=_where(t), figures=_figures(t.figures)) for t in totals]
        check.warnings.append(Message("import.warn.none_agrees", mine=_figures(sums), totals=shown))
    return check


def _agrees(figures: dict[str, float | None], sums: dict[str, float | None], lines: int) -> bool:
    compared = 0
    for key in FIGURES:
        mine, theirs = sums.get(key), figures.get(key)
        if mine is None or theirs is None:
            continue
        tolerance = max(0.005, 0.005 * lines) if key == "spend" else 0.0
        if abs(mine - theirs) > tolerance + 1e-9:
            return False
        compared += 1
    return compared > 0


def _lines(total: Total) -> Message:
    return Message("import.lines", n=len(total.lines), lines=total.lines[:3], more="…" if len(total.lines) > 3 else "")


def _agreed(key: str, sums: dict[str, float | None], total: Total) -> Message:
    """The note that ``total`` agrees: the figures, and the report's spend when it is a few cents off (each line
    rounded, the total not)."""
    mine, theirs = sums.get("spend"), total.figures.get("spend")
    off = mine is not None and theirs is not None and round(mine, 2) != round(theirs, 2)
    return Message(key, where=_where(total), figures=_figures(sums),
                   off=Message("import.match.off", spend=theirs) if off else "")


def _where(total: Total) -> Message:
    return Message("import.where", label=total.label, lines=_lines(total))


def _figures(values: dict[str, float | None]) -> list[Message] | Message:
    parts = []
    if values.get("spend") is not None:
        parts.append(Message("import.figures.spend", spend=values["spend"]))
    for key in ("impressions", "clicks"):
        if values.get(key) is not None:
            parts.append(Message(f"import.figures.{key}", n=values[key]))
    return parts or Message("import.figures.none")


def _partial(account: Total, sums: dict[str, float | None], reason: str) -> Message:
    mine, theirs = sums.get("spend"), account.figures.get("spend")
    if account.label == SUMMARY_ROW:
        return Message("import.warn.summary_row", lines=_lines(account), theirs=_figures(account.figures),
                       mine=_figures(sums))
    if mine is not None and theirs and round(mine, 2) != round(theirs, 2):
        share = Message("import.share", share=mine / theirs) if theirs > 0 else ""
        return Message("import.warn.share", mine=mine, theirs=theirs, share=share, where=_where(account),
                       reason=reason)
    return Message("import.warn.partial", mine=_figures(sums), where=_where(account),
                   theirs=_figures(account.figures), reason=reason)
