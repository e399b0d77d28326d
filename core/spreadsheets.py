"""Cells for the CSV and XLSX files the archive gives out: text never runs as a formula.

A spreadsheet takes a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or
carriage return before them) for a formula, so a talk titled `=HYPERLINK(…)` would run when an
editor opens the export («CSV injection»). Every writer of a spreadsheet passes its text through
here: CSV has no types, so such text is prefixed with an apostrophe, as a person typing it into
Excel would; XLSX stores it as text marked with the same apostrophe (`quotePrefix`), so the cell
shows the value unchanged.
"""

import csv

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def spreadsheet_response(fmt, filename, title, header, rows, widths=()):
    """`rows` under `header` as a download: `fmt` "csv" or "xlsx" (a sheet named `title` with
    column `widths`)."""
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # The byte order mark makes Excel read the file as UTF-8, not as cp1251.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows([neutralise(value) for value in row] for row in rows)
    else:
        response = HttpResponse(content_type=XLSX)
        # Built in memory (about 20 MB at 10,000 talks): a write-only sheet is streamed before
        # its size is known and has no <dimension>, so readers cannot size it.
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = title
        sheet.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.append(xlsx_row(sheet, header, font=Font(bold=True)))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
