"""The validation gate: every kind of workbook kpi-xl writes passes Microsoft's Open XML SDK validator.

Excel opens without a repair prompt only what it can read; the Open XML SDK's ``OpenXmlValidator``
(:mod:`tests.openxml_sdk`) is the nearest judge we can run.  The module builds, once, every kind of
workbook the product writes — the committed template, ``kpi-xl new`` (.xlsm and .xlsx, empty and
``--sample``), each refreshed once and twice, ``kpi-xl demo``, imports of real exports then
refreshed, and every tracker of ``tests/data/foreign`` (saved by other programs) refreshed once and
twice — and validates them all in one SDK run.  A file kpi-xl wrote from scratch must have no SDK
error at all (but the known false alarms, each with its reason, in ``openxml_sdk.FALSE_ALARMS``);
a refreshed foreign file may keep an error its input already had, never add one.  The project's own
structural checks (what the SDK does not see: style indexes, table headers, code names…) must pass
on every file too.

The SDK needs linux-x64 and the test extra: elsewhere these tests skip, but in CI (``CI`` set)
a missing SDK fails them.  The last tests prove the gate can fail: damaged copies are caught.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

import kpi_xl.sample
from kpi_xl.dev.template import TEMPLATE, TEMPLATE_FR
from kpi_xl.tracker import Settings
from kpi_xl.workbook import write_tracker

from . import openxml_sdk as sdk
from .conftest import DATA, SAMPLE_END, run_ok
from .ooxml_checks import errors, new_errors, not_well_formed  # the product's own checks (kpi_xl.ooxml.doctor)

CORPUS = DATA / "foreign"
FOREIGN = sorted(p.name for p in CORPUS.glob("*.xls[mx]"))
"""Every tracker of the corpus (see its README.md), pristine ones included."""
NEW = [f"new{sample}.{suffix}" for suffix in ("xlsm", "xlsx") for sample in ("", "-sample")]
FRENCH = ["new-fr-sample.xlsm", "new-fr-sample.xlsx"]
OWN = [
    TEMPLATE.name, TEMPLATE_FR.name,
    *NEW, *FRENCH,
    *(f"{name} refreshed{times}" for name in FRENCH for times in ("", " twice")),
    "demo-fr.xlsm", "EUR French tracker + FEC", "EUR French tracker + FEC refreshed",
    *(f"{name} repaired by doctor --fix" for name in ("openpyxl-no-forecast.xlsm", "libreoffice.xlsm",
                                                      "openpyxl.xlsx")),
    *(f"{name} refreshed{times}" for name in NEW for times in ("", " twice")),
    "demo.xlsm", "demo.xlsx",
    "AUD tracker", "AUD tracker + Meta Ads export", "AUD tracker + Meta Ads export refreshed",
    "EUR tracker + FEC", "EUR tracker + FEC refreshed",
]
"""What kpi-xl wrote from scratch (or from its own files): no SDK error at all."""
REFRESHED_FOREIGN = [f"{name} refreshed{times}" for name in FOREIGN for times in ("", " twice")]
"""A foreign tracker refreshed: no SDK error that its input did not have."""


class Workbooks(dict):
    """Name → path of every workbook built, in one folder; ``inputs``: a refreshed foreign file → its input."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder
        self.inputs: dict[str, Path] = {}

    def copy(self, name: str, source: Path) -> Path:
        """A copy of ``source`` under a file name of its own (the suffix kept)."""
        path = self.folder / (re.sub(r"[^\w.-]+", "_", name) + source.suffix)
        shutil.copy(source, path)
        self[name] = path
        return path

    def refreshed(self, name: str, source: Path, times: int = 2) -> None:
        """``source`` copied and refreshed with ``kpi-xl refresh``, then that copied and refreshed again."""
        for label in ("refreshed", "refreshed twice")[:times]:
            source = self.copy(f"{name} {label}", source)
            run_ok("refresh", source)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Workbooks:
    made = Workbooks(tmp_path_factory.mktemp("valid"))
    made[TEMPLATE.name] = TEMPLATE  # read only: validated where it is committed
    made[TEMPLATE_FR.name] = TEMPLATE_FR
    with pytest.MonkeyPatch.context() as mp:  # the sample (new --sample, demo) ends where the tests' does
        mp.setattr(kpi_xl.sample, "last_complete_month", lambda today=None: SAMPLE_END)
        for name in NEW:
            made[name] = made.folder / name
            run_ok("new", made[name], *(["--sample"] if "sample" in name else []))
            made.refreshed(name, made[name])
        for name in ("demo.xlsm", "demo.xlsx"):
            made[name] = made.folder / name
            run_ok("demo", "--out", made[name])
        for name in FRENCH:
            made[name] = made.folder / name
            run_ok("new", made[name], "--sample", "--lang", "fr")
            made.refreshed(name, made[name])
        made["demo-fr.xlsm"] = made.folder / "demo-fr.xlsm"
        run_ok("demo", "--out", made["demo-fr.xlsm"], "--lang", "fr")
    made["AUD tracker"] = write_tracker(made.folder / "aud.xlsm", settings=Settings(currency="AUD"))
    ads = made.copy("AUD tracker + Meta Ads export", made["AUD tracker"])
    run_ok("import", ads, "--ads", DATA / "meta_ads_export_aud_daily.csv")
    made.refreshed("AUD tracker + Meta Ads export", ads, times=1)
    made["EUR tracker + FEC"] = fec = made.folder / "eur-fec.xlsm"
    run_ok("new", fec)
    run_ok("import", fec, "--fec", DATA / "111111111FEC20221231.TXT")
    made.refreshed("EUR tracker + FEC", fec, times=1)
    made["EUR French tracker + FEC"] = fec_fr = made.folder / "eur-fec-fr.xlsm"
    run_ok("new", fec_fr, "--lang", "fr")
    run_ok("import", fec_fr, "--fec", DATA / "111111111FEC20221231.TXT")
    made.refreshed("EUR French tracker + FEC", fec_fr, times=1)
    for name in ("openpyxl-no-forecast.xlsm", "libreoffice.xlsm", "openpyxl.xlsx"):
        run_ok("doctor", made.copy(f"{name} repaired by doctor --fix", CORPUS / name), "--fix")
    for name in FOREIGN:
        made.refreshed(name, CORPUS / name)
        made.inputs[f"{name} refreshed"] = made.inputs[f"{name} refreshed twice"] = CORPUS / name
    return made


