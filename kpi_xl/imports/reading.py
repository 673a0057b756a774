"""Reading an export file safely: bounded, regular files only, text or workbook, never a guess.

An import reads files a user picked, and a wrong pick must end in a message,
not in a machine out of memory or a Python error: ``--ads /dev/zero`` would
read forever, a PNG renamed ``.csv`` would decode into nonsense.  So:

* only a regular file is read (a device, a pipe, a socket or a folder is
  refused before a byte is read), and at most :data:`MAX_EXPORT_BYTES` of
  it — the read stops there even if the file grows meanwhile;
* a workbook (``.xlsx``, ``.xls``: a zip or an OLE2 container) is read with
  python-calamine, its first sheet as typed cells, after checking that it
  does not unpack to more than :data:`MAX_UNPACKED_BYTES`;
* anything else must be text: a byte that no text export holds (a NUL, a
  control code) is refused with its offset, before any decoding.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from ..texts import Message

MAX_EXPORT_BYTES = 256 * 1024 * 1024
"""The largest export read (256 MiB): ten times a year of daily ad-level Meta data for a busy account."""

MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""The most a workbook export may unpack to (1 GiB), so a small zip cannot fill the memory."""

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls container


class Refused(ValueError):
    """The file cannot be read as an export; the message says why and what to do."""


def read_export_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``, or :class:`Refused` when it is not a regular file of at most ``limit`` bytes.

    ``limit`` defaults to :data:`MAX_EXPORT_BYTES`.
    """
    limit = MAX_EXPORT_BYTES if limit is None else limit
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise Refused(Message("import.refused.missing")) from None
    except OSError as e:
        raise Refused(Message("import.refused.unreadable", error=str(e.strerror or e))) from None
    if stat.S_ISDIR(info.st_mode):
        raise Refused(Message("import.refused.folder"))
    if not stat.S_ISREG(info.st_mode):
        raise Refused(Message("import.refused.not_regular"))
    if info.st_size > limit:
        raise Refused(_too_large(info.st_size, limit))
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)  # never more, even if the file grows while it is read
    except OSError as e:
        raise Refused(Message("import.refused.unreadable", error=str(e.strerror or e))) from None
    if len(data) > limit:
        raise Refused(_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> Message:
    return Message("import.refused.too_large", size=size / 2**20, limit=limit / 2**20)


def is_workbook(data: bytes) -> bool:
    """A zip (``.xlsx``) or an OLE2 container (``.xls``)."""
    return data.startswith(b"PK\x03\x04") or data.startswith(_OLE2)


def workbook_rows(data: bytes, limit: int | None = None) -> tuple[str, list[list[object]]]:
    """(name, rows from A1) of a workbook's first sheet, each cell as its type: text, number, date or ``""``.

    Raises :class:`Refused` when the file is not a workbook calamine reads,
    or would unpack to more than ``limit`` bytes (:data:`MAX_UNPACKED_BYTES`).
    """
    import python_calamine

    limit = MAX_UNPACKED_BYTES if limit is None else limit
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                unpacked = sum(i.file_size for i in z.infolist())
                names = set(z.namelist())
        except zipfile.BadZipFile as e:
            raise Refused(Message("import.refused.bad_zip", error=str(e))) from None
        if unpacked > limit:
            raise Refused(Message("import.refused.unpacks", size=unpacked / 2**20, limit=limit / 2**20))
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise Refused(Message("import.refused.zip"))
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = book.sheet_names[0]
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own error classes (and IndexError for a book without sheets)
        raise Refused(Message("import.refused.workbook", error=f"{type(e).__name__}: {e}")) from None
    return name, rows
