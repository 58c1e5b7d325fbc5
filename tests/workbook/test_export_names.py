"""Defined names of the Excel export: a parameter's own name when Excel accepts it."""

from __future__ import annotations

import pytest

from hecon.workbook.export.names import NameTable, excel_name_ok, sheet_names


@pytest.mark.parametrize("name", ["c1", "qx2019", "R1C1", "r", "C", "TRUE", "xfd1", "1abc", "a b"])
def test_names_excel_refuses(name: str) -> None:
    assert not excel_name_ok(name)


@pytest.mark.parametrize("name", ["c_drug", "p_HS1", "abcd1", "u", "x.y", "_c1", "rc_1"])
def test_names_excel_accepts(name: str) -> None:
    assert excel_name_ok(name)


def test_name_table_keeps_own_names_and_renames_the_rest_uniquely() -> None:
    table = NameTable()
    assert table.assign("c_drug") == "c_drug"
    assert table.assign("c1") == "_c1"
    assert table.assign("C_DRUG") == "C_DRUG_2"  # Excel names ignore case
    assert table.assign("p.New drug") == "p.New_drug"


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["Results", "a/b", "x" * 40, "x" * 40], ["Results"])
    assert names[0] == "Results (2)"
    assert names[1] == "a_b"
    assert len(names[2]) == 31 and names[2] != names[3] and len(names[3]) <= 31
