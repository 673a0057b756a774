"""Reading a workbook's VBA project (``xl/vbaProject.bin``): its module lists and their code.

A VBA project keeps two lists of its modules: the ``PROJECT`` stream (text,
``Document=Sheet1/&H00000000``, ``Module=KpiXl``…) and the ``dir`` stream
(compressed, with each module's code).  Excel needs them to agree;
LibreOffice, when it saves a workbook, writes a ``dir`` that lists the
``Dictionary`` class while its ``PROJECT`` does not.  The code itself is read
with oletools (olevba), which decompresses it the way MS-OVBA describes.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field

from ..errors import WorkbookError

KINDS = ("Document", "Module", "Class", "BaseClass")
"""The ``PROJECT`` stream's module lines: a sheet's or the workbook's module, a standard module, a class."""


@dataclass(frozen=True)
class VbaProject:
    project: list[tuple[str, str]]
    """(kind, name) of each module the ``PROJECT`` stream lists."""
    code: dict[str, str] = field(default_factory=dict)
    """Module name → its code, for each module the ``dir`` stream lists."""

    @property
    def documents(self) -> set[str]:
        """The document modules' names, casefolded: one per sheet, and the workbook's."""
        return {name.casefold() for kind, name in self.project if kind == "Document"}

    def mismatches(self) -> list[str]:
        """Sentences for each module one list has and the other lacks."""
        listed = {name.casefold() for _, name in self.project}
        in_dir = {name.casefold() for name in self.code}
        out = [f"the dir stream lists module {name}, the PROJECT stream does not"
               for name in sorted(self.code) if name.casefold() not in listed]
        out += [f"the PROJECT stream lists module {name}, the dir stream does not"
                for _, name in self.project if name.casefold() not in in_dir]
        return out


def body(code: str) -> str:
    """A module's code without its ``Attribute`` and ``Option`` lines and blank lines: what a person wrote.

    >>> body('Attribute VB_Name = "Sheet1"\\r\\nOption Explicit\\r\\n\\r\\nSub A()\\r\\nEnd Sub\\r\\n')
    'Sub A()\\nEnd Sub'
    """
    lines = [line.rstrip() for line in code.replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines
                     if line.strip() and not re.match(r"^\s*(Attribute\s|Option\s)", line, re.I))


def read_vba_project(raw: bytes, part: str = "xl/vbaProject.bin") -> VbaProject:
    """The module lists and code of a ``vbaProject.bin``; a :class:`WorkbookError` if it cannot be read."""
    import olefile

    with warnings.catch_warnings():  # oletools uses pyparsing's old names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser
    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
        stream = next(s for s in ole.listdir() if s[-1].upper() == "PROJECT")
        text = ole.openstream(stream).read().decode("latin-1")
    except (OSError, StopIteration, ValueError) as e:
        raise WorkbookError(f"{part}: not a VBA project ({e or 'no PROJECT stream'})") from None
    project = []
    for line in text.split("[", 1)[0].splitlines():
        key, _, value = line.partition("=")
        if key in KINDS:
            project.append((key, value.split("/", 1)[0].strip('"')))
    code = {}
    parser = VBA_Parser("vbaProject.bin", data=raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, stream_path, _, source in parser.extract_macros():
                code[stream_path.rsplit("/", 1)[-1]] = source
    except Exception as e:  # olevba raises its own classes for a damaged dir stream
        raise WorkbookError(f"{part}: the VBA project's module directory cannot be read ({e})") from None
    finally:
        parser.close()
    return VbaProject(project, code)
