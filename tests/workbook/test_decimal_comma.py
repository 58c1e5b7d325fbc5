"""A Dutch decimal comma ("0,25") in a number or a formula cell is recognised and explained,
with the cell and the value written with a decimal point."""

from __future__ import annotations

import openpyxl
import pytest

from hecon.model.problems import ModelError
from hecon.workbook import read_workbook, write_workbook
from tests.agreement import problems_of
from tests.models import two_state_model


@pytest.mark.parametrize(
    ("text", "what", "point"),
    [("0,25", "'0,25' has a decimal comma", "0.25"), ("u * 0,9", "'u * 0,9' has a decimal comma", "u * 0.9")],
)
def test_decimal_comma_in_a_formula_cell(tmp_path, text, what, point):
    path = tmp_path / "comma.xlsx"
    write_workbook(two_state_model(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Parameters"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "p")
    ws.cell(row, 2).value = text
    wb.save(path)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert problems_of(path) == [str(problem)]
    assert str(problem.where) == f"Parameters!B{row}"
    assert problem.what == what
    assert problem.expected.startswith(f"a decimal point, e.g. {point} ")


def test_decimal_comma_in_a_number_setting(tmp_path):
    path = tmp_path / "comma.xlsx"
    write_workbook(two_state_model(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "discount_rate_costs")
    ws.cell(row, 2).value = "0,03"
    wb.save(path)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert problems_of(path) == [str(problem)]
    assert str(problem.where) == f"Settings!B{row}"
    assert "decimal comma" in problem.what and "decimal point" in problem.expected


def _settings_problem(tmp_path, key, text, sheet="Settings", column=2):
    path = tmp_path / "comma.xlsx"
    write_workbook(two_state_model(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, column).value = text
    wb.save(path)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert problems_of(path) == [str(problem)]
    return row, problem


def test_a_decimal_comma_in_the_wtp_list_is_not_read_as_a_separator(tmp_path):
    """'20000; 50000,5' used to be read as three thresholds (20000, 50000 and 5)."""
    row, problem = _settings_problem(tmp_path, "wtp", "20000; 50000,5")
    assert str(problem.where) == f"Settings!B{row}"
    assert problem.what == "wtp: '50000,5' in '20000; 50000,5' has a decimal comma"
    assert problem.expected.startswith("a decimal point: 50000.5")


def test_a_thousands_comma_is_called_ambiguous_and_both_readings_are_offered(tmp_path):
    """'2,000' is 2000 with a thousands separator or 2.0 with a decimal comma; '2.000' (which
    hecon reads as 2) is not offered."""
    row, problem = _settings_problem(tmp_path, "wtp", "20,000")
    assert "ambiguous: a thousands separator or a decimal comma" in problem.what
    assert problem.expected.startswith("20000 or 20.0 ")
    row, problem = _settings_problem(tmp_path, "discount_rate_costs", "2,000")
    assert str(problem.where) == f"Settings!B{row}"
    assert "ambiguous" in problem.what and problem.expected.startswith("2000 or 2.0 ")
    assert "2.000" not in problem.expected


def test_a_list_with_commas_and_spaces_is_still_read():
    from hecon.workbook.cells import to_numbers

    assert to_numbers("20000, 50000; 80000") == (20000.0, 50000.0, 80000.0)


def test_a_decimal_comma_in_a_distribution_argument(tmp_path):
    """se=200,5 used to give "'200,5' is not allowed"."""
    from hecon.workbook.cells import CellError, to_arguments

    with pytest.raises(CellError) as e:
        to_arguments("mean=1000; se=200,5")
    assert e.value.what == "argument 'se': '200,5' has a decimal comma"
    assert e.value.expected == "a decimal point: 200.5"
    assert to_arguments("mean=max(1,2)") == {"mean": "max(1,2)"}  # a function's arguments
