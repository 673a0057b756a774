"""Writing a tracker file: one writer at a time, never a write nobody should make, atomic, no debris.

Every command that writes a tracker — ``refresh``, ``import``, ``doctor
--fix``, ``new --force``, ``demo`` — and ``portfolio -o`` does it inside
:func:`writing`:

1. **Checks first**, nothing written if one fails (:class:`WriteRefused`, exit 2):
   the folder must exist; the target must not be a folder, nor read-only (its
   permissions, even for root: someone made it so on purpose); Excel or
   LibreOffice must not have it open — they keep a lock file (``~$NAME``,
   ``.~lock.NAME#``) beside a workbook they have open, and their next save
   would overwrite what kpi-xl writes, or kpi-xl what the user typed
   (``force`` passes over that one only, for a lock file a crashed program
   left behind).
2. **One writer per tracker**: an exclusive lock on a sidecar file
   ``.kpi-xl-NAME.lock`` beside it (``fcntl.flock`` on POSIX,
   ``msvcrt.locking`` on Windows; the operating system releases it when a
   process dies, so a crash never leaves a tracker locked).  A second writer
   waits, saying so, up to :data:`LOCK_WAIT` seconds, then gives up with
   exit 2.  The caller reads the tracker *after* taking the lock, so it
   never writes over rows another writer has just added.  Readers (``kpis``)
   take no lock: every write is atomic, so they see the old file or the new.
3. **Atomic**: everything is written to scratch files beside the target, named
   ``.kpi-xl-NAME.XXXXXXXX.tmp``, then moved over it with ``os.replace`` (a
   crash leaves the old file or the new one, never half of one).  Scratch
   files of a process that was killed are removed by the next writer, which
   holds the lock and so knows that no one else is writing them.

The Refresh KPIs button is not a file writer: it writes into the workbook open
in Excel, which saves it; Excel's own lock file keeps kpi-xl's writers away
meanwhile (see ``docs/workbook.md``, "Writing a tracker").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import WorkbookError
from .texts import Message

LOCK_WAIT = 120.0
"""Seconds a writer waits for another one writing the same tracker before giving up."""

PREFIX = ".kpi-xl-"
"""Every file kpi-xl puts beside a tracker starts with this: the lock and the scratch files."""


class WriteRefused(WorkbookError):
    """A write that must not be made (read-only, open in Excel, folder missing, tracker busy): nothing written.

    ``reason`` (when set) is the message without the path, a :class:`~kpi_xl.texts.Message` to say in the
    tracker's language; ``path`` the file it is about.
    """

    def __init__(self, message: str, *, path: Path | None = None, reason: str | None = None):
        super().__init__(message)
        self.path, self.reason = path, reason

    @classmethod
    def about(cls, target: Path, reason: Message) -> "WriteRefused":
        return cls(f"{target}: {reason}", path=target, reason=reason)


class Busy(WriteRefused):
    """Another kpi-xl command has been writing the tracker for longer than this one would wait."""


Notify = Callable[[str], None]


def _stem(target: Path) -> str:
    """The name part of the sidecar files: the tracker's name, or a digest of a name too long to extend."""
    name = target.name
    if len(name.encode("utf-8", "surrogateescape")) > 200:
        return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return name


def lock_path(target: Path) -> Path:
    return target.with_name(f"{PREFIX}{_stem(target)}.lock")