def require_sdk() -> None:
    """Nothing if the SDK can run; else a skip, or in CI (``CI`` set) a failure: the gate is not optional there."""
    reason = sdk.unavailable()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the Open XML SDK cannot run, and CI must run the validation gate: {reason}")
    pytest.skip(f"Open XML SDK: {reason}")


@pytest.fixture(scope="module")
def verdicts(built) -> dict[Path, list[sdk.Finding]]:
    """Every built file and every foreign input, validated in one SDK run, the known false alarms left out."""
    require_sdk()
    found = sdk.validate([*built.values(), *built.inputs.values()])
    return {path: sdk.real(findings) for path, findings in found.items()}


def listing(name: str, findings) -> str:
    return "\n".join(f"  {name}: {f.part or '(package)'} {f.xpath or '-'}: {f.description} [{f.id}]"
                     for f in sorted(findings))


def test_the_gate_builds_every_kind_of_workbook(built):
    assert sorted(built) == sorted(OWN + REFRESHED_FOREIGN)
    assert {"openpyxl.xlsm", "libreoffice.xlsm", "pristine.xlsx"} <= set(FOREIGN)  # the corpus is found
    assert set(built.inputs) == set(REFRESHED_FOREIGN)


@pytest.mark.parametrize("name", OWN)
def test_kpi_xl_writes_no_sdk_error(built, verdicts, name):
    found = verdicts[built[name]]
    assert not found, f"the Open XML SDK finds {len(found)} errors in {name} ({built[name]}):\n{listing(name, found)}"


