"""DARTH's simulation-time-dependent Sick-Sicker model with its transition rewards written as
hecon transition rewards valued at the end of the cycle with the within-cycle weights.

Source
------
Alarid-Escudero F, Krijkamp E, Enns EA, Yang A, Hunink MGM, Pechlivanoglou P, Jalal H. A
Tutorial on Time-Dependent Cohort State-Transition Models in R Using a Cost-Effectiveness
Analysis Example. Med Decis Making 2023;43(1):21-41; inputs and arithmetic from
``analysis/cSTM_time_dep_simulation.R`` of github.com/DARTH-git/cohort-modeling-tutorial-timedep,
results from the paper's CEA table of the simulation-time-dependent model.

test_darth_sick_sicker_age_dependent.py reproduces the same table by writing the transition
rewards as state rewards on 2-cycle tunnels, because hecon then valued one-off rewards only at
mid-cycle without within-cycle weights. Here the model is written as the paper describes it:

* transition rewards as ``TransitionReward`` rows -- H -> S1: -0.01 QALY and +USD 1,000; any
  state -> D: +USD 2,000 -- with ``reward_timing = "end"`` and ``reward_weights =
  "within-cycle"``: a reward of cycle t (between trace points t and t+1) is valued at point
  t+1 with that point's Simpson weight and discount factor (1.03)^-(t+1), which is what the R code
  does by multiplying the transition-dynamics array A[, , t+1] by the reward array and by
  ``v_dwc * v_wcc``;
* the US 2015 life table given as the rates the paper reads (``mx``, column ``Total``),
  converted by hecon (qx = 1 - exp(-mx)), instead of converted by hand.

The R arithmetic is also written out below in numpy (:func:`darth_r_totals`), independently of
hecon, and hecon must equal it to 1e-12 (relative; measured: at most 6.7e-16).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.methods.lifetable import life_table
from hecon.model.spec import ModelSpec, Parameter, State, TransitionReward
from tests.replication import assert_frontier, published
from tests.replication.test_darth_sick_sicker import (
    N_CYCLES,
    SICK_SICKER_STRATEGIES,
    STRATEGIES,
    darth_settings,
    darth_simpson_weights,
    sick_sicker_parameters,
    sick_sicker_transitions,
)
from tests.replication.test_darth_sick_sicker_age_dependent import AGES, CEA_TABLE, MX_USA_2015


def transition_reward_model() -> ModelSpec:
    parameters = sick_sicker_parameters() + (
        Parameter("du_HS1", 0.01),  # QALY loss on H -> S1
        Parameter("ic_HS1", 1000.0),  # cost of H -> S1 [USD]
        Parameter("ic_D", 2000.0),  # cost of dying [USD]
    )
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}),
        State("S1", utility="u_S1", costs={"care": "c_S1", "treatment": "c_trt"}),
        State("S2", utility="u_S2", costs={"care": "c_S2", "treatment": "c_trt"}),
        State("D", flags=frozenset({"dead"})),
    )
    rewards = (
        TransitionReward("S1", "-du_HS1", "qaly", from_state="H"),
        TransitionReward("S1", "ic_HS1", "cost", "transition", from_state="H"),
        TransitionReward("D", "ic_D", "cost", "transition"),  # from any other state
    )
    table = life_table(
        "usa_2015_total", AGES, MX_USA_2015, MX_USA_2015, "mx", "LifeTable_USA_Mx_2015.csv (DARTH), Total"
    )
    return ModelSpec(
        replace(darth_settings(), reward_timing="end", reward_weights="within-cycle"),
        states,
        sick_sicker_transitions("gp_mort()", "apply_hr(gp_mort(), hr_S1)", "apply_hr(gp_mort(), hr_S2)"),
        SICK_SICKER_STRATEGIES,
        parameters,
        initial={"H": 1.0},
        transition_rewards=rewards,
        life_tables=(table,),
        title="Sick-Sicker, simulation-time-dependent, transition rewards (Alarid-Escudero et al. 2023)",
    )


def darth_r_totals(strategy: str) -> tuple[float, float]:
    """Discounted total cost and QALYs as ``cSTM_time_dep_simulation.R`` computes them, in numpy.

    P[t] is the transition matrix of cycle t (t = 0..74, age 25 + t); trace M[t+1] = M[t] P[t];
    transition dynamics A[t+1] = diag(M[t]) P[t], A[0] = diag(M[0]); the reward of moving i -> j
    is the value of state j plus the transition reward of i -> j; totals are
    sum_t (sum_ij A[t] R) (1.03)^-t v_wcc[t] with darthtools' Simpson weights.
    """
    m = np.asarray(MX_USA_2015)
    rate = {"H": m, "S1": 3 * m, "S2": 10 * m}
    p_die = {s: 1 - np.exp(-r) for s, r in rate.items()}
    p_hs1, p_s1h = 1 - math.exp(-0.15), 1 - math.exp(-0.5)
    treated_b = strategy in ("Strategy B", "Strategy AB")
    p_s1s2 = 1 - math.exp(-0.105 * (0.6 if treated_b else 1.0))
    u_s1 = 0.95 if strategy in ("Strategy A", "Strategy AB") else 0.75
    c_trt = {"Standard of care": 0, "Strategy A": 12000, "Strategy B": 13000, "Strategy AB": 25000}[strategy]
    u = np.array([1.0, u_s1, 0.5, 0.0])
    c = np.array([2000.0, 4000.0 + c_trt, 15000.0 + c_trt, 0.0])
    H, S1, S2, D = range(4)

    trace = np.zeros((N_CYCLES + 1, 4))
    trace[0, H] = 1.0
    dynamics = np.zeros((N_CYCLES + 1, 4, 4))
    dynamics[0] = np.diag(trace[0])
    for t in range(N_CYCLES):
        P = np.zeros((4, 4))
        P[H, H] = (1 - p_die["H"][t]) * (1 - p_hs1)
        P[H, S1] = (1 - p_die["H"][t]) * p_hs1
        P[H, D] = p_die["H"][t]
        P[S1, H] = (1 - p_die["S1"][t]) * p_s1h
        P[S1, S1] = (1 - p_die["S1"][t]) * (1 - (p_s1h + p_s1s2))
        P[S1, S2] = (1 - p_die["S1"][t]) * p_s1s2
        P[S1, D] = p_die["S1"][t]
        P[S2, S2] = 1 - p_die["S2"][t]
        P[S2, D] = p_die["S2"][t]
        P[D, D] = 1.0
        trace[t + 1] = trace[t] @ P
        dynamics[t + 1] = np.diag(trace[t]) @ P

    reward_u = np.tile(u, (4, 1))  # R[i, j] = value of the destination j
    reward_c = np.tile(c, (4, 1))
    reward_u[H, S1] -= 0.01
    reward_c[H, S1] += 1000.0
    reward_c[:D, D] += 2000.0
    weight = np.asarray(darth_simpson_weights(N_CYCLES)) * 1.03 ** -np.arange(N_CYCLES + 1)
    qalys = float(np.sum((dynamics * reward_u).sum(axis=(1, 2)) * weight))
    costs = float(np.sum((dynamics * reward_c).sum(axis=(1, 2)) * weight))
    return costs, qalys


@pytest.fixture(scope="module")
def results():
    return run_model(transition_reward_model()).sel(sample=0)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_costs_and_qalys_match_published_table(results, strategy):
    # Alarid-Escudero et al., Med Decis Making 2023;43(1):21-41, CEA table of the
    # simulation-time-dependent model; half a dollar and half a thousandth of a QALY.
    cost, qalys = CEA_TABLE[strategy]
    got = results.sel(strategy=strategy)
    assert float(got["total_costs"]) == published(cost)
    assert float(got["qalys"]) == published(qalys)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_totals_equal_the_r_arithmetic_written_out(results, strategy):
    cost, qalys = darth_r_totals(strategy)
    got = results.sel(strategy=strategy)
    assert float(got["total_costs"]) == pytest.approx(cost, rel=1e-12, abs=0)
    assert float(got["qalys"]) == pytest.approx(qalys, rel=1e-12, abs=0)


def test_incremental_analysis_matches_published_cea_table(results):
    # Same table: B vs SoC ICER USD 65,288/QALY; AB vs B USD 104,461/QALY; A dominated.
    assert_frontier(
        STRATEGIES,
        results["total_costs"].values,
        results["qalys"].values,
        "Standard of care",
        "Strategy A",
        (
            ("Strategy B", "Standard of care", "86,162", "1.320", "65,288"),
            ("Strategy AB", "Strategy B", "93,764", "0.898", "104,461"),
        ),
    )


def test_mid_cycle_rewards_without_weights_do_not_reproduce_the_paper(results):
    # The default convention (one-off rewards at mid-cycle, no within-cycle weight) gives
    # SoC USD 116,439 (see test_darth_sick_sicker_age_dependent.py): the setting matters.
    spec = transition_reward_model()
    default = replace(spec, settings=replace(spec.settings, reward_timing="middle", reward_weights="none"))
    soc = run_model(default).sel(sample=0, strategy="Standard of care")
    assert float(soc["total_costs"]) != published(CEA_TABLE["Standard of care"][0])
    assert float(soc["total_costs"]) == pytest.approx(116_439, abs=0.5)
