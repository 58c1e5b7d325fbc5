"""Rows put into a copy of a workbook by name: replaced or added, numbers exact, the model only read."""

from __future__ import annotations

import hashlib

import pytest

from hecon.model.problems import ModelError
from hecon.workbook import read_workbook, write_workbook
from hecon.workbook.merge import merge_rows
from tests.models import textbook_model


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.xlsx"
    write_workbook(textbook_model(), path)
    return path


def test_a_row_of_the_same_name_is_replaced_and_a_new_one_added(model, tmp_path):
    before = hashlib.sha256(model.read_bytes()).hexdigest()
    rows = {
        "Parameters": [
            {"name": "c_trt", "value": 0.1 + 0.2, "unit": "EUR", "source": "replaced", "distribution": None},
            {"name": "c_new", "value": 123.0, "unit": "EUR", "description": "added", "source": "new row"},
        ]
    }
    content, replaced = merge_rows(model, rows)
    assert replaced == {"Parameters": ["c_trt"]}
    assert hashlib.sha256(model.read_bytes()).hexdigest() == before
    out = tmp_path / "merged.xlsx"
    out.write_bytes(content)
    spec = read_workbook(out)
    c_trt = spec.parameter("c_trt")
    assert c_trt.value == 0.1 + 0.2  # 0.30000000000000004: all 17 digits
    assert (c_trt.source, c_trt.distribution) == ("replaced", None)
    assert spec.parameter("c_new").value == 123.0
    assert [p.name for p in spec.parameters][-1] == "c_new"
    assert len(spec.parameters) == len(textbook_model().parameters) + 1


def test_a_missing_sheet_or_column_is_a_problem(model):
    with pytest.raises(ModelError) as info:
        merge_rows(model, {"Nope": [{"name": "x"}], "Parameters": [{"name": "x", "colour": "red"}]})
    assert [str(p) for p in info.value.problems] == [
        f"{model}: has no sheet 'Nope'; expected a hecon model with a Nope sheet",
        "Parameters!A1: no column 'colour' for row 'x'; expected the columns of the hecon template (hecon template)",
    ]


def test_into_and_use_go_together(tmp_path, invoke, model):
    data = tmp_path / "ipd.csv"
    data.write_text("time,event\n1,1\n2,0\n3,1\n")
    result = invoke("fit-survival", data, "--time-unit", "months", "--into", model)
    assert result.exit_code == 2 and "--into and --use go together" in result.output
