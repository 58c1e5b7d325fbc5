"""DARTH's time-independent Sick-Sicker model, four strategies (SoC, A, B, AB).

Source
------
Alarid-Escudero F, Krijkamp E, Enns EA, Yang A, Hunink MGM, Pechlivanoglou P, Jalal H. An
Introductory Tutorial on Cohort State-Transition Models in R Using a Cost-Effectiveness
Analysis Example. Med Decis Making 2023;43(1):3-20. Inputs: the parameter table and
``analysis/cSTM_time_indep.R``; results: the table of total expected discounted costs and QALYs
and the cost-effectiveness analysis table ("Cost-effectiveness analysis results for the
Sick-Sicker model"), in ``manuscript/cSTM_Tutorial_Intro.tex`` of
github.com/DARTH-git/cohort-modeling-tutorial-intro.

Model: Healthy (H), Sick (S1), Sicker (S2), Dead (D); cohort aged 25 followed to 100 in 75
yearly cycles, everyone starts in H. Constant annual rates (H->S1 0.15, S1->H 0.5, S1->S2 0.105,
background death 0.002 with hazard ratios 3 in S1 and 10 in S2) are converted to probabilities,
1 - exp(-r). Moves between alive states are conditional on surviving the cycle, so e.g.
H->S1 = (1 - p_HD) p_HS1. Treatment A (USD 12,000 a year in S1 and S2) raises the utility in
S1 from 0.75 to 0.95; treatment B (USD 13,000) multiplies the S1->S2 rate by 0.6; AB does both.
Costs and QALYs are discounted at 3% a year.

Conventions and how they map onto hecon
---------------------------------------
* Discounting: (1 + d)^-t on the trace at cycle t = 0..75 -- hecon's ``discount_timing="cycle"``.
* Within-cycle correction: the paper uses "Simpson's 1/3 rule" through darthtools'
  ``gen_wcc(n_cycles, "Simpson1/3")``, whose weights are 1/3 for the first and last trace point
  and 2/3, 4/3, 2/3, ... in between (entries 2, 4, ... get 2/3) -- the order printed in the paper,
  wcc = [1/3, 2/3, 4/3, ..., 1/3]. That is not the textbook rule (1, 4, 2, 4, ..., 4, 1)/3: with
  the paper's odd number of cycles (75) it amounts to Simpson's 1/3 rule on [1, 75] plus weight
  1/3 on each end of the first cycle, and the weights sum to 74 2/3, not 75. hecon's
  ``within_cycle="simpson"`` is the textbook rule (3/8 rule on the last three cycles for an
  odd number of cycles) and gives other numbers (SoC: 21.032 QALYs, USD 152,282, against the
  published 20.711 and USD 151,580). The published weights are therefore passed as
  ``within_cycle="custom"``; they are built below from the darthtools definition, not fitted.
"""

from __future__ import annotations

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.methods.within_cycle import cycle_weights
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, Transition
from tests.replication import assert_frontier, published

N_CYCLES = 75  # ages 25 to 100, yearly cycles
STRATEGIES = ("Standard of care", "Strategy A", "Strategy B", "Strategy AB")


def darth_simpson_weights(n_cycles: int) -> tuple[float, ...]:
    """darthtools ``gen_wcc(n_cycles, method = "Simpson1/3")``: entries 1..n+1 get 4/3 when odd
    and 2/3 when even, then the first and last entries are set to 1/3."""
    entry = np.arange(1, n_cycles + 2)
    w = np.where(entry % 2 == 0, 2.0 / 3.0, 4.0 / 3.0)
    w[0] = w[-1] = 1.0 / 3.0
    return tuple(float(x) for x in w)


def sick_sicker_parameters() -> tuple[Parameter, ...]:
    """Inputs shared by the time-independent model (and, except background mortality, by the
    simulation-time-dependent one): annual rates, costs [USD per year], utilities."""
    p = Parameter
    return (
        p("r_HS1", 0.15),
        p("r_S1H", 0.5),
        p("r_S1S2", 0.105),
        p("hr_S1", 3.0),
        p("hr_S2", 10.0),
        p("hr_S1S2_trtB", 0.6),
        p("hr_S1S2", 1.0),  # hr_S1S2 = hr_S1S2_trtB under B and AB
        p("p_HS1", "rate_to_prob(r_HS1, cycle_years)"),
        p("p_S1H", "rate_to_prob(r_S1H, cycle_years)"),
        p("p_S1S2", "rate_to_prob(r_S1S2 * hr_S1S2, cycle_years)"),
        p("c_H", 2000.0),
        p("c_S1", 4000.0),
        p("c_S2", 15000.0),
        p("c_trtA", 12000.0),
        p("c_trtB", 13000.0),
        p("c_trt", 0.0),
        p("u_H", 1.0),
        p("u_S1", 0.75),
        p("u_S2", 0.5),
        p("u_trtA", 0.95),
    )


