"""The one way kpi_xl rewrites a package: new parts written, every other entry copied raw.

"Raw" means the entry's compressed bytes as the zip holds them: a
million-row worksheet that a refresh does not touch is neither inflated nor
deflated again (about 2 s saved at Excel's row limit), and comes back
byte for byte.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Collection, Mapping

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""The date of a part added to a package: none is recorded, so the same input gives the same bytes."""


def copy_raw(zin: zipfile.ZipFile, info: zipfile.ZipInfo, zout: zipfile.ZipFile) -> None:
    """Copy one entry's compressed bytes as they are (no inflate, no deflate).

    The standard library has no public call for this, so it writes the local
    header with ``ZipInfo.FileHeader`` and registers the entry in the output's
    directory the way ``ZipFile.write`` does.  ``tests/test_ooxml.py`` checks
    the result reads back (CRC included) on the Python the tests run on.
    """
    zin.fp.seek(info.header_offset)
    header = zin.fp.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    zin.fp.seek(info.header_offset + 30 + name_len + extra_len)
    data = zin.fp.read(info.compress_size)
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type, new.external_attr, new.create_system = info.compress_type, info.external_attr, info.create_system
    new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
    new.header_offset = zout.fp.tell()
    zout.fp.write(new.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    zout.fp.write(data)
    zout.filelist.append(new)
    zout.NameToInfo[new.filename] = new
    zout.start_dir = zout.fp.tell()
    zout._didModify = True


def write_part(zout: zipfile.ZipFile, name: str, data: bytes, date_time=FIXED_TIME,
               compresslevel: int | None = None) -> None:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    zout.writestr(info, data, compresslevel=compresslevel)


def rewrite(zin: zipfile.ZipFile, out: str | Path, replace: Mapping[str, bytes],
            delete: Collection[str] = (), compresslevel: int | None = None) -> None:
    """Write ``out``: the entries of ``zin`` in their order, each replaced, deleted or copied raw.

    A replaced part keeps its entry's date; parts of ``replace`` that ``zin``
    lacks are added after the others, in name order.  ``compresslevel``
    applies to the parts written (1 is much faster on a big worksheet).
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        written = set()
        for info in zin.infolist():
            name = info.filename
            if name in replace:
                write_part(zout, name, replace[name], info.date_time, compresslevel)
            elif name in delete:
                continue
            else:
                copy_raw(zin, info, zout)
            written.add(name)
        for name, data in sorted(replace.items()):
            if name not in written:
                write_part(zout, name, data, compresslevel=compresslevel)
