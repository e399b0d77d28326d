"""Cells for the CSV and XLSX files the archive gives out: text never runs as a formula.

A spreadsheet takes a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or
carriage return before them) for a formula, so a talk titled `=HYPERLINK(…)` would run when an
editor opens the export («CSV injection»). Every writer of a spreadsheet passes its text through
here: CSV has no types, so such text is prefixed with an apostrophe, as a person typing it into
Excel would; XLSX stores it as text marked with the same apostrophe (`quotePrefix`), so the cell
shows the value unchanged.
"""

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value):
    """A CSV cell: text that starts like a formula gets a leading «'»; other values stay."""
    return f"'{value}" if starts_like_formula(value) else value


def xlsx_cell(sheet, value, font=None):
    """An XLSX cell for `sheet.append`: text is always stored as text, never as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = starts_like_formula(value)
    if font:
        cell.font = font
    return cell


def xlsx_row(sheet, values, font=None):
    return [xlsx_cell(sheet, value, font) for value in values]
