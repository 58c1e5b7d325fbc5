"""Custom within-cycle weights for many cycles: the CycleWeights sheet (one row per trace point),
and no cell text at Excel's 32,767-character limit (a longer text would be cut off silently)."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import numpy as np
import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from hecon.workbook.schema import EXCEL_CELL_CHARACTERS
from tests.agreement import problems_of
from tests.models import two_state_model

N_CYCLES = 3900  # weekly cycles over about 75 years: 3,901 trace points


P_WEEKLY = 0.001
"""Weekly probability of death: a fifth of the cohort is still alive at the horizon, so every
weight counts."""


def _weekly_custom():
    spec = two_state_model(cycle_length_days=7.0, horizon_years=N_CYCLES * 7.0 / 365.25, within_cycle="custom")
    rng = np.random.default_rng(3)
    weights = tuple(float(w) for w in rng.uniform(0.5, 1.5, N_CYCLES + 1))  # 17 significant digits each
    parameters = tuple(replace(p, value=P_WEEKLY) if p.name == "p" else p for p in spec.parameters)
    return replace(spec, settings=replace(spec.settings, cycle_weights=weights), parameters=parameters)


def test_3901_weights_go_on_the_sheet_and_run(tmp_path):
    spec = _weekly_custom()
    assert spec.settings.n_cycles == N_CYCLES and len(spec.settings.cycle_weights) == 3901
    path = tmp_path / "weekly.xlsx"
    write_workbook(spec, path)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "CycleWeights" in wb.sheetnames
    longest = max(len(str(c)) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert longest < EXCEL_CELL_CHARACTERS
    back = read_workbook(path)
    assert back.settings.cycle_weights == spec.settings.cycle_weights
    out = run_model(back)
    # by hand: Alive holds (1 - p)^k of the cohort at trace point k = 0..3900; costs of 1,000 per
    # cycle and a utility of 0.8 per year (a week is 7 / 365.25 years), no discounting
    w = np.array(spec.settings.cycle_weights)
    alive = (1.0 - P_WEEKLY) ** np.arange(N_CYCLES + 1)
    costs, qalys = 1000.0 * w @ alive, 0.8 * 7.0 / 365.25 * w @ alive
    assert out["total_costs"].item() == pytest.approx(costs, rel=1e-12)
    assert out["qalys"].item() == pytest.approx(qalys, rel=1e-12)
    # the weights matter: start-of-cycle counting (the default rule) gives another total
    default = 1000.0 * alive[:-1].sum()
    assert abs(costs - default) > 1e-3 * default


def test_a_few_weights_stay_in_the_setting(tmp_path):
    spec = two_state_model(within_cycle="custom", horizon_years=3.0)
    spec = replace(spec, settings=replace(spec.settings, cycle_weights=(0.5, 1.0, 1.0, 0.5)))
    path = tmp_path / "few.xlsx"
    write_workbook(spec, path)
    assert "CycleWeights" not in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert read_workbook(path).settings.cycle_weights == (0.5, 1.0, 1.0, 0.5)


def test_a_40000_character_cell_is_rejected_with_its_cell(tmp_path):
    spec = two_state_model(within_cycle="custom", horizon_years=3.0)
    spec = replace(spec, settings=replace(spec.settings, cycle_weights=(0.5, 1.0, 1.0, 0.5)))
    path = tmp_path / "long.xlsx"
    write_workbook(spec, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "cycle_weights")
    ws.cell(row, 2).value = "LONG-TEXT"
    wb.save(path)
    _replace_text(path, "LONG-TEXT", "; ".join(["1"] * 13_334))  # 40,000 characters, as another program writes
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert str(problem.where) == f"Settings!B{row}"
    assert "Excel's limit of 32,767" in problem.what and "CycleWeights sheet" in problem.expected
    assert problems_of(path) == [str(problem)]


def _replace_text(path, old: str, new: str) -> None:
    """Replace a text in the file's XML (openpyxl itself cuts a text at 32,767 characters
    when it is assigned, so a longer cell has to be written around it)."""
    assert len(new) == 40_000
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    changed = [name for name, data in parts.items() if old.encode() in data]
    assert changed
    for name in changed:
        parts[name] = parts[name].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_points_out_of_order_are_rejected_with_their_cell(tmp_path):
    path = tmp_path / "weekly.xlsx"
    write_workbook(_weekly_custom(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["CycleWeights"]
    ws.cell(10, 1).value = 5000  # row 10 holds point 6
    wb.save(path)
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert str(problem.where) == "CycleWeights!A10"
    assert "trace point 5000 where point 6 comes next" in problem.what
    assert problems_of(path) == [str(problem)]


def test_a_40000_character_formula_is_given_the_formula_length_limit_not_the_cycleweights_sheet(tmp_path):
    path = tmp_path / "long.xlsx"
    write_workbook(two_state_model(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Parameters"]
    row = next(r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, (int, float)))
    ws.cell(row, 2).value = "LONG-TEXT"
    wb.save(path)
    _replace_text(path, "LONG-TEXT", "+".join(["1"] * 20_000) + "0")  # 40,000 characters
    with pytest.raises(ModelError) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert str(problem.where) == f"Parameters!B{row}"
    assert "Excel's limit of 32,767" in problem.what
    assert "CycleWeights" not in problem.expected
    assert "at most 2,000 characters" in problem.expected and "HECON_MAX_EXPRESSION_CHARS" in problem.expected
    assert problems_of(path) == [str(problem)]


def test_a_weight_missing_on_the_sheet_is_reported_at_the_cycleweights_cells(tmp_path):
    """The count of weights is checked against the model's cycles; when the weights are on the
    CycleWeights sheet the problem names its cells, not the (empty) cycle_weights setting."""
    path = tmp_path / "weekly.xlsx"
    write_workbook(_weekly_custom(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["CycleWeights"]
    last = ws.max_row  # point 3900 (rows 4 to 3904)
    assert ws.cell(last, 1).value == N_CYCLES
    ws.delete_rows(last)
    wb.save(path)
    (problem,) = validate_workbook(path)
    assert problems_of(path) == [str(problem)]
    assert str(problem.where) == "CycleWeights!B4"
    assert (
        problem.what
        == f"{N_CYCLES} weights given on the CycleWeights sheet (B4:B{last - 1}, points 0 to {N_CYCLES - 1})"
    )
    assert problem.expected == f"{N_CYCLES + 1} weights, one per trace point 0..{N_CYCLES}"
