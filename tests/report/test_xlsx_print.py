"""results.xlsx as a reader opens and prints it: landscape A4 fitted to the page width, the
title, note and header repeated on every page, columns as wide as their numbers, and the bulk
data sheets (a row per cycle, per sample, or per scenario, strategy and metric) marked as data and left out of printing."""

from __future__ import annotations

import math

import openpyxl
import pytest

from hecon.report.excel import DATA_NOTE, DATA_TAB_COLOUR, MAX_TEXT_WIDTH, MAX_WIDTH, column_widths
from hecon.report.tables import Column, Table


@pytest.fixture(scope="module")
def workbook(full_report):
    folder, _ = full_report
    return openpyxl.load_workbook(folder / "results.xlsx")


def test_every_table_sheet_prints_landscape_fitted_to_width_with_repeated_headers(workbook):
    sheets = [ws for ws in workbook.worksheets if ws.title != "Figures"]
    assert len(sheets) > 20
    for ws in sheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title  # absent = 1 (OOXML)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$3", ws.title


def test_bulk_data_sheets_are_marked_and_not_printed(workbook):
    for name in ("Trace", "PSASamples", "TreatmentBurden"):
        ws = workbook[name]
        assert ws.sheet_properties.tabColor.rgb.endswith(DATA_TAB_COLOUR)
        assert ws["A2"].value.startswith(DATA_NOTE) and "not meant for printing" in DATA_NOTE
        assert str(ws.print_area).endswith("$2")  # title and note only
    assert workbook["KeyResults"].sheet_properties.tabColor is None
    assert not workbook["KeyResults"].print_area


def test_columns_are_as_wide_as_their_numbers():
    table = Table(
        "T",
        "t",
        [Column("Costs (EUR, 2024 prices)", "money"), Column("Description", width=20), Column("n", "int")],
        [[1234567890.4, "x" * 100, 3], [1.0, "short", 12]],
    )
    money, text, count = column_widths(table)
    assert money == len("1,234,567,890") + 2  # no number wraps
    assert text == 20  # a long text wraps at the column's own width
    assert count == 8  # the minimum
    wide = Table("W", "w", [Column("x", "raw")], [[10.0**80]])
    assert column_widths(wide) == [MAX_WIDTH]
    # a text column without a width of its own, or a wider one, stops at MAX_TEXT_WIDTH
    texts = Table("X", "x", [Column("a"), Column("b", width=55)], [["y" * 100, "z" * 100]])
    assert column_widths(texts) == [MAX_TEXT_WIDTH, MAX_TEXT_WIDTH]


def test_long_texts_wrap_in_capped_columns(workbook):
    """The Inputs sheet's sources and descriptions: no text column is wider than MAX_TEXT_WIDTH,
    and every text longer than its column wraps (fitted to the page width, the sheet keeps a
    legible font instead of shrinking to a few points)."""
    ws = workbook["Inputs"]
    # as set, before the padding XlsxWriter adds (0.71 characters)
    widths = {k: math.floor(d.width) for d in ws.column_dimensions.values() for k in range(d.min, (d.max or d.min) + 1)}
    long_cells = 0
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str):
                width = widths.get(cell.column)
                assert width is not None and width <= MAX_TEXT_WIDTH, cell.coordinate
                if len(cell.value) > width:
                    long_cells += 1
                    assert cell.alignment.wrap_text, cell.coordinate
                else:
                    assert not cell.alignment.wrap_text, cell.coordinate
    assert long_cells > 0
