"""The workbook package format (Office Open XML): one home for every part kpi_xl reads or rewrites.

============  ==================================================================
module        owns
============  ==================================================================
cells         cell references: ``B7`` ↔ (row, column)
package       the zip's structure: parts, relationships, content types, sheets,
              defined names, tables (read without loading any cell)
styles        ``styles.xml``: merging another workbook's styles, date styles
zipfiles      the one rewrite loop: new parts written, the rest copied raw
transplant    replacing worksheets with ones laid out elsewhere (a refresh)
compare       two packages part by part, volatile parts masked (golden tests)
============  ==================================================================

A refresh or an import rewrites a few parts and copies every other part as
the zip holds it, so a million-row input sheet is never parsed, inflated or
deflated, and parts kpi_xl does not understand (the VBA project, a user's
pivot cache) come back byte for byte.
"""
