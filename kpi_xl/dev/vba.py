"""The VBA the workbook embeds for kpi_xl: the `KpiXl` standard module.

It holds, generated from the code so that it can never drift:

* ``Sub RefreshKPIs()`` — the **Refresh KPIs** button's macro, which runs
  :func:`kpi_xl.excel.refresh_from_excel` through xlwings' ``RunPython``;
* one wrapper ``Function`` per Excel function of :mod:`kpi_xl.udfs`, written
  by xlwings' own generator (``xlwings.udfs.generate_vba_wrapper``, what
  Excel's "Import Functions" button would write), each result passed through
  ``KPIResult`` so that the ``"#DIV/0!"`` marker becomes Excel's real error;
* ``Sub RegisterKPIFunctions()`` — descriptions, argument help and the "KPI"
  category for Excel's function wizard (``Application.MacroOptions``; the
  workbook calls it when it opens).

xlwings' generator imports pywin32 at module level, so it runs in a child
interpreter with small stand-ins for those modules and xlwings' real
decorators (on Linux, ``xw.func`` is a no-op).  ``python -m kpi_xl.dev.vba``
prints the module.  The module is named ``KpiXl``, not ``KPI``: Excel cannot
call a function named like its own module, and ``=KPI()`` is one of ours.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import types

from ..layout import REFRESH_ENTRY_POINT, REFRESH_MACRO, UDF_MODULE

MODULE_NAME = "KpiXl"
MACROS = {REFRESH_MACRO: f"import kpi_xl.excel; {REFRESH_ENTRY_POINT}()"}

_CALL = re.compile(r"^(?P<indent>\s*)(?P<name>\w+) = (?P<call>XLPy\.CallUDF\(.*\))\s*$")

_HELPERS = '''\
Private Function KPIResult(ByVal value As Variant) As Variant
    ' kpi_xl returns the text "#DIV/0!" for an undefined ratio (xlwings cannot
    ' return an Excel error value): show Excel's own #DIV/0! instead.
    Dim i As Long, j As Long
    If IsArray(value) Then
        For i = LBound(value, 1) To UBound(value, 1)
            For j = LBound(value, 2) To UBound(value, 2)
                If VarType(value(i, j)) = vbString Then
                    If value(i, j) = "#DIV/0!" Then value(i, j) = CVErr(xlErrDiv0)
                End If
            Next j
        Next i
    ElseIf VarType(value) = vbString Then
        If value = "#DIV/0!" Then value = CVErr(xlErrDiv0)
    End If
    KPIResult = value
End Function
'''


def _stub_pywin32() -> None:
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
    sys.modules["win32com"].client = sys.modules["win32com.client"]  # type: ignore[attr-defined]


def _generate_here() -> str:
    """xlwings' wrappers for kpi_xl.udfs; only in a fresh interpreter (patches xlwings)."""
    _stub_pywin32()
    import xlwings
    from xlwings import udfs

    xlwings.func, xlwings.arg, xlwings.ret, xlwings.sub = udfs.xlfunc, udfs.xlarg, udfs.xlret, udfs.xlsub
    assert UDF_MODULE not in sys.modules, "kpi_xl.udfs was imported before the decorators were patched"
    import importlib

    module = importlib.import_module(UDF_MODULE)
    buf = io.StringIO()
    udfs.generate_vba_wrapper(UDF_MODULE, module, buf, types.SimpleNamespace(Name="KPI_Template.xlsm"))
    meta = {name: getattr(module, name).__xlfunc__ for name in module.FUNCTION_NAMES}
    return buf.getvalue() + "\n'--meta--\n" + repr(meta)


def _generated() -> tuple[str, dict]:
    out = subprocess.run([sys.executable, "-c", "import kpi_xl.dev.vba as v; print(v._generate_here(), end='')"],
                         capture_output=True, text=True, check=True)
    wrappers, meta = out.stdout.split("\n'--meta--\n")
    import ast

    return wrappers, ast.literal_eval(meta)


def _translate_results(wrappers: str) -> str:
    """Pass every UDF result through KPIResult (the #DIV/0! marker → the error value)."""
    lines = []
    for line in wrappers.splitlines():
        m = _CALL.match(line)
        if m:
            line = f"{m['indent']}{m['name']} = KPIResult({m['call']})"
        lines.append(line)
    return "\n".join(lines)


_ASCII = {"Σ": "sum of", "→": "->", "×": "x", "−": "-", "≥": ">=", "≤": "<=", "…": "..."}


def ascii_text(text: str) -> str:
    """VBA source is stored in the project's ANSI code page: keep it ASCII.

    >>> ascii_text("Σ Spend; 1000 × spend ≥ 0")
    'sum of Spend; 1000 x spend >= 0'
    """
    for char, plain in _ASCII.items():
        text = text.replace(char, plain)
    text.encode("ascii")  # fails loudly on anything new
    return text


def _vba_string(text: str) -> str:
    """A VBA string expression: ASCII in quotes, accented letters and no-break spaces as ``ChrW(n)``.

    >>> print(_vba_string('Trésorerie ≥ 0'))
    "Tr" & ChrW(233) & "sorerie >= 0"
    """
    parts, run = [], ""
    for ch in text:
        plain = _ASCII.get(ch, ch)
        if plain.isascii():
            run += plain
            continue
        parts += ['"' + run.replace('"', '""') + '"'] if run else []
        parts.append(f"ChrW({ord(ch)})")
        run = ""
    if run or not parts:
        parts.append('"' + run.replace('"', '""') + '"')
    return " & ".join(parts)


def _register(meta: dict) -> str:
    lines = ["Sub RegisterKPIFunctions()",
             "    ' Help text and category for Excel's function wizard (Insert Function).",
             ]
    docs: dict[str, str] = {}
    for info in meta.values():
        for a in info["args"]:
            if a["name"] != "caller":
                docs.setdefault(a["name"], a["doc"])
    lines += [f"    Dim arg_{n} As String" for n in docs]
    lines += [f"    arg_{n} = {_vba_string(d)}" for n, d in docs.items()]
    lines.append("    On Error Resume Next  ' MacroOptions fails on a protected workbook: help is optional")
    for name, info in meta.items():
        args = ", ".join(f'arg_{a["name"]}' for a in info["args"] if a["name"] != "caller")
        lines.append(f"    Application.MacroOptions Macro:={_vba_string(name)}, "
                     f"Description:={_vba_string(info['ret']['doc'])}, Category:={_vba_string(info['category'])}, "
                     f"ArgumentDescriptions:=Array({args})")
    lines += ["    On Error GoTo 0", "End Sub"]
    return "\n".join(lines)


def module_source() -> str:
    """The whole `KpiXl` module, CRLF line endings, as the VBA project stores it."""
    wrappers, meta = _generated()
    lines = [
        f'Attribute VB_Name = "{MODULE_NAME}"',
        # The wrappers branch on #If App = "Microsoft Excel"; #Const is private to a module.
        '#Const App = "Microsoft Excel"',
        "' Generated by kpi_xl (python -m kpi_xl.dev.vba): edits made here are lost on the next build.",
        "",
    ]
    for sub, command in MACROS.items():
        # RunPython goes through cmd.exe: no double quotes in the command.
        assert '"' not in command
        lines += [f"Sub {sub}()", f'    RunPython "{command}"', "End Sub", ""]
    lines += [_HELPERS, _register(meta), "", _translate_results(wrappers).rstrip(), ""]
    source = "\r\n".join("\n".join(lines).splitlines()) + "\r\n"
    source.encode("ascii")
    return source


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(module_source().replace("\r\n", "\n"))
