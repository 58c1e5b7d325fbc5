"""The Excel export recomputes hecon's deterministic results with live formulas.

Each exported workbook is recalculated by LibreOffice (an implementation of the formulas
independent of hecon) and its totals and trace are compared with hecon's engine: totals to
1e-9 relative, the trace to 1e-12 absolute (issue 15).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.examples.textbook import textbook_model
from hecon.model.spec import (
    ModelSpec,
    Parameter,
    Schedule,
    ScheduleSegment,
    Settings,
    State,
    Strategy,
    Transition,
    TransitionReward,
)
from hecon.workbook.export import export_excel
from hecon.workbook.export.sheets import EFFECT, FIRST_ROW, HEADER_ROW, MONEY, PROBABILITY
from tests.models import both_structures_model, rich_model, two_state_model, with_settings
from tests.replication.test_chancellor_hiv import chancellor_hiv_model
from tests.replication.test_darth_sick_sicker import sick_sicker_model
from tests.replication.test_darth_sick_sicker_age_dependent import age_dependent_sick_sicker_model
from tests.replication.test_dmhee_hip_replacement import hip_replacement_model
from tests.workbook.libreoffice import needs_libreoffice, recalculate

pytestmark = needs_libreoffice


def three_state_model() -> ModelSpec:
    """Healthy, Sick, Dead with constant probabilities; two strategies (one with its own values of
    two parameters and a parameter computed from one of them), one-off rewards on death, on
    falling sick and at the start, discounting at different rates and the half-cycle correction."""
    return ModelSpec(
        Settings(
            cycle_length_days=365.25,
            horizon_years=30.0,
            within_cycle="half-cycle",
            discount_rate_costs=0.04,
            discount_rate_effects=0.015,
        ),
        states=(
            State("Healthy", utility="u_h", costs={"care": "c_h"}, flags=frozenset({"well"})),
            State("Sick", utility="u_s", costs={"care": "c_s", "drug": "c_drug"}, counts={"visits": 4}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("Healthy", "Sick", "p_hs"),
            Transition("Healthy", "Dead", "p_hd"),
            Transition("Healthy", "Healthy", "#"),
            Transition("Sick", "Dead", "apply_hr(p_hd, hr_sick)"),
            Transition("Sick", "Healthy", "p_sh"),
            Transition("Sick", "Sick", "#"),
        ),
        strategies=(Strategy("Usual care"), Strategy("New drug", {"c_drug": 12000.0, "hr_sick": 1.8})),
        parameters=(
            Parameter("p_hs", 0.08, "per cycle"),
            Parameter("p_hd", "rate_to_prob(0.02, cycle_years)", "per cycle"),
            Parameter("p_sh", "0.25 * (1 - hr_sick / 10)", "per cycle"),
            Parameter("hr_sick", 2.5, "hazard ratio"),
            Parameter("u_h", 0.9),
            Parameter("u_s", 0.6),
            Parameter("c_h", 500.0),
            Parameter("c_s", 3000.0),
            Parameter("c_drug", 0.0),
            Parameter("c_death", 8000.0),
        ),
        transition_rewards=(
            TransitionReward("Dead", "c_death", "cost", "terminal"),
            TransitionReward("Sick", -0.02, "qaly", from_state="Healthy"),
            TransitionReward("Healthy", 250.0, "cost", "screening", from_state="(start)"),
        ),
        title="Three-state test model",
    )


def schedule_model() -> ModelSpec:
    """Weekly cycles; a drug given weekly for 24 weeks, then every 14 days (doses(tec) on model
    time), and an infusion schedule on time since entering a 4-cycle tunnel state (doses on
    state_time); costs and counts per administration."""
    return ModelSpec(
        Settings(cycle_length_days=7.0, horizon_years=2.0, within_cycle="half-cycle", discount_rate_costs=0.04),
        states=(
            State("On", utility=0.7, costs={"drug": "c_dose * doses(tec)"}, counts={"doses": "doses(tec)"}),
            State("Off", utility=0.6, costs={"drug": "c_inf * doses(inf, state_time)"}, tunnel=4),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("On", "Off", "0.02"),
            Transition("On", "Dead", "0.003"),
            Transition("On", "On", "#"),
            Transition("Off", "Dead", "0.004"),
            Transition("Off", "Off", "#"),
        ),
        strategies=(Strategy("only"),),
        parameters=(Parameter("c_dose", 900.0), Parameter("c_inf", 2500.0)),
        schedules=(
            Schedule("tec", (ScheduleSegment(0.0, 7.0, 168.0), ScheduleSegment(168.0, 14.0))),
            Schedule("inf", (ScheduleSegment(0.0, 7.0, 21.0, 2.0),)),
        ),
    )


def exported(spec: ModelSpec, tmp_path: Path, name: str = "model") -> tuple[Path, openpyxl.Workbook]:
    """Export ``spec``, recalculate with LibreOffice, return the exported path and the computed values."""
    path = tmp_path / f"{name}.xlsx"
    export_excel(spec, path)
    return path, openpyxl.load_workbook(recalculate(path, tmp_path / f"{name}-recalculated"), data_only=True)


def results_table(wb: openpyxl.Workbook) -> dict[str, dict[str, float]]:
    """The Results sheet's first table: strategy -> {costs, qalys, lys, ..._undiscounted}."""
    rows = list(wb["Results"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("strategy", "costs", "qalys", "lys")
    out = {}
    for row in rows[1:]:
        if row[0] is None:
            break
        out[row[0]] = {h: float(v) for h, v in zip(header[1:], row[1:]) if h}
    return out


def hecon_table(spec: ModelSpec) -> dict[str, dict[str, float]]:
    ds = run_model(spec)
    out = {}
    for s in spec.strategies:
        one = ds.sel(strategy=s.name, sample=0)
        out[s.name] = {
            "costs": float(one["total_costs"]),
            "qalys": float(one["qalys"]),
            "lys": float(one["lys"]),
            "costs_undiscounted": float(one["total_costs_undiscounted"]),
            "qalys_undiscounted": float(one["qalys_undiscounted"]),
            "lys_undiscounted": float(one["lys_undiscounted"]),
        }
    return out


def max_relative_difference(workbook: dict[str, dict[str, float]], hecon: dict[str, dict[str, float]]) -> float:
    assert set(workbook) == set(hecon)
    return max(abs(workbook[s][k] - v) / max(abs(v), 1e-300) for s in hecon for k, v in hecon[s].items())


def trace_of(wb: openpyxl.Workbook, sheet: str, states: list[str]) -> np.ndarray:
    """The trace columns (model states, tunnel sub-states summed) of a strategy sheet."""
    ws = wb[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    columns = []
    for s in states:
        idx = [i for i, h in enumerate(header) if h == s or (isinstance(h, str) and h.startswith(f"{s}["))]
        assert idx, f"no trace column for {s}"
        columns.append(idx)
    rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    return np.array([[sum(float(r[i]) for i in idx) for idx in columns] for r in rows])


@pytest.mark.parametrize(
    "spec",
    [
        two_state_model(),
        with_settings(
            two_state_model(), within_cycle="half-cycle", discount_rate_costs=0.04, discount_rate_effects=0.015
        ),
        three_state_model(),
        with_settings(three_state_model(), within_cycle="simpson", discount_timing="annual"),
        textbook_model(),
        with_settings(textbook_model(within_cycle="half-cycle"), cycle_length_days=365.25 / 12, horizon_years=10.0),
        chancellor_hiv_model(),
        sick_sicker_model(),
        age_dependent_sick_sicker_model(),
        hip_replacement_model(),
        schedule_model(),
        both_structures_model(),
        with_settings(both_structures_model(), structure="partitioned_survival"),
        with_settings(both_structures_model(os_rate_new=0.9), structure="partitioned_survival"),
        rich_model(),
    ],
    ids=[
        "two-state",
        "two-state-discounted",
        "three-state",
        "three-state-simpson-annual",
        "textbook",
        "textbook-monthly",
        "chancellor-hiv",
        "darth-sick-sicker",
        "darth-sick-sicker-age",
        "dmhee-hip",
        "schedules",
        "both-structures-markov",
        "partitioned",
        "partitioned-crossing",
        "rich",
    ],
)
def test_recalculated_workbook_reproduces_hecon(spec: ModelSpec, tmp_path: Path) -> None:
    _, wb = exported(spec, tmp_path)
    assert max_relative_difference(results_table(wb), hecon_table(spec)) <= 1e-9
    ds = run_model(spec)
    for s in spec.strategies:
        trace = trace_of(wb, s.name, [st.name for st in spec.states])
        np.testing.assert_allclose(trace, ds["trace"].sel(strategy=s.name).values, rtol=0, atol=1e-12)


def checks_table(wb: openpyxl.Workbook) -> dict[str, dict[str, object]]:
    """The Checks sheet's table: strategy -> {column header: value}."""
    rows = list(wb["Checks"].iter_rows(values_only=True))
    out = {}
    for row in rows[1:]:
        if row[0] is None:
            break
        out[row[0]] = dict(zip(rows[0], row))
    return out


def test_checks_sheet_is_clean(tmp_path: Path) -> None:
    _, wb = exported(three_state_model(), tmp_path)
    for check in checks_table(wb).values():
        assert check["max |trace sum - 1|"] < 1e-12
        assert 0.0 <= check["min probability"] <= check["max probability"] <= 1.0
        assert check["max relative difference"] <= 1e-9  # workbook vs hecon, relative
        assert check["trace sums"] == check["probabilities"] == check["totals vs hecon"] == "OK"


def test_checks_flag_a_probability_out_of_range_and_totals_off_hecons(tmp_path: Path) -> None:
    """p_hs = 1.5 (edited by name): the complement goes negative, so the probabilities are NOT OK,
    the trace still sums to 1 (OK), and the totals no longer match hecon's export-time ones (NOT OK)."""
    path = tmp_path / "model.xlsx"
    export_excel(three_state_model(), path)
    book = openpyxl.load_workbook(path)
    sheet, cell = next(iter(book.defined_names["p_hs"].destinations))
    book[sheet][cell.replace("$", "")] = 1.5
    book.save(tmp_path / "edited.xlsx")
    wb = openpyxl.load_workbook(recalculate(tmp_path / "edited.xlsx", tmp_path / "out"), data_only=True)
    for check in checks_table(wb).values():
        assert check["max probability"] == pytest.approx(1.5) and check["min probability"] < 0
        assert check["probabilities"] == "NOT OK"
        assert check["totals vs hecon"] == "NOT OK"


@pytest.mark.parametrize(
    ("spec", "edits"),
    [
        (three_state_model(), {"p_hs": 0.12, "hr_sick": 3.0}),  # hr_sick: a strategy gives it its own value
        (textbook_model(), {"hr_S1": 4.0, "u_trtA": 0.9}),  # u_trtA: used through a strategy's own u_S1
    ],
    ids=["three-state", "textbook"],
)
def test_changing_inputs_changes_results_as_hecon_does(
    spec: ModelSpec, edits: dict[str, float], tmp_path: Path
) -> None:
    """Two inputs edited in the exported file by their defined names give what hecon gives on the same edit."""
    path = tmp_path / "model.xlsx"
    export_excel(spec, path)
    book = openpyxl.load_workbook(path)
    for name, value in edits.items():
        sheet, cell = next(iter(book.defined_names[name].destinations))
        book[sheet][cell.replace("$", "")] = value
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    wb = openpyxl.load_workbook(recalculate(edited, tmp_path / "out"), data_only=True)
    changed = replace(spec, parameters=tuple(replace(p, value=edits.get(p.name, p.value)) for p in spec.parameters))
    before, after = hecon_table(spec), hecon_table(changed)
    moved = max_relative_difference(before, after)
    assert moved > 1e-3  # the edit matters
    assert max_relative_difference(results_table(wb), after) <= 1e-9


def test_inputs_are_named_cells(tmp_path: Path) -> None:
    path = tmp_path / "model.xlsx"
    export_excel(three_state_model(), path)
    book = openpyxl.load_workbook(path)
    for p in three_state_model().parameters:
        assert p.name in book.defined_names
    # a strategy's own value gets a name Excel accepts (no space), and so does a name like a cell
    assert [n for n in book.defined_names if n.startswith("c_drug.")] == ["c_drug.New_drug"]


def test_cli_writes_the_workbook_and_says_its_size(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hecon.cli import main
    from hecon.workbook.writer import write_workbook

    model = tmp_path / "model.xlsx"
    write_workbook(three_state_model(), model)
    out = tmp_path / "formulas.xlsx"
    result = CliRunner().invoke(main, ["export-excel", str(model), str(out)])
    assert result.exit_code == 0, result.output
    assert "2 strategies" in result.output and "MB" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["About", "Inputs", "Usual care", "New drug", "Results", "Checks"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # written atomically


def test_cli_names_the_cell_the_export_cannot_translate(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hecon.cli import main
    from hecon.model.spec import SurvivalCurve
    from hecon.workbook.writer import write_workbook

    spec = three_state_model()
    spec = replace(
        spec,
        survival_curves=(SurvivalCurve("os", "exp", {"rate": "0.1 + 0.01 * state_time"}),),
        states=(replace(spec.states[0], counts={"h": "hazard(os, 1)"}, tunnel=2), *spec.states[1:]),
    )
    model = tmp_path / "model.xlsx"
    write_workbook(spec, model)
    out = tmp_path / "formulas.xlsx"
    result = CliRunner().invoke(main, ["export-excel", str(model), str(out)])
    assert result.exit_code == 1
    assert "States!" in result.output and "curve 'os'" in result.output and "nothing was written" in result.output
    assert not out.exists()


def test_cli_exports_a_scenario(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hecon.cli import main
    from hecon.model.spec import Scenario
    from hecon.workbook.writer import write_workbook

    model = tmp_path / "model.xlsx"
    write_workbook(replace(three_state_model(), scenarios=(Scenario("fast", {"p_hs": 0.2}),)), model)
    out = tmp_path / "fast.xlsx"
    result = CliRunner().invoke(main, ["export-excel", str(model), str(out), "--scenario", "fast"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    sheet, cell = next(iter(book.defined_names["p_hs"].destinations))
    assert book[sheet][cell.replace("$", "")].value == 0.2
    result = CliRunner().invoke(main, ["export-excel", str(model), str(out), "--scenario", "nope"])
    assert result.exit_code == 1 and "nope" in result.output


def test_incremental_results_are_hecons(tmp_path: Path) -> None:
    """The incremental table against the settings' comparator: differences and ICER of hecon's totals."""
    spec = with_settings(three_state_model(), comparator="New drug")
    _, wb = exported(spec, tmp_path)
    rows = list(wb["Results"].iter_rows(min_row=6, max_row=8, values_only=True))
    assert rows[1][5] == "the comparator" or rows[2][5] == "the comparator"
    assert rows[0][:2] == ("strategy", "comparator")
    hecon = hecon_table(spec)
    d_cost = hecon["Usual care"]["costs"] - hecon["New drug"]["costs"]
    d_qaly = hecon["Usual care"]["qalys"] - hecon["New drug"]["qalys"]
    usual = next(r for r in rows if r[0] == "Usual care")
    assert usual[1] == "New drug"
    assert usual[2] == pytest.approx(d_cost, rel=1e-9)
    assert usual[3] == pytest.approx(d_qaly, rel=1e-9)
    assert usual[4] == pytest.approx(d_cost / d_qaly, rel=1e-9)
    assert next(r for r in rows if r[0] == "New drug")[4] in (None, "")  # no ICER against itself


def test_strategy_sheets_show_units_and_number_formats(tmp_path: Path) -> None:
    """Under each header its unit; probabilities and the trace as 0.000000, money as #,##0.00,
    QALYs and life-years as 0.0000; the headers, units and totals stay in view (frozen panes)."""
    path = tmp_path / "model.xlsx"
    export_excel(three_state_model(), path)
    ws = openpyxl.load_workbook(path)["New drug"]
    header = [c.value for c in ws[HEADER_ROW]]
    units = dict(zip(header, (c.value for c in ws[HEADER_ROW + 1])))
    formats = dict(zip(header, (c.number_format for c in ws[FIRST_ROW + 1])))
    assert units["P(Healthy -> Sick)"] == "probability" and formats["P(Healthy -> Sick)"] == PROBABILITY
    assert units["Sick"] == "share of the cohort" and formats["Sick"] == PROBABILITY
    assert formats["cost:drug"] == MONEY and ws.cell(2, header.index("cost:drug") + 1).number_format == MONEY
    assert formats["qalys"] == EFFECT and formats["lys"] == EFFECT
    assert all(units[h] for h in header)  # every column says its unit
    assert ws.freeze_panes == f"D{FIRST_ROW}"


def test_a_dominated_or_dominant_strategy_is_said_in_words(tmp_path: Path) -> None:
    """Against the comparator, a strategy that is less effective and costlier shows 'dominated'
    (not a negative ICER), and the comparator against it 'dominant'."""
    base = three_state_model()
    worse = replace(
        base, strategies=(Strategy("Usual care"), Strategy("New drug", {"c_drug": 12000.0, "hr_sick": 6.0}))
    )
    hecon = hecon_table(worse)
    d_cost = hecon["New drug"]["costs"] - hecon["Usual care"]["costs"]
    d_qaly = hecon["New drug"]["qalys"] - hecon["Usual care"]["qalys"]
    assert d_cost > 0 and d_qaly < 0  # New drug is dominated by Usual care
    for comparator, other, word in (("Usual care", "New drug", "dominated"), ("New drug", "Usual care", "dominant")):
        _, wb = exported(with_settings(worse, comparator=comparator), tmp_path, comparator.replace(" ", "_"))
        rows = list(wb["Results"].iter_rows(min_row=7, max_row=8, values_only=True))
        row = next(r for r in rows if r[0] == other)
        assert row[4] == word
        assert str(row[5]).startswith(word)