@pytest.mark.parametrize("name", REFRESHED_FOREIGN)
def test_a_refresh_adds_no_sdk_error_to_a_foreign_tracker(built, verdicts, name):
    before = built.inputs[name]
    added = list((Counter(verdicts[built[name]]) - Counter(verdicts[before])).elements())
    assert not added, (f"kpi-xl refresh added {len(added)} Open XML SDK errors to {before.name} ({built[name]}):\n"
                       f"{listing(name, added)}")


@pytest.mark.parametrize("name", OWN)
def test_kpi_xl_writes_no_structural_error(built, name):
    found = errors(built[name])
    assert not found, f"{name} ({built[name]}):\n" + "\n".join(f"  {f}" for f in found)


@pytest.mark.parametrize("name", REFRESHED_FOREIGN)
def test_a_refresh_adds_no_structural_error_to_a_foreign_tracker(built, name):
    found = new_errors(built[name], built.inputs[name])
    assert not found, f"{name} ({built[name]}), new since {built.inputs[name].name}:\n" + "\n".join(
        f"  {f}" for f in found)


# --- the gate can fail ------------------------------------------------------------------------------


def edited(source: Path, path: Path, part: str, change) -> Path:
    """A copy of ``source`` whose ``part`` is ``change(text)``; every other entry copied as it is."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode()
                data = change(text).encode()
                assert data != text.encode(), f"{part}: the damage changed nothing"
            zout.writestr(info, data)
    return path


def bookviews_after_sheets(xml: str) -> str:
    views = re.search(r"<bookViews>.*?</bookViews>", xml).group(0)
    return xml.replace(views, "", 1).replace("</sheets>", "</sheets>" + views, 1)


def font_children_reversed(xml: str) -> str:
    """openpyxl's kind of font: the first font with several children, in another order."""
    root = etree.fromstring(xml.encode())
    font = next(f for f in root.iter("{*}font") if len(f) > 1)
    font[:] = list(font)[::-1]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()


X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
EXT = ('<extLst><ext uri="{79F54976-1DA5-4618-B147-4CDE4B953A38}" xmlns:x14="%s"><x14:workbookPr '
       'defaultImageDpi="%s"/></ext></extLst></workbook>')
