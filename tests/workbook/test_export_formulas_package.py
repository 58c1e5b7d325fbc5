"""A second, independent recalculation of an exported workbook: the ``formulas`` package (a
Python implementation of Excel's formula language, unrelated to LibreOffice and to hecon)
computes the textbook model's Results table to hecon's totals (1e-9 relative) and its efficiency
frontier to hecon's incremental analysis."""

from __future__ import annotations

from pathlib import Path

import formulas
import pytest

from hecon.analysis.incremental import incremental_analysis
from hecon.examples.textbook import textbook_model
from hecon.workbook.export import export_excel
from hecon.workbook.export.frontier import FRONTIER_TITLE
from tests.workbook.test_export_frontier import assert_same


def test_formulas_package_reproduces_the_textbook_model(tmp_path: Path) -> None:
    spec = textbook_model(horizon_years=10.0)  # 10 cycles of a year: the package is slow on long sheets
    path = tmp_path / "textbook.xlsx"
    totals = export_excel(spec, path).totals
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    cells = {key.split("!")[-1]: value for key, value in solution.items() if "]RESULTS'!" in key.upper()}
    for row, (strategy, hecon) in enumerate(zip(spec.strategies, totals), start=2):
        assert str(cells[f"A{row}"].value[0][0]) == strategy.name
        for column, expected in (("B", hecon.costs), ("C", hecon.qalys), ("D", hecon.lys)):
            got = float(cells[f"{column}{row}"].value[0][0])
            assert got == pytest.approx(expected, rel=1e-9), f"{strategy.name} {column}"
    value = {k: v.value[0][0] for k, v in cells.items()}
    start = next(int(k[1:]) for k, v in value.items() if k[0] == "A" and v == FRONTIER_TITLE)
    header = [value[f"{c}{start + 1}"] for c in "ABCDEFGH"]
    table = [{h: value[f"{c}{start + 2 + i}"] for h, c in zip(header, "ABCDEFGH")} for i in range(len(totals))]
    hecon = incremental_analysis(
        [s.name for s in spec.strategies], [t.costs for t in totals], [t.qalys for t in totals]
    )
    assert_same(table, hecon)
    assert {h.status for h in hecon} == {"reference", "non-dominated", "extendedly dominated"}
