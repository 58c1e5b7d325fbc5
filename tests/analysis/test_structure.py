"""A model with both structures is run both ways; crossing curves are reported in words."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import xarray as xr

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.analysis.structure import other_structure, without_partitions
from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import (
    PARTITIONED_SURVIVAL,
    STATE_TRANSITION,
    ModelSpec,
    Strategy,
    TransitionReward,
)
from hecon.report.sections import build_sections
from tests.models import both_structures_model

both_structures = both_structures_model


def test_the_other_structure_is_run_and_tabulated_beside_the_base_case():
    spec = both_structures()
    results = summarise_run(run_analysis(spec))
    check = results.structure_check
    assert check is not None
    assert check.structures == ("state transition (Markov)", "partitioned survival")
    markov = run_model(spec)
    partitioned = run_model(replace(spec, settings=replace(spec.settings, structure=PARTITIONED_SURVIVAL)))
    for name in ("Old", "New"):
        row = check.strategies[name]
        assert row.costs[0] == pytest.approx(float(markov["total_costs"].sel(strategy=name).item()), rel=1e-12)
        assert row.costs[1] == pytest.approx(float(partitioned["total_costs"].sel(strategy=name).item()), rel=1e-12)
        assert row.qalys[1] == pytest.approx(float(partitioned["qalys"].sel(strategy=name).item()), rel=1e-12)
        assert row.lys[1] == pytest.approx(float(partitioned["lys"].sel(strategy=name).item()), rel=1e-12)
    assert check.strategies["Old"].versus_comparator is None
    assert check.warnings == ()
    assert "structure_check" in results.to_json()
    section = next(s for s in build_sections(results) if s.key == "structure_check")
    assert [r[0] for r in section.tables[0].rows] == ["Old", "New"]


def test_crossing_curves_are_reported_with_their_first_cycle():
    """For New, OS (rate 0.5) falls below PFS^0.7 (rate 0.21) from the first year on."""
    spec = both_structures(os_rate_new=0.5)
    results = summarise_run(run_analysis(spec))
    assert results.structure_check is not None
    (warning,) = results.structure_check.warnings
    assert warning.startswith(
        "New: the partitioned-survival curves cross at 20 of 21 trace points, from cycle 1 (1.00 years): there "
        "an earlier row's curve is above a later row's (e.g. PFS above OS)"
    )
    assert results.warnings == ()  # the base case (Markov) has no curves to cross
    partitioned = summarise_run(
        run_analysis(replace(spec, settings=replace(spec.settings, structure=PARTITIONED_SURVIVAL)))
    )
    assert partitioned.warnings == results.structure_check.warnings
    key = next(s for s in build_sections(partitioned) if s.key == "key_results")
    assert any(b.startswith("Warning: New: the partitioned-survival curves cross") for b in key.bullets)


def test_a_model_with_one_structure_has_no_cross_check():
    spec = replace(both_structures(), partitions=())
    assert summarise_run(run_analysis(spec)).structure_check is None


def _only_new_partitioned() -> ModelSpec:
    """Old has no partition rows (the shared rows are removed); New keeps its own; a third
    strategy Other has none either."""
    spec = both_structures()
    return replace(
        spec,
        strategies=(*spec.strategies, Strategy("Other")),
        partitions=tuple(p for p in spec.partitions if p.strategy == "New"),
        settings=replace(spec.settings, comparator="New"),
    )


def test_strategies_without_partitions_are_left_out_of_the_partitioned_version_and_named():
    spec = _only_new_partitioned()
    assert without_partitions(spec) == ("Old", "Other")
    other = other_structure(spec)
    assert other is not None
    assert [s.name for s in other.strategies] == ["New"]
    results = summarise_run(run_analysis(spec))
    check = results.structure_check
    assert check is not None
    assert list(check.strategies) == ["New"]
    assert check.not_partitioned == ("Old", "Other")
    # New's partitioned values are those of a run of the full model as partitioned survival with
    # Old and Other given New's rows (strategies are independent, so adding them changes nothing)
    full = replace(
        spec,
        settings=replace(spec.settings, structure=PARTITIONED_SURVIVAL),
        partitions=spec.partitions + tuple(replace(p, strategy=None) for p in spec.partitions),
    )
    qalys_new = float(run_model(full)["qalys"].sel(strategy="New").item())
    assert check.strategies["New"].qalys[1] == pytest.approx(qalys_new, rel=1e-12)
    assert check.strategies["New"].versus_comparator is None  # New is the comparator
    section = next(s for s in build_sections(results) if s.key == "structure_check")
    assert section.bullets[0].startswith("Old, Other have no partitioned-survival rows")
    assert results.to_json()["structure_check"]["not_partitioned"] == ["Old", "Other"]


def test_without_the_comparator_the_partitioned_version_gives_no_comparisons():
    spec = replace(_only_new_partitioned(), settings=replace(both_structures().settings, comparator="Old"))
    check = summarise_run(run_analysis(spec)).structure_check
    assert check is not None
    assert list(check.strategies) == ["New"]
    assert check.strategies["New"].versus_comparator is None


def test_a_reward_marked_for_one_structure_is_valued_only_in_that_structure():
    """A one-off cost of 1000 on entering Dead from PD, state transition only (a partitioned run
    rejects a reward from one state), and 10 on entering Dead from any state, partitioned only."""
    spec = replace(
        both_structures(),
        transition_rewards=(
            TransitionReward("Dead", 1000.0, "cost", "death", "PD", structure=STATE_TRANSITION),
            TransitionReward("Dead", 10.0, "cost", "death", structure=PARTITIONED_SURVIVAL),
        ),
    )
    markov = run_model(spec)
    partitioned = run_model(replace(spec, settings=replace(spec.settings, structure=PARTITIONED_SURVIVAL)))
    plain = both_structures()
    base_markov = run_model(plain)
    base_partitioned = run_model(replace(plain, settings=replace(plain.settings, structure=PARTITIONED_SURVIVAL)))

    def extra(a: xr.Dataset, b: xr.Dataset) -> float:
        return float((a["total_costs"] - b["total_costs"]).sel(strategy="Old").item())

    # undiscounted: Markov deaths from PD in 20 years; partitioned: 1 - S_OS(20) = 1 - exp(-0.2 * 20)
    assert extra(partitioned, base_partitioned) == pytest.approx(10.0 * (1 - math.exp(-4.0)), rel=1e-12)
    pf, pd = 1.0, 0.0
    deaths_from_pd = 0.0
    for _ in range(20):
        deaths_from_pd += 0.3 * pd
        pf, pd = 0.75 * pf, 0.2 * pf + 0.7 * pd
    assert extra(markov, base_markov) == pytest.approx(1000.0 * deaths_from_pd, rel=1e-12)


def test_a_reward_with_an_unknown_structure_is_refused():
    spec = replace(both_structures(), transition_rewards=(TransitionReward("Dead", 1.0, structure="markov"),))
    with pytest.raises(ModelError, match="structure 'markov'"):
        run_model(spec)