DAMAGES = {  # name → (part, change, what the SDK must say: part, xpath, id, description pattern)
    "element out of order": (
        "xl/workbook.xml", bookviews_after_sheets,
        ("/xl/workbook.xml", "/x:workbook[1]", "Sch_UnexpectedElementContentExpectingComplex",
         r"The element has unexpected child element '.*main:bookViews'\.")),
    "bad attribute value": (
        "xl/workbook.xml", lambda x: x.replace("<workbookPr ", '<workbookPr date1904="maybe" ', 1),
        ("/xl/workbook.xml", "/x:workbook[1]/x:workbookPr[1]", "Sch_AttributeValueDataTypeDetailed",
         r"The attribute 'date1904' has invalid value 'maybe'\..*")),
    "unbound prefix": (
        "xl/styles.xml", lambda x: x.replace("<cellXfs", "<q:note/><cellXfs", 1),
        ("/xl/styles.xml", "", "ExceptionError", r".*'q' is an undeclared prefix.*")),
    "two sheets with one name": (
        "xl/workbook.xml", lambda x: x.replace('<sheet name="Ads" ', '<sheet name="Dashboard" ', 1),
        ("/xl/workbook.xml", "/x:workbook[1]/x:sheets[1]/x:sheet[2]", "Sem_UniqueAttributeValue",
         r"Attribute 'name' should have unique value\. Its current value 'Dashboard' duplicates with others\.")),
    "a part under another content type": (  # the SDK gives up on the package: reported, not a pass
        "[Content_Types].xml", lambda x: x.replace("spreadsheetml.styles+xml", "spreadsheetml.stylez+xml", 1),
        ("", "", "SDK-exception", r".*unexpected content type.*/xl/styles\.xml.*")),
}
QUIRKS = {  # name → (part, change, how many SDK errors it makes, every one a known false alarm if `known`)
    "Excel's defaultImageDpi": ("xl/workbook.xml", lambda x: x.replace("</workbook>", EXT % (X14, "32767")), 1, True),
    "Excel's DPI 0": ("xl/worksheets/sheet1.xml",
                      lambda x: x.replace("<pageSetup ", '<pageSetup horizontalDpi="0" verticalDpi="0" ', 1), 2, True),
    "openpyxl's font order": ("xl/styles.xml", font_children_reversed, 1, True),
    "another defaultImageDpi": ("xl/workbook.xml", lambda x: x.replace("</workbook>", EXT % (X14, "32766")), 1,
                                False),
    "DPI -1": ("xl/worksheets/sheet1.xml", lambda x: x.replace("<pageSetup ", '<pageSetup horizontalDpi="-1" ', 1), 1,
               False),
}


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> dict[str, tuple[Path, list[sdk.Finding]]]:
    """Name → (copy, all its SDK findings), for each damage and quirk, the undamaged file and junk, in one SDK run."""
    require_sdk()
    folder = tmp_path_factory.mktemp("damaged")
    base = write_tracker(folder / "base.xlsm")
    copies = {"undamaged": base, "not a zip": folder / "junk.xlsx"}
    copies["not a zip"].write_bytes(b"not a workbook")
    for i, (name, (part, change, *_)) in enumerate({**DAMAGES, **QUIRKS}.items()):
        copies[name] = edited(base, folder / f"damaged{i}.xlsm", part, change)
    found = sdk.validate(copies.values())
    return {name: (path, found[path]) for name, path in copies.items()}


@pytest.mark.parametrize("name", DAMAGES)
def test_the_sdk_reports_a_damaged_workbook(damaged, name):
    assert damaged["undamaged"][1] == []
    path, found = damaged[name]
    part, xpath, error_id, description = DAMAGES[name][2]
    hits = [f for f in sdk.real(found) if (f.part, f.xpath, f.id) == (part, xpath, error_id)
            and re.fullmatch(description, f.description)]
    assert hits, f"{name}: the SDK should report {part} {xpath} {error_id}; it says:\n{listing(name, found)}"
    if name == "unbound prefix":  # the project's own check sees it too
        assert "xl/styles.xml" in not_well_formed(path)


@pytest.mark.parametrize("name", QUIRKS)
def test_only_the_known_false_alarms_are_left_out(damaged, name):
    found, (_, _, count, known) = damaged[name][1], QUIRKS[name]
    assert len(found) == count, listing(name, found)
    assert len(sdk.real(found)) == (0 if known else count), listing(name, found)


def test_a_file_the_sdk_cannot_open_is_a_finding(damaged):
    [finding] = damaged["not a zip"][1]
    assert finding.id == "SDK-open" and sdk.false_alarm(finding) is None


def test_the_gate_is_not_optional_in_ci(monkeypatch):
    monkeypatch.setattr(sdk, "unavailable", lambda: "no .NET here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the validation gate: no .NET here"):
        require_sdk()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no .NET here"):
        require_sdk()


def test_two_processes_lay_out_the_runtime_at_once(tmp_path):
    """Both get the same complete folder, and no half-made copy is left beside it."""
    require_sdk()
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import openxml_sdk; " \
           f"print(openxml_sdk.dotnet_root(openxml_sdk.Path({str(tmp_path)!r})))"
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    roots = {run.communicate(timeout=300)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs)
    [root] = roots
    assert [p.name for p in tmp_path.iterdir()] == [Path(root).name]
    assert (Path(root) / sdk.CONFIG).is_file()
    assert list(Path(root).glob("shared/Microsoft.NETCore.App/*/DocumentFormat.OpenXml.dll"))