def sick_sicker_transitions(p_HD: str, p_S1D: str, p_S2D: str) -> tuple[Transition, ...]:
    """Transitions given the death probabilities of H, S1 and S2; moves between alive states
    are conditional on surviving the cycle."""
    t = Transition
    return (
        t("H", "S1", f"(1 - {p_HD}) * p_HS1"),
        t("H", "D", p_HD),
        t("H", "H", "#"),
        t("S1", "H", f"(1 - {p_S1D}) * p_S1H"),
        t("S1", "S2", f"(1 - {p_S1D}) * p_S1S2"),
        t("S1", "D", p_S1D),
        t("S1", "S1", "#"),
        t("S2", "D", p_S2D),
        t("S2", "S2", "#"),
    )


SICK_SICKER_STRATEGIES = (
    Strategy("Standard of care"),
    Strategy("Strategy A", {"u_S1": "u_trtA", "c_trt": "c_trtA"}),
    Strategy("Strategy B", {"hr_S1S2": "hr_S1S2_trtB", "c_trt": "c_trtB"}),
    Strategy("Strategy AB", {"u_S1": "u_trtA", "hr_S1S2": "hr_S1S2_trtB", "c_trt": "c_trtA + c_trtB"}),
)


def darth_settings() -> Settings:
    return Settings(
        cycle_length_days=365.25,
        horizon_years=N_CYCLES,
        start_age=25.0,
        discount_rate_costs=0.03,
        discount_rate_effects=0.03,
        discount_timing="cycle",
        within_cycle="custom",
        cycle_weights=darth_simpson_weights(N_CYCLES),
        currency="USD",
    )


def sick_sicker_model() -> ModelSpec:
    """The time-independent Sick-Sicker model of the introductory DARTH tutorial."""
    parameters = sick_sicker_parameters() + (
        Parameter("r_HD", 0.002),  # background mortality rate [1/year]
        Parameter("p_HD", "rate_to_prob(r_HD, cycle_years)"),
        Parameter("p_S1D", "rate_to_prob(r_HD * hr_S1, cycle_years)"),
        Parameter("p_S2D", "rate_to_prob(r_HD * hr_S2, cycle_years)"),
    )
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}),
        State("S1", utility="u_S1", costs={"care": "c_S1", "treatment": "c_trt"}),
        State("S2", utility="u_S2", costs={"care": "c_S2", "treatment": "c_trt"}),
        State("D", flags=frozenset({"dead"})),
    )
    return ModelSpec(
        darth_settings(),
        states,
        sick_sicker_transitions("p_HD", "p_S1D", "p_S2D"),
        SICK_SICKER_STRATEGIES,
        parameters,
        initial={"H": 1.0},
        title="Sick-Sicker, time-independent (Alarid-Escudero et al. 2023)",
    )


@pytest.fixture(scope="module")
def results():
    return run_model(sick_sicker_model()).sel(sample=0)


# Alarid-Escudero et al. (2023), table of total expected discounted costs and QALYs.
OUTCOMES_TABLE = {
    "Standard of care": ("151,580", "20.711"),
    "Strategy A": ("284,805", "21.499"),
    "Strategy B": ("259,100", "22.184"),
    "Strategy AB": ("378,875", "23.137"),
}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_costs_and_qalys_match_published_table(results, strategy):
    # Alarid-Escudero et al., Med Decis Making 2023;43(1):3-20, expected outcomes table.
    # Tolerance: half a dollar and half a thousandth of a QALY, the rounding of the table.
    cost, qalys = OUTCOMES_TABLE[strategy]
    got = results.sel(strategy=strategy)
    assert float(got["total_costs"]) == published(cost)
    assert float(got["qalys"]) == published(qalys)


def test_incremental_analysis_matches_published_cea_table(results):
    # Alarid-Escudero et al. (2023), CEA table: SoC, B and AB on the frontier, A dominated;
    # B vs SoC +USD 107,521, +1.473 QALYs, ICER USD 72,988/QALY;
    # AB vs B +USD 119,775, +0.952 QALYs, ICER USD 125,764/QALY.
    # Tolerance: half a unit in the last printed digit.
    assert_frontier(
        STRATEGIES,
        results["total_costs"].values,
        results["qalys"].values,
        "Standard of care",
        "Strategy A",
        (
            ("Strategy B", "Standard of care", "107,521", "1.473", "72,988"),
            ("Strategy AB", "Strategy B", "119,775", "0.952", "125,764"),
        ),
    )


def test_darth_simpson_weights_are_not_the_textbook_rule():
    # Why within_cycle="custom": the published weights (darthtools gen_wcc, printed in the paper
    # as [1/3, 2/3, 4/3, ..., 1/3]) differ from hecon's Simpson rule and, for 75 cycles,
    # integrate a constant to 74 2/3 cycles instead of 75.
    w = np.array(darth_simpson_weights(N_CYCLES))
    np.testing.assert_allclose(w[:4], [1 / 3, 2 / 3, 4 / 3, 2 / 3], rtol=1e-15)
    assert w.sum() == pytest.approx(N_CYCLES - 1 / 3, rel=1e-14)
    assert not np.allclose(w, cycle_weights("simpson", N_CYCLES))
