"""The blank template's example rows and its README sheet (issue 18): one filled, visibly marked
example row per sheet, rejected at its marker cell until deleted or replaced; the README sheet's
tables have every value under a header."""

from __future__ import annotations

import openpyxl
import pytest

from hecon.workbook import validate_workbook, write_template
from hecon.workbook.reader import read
from hecon.workbook.schema import FIRST_DATA_ROW, SHEETS
from hecon.workbook.template_examples import EXAMPLE_COLUMN, EXAMPLE_ROWS
from tests.agreement import problems_of

EXAMPLE_PROBLEM = "this row is the template's example"


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    write_template(path)
    return path


def _marker_letter(ws) -> str | None:
    return next((c.column_letter for c in ws[1] if c.value == EXAMPLE_COLUMN), None)


def _example_problems(path) -> list[str]:
    return [str(p) for p in validate_workbook(path) if EXAMPLE_PROBLEM in p.what]


def test_every_sheet_but_settings_and_draws_has_one_filled_marked_example_row(blank):
    book = openpyxl.load_workbook(blank)
    assert set(EXAMPLE_ROWS) == {s.name for s in SHEETS} - {"Settings", "Draws"}
    for name, row in EXAMPLE_ROWS.items():
        ws = book[name]
        letter = _marker_letter(ws)
        assert letter is not None, name
        assert ws.max_row == FIRST_DATA_ROW, name  # one row only
        assert "example" in ws[f"{letter}{FIRST_DATA_ROW}"].value
        headers = {c.value: c.column_letter for c in ws[1]}
        required = [c.name for c in next(s for s in SHEETS if s.name == name).columns if c.required]
        for column in required:  # filled: every required cell holds a value
            assert ws[f"{headers[column]}{FIRST_DATA_ROW}"].value not in (None, ""), (name, column)
        for column, value in row.items():
            cell = ws[f"{headers[column]}{FIRST_DATA_ROW}"]
            assert cell.value == value, (name, column)
            assert cell.font.italic and cell.fill.fgColor.rgb.endswith("FFF2CC")  # visibly an example


def test_validation_rejects_each_example_row_at_its_marker_cell(blank):
    book = openpyxl.load_workbook(blank)
    expected = sorted(f"{name}!{_marker_letter(book[name])}{FIRST_DATA_ROW}" for name in EXAMPLE_ROWS)
    found = sorted(p.split(":")[0] for p in _example_problems(blank))
    assert found == expected


def test_a_cleared_mark_makes_the_row_the_analysts_own(blank, tmp_path):
    book = openpyxl.load_workbook(blank)
    ws = book["Parameters"]
    ws[f"{_marker_letter(ws)}{FIRST_DATA_ROW}"] = None
    path = tmp_path / "cleared.xlsx"
    book.save(path)
    result = read(path)
    assert [p.name for p in result.spec.parameters] == ["p_sick"]
    assert not any(p.startswith("Parameters!") for p in _example_problems(path))
    assert len(_example_problems(path)) == len(EXAMPLE_ROWS) - 1


def test_deleted_example_rows_leave_no_example_problem(blank, tmp_path):
    book = openpyxl.load_workbook(blank)
    for name in EXAMPLE_ROWS:
        book[name].delete_rows(FIRST_DATA_ROW)
    path = tmp_path / "deleted.xlsx"
    book.save(path)
    assert _example_problems(path) == []
    assert problems_of(path) == [
        "Strategies!A4: the model has no strategy; expected at least one strategy: a row per strategy compared, "
        "name in the first column (on the Strategies sheet of a workbook; a row marked as the template's example "
        "is not read: type your own row over it and clear its mark)",
        "States!A4: the model has no state; expected at least one state: a row per health state, name in the "
        "first column (on the States sheet of a workbook; a row marked as the template's example is not read: "
        "type your own row over it and clear its mark)",
    ]


def test_a_model_workbook_has_no_example_rows(tmp_path, rich_workbook):
    """tests.models.rich_model (every sheet) written as a model workbook."""
    book = openpyxl.load_workbook(rich_workbook)
    assert all(_marker_letter(book[s.name]) is None for s in SHEETS if s.name in book.sheetnames)


def test_readme_states_the_convention(blank):
    text = " ".join(str(c.value) for row in openpyxl.load_workbook(blank)["README"].iter_rows() for c in row if c.value)
    assert f"'{EXAMPLE_COLUMN}'" in text and "reject a marked row" in text


def _tables(ws):
    """(header row, {column: header text}) of each README table (header cells are filled)."""
    for row in ws.iter_rows():
        filled = [c for c in row if c.fill is not None and c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith("DDEBF7")]
        if filled:
            yield row[0].row, {c.column: c.value for c in filled}


def test_readme_tables_have_every_value_under_a_header_and_aligned_headers(blank):
    """Every README table: headers left-aligned and wrapping, no empty column between two headers
    (a narrow table's last column is merged across the sheet's wide columns, e.g. 'What it holds'
    right after 'Required'), and every value under a named header or in a cell merged from one."""
    ws = openpyxl.load_workbook(blank)["README"]
    tables = list(_tables(ws))
    assert len(tables) >= 5

    def merged_from(row: int, column: int) -> int | None:
        """The first column of the merged range that covers (row, column), if any."""
        for r in ws.merged_cells.ranges:
            if r.min_row == row == r.max_row and r.min_col <= column <= r.max_col:
                return r.min_col
        return None

    for header_row, headers in tables:
        for c in headers:
            cell = ws.cell(header_row, c)
            assert cell.alignment.horizontal == "left" and cell.alignment.wrap_text
        named = {c for c, text in headers.items() if text}
        last = max(named)
        for c in range(1, last + 1):  # no gap: every column up to the last header is named or merged into one
            assert c in named or merged_from(header_row, c) in named, (header_row, c)
        r = header_row + 1
        while r <= ws.max_row and any(ws.cell(r, c).value is not None for c in range(1, 9)):
            for c in range(1, 9):
                if ws.cell(r, c).value is not None:
                    assert c in named, (header_row, r, c, ws.cell(r, c).value)
                if c not in named and c <= last:
                    assert merged_from(r, c) in named, (header_row, r, c)
            r += 1
        assert r > header_row + 1  # the table has rows


def test_readme_sheets_table_puts_what_it_holds_next_to_required(blank):
    ws = openpyxl.load_workbook(blank)["README"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Sheet" and r[1].value == "Required")
    assert [c.value for c in row[:3]] == ["Sheet", "Required", "What it holds"]
