"""Building and checking what the repository ships, for developers: not part of the installed package.

========  ===================================================================
module    does
========  ===================================================================
template  ``python -m kpi_xl.dev.template build|check|screenshots``: the VBA
          project and ``workbook/KPI_Template.xlsm``, their check, the docs'
          pictures
vba       the VBA module ``KpiXl`` (the button's macro, the Excel functions'
          wrappers and help), generated from :mod:`kpi_xl.udfs`
vba_project  ``kpi_xl/data/vbaProject.bin`` from xlwings' standalone project
          and that module (pyOpenVBA)
render    LibreOffice (headless) to PDF, poppler to PNG
========  ===================================================================

Nothing under :mod:`kpi_xl` outside this package imports it; the wheel
leaves it out (it needs the test extra: pyOpenVBA, oletools, LibreOffice).
"""
