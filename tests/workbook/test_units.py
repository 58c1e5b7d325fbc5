"""Units of the States sheet's cost and count columns (hecon.workbook.units): a column declared
per year, month, week or day is converted to the cycle; an unknown unit is an error at its cell;
a per-year parameter used as a per-cycle cost is a warning that names both cells.

Reference: a value C per year on a cycle of d days is C x d / 365.25 per cycle (the model's year
of 365.25 days), typed in by hand as the per-cycle column of an otherwise equal workbook."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.model.problems import Cell, ModelError
from hecon.model.spec import Parameter
from hecon.workbook import read_workbook, write_workbook
from hecon.workbook.reader import read
from hecon.workbook.units import per_cycle, period_of
from tests.agreement import problems_of
from tests.models import two_state_model

WEEK = 7.0
C = 52_000.0  # per year


def _workbook(tmp_path: Path, name: str, unit: str | None, value: object, cycle_days: float = WEEK) -> Path:
    """The two-state model with weekly cycles, its cost column's unit row and Alive's cost set."""
    spec = two_state_model(cycle_length_days=cycle_days, horizon_years=3.0)
    path = tmp_path / f"{name}.xlsx"
    write_workbook(spec, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["States"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "cost:care")
    ws.cell(2, col).value = unit
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "Alive")
    ws.cell(row, col).value = value
    wb.save(path)
    return path


def _totals(spec) -> np.ndarray:
    ds = run_model(spec)
    return np.array([float(ds[v].sum()) for v in ("total_costs", "total_costs_undiscounted", "qalys")])


@pytest.mark.parametrize(
    ("unit", "days"),
    [("currency per year", 365.25), ("EUR per month", 365.25 / 12), ("per week", 7.0), ("EUR/day", 1.0)],
)
def test_a_column_per_period_equals_the_per_cycle_column_by_hand(tmp_path, unit, days):
    declared = read_workbook(_workbook(tmp_path, "declared", unit, C))
    by_hand = read_workbook(_workbook(tmp_path, "by_hand", "currency per cycle", C * WEEK / days))
    got, expected = _totals(declared), _totals(by_hand)
    assert expected[0] > 0
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_weekly_model_per_year_cost_is_c_times_cycle_years(tmp_path):
    declared = _totals(read_workbook(_workbook(tmp_path, "declared", "currency per year", C)))
    by_hand = _totals(read_workbook(_workbook(tmp_path, "by_hand", "currency per cycle", C * WEEK / 365.25)))
    np.testing.assert_allclose(declared, by_hand, rtol=1e-12, atol=0)
    # and 52 times the same number read per cycle would be 52x off: the unit row matters
    per_cycle_read = _totals(read_workbook(_workbook(tmp_path, "slip", "currency per cycle", C)))
    assert per_cycle_read[0] / declared[0] == pytest.approx(365.25 / WEEK, rel=1e-12)


def test_blank_unit_is_per_cycle(tmp_path):
    blank = _totals(read_workbook(_workbook(tmp_path, "blank", None, 1000.0)))
    cycle = _totals(read_workbook(_workbook(tmp_path, "cycle", "currency per cycle", 1000.0)))
    np.testing.assert_array_equal(blank, cycle)


def test_an_expression_is_converted_too(tmp_path):
    declared = _totals(read_workbook(_workbook(tmp_path, "expr", "EUR per year", "c * 52")))
    by_hand = _totals(read_workbook(_workbook(tmp_path, "num", "EUR per cycle", 1000.0 * 52 * WEEK / 365.25)))
    np.testing.assert_allclose(declared, by_hand, rtol=1e-12, atol=0)


def test_unknown_unit_is_rejected_with_its_cell(tmp_path):
    path = _workbook(tmp_path, "bad", "EUR per fortnight", C)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = [p for p in e.value.problems if "unit" in p.what]
    assert isinstance(problem.where, Cell) and problem.where.sheet == "States" and problem.where.address.endswith("2")
    assert str(problem).startswith(f"{problem.where}: unknown unit")
    assert "unknown unit 'EUR per fortnight' for the column cost:care" in str(problem)
    assert "per year" in problem.expected
    assert str(problem) in problems_of(path)


def _utility_unit(tmp_path: Path, unit: str | None) -> Path:
    path = _workbook(tmp_path, "utility", None, 1000.0)
    wb = openpyxl.load_workbook(path)
    ws = wb["States"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "utility")
    ws.cell(2, col).value = unit
    wb.save(path)
    return path


@pytest.mark.parametrize("unit", ["QALY weight per cycle", "nonsense", "QALY weight per week"])
def test_a_utility_unit_other_than_per_year_is_rejected_at_its_cell(tmp_path, unit):
    """Utilities are QALY weights per year; a per-cycle weight (or a unit hecon does not know)
    used to be read silently as a weight per year."""
    path = _utility_unit(tmp_path, unit)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert problems_of(path) == [str(problem)]
    assert isinstance(problem.where, Cell) and problem.where.sheet == "States"
    assert problem.where.address == "C2"  # the utility column's unit row (name, description, utility)
    assert problem.what == f"the utility column's unit '{unit}' is not supported"
    assert "QALY weight per year" in problem.expected


@pytest.mark.parametrize("unit", ["QALY weight per year", None])
def test_a_utility_per_year_or_blank_is_read(tmp_path, unit):
    expected = _totals(read_workbook(_workbook(tmp_path, "plain", None, 1000.0)))
    np.testing.assert_array_equal(_totals(read_workbook(_utility_unit(tmp_path, unit))), expected)


def test_per_year_parameter_used_as_per_cycle_cost_is_a_warning_naming_both_cells(tmp_path, invoke):
    spec = two_state_model(cycle_length_days=WEEK, horizon_years=3.0)
    spec = replace(spec, parameters=(*spec.parameters[:2], Parameter("c", 1000.0, "EUR per year")))
    path = tmp_path / "warn.xlsx"
    write_workbook(spec, path)
    result = read(path)
    assert result.problems == []
    (warning,) = result.locations.warnings
    assert warning.where.sheet == "States"
    assert "the parameter c is used as a value per cycle, but its unit at Parameters!" in warning.what
    assert "says per year (the cycle is 7 days)" in warning.what
    out = invoke("validate", path)
    assert out.exit_code == 0 and "warning: States!" in out.stderr
    # declared per year on the column: converted, no warning
    wb = openpyxl.load_workbook(path)
    ws = wb["States"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "cost:care")
    ws.cell(2, col).value = "EUR per year"
    wb.save(path)
    assert read(path).locations.warnings == []


def test_parse_and_convert():
    assert [period_of(u) for u in ("EUR per Years", "per month", "x / day", "", "EUR per cycle")] == [
        "year",
        "month",
        "day",
        "cycle",
        "cycle",
    ]
    assert period_of("EUR per fortnight") is None and period_of("EUR") is None
    assert per_cycle(3, "month") == "3.0 * (cycle_days / 30.4375)"


def test_written_back_the_unit_declaration_and_the_values_are_kept_as_typed(tmp_path):
    """A column declared "currency per year" used to be written back as
    '52000.0 * (cycle_days / 365.25)' under "currency per cycle"."""
    path = _workbook(tmp_path, "declared", "currency per year", C)
    wb = openpyxl.load_workbook(path)
    ws = wb["States"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "cost:care")
    dead = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "Dead")
    ws.cell(dead, col).value = "c * 52"  # an expression in the same column
    wb.save(path)
    spec = read_workbook(path)
    back = tmp_path / "back.xlsx"
    write_workbook(spec, back)
    ws = openpyxl.load_workbook(back)["States"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "cost:care")
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert ws.cell(2, col).value == "currency per year"
    assert ws.cell(rows["Alive"], col).value == C
    assert ws.cell(rows["Dead"], col).value == "c * 52"
    np.testing.assert_array_equal(_totals(read_workbook(back)), _totals(spec))
