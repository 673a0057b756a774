"""The exception tree and the problem record.

Input problems are values (:class:`Problem`), collected while reading and
validating, and raised together in one :class:`InputError` so that a user sees
every problem at once.  The command line maps the classes to exit codes
(:class:`InputError` and :class:`ArgumentError` → 2, every other
:class:`KpiXlError` → 1); Excel maps them to a cell message or a message box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or odd) in the input, with where it is.

    ``where`` is ``Sheet!Cell (Header)``, ``Sheet!Cell``, ``Sheet`` or
    ``file:line``; ``message`` says what was expected and what was found.
    Either may be a :class:`~kpi_xl.texts.Message`: ``str(problem)`` is the
    English, ``texts(lang).problem(problem)`` says it in ``lang``.

    >>> str(Problem("Ads!F7 (Spend)", 'expected a number ≥ 0, found "12,5 €"'))
    'Ads!F7 (Spend): expected a number ≥ 0, found "12,5 €"'
    """

    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.where}: {prefix}{self.message}"


class KpiXlError(Exception):
    """Base class of every error kpi_xl raises on purpose."""


class InputError(KpiXlError):
    """The workbook's (or an import file's) input is invalid: nothing was written.

    ``lang`` is the language of the tracker the problems were found in, when it is known (its Language
    setting, else its sheets' names): the language to say them in, unless the user asked for another.
    """

    def __init__(self, problems: Iterable[Problem], lang: str | None = None):
        self.problems = [p for p in problems if p.severity == "error"]
        self.lang = lang
        n = len(self.problems)
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in the input:\n"
            + "\n".join(str(p) for p in self.problems)
        )


class ArgumentError(KpiXlError, ValueError):
    """A bad argument: a period, channel or KPI id that cannot be understood.

    The message names the argument, what was expected and what was found.
    """


class WorkbookError(KpiXlError):
    """The file cannot be used as a tracker at all (missing, not a workbook, locked)."""


class TemplateError(KpiXlError):
    """The packaged template or its VBA project is not what the code expects."""
