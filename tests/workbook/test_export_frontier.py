"""The efficiency frontier of the exported Results sheet (dominance, extended dominance, sequential
ICERs) is live: recalculated by LibreOffice it is hecon's incremental analysis
(:func:`hecon.analysis.incremental.incremental_analysis`), also after inputs are edited so that
the frontier changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from hecon.analysis.incremental import IncrementalRow, incremental_analysis
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, Transition
from hecon.workbook.export import export_excel
from hecon.workbook.export.frontier import FRONTIER_TITLE, write_frontier
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import hecon_table

pytestmark = needs_libreoffice

#: (name, strategies, costs, effects): dampack's HERC example (strong and extended dominance),
#: strategies on a straight line (all kept), ties (equal cost; identical twins: the later one is
#: dominated), a dominant new strategy, a single strategy.
CASES = [
    (
        "herc",
        ["E", "D", "C", "B", "A", "UC"],
        [55000.0, 35000.0, 25000.0, 10000.0, 12000.0, 5000.0],
        [5.0, 4.0, 3.0, 2.0, 1.5, 1.0],
    ),
    ("collinear", ["a", "b", "c", "d"], [0.0, 1000.0, 2000.0, 1500.0], [1.0, 1.1, 1.2, 1.05]),
    ("ties", ["x", "y", "z", "w", "v"], [100.0, 100.0, 300.0, 300.0, 50.0], [2.0, 3.0, 4.0, 4.0, 1.0]),
    ("dominant", ["old", "new"], [2000.0, 1500.0], [1.0, 1.2]),
    ("one", ["only"], [1234.5], [6.7]),
]


def frontier_table(ws: Worksheet) -> list[dict[str, Any]]:
    """The incremental table under FRONTIER_TITLE, one dict per row (header -> value)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == FRONTIER_TITLE)
    header = [h for h in rows[start + 1] if h is not None]
    out = []
    for r in rows[start + 2 :]:
        if r[0] in (None, ""):
            break
        out.append(dict(zip(header, r)))
    return out


def assert_same(table: list[dict[str, Any]], hecon: list[IncrementalRow]) -> None:
    """The workbook's table is hecon's: same order, status, comparator, increments and ICER."""
    assert [r["strategy"] for r in table] == [h.strategy for h in hecon]
    for r, h in zip(table, hecon):
        assert r["status"] == h.status, h.strategy
        assert (r["comparator"] or None) == h.comparator, h.strategy
        assert r["costs"] == pytest.approx(h.cost, rel=1e-9)
        assert r["qalys"] == pytest.approx(h.effect, rel=1e-9)
        for key, want in (
            ("incremental costs", h.incremental_cost),
            ("incremental qalys", h.incremental_effect),
            ("ICER (costs per QALY)", h.icer),
        ):
            if want is None:
                assert r[key] in (None, ""), (h.strategy, key)
            else:
                assert r[key] == pytest.approx(want, rel=1e-9), (h.strategy, key)


def test_frontier_formulas_give_hecons_incremental_analysis(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, strategies, costs, effects in CASES:
        ws = book.create_sheet(name)
        for i, (s, c, e) in enumerate(zip(strategies, costs, effects), start=2):
            ws.cell(i, 1, s)
            ws.cell(i, 2, c)
            ws.cell(i, 3, e)
        n = len(strategies)
        write_frontier(
            ws, n + 3, strategies, [f"$B${i}" for i in range(2, n + 2)], [f"$C${i}" for i in range(2, n + 2)]
        )
    path = tmp_path / "frontiers.xlsx"
    book.save(path)
    computed = openpyxl.load_workbook(recalculate(path, tmp_path / "out"), data_only=True)
    statuses = set()
    for name, strategies, costs, effects in CASES:
        hecon = incremental_analysis(strategies, costs, effects)
        assert_same(frontier_table(computed[name]), hecon)
        statuses |= {h.status for h in hecon}
    assert statuses == {"reference", "non-dominated", "dominated", "extendedly dominated"}


def frontier_model() -> ModelSpec:
    """Alive -> Dead, usual care and three drugs, each with its own cost per cycle (c_a, c_b,
    c_c) and hazard ratio on death (hr_a, hr_b, hr_c): A and C on the frontier, B extendedly
    dominated."""
    return ModelSpec(
        Settings(
            cycle_length_days=365.25,
            horizon_years=20.0,
            within_cycle="half-cycle",
            discount_rate_costs=0.03,
            discount_rate_effects=0.015,
        ),
        states=(
            State("Alive", utility=0.8, costs={"care": 1000.0, "drug": "c_drug"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(Transition("Alive", "Dead", "apply_hr(0.1, hr)"), Transition("Alive", "Alive", "#")),
        strategies=(
            Strategy("Usual care"),
            Strategy("A", {"c_drug": "c_a", "hr": "hr_a"}),
            Strategy("B", {"c_drug": "c_b", "hr": "hr_b"}),
            Strategy("C", {"c_drug": "c_c", "hr": "hr_c"}),
        ),
        parameters=(
            Parameter("c_drug", 0.0),
            Parameter("hr", 1.0),
            Parameter("c_a", 2000.0),
            Parameter("hr_a", 0.8),
            Parameter("c_b", 5000.0),
            Parameter("hr_b", 0.72),
            Parameter("c_c", 6000.0),
            Parameter("hr_c", 0.6),
        ),
    )


def hecon_frontier(spec: ModelSpec) -> list[IncrementalRow]:
    totals = hecon_table(spec)
    names = [s.name for s in spec.strategies]
    return incremental_analysis(names, [totals[s]["costs"] for s in names], [totals[s]["qalys"] for s in names])


@pytest.mark.parametrize(
    "edits",
    [
        {},
        {"c_a": 9000.0, "hr_b": 0.65},  # A dominated, B onto the frontier
        {"c_b": 6000.0, "hr_b": 0.6},  # B the identical twin of C: C (later) dominated
    ],
    ids=["as-exported", "a-dominated", "twins"],
)
def test_editing_inputs_moves_the_frontier_as_hecon_does(edits: dict[str, float], tmp_path: Path) -> None:
    spec = frontier_model()
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    book = openpyxl.load_workbook(path)
    for name, value in edits.items():
        sheet, cell = next(iter(book.defined_names[name].destinations))
        book[sheet][cell.replace("$", "")] = value
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    table = frontier_table(openpyxl.load_workbook(recalculate(edited, tmp_path / "out"), data_only=True)["Results"])
    changed = replace(spec, parameters=tuple(replace(p, value=edits.get(p.name, p.value)) for p in spec.parameters))
    hecon = hecon_frontier(changed)
    assert_same(table, hecon)
    exported_statuses = [h.status for h in hecon_frontier(spec)]
    assert ([h.status for h in hecon] != exported_statuses) == bool(edits)  # each edit moves the frontier
