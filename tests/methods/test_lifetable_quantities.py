"""Life tables given as qx, px, mx or lx (hecon.methods.lifetable.to_qx, the LifeTable sheet's
quantity column and the CSV header).

Reference: one table of one-year death probabilities q (made up, rising with age, the last age 1),
from which the other quantities are written out here, independently of hecon:
px = 1 - q, mx = -log(1 - q) (the constant rate within the year with that q), lx = survivors of
100,000 births (l_{x+1} = l_x (1 - q_x)). The same model run with each must give the same results.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.methods.lifetable import life_table, read_lifetable_csv, to_qx
from hecon.model.problems import Cell, FileLine, ModelError
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Settings, State, Strategy, Transition
from hecon.workbook import read_workbook, write_workbook
from hecon.workbook.reader import read

AGES = tuple(range(60, 71))
Q_MALE = tuple(0.02 * 1.12 ** (a - 60) for a in AGES[:-1]) + (1.0,)
Q_FEMALE = tuple(0.012 * 1.12 ** (a - 60) for a in AGES[:-1]) + (1.0,)


def written_out(quantity: str, q: tuple[float, ...]) -> list[float]:
    """The column of ``quantity`` for death probabilities q, by the textbook definitions."""
    if quantity == "qx":
        return list(q)
    if quantity == "px":
        return [1.0 - x for x in q]
    if quantity == "mx":
        return [-math.log(1.0 - x) if x < 1.0 else 50.0 for x in q]  # exp(-50) ~ 2e-22: q = 1 in double
    lx = [100_000.0]
    for x in q[:-1]:
        lx.append(lx[-1] * (1.0 - x))
    return lx


def mortality_model(table: LifeTable) -> ModelSpec:
    """Alive -> Dead by general-population mortality from age 60, monthly cycles for 12 years
    (past the table's last age 70), a cost and a utility in Alive, discounting on."""
    return ModelSpec(
        Settings(cycle_length_days=365.25 / 12, horizon_years=12.0, start_age=60.0, within_cycle="half-cycle"),
        states=(State("Alive", utility="u", costs={"care": "c"}), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Alive", "Dead", "gp_mort()"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("only"),),
        parameters=(Parameter("u", 0.8), Parameter("c", 1000.0), Parameter("p_male", 0.4)),
        life_tables=(table,),
    )


def _outputs(spec: ModelSpec) -> np.ndarray:
    ds = run_model(spec)
    return np.concatenate(
        [ds[v].values.ravel() for v in ("total_costs", "qalys", "lys")] + [ds["trace"].values.ravel()]
    )


@pytest.mark.parametrize(
    ("quantity", "values", "expected"),
    [
        ("qx", [0.1, 1.0], [0.1, 1.0]),
        ("px", [0.75, 0.0], [0.25, 1.0]),
        # 1 - exp(-0.1) = 0.095162581964040..., 1 - exp(-0) = 0
        ("mx", [0.1, 0.0], [0.09516258196404048, 0.0]),
        # 1 - 80/100, 1 - 20/80, 1 - 0/20, and the last age 1
        ("lx", [100.0, 80.0, 20.0, 0.0], [0.2, 0.75, 1.0, 1.0]),
    ],
)
def test_conversion_by_hand(quantity, values, expected):
    assert to_qx(quantity, values) == pytest.approx(expected, rel=1e-15, abs=1e-16)


@pytest.mark.parametrize("quantity", ["px", "mx", "lx"])
def test_the_same_table_as_each_quantity_gives_the_same_results(tmp_path, quantity):
    reference = _outputs(mortality_model(LifeTable("t", AGES, Q_MALE, Q_FEMALE)))
    given = life_table("t", AGES, written_out(quantity, Q_MALE), written_out(quantity, Q_FEMALE), quantity)
    path = tmp_path / f"{quantity}.xlsx"
    write_workbook(mortality_model(given), path)
    spec = read_workbook(path)
    table = spec.life_tables[0]
    assert table.quantity == quantity
    assert table.given_male == pytest.approx(written_out(quantity, Q_MALE), rel=1e-15)  # written back as given
    np.testing.assert_allclose(table.qx_male, Q_MALE, rtol=1e-12, atol=0)
    np.testing.assert_allclose(_outputs(spec), reference, rtol=1e-12, atol=1e-15)
    assert reference[0] > 0  # a cost was counted


def test_quantity_column_is_written_and_read_as_the_user_typed_it(tmp_path):
    path = tmp_path / "mx.xlsx"
    mx = written_out("mx", Q_MALE)
    write_workbook(mortality_model(life_table("t", AGES, mx, mx, "mx")), path)
    ws = openpyxl.load_workbook(path)["LifeTable"]
    header = [c.value for c in ws[1]]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "t"]
    assert {r[header.index("quantity")] for r in rows} == {"mx"}
    assert [r[header.index("qx_male")] for r in rows] == pytest.approx(mx, rel=1e-15)


def _edited(tmp_path: Path, quantity: str, edits: dict[tuple[int, str], object]) -> Path:
    """A workbook of the table given as ``quantity``, with cells changed: (age, column) -> value."""
    q = written_out(quantity, Q_MALE)
    path = tmp_path / "edited.xlsx"
    write_workbook(mortality_model(life_table("t", AGES, q, q, quantity)), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["LifeTable"]
    header = [c.value for c in ws[1]]
    for (age, column), value in edits.items():
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == age)
        ws.cell(row, header.index(column) + 1).value = value
    wb.save(path)
    return path


def _problems(path: Path) -> dict[str, str]:
    problems = read(path).problems
    assert all(isinstance(p.where, Cell) and p.where.sheet == "LifeTable" for p in problems)
    return {p.where.address: p.what for p in problems}


def _cell(path: Path, age: int, column: str) -> str:
    ws = openpyxl.load_workbook(path)["LifeTable"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == age)
    return f"{openpyxl.utils.get_column_letter(header.index(column) + 1)}{row}"


def test_invalid_values_are_reported_at_their_cells(tmp_path):
    path = _edited(tmp_path, "lx", {(65, "qx_male"): 999_999.0, (62, "qx_female"): -1.0})
    found = _problems(path)
    assert "lx 999999 is above" in found[_cell(path, 65, "qx_male")]
    assert "lx -1 is not a finite number >= 0" in found[_cell(path, 62, "qx_female")]

    path = _edited(tmp_path, "qx", {(61, "qx_male"): 1.5})
    assert "qx 1.5 is outside [0, 1]" in _problems(path)[_cell(path, 61, "qx_male")]
    path = _edited(tmp_path, "mx", {(61, "qx_female"): -0.01})
    assert "mx -0.01 is not a finite number >= 0" in _problems(path)[_cell(path, 61, "qx_female")]
    path = _edited(tmp_path, "px", {(61, "qx_female"): 1.2})
    assert "px 1.2 is outside [0, 1]" in _problems(path)[_cell(path, 61, "qx_female")]


def test_one_quantity_per_table_and_known_quantities_only(tmp_path):
    path = _edited(tmp_path, "mx", {(63, "quantity"): "lx", (64, "quantity"): "dx"})
    found = _problems(path)
    assert "given as mx on its first row but as lx here" in found[_cell(path, 63, "quantity")]
    assert "dx" in found[_cell(path, 64, "quantity")]


def test_csv_header_declares_the_quantity(tmp_path):
    lines = ["# test", "age,sex,lx"]
    lx_m, lx_f = written_out("lx", Q_MALE), written_out("lx", Q_FEMALE)
    for age, m, f in zip(AGES, lx_m, lx_f):
        lines += [f"{age},male,{m!r}", f"{age},female,{f!r}"]
    path = tmp_path / "lx.csv"
    path.write_text("\n".join(lines) + "\n")
    table = read_lifetable_csv(path, "t")
    np.testing.assert_allclose(table.qx_female, Q_FEMALE, rtol=1e-12, atol=0)
    assert table.quantity == "lx" and table.given_female == tuple(lx_f)

    lines[2 + 2 * 3] = "63,male,99999999"  # lx of men rises at 63
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ModelError) as err:
        read_lifetable_csv(path, "t")
    (problem,) = err.value.problems
    assert problem.where == FileLine(str(path), 9) and "lx 1e+08 is above" in problem.what


def test_life_table_refuses_an_unknown_quantity_and_bad_values():
    with pytest.raises(ModelError, match="unknown quantity 'dx'"):
        life_table("t", (60, 61), (1.0, 0.5), (1.0, 0.5), "dx")
    with pytest.raises(ModelError) as err:
        life_table("t", (60, 61), (100.0, 120.0), (100.0, -1.0), "lx")
    assert [p.what for p in err.value.problems] == [
        "age 61, male: lx 120 is above 100, the value of the age before (lx increases)",
        "age 61, female: lx -1 is not a finite number >= 0",
    ]


def test_a_qx_table_keeps_no_given_values():
    table = life_table("t", AGES, Q_MALE, Q_FEMALE)
    assert table == replace(LifeTable("t", AGES, Q_MALE, Q_FEMALE), source="")