def scratch_paths(target: Path) -> list[Path]:
    """The scratch files of ``target`` present now (ours, or a killed writer's)."""
    prefix = f"{PREFIX}{_stem(target)}."
    try:
        return [p for p in target.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return []


def open_elsewhere(target: Path) -> Path | None:
    """The lock file another program keeps beside ``target`` while it has it open, if there is one.

    Excel keeps ``~$NAME`` beside a workbook it has open, LibreOffice
    ``.~lock.NAME#``; each deletes it on closing (a crash may leave one
    behind: then delete it).  Writing a tracker while it is open there would
    lose either the write (Excel on Windows refuses it) or what the user
    types next (the program's next save overwrites it).  These files only
    say what is open on the machines that share the folder.
    """
    for name in (f"~${target.name}", f".~lock.{target.name}#"):
        lock = target.with_name(name)
        if lock.exists():
            return lock
    return None


def _excel_user(owner: Path) -> str:
    """Who has the workbook open, as Excel writes it in its lock file (its first byte is the name's length)."""
    try:
        data = owner.read_bytes()[:55]
        name = data[1:1 + data[0]].decode("latin-1").strip() if data else ""
    except (OSError, IndexError):
        return ""
    return name if name.isprintable() and name else ""


def check_writable(target: Path, force: bool = False, command: str = "kpi-xl",
                   offers: tuple[str, ...] = ("--force", "--out")) -> None:
    """Refuse a write nobody should make (see the module's docstring); nothing is written either way.

    ``offers``: the options of ``command`` a message may suggest (``kpi-xl demo`` has neither).
    """
    folder = target.parent
    out = " with --out" if "--out" in offers else ""
    if not folder.is_dir():
        raise WriteRefused(f"{target}: the folder {folder} does not exist: create it first, or write elsewhere")
    if target.is_dir():
        raise WriteRefused(f"{target}: a folder, not a workbook: name a file inside it")
    if target.exists():
        mode = target.stat().st_mode
        if not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(target, os.W_OK):
            raise WriteRefused.about(target, Message("write.read_only",
                                                     out=Message("write.read_only.out") if out else ""))
    owner = open_elsewhere(target)
    if owner is not None and not force:
        anyway = Message("write.force") if "--force" in offers else ""
        if owner.name.startswith("~$"):
            user = _excel_user(owner)
            raise WriteRefused.about(target, Message(
                "write.excel", user=Message("write.excel.user", name=user) if user else "", lock=owner.name,
                button=Message("write.excel.button") if command == "kpi-xl refresh" else "", force=anyway))
        raise WriteRefused.about(target, Message("write.libreoffice", lock=owner.name, force=anyway))
    if not os.access(folder, os.W_OK):
        raise WriteRefused(f"{target}: the folder {folder} cannot be written in (its permissions): write "
                           f"elsewhere{out}")


def check_suffix(target: Path, macros: bool) -> None:
    """A workbook's name must say what it is, or Excel refuses to open it ("format or extension not valid")."""
    suffix = target.suffix.lower()
    if suffix == ".xlsm" and not macros:
        raise WriteRefused(f"{target}: an .xlsm name for a workbook without macros, which Excel would refuse to "
                           "open: name it .xlsx")
    if suffix != ".xlsm" and macros:
        raise WriteRefused(f"{target}: the workbook has macros (the Refresh KPIs button), which only an .xlsm "
                           f"holds: name it .xlsm, not {suffix or 'without an extension'}")


# --- the lock ----------------------------------------------------------------------------------------

_held = threading.local()


def _held_locks() -> dict[str, int]:
    """Locks this thread holds (path → depth): a writer that calls another writer on the same file goes on."""
    if not hasattr(_held, "locks"):
        _held.locks = {}
    return _held.locks


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(path: Path) -> str:
    """Who holds the lock, as it wrote itself into the lock file."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
        since = time.strftime("%H:%M:%S", time.localtime(info["since"]))
        return f"{info['command']} (process {info['pid']} on {info['host']}, since {since})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another kpi-xl command"


def _open_lock(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise WriteRefused(f"{path.parent}: cannot create the lock file {path.name} there ({e.strerror}): "
                           "write elsewhere with --out") from None


def _acquire(path: Path, wait: float, notify: Notify | None, target: Path) -> int:
    """An open descriptor of the lock file, locked; waits for another holder up to ``wait`` seconds."""
    deadline, told = time.monotonic() + wait, False
    while True:
        fd = _open_lock(path)
        if _try_lock(fd):
            try:  # the holder before us may have removed the file after we opened it: lock the one in place
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                return fd
            os.close(fd)
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            raise Busy.about(target, Message("write.busy", holder=_holder(path), wait=round(wait)))
        if notify is not None and not told:
            notify(f"waiting: {_holder(path)} is writing {target.name}…")
            told = True
        time.sleep(0.05)


def _release(path: Path, fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        # Windows removes no file another process has open: unlock and close first; if a waiter has it open
        # (it holds the lock now), the file stays, as it should.
        import msvcrt

        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    # POSIX: remove the file while still holding the lock, so that no one locks a file that is about to
    # disappear (a waiter that opened it before checks, once it holds it, that it is still the file in place).
    with contextlib.suppress(OSError):
        os.unlink(path)
    os.close(fd)


@contextlib.contextmanager
def locked(target: str | Path, command: str = "kpi-xl", wait: float | None = None,
           notify: Notify | None = None) -> Iterator[None]:
    """Hold the exclusive lock of ``target`` (see the module's docstring); re-entrant within a thread."""
    target = Path(os.path.realpath(target))
    key = str(target)
    held = _held_locks()
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    path = lock_path(target)
    fd = _acquire(path, LOCK_WAIT if wait is None else wait, notify, target)
    held[key] = 1
    try:
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"command": command, "pid": os.getpid(), "host": socket.gethostname(),
                                 "since": time.time()}).encode("utf-8"))
        _remove_stale(target)
        yield
    finally:
        del held[key]
        _release(path, fd)


