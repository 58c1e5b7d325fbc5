"""The BudgetImpact sheet end to end: written, read back equal, bad rows placed at their cells,
and the budget impact in summary.json, results.xlsx and report.html (the hand-worked model of
tests/analysis/test_budget_impact.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.spec import BudgetItem
from hecon.report import write_report
from hecon.workbook.reader import read
from hecon.workbook.writer import write_workbook
from tests.agreement import problems_of
from tests.analysis.test_budget_impact import _items, _model


@pytest.fixture(scope="module")
def spec():
    return replace(_model(), budget=tuple(_items()))


def test_sheet_round_trip(spec, tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    write_workbook(spec, path)
    back = read(path)
    assert back.problems == []
    assert back.spec.budget == spec.budget


def test_bad_rows_are_placed_at_their_cells(spec, tmp_path: Path) -> None:
    bad = list(spec.budget)
    bad[1] = BudgetItem("eligible", 20, 2, source="")  # row 5: no source
    bad[3] = BudgetItem("share", 1.0, 1, "Nobody", "current", source="A")  # row 7: unknown strategy
    path = tmp_path / "bad.xlsx"
    write_workbook(replace(spec, budget=tuple(bad)), path)
    problems = problems_of(path)
    assert any(t.startswith("BudgetImpact!G5") and "no source" in t for t in problems), problems
    assert any(t.startswith("BudgetImpact!C7") and "'Nobody'" in t for t in problems), problems


def test_report_shows_the_budget_impact(spec, tmp_path: Path) -> None:
    folder = write_report(summarise_run(run_analysis(spec, None, progress=False)), tmp_path / "report")
    bi = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["budget_impact"]
    assert bi["incremental_total"] == pytest.approx([2_000, 12_000, 36_000])
    assert bi["sluis"][0]["above_per_patient"] is True
    # by hand: 1,000 per patient >= 500, no total given with the per-patient criterion: into the sluis
    assert bi["sluis"][0]["into_sluis"] is True
    wb = openpyxl.load_workbook(folder / "results.xlsx", read_only=True)
    assert {"BudgetImpact", "BudgetByCategory", "Sluis"} <= set(wb.sheetnames)
    rows = list(wb["BudgetImpact"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [1, 2, 3]
    # whole numbers of eligible patients are shown as integers (10, not 10.00)
    cells = next(r for r in wb["BudgetImpact"].iter_rows(min_row=4) if r[0].value == 1)
    assert cells[1].value == 10 and cells[1].number_format == "0"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Budget impact" in html and "sluis" in html
    assert "yes: the drug costs per patient per year reach the per-patient threshold" in html
