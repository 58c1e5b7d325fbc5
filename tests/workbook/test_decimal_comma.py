"""A Dutch decimal comma ("0,25") in a number or a formula cell is recognised and explained,
with the cell and the value written with a decimal point."""

from __future__ import annotations

import openpyxl
import pytest

from hecon.model.problems import ModelError
from hecon.workbook import read_workbook, write_workbook
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
    assert str(problem.where) == f"Settings!B{row}"
    assert "decimal comma" in problem.what and "decimal point" in problem.expected