def _remove_stale(target: Path) -> None:
    """Scratch files left by a writer that was killed: we hold the lock, so no one is writing them."""
    for p in scratch_paths(target):
        with contextlib.suppress(OSError):
            p.unlink()


@contextlib.contextmanager
def writing(target: str | Path, *, sources: tuple[str | Path, ...] = (), force: bool = False,
            command: str = "kpi-xl", notify: Notify | None = None, wait: float | None = None,
            offers: tuple[str, ...] = ("--force", "--out")) -> Iterator[Path]:
    """Check that ``target`` may be written, then hold its lock (and those of ``sources`` it is read from) while
    the caller reads, computes and writes; yields the target's real path.

    Read the tracker inside this block, not before: another writer may have
    changed it while this one waited.
    """
    named = Path(target)  # as the user wrote it, for the messages
    check_writable(named, force, command, offers)
    target = Path(os.path.realpath(named))
    paths = sorted({target, *(Path(os.path.realpath(s)) for s in sources if Path(s).parent.is_dir())}, key=str)
    with contextlib.ExitStack() as stack:
        for p in paths:  # always in the same order, so that two writers of the same two files cannot deadlock
            if p == target or os.access(p.parent, os.W_OK):
                stack.enter_context(locked(p, command, wait, notify))
        check_writable(named, force, command, offers)  # again: Excel may have opened it while we waited
        yield target


def scratch_file(target: str | Path, suffix: str = "") -> Path:
    """A new empty scratch file beside ``target``, under the prefix the next writer cleans up after a crash."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f"{PREFIX}{_stem(target)}.", suffix=f"{suffix}.tmp", dir=target.parent or ".")
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def scratch(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """A scratch file beside ``target``, removed afterwards whatever happens."""
    path = scratch_file(target, suffix)
    try:
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable too (POSIX; Windows has no handle on a folder)."""
    if sys.platform == "win32":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a scratch path beside ``target``; on success it replaces ``target``.

    On any exception the scratch file is removed and ``target`` is untouched.
    A symbolic link is followed: the file it points at is replaced, the link kept.
    """
    target = Path(os.path.realpath(target))
    if not target.parent.is_dir():
        raise WriteRefused(f"{target}: the folder {target.parent} does not exist: create it first, or write "
                           "elsewhere")
    tmp_path = scratch_file(target)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:  # make the bytes durable before the rename
            os.fsync(f.fileno())
        if target.exists():
            # Keep the target's permissions (mkstemp creates 0600).
            os.chmod(tmp_path, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
        _fsync_folder(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise
