"""No text of results.xlsx drives a sheet's fit-to-width: printed fitted to the page width, a sheet
is scaled to its widest line, so a long unwrapped note in row 2 would shrink the whole table to a
point or two. Every text that is not wrapped ends within the table's columns (its width estimated
with the same glyph widths as the columns are sized with)."""

from __future__ import annotations

import openpyxl
import pytest

from hecon.report.excel import BOLD, text_width

DEFAULT_WIDTH = 8.43
"""Excel's default column width [characters]."""


@pytest.fixture(scope="module")
def book(rrmm_report):
    return openpyxl.load_workbook(rrmm_report[0] / "results.xlsx")


def _widths(ws) -> list[float]:
    """The sheet's column widths [characters]; openpyxl keeps columns of one width as one range."""
    widths = [DEFAULT_WIDTH] * ws.max_column
    for dimension in ws.column_dimensions.values():
        for j in range(dimension.min, min(dimension.max, ws.max_column) + 1):
            widths[j - 1] = dimension.width or DEFAULT_WIDTH
    return widths


def _wrapped(ws, cell) -> bool:
    anchor = cell
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            anchor = ws.cell(merged.min_row, merged.min_col)
    return bool(anchor.alignment.wrap_text)


def test_the_example_has_the_sheets_whose_notes_were_too_long(book):
    assert {"BudgetImpact", "BudgetByCategory", "Landmarks", "Sluis"} <= set(book.sheetnames)


def test_no_unwrapped_text_runs_past_the_tables_width(book):
    too_wide = []
    for ws in book.worksheets:
        if ws.title == "Figures":
            continue
        widths = _widths(ws)
        table = sum(widths)
        for row in ws.iter_rows(max_row=min(ws.max_row, 300)):
            for cell in row:
                if not isinstance(cell.value, str) or _wrapped(ws, cell):
                    continue
                start = sum(widths[: cell.column - 1])
                width = text_width(cell.value) * (BOLD if cell.font.b else 1.0) * (cell.font.sz or 11) / 11
                if start + width > table + 1:
                    too_wide.append(f"{ws.title}!{cell.coordinate}: ends at {start + width:.0f} of {table:.0f}")
    assert not too_wide, "\n".join(too_wide)
