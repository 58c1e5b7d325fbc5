"""Deterministic results of each structural alternative and their weighted expectation
(hecon.analysis.structural_expectation), against closed forms of the switching model of
tests/analysis/test_psa_structural.py (yearly cycles, start-of-cycle counting, no discounting)."""

from __future__ import annotations

import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from tests.analysis.test_psa_structural import WEIGHTS, life_years, switching_model


def _closed_form(p: float, drug: float) -> tuple[float, float]:
    """Costs and QALYs of 'new': (1000 + drug) and 0.8 per life-year."""
    ly = life_years(p)
    return (1000.0 + drug) * ly, 0.8 * ly


def test_each_alternative_and_the_expectation_equal_the_closed_forms():
    results = summarise_run(run_analysis(switching_model()))
    exp = results.structural_expectation
    assert exp is not None
    # each alternative named by the discrete parameter (its description's first clause; here, without one, its name)
    assert [a.label for a in exp.alternatives] == [
        "state transition (Markov), pfs_model: weibull",
        "state transition (Markov), pfs_model: cure",
        "state transition (Markov), pfs_model: pessimistic",
    ]
    assert [a.weight for a in exp.alternatives] == pytest.approx(list(WEIGHTS.values()))
    # the headline is the model as given: pfs_model = 1 (weibull)
    assert [a.headline for a in exp.alternatives] == [True, False, False]
    by_hand = [_closed_form(0.08, 1000.0), _closed_form(0.08, 3000.0), _closed_form(0.12, 1000.0)]
    for alt, (c, q) in zip(exp.alternatives, by_hand):
        assert alt.strategies["new"].costs == pytest.approx(c)
        assert alt.strategies["new"].qalys == pytest.approx(q)
    # the expectation: 0.5 x weibull + 0.3 x cure + 0.2 x pessimistic
    w = list(WEIGHTS.values())
    c_exp = sum(wk * c for wk, (c, _) in zip(w, by_hand))
    q_exp = sum(wk * q for wk, (_, q) in zip(w, by_hand))
    assert exp.expected.strategies["new"].costs == pytest.approx(c_exp)
    assert exp.expected.strategies["new"].qalys == pytest.approx(q_exp)
    usual_c, usual_q = 1000.0 * life_years(0.1), 0.8 * life_years(0.1)
    (inc,) = exp.expected.versus_comparator
    assert inc.icer == pytest.approx((c_exp - usual_c) / (q_exp - usual_q))
    assert results.to_json()["structural_expectation"]["expected"]["weight"] == 1.0


def test_a_model_with_one_alternative_has_no_expectation():
    from dataclasses import replace

    from hecon.model.spec import Parameter

    spec = switching_model()
    plain = replace(spec, parameters=tuple(Parameter(p.name, p.value) for p in spec.parameters))
    assert summarise_run(run_analysis(plain)).structural_expectation is None
