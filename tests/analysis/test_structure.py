"""A model with both structures is run both ways; crossing curves are reported in words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.engine.run import run_model
from hecon.model.spec import (
    PARTITIONED_SURVIVAL,
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
