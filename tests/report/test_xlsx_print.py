"""results.xlsx as a reader opens and prints it: landscape A4 fitted to the page width, the
title, note and header repeated on every page, columns as wide as their numbers, and the bulk
data sheets (a row per cycle, per sample, or per scenario, strategy and metric) marked as data and left out of printing."""

from __future__ import annotations

import math

import openpyxl
import pytest

from hecon.report.excel import (
    DATA_NOTE,
    DATA_TAB_COLOUR,
    LINE_HEIGHT_PT,
    MAX_TEXT_WIDTH,
    MAX_WIDTH,
    PAGE_WIDTH,
    column_widths,
    text_width,
    write_results_xlsx,
)
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
    # a text column without a width of its own stops at MAX_TEXT_WIDTH; a wider one gets its own width
    # when the page has room (40 + 55 < PAGE_WIDTH), but not on a page its columns fill (4 x 40 > PAGE_WIDTH)
    texts = Table("X", "x", [Column("a"), Column("b", width=55)], [["y" * 100, "z" * 100]])
    assert column_widths(texts) == [MAX_TEXT_WIDTH, 55]
    full = Table("F", "f", [Column(c, width=55) for c in "abcd"], [["y" * 100] * 4])
    assert 4 * MAX_TEXT_WIDTH > PAGE_WIDTH and column_widths(full) == [MAX_TEXT_WIDTH] * 4
    # room shared in proportion to what each lacks: 130 - 8 - 2 x 40 = 42 over lacking 30 and 60, 42/90 of each
    shared = Table(
        "S", "s", [Column("k", width=18), Column("a", width=70), Column("b", width=100)], [["x", "y" * 99, "z" * 99]]
    )
    assert column_widths(shared) == [8, 40 + 14, 40 + 28]  # the key column as wide as its content: MIN_WIDTH


def test_long_texts_wrap_in_capped_columns(workbook):
    """The Inputs sheet's sources and descriptions (a sheet whose columns fill the page): no text column is wider than MAX_TEXT_WIDTH,
    and every text wider than its column (estimated by text_width, less a character of padding) wraps (fitted to the page width, the sheet keeps a
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
                if text_width(cell.value) > width - 1:
                    long_cells += 1
                    assert cell.alignment.wrap_text, cell.coordinate
                else:
                    assert not cell.alignment.wrap_text, cell.coordinate
    assert long_cells > 0


def test_rows_with_wrapped_text_are_as_high_as_their_lines(tmp_path):
    """A header or cell that wraps gets a row of one 15-point line per wrapped line (counted by hand
    below from the character widths: a letter 1, an upper-case letter 1.2, i, l, a space and a comma
    0.5, f, r, t and brackets 0.7, m and w 1.5; bold x 1.08), so that it does not run into the row
    under it when printed; a one-line row keeps the default height."""
    table = Table(
        "T",
        "t",
        [Column("Costs (EUR, 2024 prices)", "money"), Column("Description", width=10), Column("n", "int")],
        [[1.0, "short", 1], [2.0, "one two three four five six", 2], [3.0, "abcdefghijklmnopqrstuvw", 3]],
    )
    path = tmp_path / "r.xlsx"
    write_results_xlsx([table], path)
    ws = openpyxl.load_workbook(path)["T"]
    # header: the money column is as wide as its longest word + 2 = len("prices)") + 2 = 9 characters, 8 a
    # line: "Costs" 4.9 / "(EUR," 4.8 / "2024" 4 / "prices)" 5.6 (x 1.08: "(EUR, 2024" 10.0) -> 4 lines
    assert ws.row_dimensions[3].height == 4 * LINE_HEIGHT_PT
    assert ws.row_dimensions[4].height is None  # "short" fits
    # "one two three four five six" in 10 characters (9 a line): "one two" 6.7 / "three four" 8.3 / "five six" 6.2
    assert ws.row_dimensions[5].height == 3 * LINE_HEIGHT_PT
    # a word longer than a line is broken: 23 letters 21.6 wide, 9 a line -> 3 lines
    assert ws.row_dimensions[6].height == 3 * LINE_HEIGHT_PT
    assert ws.row_dimensions[1].height is None and ws.row_dimensions[2].height is None


def test_every_text_longer_than_its_column_is_in_a_row_of_more_than_one_line(workbook):
    """In the full test report's workbook, a header or cell whose text is more than 1.3 times as long
    as its column is wide cannot fit on one line (most letters of Calibri are 0.8 to 1.2 digits wide,
    only i, j, l, f, t, r and punctuation narrower), so its row is at least two lines high (the text
    would run into the row below otherwise)."""
    checked = 0
    for ws in workbook.worksheets:
        if ws.title == "Figures":
            continue
        widths = {k: d.width for d in ws.column_dimensions.values() for k in range(d.min, (d.max or d.min) + 1)}
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                width = widths.get(cell.column)
                if isinstance(cell.value, str) and width and len(cell.value) > 1.3 * width:
                    height = ws.row_dimensions[cell.row].height
                    assert height is not None and height >= 2 * LINE_HEIGHT_PT, (ws.title, cell.coordinate)
                    checked += 1
    assert checked > 50
