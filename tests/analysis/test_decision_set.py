"""The decision set: a strategy with role ``reference`` (Strategies sheet) is run and reported,
but left out of the efficiency frontier, CEAC/CEAF, P(CE), EVPI, the decision and the threshold
analyses.

The model has one state and one yearly cycle without death or discounting, so each strategy's
costs are its ``c`` and its QALYs its ``u`` (1 year x utility u): the numbers below are worked
by hand from those.

Deterministic strategies (costs EUR, QALYs):  Ref (0, 0.5) reference;  A (10,000, 0.6);
B (40,000, 1.5).

* With Ref as an option: A vs Ref = 10,000 / 0.1 = 100,000 per QALY, B vs A = 30,000 / 0.9 =
  33,333, a lower ICER, so A is extendedly dominated; frontier Ref -> B at 40,000 / 1.0 = 40,000.
* Options only (Ref a reference): frontier A -> B at 33,333 per QALY; nothing dominated.
* At 35,000 per QALY: NMB Ref 17,500, A 11,000, B 12,500: Ref would be optimal; among the
  options B is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.analysis.psa import run_psa
from hecon.analysis.psa_summary import summarise_psa
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.problems import ModelError
from hecon.model.spec import (
    Distribution,
    ModelSpec,
    Parameter,
    Settings,
    State,
    Strategy,
    ThresholdQuery,
    Transition,
)
from hecon.workbook import read_workbook, write_workbook
from tests.agreement import problems_of
from tests.models import both_structures_with_uncertainty

WHY = "Historical cohort before both new drug classes: a reference, not a choice"


def one_year_model(ref_role: str = "reference", psa: bool = False) -> ModelSpec:
    """One state, one yearly cycle, no death: costs = c, QALYs = u per strategy."""
    values = {"Ref": (0.0, 0.5), "A": (10_000.0, 0.6), "B": (40_000.0, 1.5)}
    parameters = [Parameter("c", 0.0), Parameter("u", 0.0)]
    strategies = []
    for name, (c, u) in values.items():
        if psa:  # normal draws around the values above (sd 30% of costs, 0.3 QALYs)
            parameters += [
                Parameter(f"c_{name}", c, distribution=Distribution("normal", {"mean": c, "sd": 0.3 * c + 1.0})),
                Parameter(f"u_{name}", u, distribution=Distribution("normal", {"mean": u, "sd": 0.3})),
            ]
            own: dict[str, object] = {"c": f"c_{name}", "u": f"u_{name}"}
        else:
            own = {"c": c, "u": u}
        role = ref_role if name == "Ref" else "option"
        strategies.append(Strategy(name, own, WHY if name == "Ref" else f"strategy {name}", role))
    return ModelSpec(
        Settings(cycle_length_days=365.25, horizon_years=1.0, within_cycle="none", wtp=(35_000.0,), comparator="A"),
        states=(State("Alive", utility="u", costs={"care": "c"}), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Alive", "Alive", "#"),),
        strategies=tuple(strategies),
        parameters=tuple(parameters),
        initial={"Alive": 1.0},
    )


def _frontier(results) -> dict[str, tuple[str, float | None]]:
    return {r.strategy: (r.status, r.icer) for r in results.base.incremental}


def test_the_model_gives_the_hand_worked_totals():
    results = summarise_run(run_analysis(one_year_model()))
    got = {s: [v.costs, v.qalys] for s, v in results.base.strategies.items()}
    assert got["Ref"] == pytest.approx([0.0, 0.5])
    assert got["A"] == pytest.approx([10_000.0, 0.6])
    assert got["B"] == pytest.approx([40_000.0, 1.5])


def test_the_frontier_with_the_reference_as_an_option():
    results = summarise_run(run_analysis(one_year_model(ref_role="option")))
    frontier = _frontier(results)
    assert frontier["Ref"][0] == "reference"  # the cheapest strategy on the frontier
    assert frontier["A"][0] == "extendedly dominated"
    assert frontier["B"][0] == "non-dominated"
    assert frontier["B"][1] == pytest.approx(40_000.0)
    assert results.headline.optimal == "Ref"
    assert results.references == {}


def test_a_reference_strategy_is_outside_the_frontier_and_the_decision():
    results = summarise_run(run_analysis(one_year_model()))
    frontier = _frontier(results)
    assert set(frontier) == {"A", "B"}
    assert frontier["A"][0] == "reference"
    assert frontier["B"] == ("non-dominated", pytest.approx(30_000.0 / 0.9))
    assert results.headline.optimal == "B"  # not Ref, whose NMB (17,500) is highest
    assert results.net_benefit.scenarios[results.base.name].optimal == ("B",)
    # still reported: its totals and its comparison with the comparator (information)
    assert results.base.strategies["Ref"].qalys == pytest.approx(0.5)
    ref = results.base.versus("Ref")
    assert (ref.incremental_cost, ref.incremental_effect) == pytest.approx((-10_000.0, -0.1))
    assert results.base.references == ("Ref",)
    assert results.references == {"Ref": WHY}
    data = results.to_json()
    assert data["references"] == {"Ref": WHY}
    assert data["scenarios"]["base case"]["references"] == ["Ref"]


def test_the_psa_decision_is_among_the_options_and_the_ceac_sums_to_one():
    spec = one_year_model(psa=True)
    ds = run_psa(spec, 600, 7)
    wtp = [0.0, 35_000.0, 100_000.0]
    summary = summarise_psa(ds, "A", wtp, 35_000.0, options=spec.options)
    costs = ds["total_costs"].transpose("sample", "strategy").values
    qalys = ds["qalys"].transpose("sample", "strategy").values
    names = [str(s) for s in ds["strategy"].values]
    options = [names.index("A"), names.index("B")]
    for at in summary.at_wtp:
        assert set(at.ceac) == {"A", "B"}
        assert sum(at.ceac.values()) == pytest.approx(1.0)
        # by hand from the samples: the share of samples in which each option has the highest NMB
        nmb = at.wtp * qalys[:, options] - costs[:, options]
        best = np.argmax(nmb, axis=1)
        assert at.ceac["B"] == pytest.approx(np.mean(best == 1))
        # EVPI = E[max NMB] - max E[NMB] over the options only
        assert at.evpi_per_patient == pytest.approx(nmb.max(axis=1).mean() - nmb.mean(axis=0).max())
        assert at.optimal in ("A", "B")
    assert set(summary.curves.ceac) == {"A", "B"}
    assert set(summary.curves.ceaf_optimal) <= {"A", "B"}
    assert {r.strategy for r in summary.frontier} == {"A", "B"}
    # the reference keeps its intervals and its increments versus the comparator
    assert "Ref" in summary.strategies
    assert {inc.strategy for inc in summary.incremental} == {"Ref", "B"}
    assert summary.references == ("Ref",)


def test_the_reference_is_named_and_explained_in_the_report(tmp_path):
    from hecon.report.first_screen import reference_sentence

    results = summarise_run(run_analysis(one_year_model()))
    text = reference_sentence(results)
    assert text.startswith("Ref is a reference strategy")
    assert WHY in text
    assert "efficiency frontier" in text and "threshold analyses" in text
    assert reference_sentence(summarise_run(run_analysis(one_year_model(ref_role="option")))) == ""


def test_a_threshold_or_a_comparator_that_is_a_reference_is_refused():
    spec = replace(one_year_model(), thresholds=(ThresholdQuery("c", "B", "Ref", wtp=35_000.0),))
    with pytest.raises(ModelError, match="'Ref' is a reference strategy"):
        run_analysis(spec)
    with pytest.raises(ModelError, match="'Ref' is a reference strategy"):
        run_analysis(one_year_model(), comparator="Ref")


def test_every_strategy_a_reference_or_an_unknown_role_is_refused():
    spec = one_year_model()
    every = replace(spec, strategies=tuple(replace(s, role="reference") for s in spec.strategies))
    with pytest.raises(ModelError, match="no strategy is a decision option"):
        run_analysis(replace(every, settings=replace(every.settings, comparator=None)))
    unknown = replace(spec, strategies=(replace(spec.strategies[0], role="historical"), *spec.strategies[1:]))
    with pytest.raises(ModelError, match="unknown role 'historical'"):
        run_analysis(unknown)


def test_the_role_round_trips_through_the_workbook(tmp_path: Path):
    path = tmp_path / "model.xlsx"
    write_workbook(one_year_model(), path)
    back = read_workbook(path)
    assert [(s.name, s.role) for s in back.strategies] == [("Ref", "reference"), ("A", "option"), ("B", "option")]
    assert back.options == ("A", "B") and back.references == ("Ref",)


def _strategies_cell(path: Path, column: str) -> str:
    """The Strategies cell of Ref (the first data row, 4) in ``column``."""
    ws = openpyxl.load_workbook(path)["Strategies"]
    header = [c.value for c in ws[1]]
    return f"{openpyxl.utils.get_column_letter(header.index(column) + 1)}4"


def test_bad_roles_are_located_at_their_strategies_cell(tmp_path: Path):
    path = tmp_path / "model.xlsx"
    write_workbook(one_year_model(), path)
    cell = _strategies_cell(path, "role")
    wb = openpyxl.load_workbook(path)
    wb["Strategies"][cell] = "historical"
    wb.save(path)
    problems = problems_of(path)
    assert any(p.startswith(f"Strategies!{cell}") and "historical" in p for p in problems), problems

    wb = openpyxl.load_workbook(path)
    ws = wb["Strategies"]
    for row in (4, 5, 6):
        ws[f"{cell[0]}{row}"] = "reference"
    wb.save(path)
    # the comparator A is a reference now as well: both problems, each at its cell
    problems = problems_of(path)
    assert any(p.startswith(f"Strategies!{cell}") and "no strategy is a decision option" in p for p in problems), (
        problems
    )
    assert any(p.startswith("Settings!") and "'A' is a reference strategy" in p for p in problems), problems


# --------------------------------------------------------------------------------------
# The PSA of the other structure (a model that defines transitions and partitions)
# --------------------------------------------------------------------------------------


def test_the_run_gives_the_psa_of_both_structures_with_the_same_samples_and_seed():
    from hecon.analysis.structure import other_structure
    from hecon.report.psa_structures import psa_structures_section

    spec = both_structures_with_uncertainty()
    run = run_analysis(spec, seed=11, psa_samples=40)
    assert run.cross_check_psa is not None
    # the cross-check's PSA is the other structure's, drawn with the run's seed and sample count
    alone = run_psa(other_structure(spec), 40, 11)
    assert run.cross_check_psa["total_costs"].values == pytest.approx(alone["total_costs"].values)
    assert run.cross_check_psa["qalys"].values == pytest.approx(alone["qalys"].values)
    # the structures differ (PS has its own curves), so the two PSAs differ
    assert run.psa["qalys"].values != pytest.approx(run.cross_check_psa["qalys"].values)
    results = summarise_run(run)
    cross = results.psa_cross_check
    assert cross is not None and cross.n_samples == 40 and cross.seed == 11
    assert results.to_json()["psa_cross_check"]["n_samples"] == 40
    section = psa_structures_section(results)
    assert section is not None
    (table,) = section.tables
    averaged = "Both, averaged (state transition (Markov) 50% and partitioned survival 50%)"
    assert [row[:2] for row in table.rows] == [
        ["state transition (Markov) (base case)", "Old (comparator)"],
        ["state transition (Markov) (base case)", "New"],
        ["partitioned survival", "Old (comparator)"],
        ["partitioned survival", "New"],
        [averaged, "Old (comparator)"],
        [averaged, "New"],
    ]
    # the pairwise P(INMB > 0) at each WTP of the settings, by hand from the samples
    d_cost = (alone["total_costs"].sel(strategy="New") - alone["total_costs"].sel(strategy="Old")).values.ravel()
    d_qaly = (alone["qalys"].sel(strategy="New") - alone["qalys"].sel(strategy="Old")).values.ravel()
    wtps = spec.settings.wtp
    k = len(wtps)
    ps_pairwise = [np.mean(w * d_qaly - d_cost > 0) for w in wtps]
    assert table.rows[3][-2 * k : -k] == pytest.approx(ps_pairwise)
    # the averaged decision (default weights 50/50): every sample of both structures, so its
    # probability of the highest NMB is the mean of the two structures' (in the ST version the two
    # strategies tie in every sample, so each has 0.5; in the PS version New wins every sample)
    pooled = results.psa_structures
    assert pooled is not None and pooled.n_samples == 80
    assert dict(pooled.samples) == {"state_transition": 40, "partitioned_survival": 40}
    for w in wtps:
        assert results.psa.at(w).ceac["New"] == pytest.approx(0.5)
        assert cross.at(w).ceac["New"] == pytest.approx(1.0)
        assert pooled.summary.at(w).ceac["New"] == pytest.approx(0.75)
    assert [row[6] for row in table.rows[4:]] == pytest.approx([0.25, 0.75])
    # the deterministic expectation over the two structures: the mean of the two base cases
    exp = results.structural_expectation
    assert exp is not None and [a.weight for a in exp.alternatives] == [0.5, 0.5]
    for s in ("Old", "New"):
        st_q = float(run.base.results["qalys"].sel(strategy=s).isel(sample=0))
        ps_q = float(run.cross_check.results["qalys"].sel(strategy=s).isel(sample=0))
        assert exp.expected.strategies[s].qalys == pytest.approx((st_q + ps_q) / 2)
    assert results.to_json()["psa_structures"]["weights"] == {"state_transition": 0.5, "partitioned_survival": 0.5}


def test_the_weight_setting_moves_the_averaged_psa_towards_one_structure():
    spec = both_structures_with_uncertainty()
    only_ps = replace(spec, settings=replace(spec.settings, partitioned_survival_weight=1.0))
    results = summarise_run(run_analysis(only_ps, seed=11, psa_samples=40))
    pooled = results.psa_structures
    assert pooled is not None and dict(pooled.samples) == {"state_transition": 0, "partitioned_survival": 40}
    ps = results.psa_cross_check
    for w in spec.settings.wtp:
        assert pooled.summary.at(w).ceac == pytest.approx(dict(ps.at(w).ceac))
        assert pooled.summary.at(w).evpi_per_patient == pytest.approx(ps.at(w).evpi_per_patient)


def test_without_a_psa_the_other_structure_has_none():
    run = run_analysis(both_structures_with_uncertainty())
    assert run.cross_check is not None and run.cross_check_psa is None
    assert summarise_run(run).psa_cross_check is None
    assert summarise_run(run).psa_structures is None
