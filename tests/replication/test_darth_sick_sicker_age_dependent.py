"""DARTH's simulation-time-dependent Sick-Sicker model: age-dependent background mortality from
the 2015 US life table, and transition rewards.

Source
------
Alarid-Escudero F, Krijkamp E, Enns EA, Yang A, Hunink MGM, Pechlivanoglou P, Jalal H. A
Tutorial on Time-Dependent Cohort State-Transition Models in R Using a Cost-Effectiveness
Analysis Example. Med Decis Making 2023;43(1):21-41. Inputs: the parameter table and
``analysis/cSTM_time_dep_simulation.R``; results: the CEA table of the simulation-time-dependent
model ("Cost-effectiveness analysis results for the simulation-time-dependent Sick-Sicker
model"), in ``manuscript/cSTM_Tutorial_TimeDep.tex`` of
github.com/DARTH-git/cohort-modeling-tutorial-timedep.

Model: the time-independent model of the introductory tutorial (see test_darth_sick_sicker.py),
except that the death rate in H is the all-cause mortality rate of the US in 2015 at the
cohort's age (column ``Total``, both sexes, of the repository's
``data/LifeTable_USA_Mx_2015.csv``; ages 25-99, cycle t uses age 25 + t), the rates in S1 and S2
are 3 and 10 times that, and there are transition rewards: -0.01 QALY and +USD 1,000 on moving
H -> S1, +USD 2,000 on dying.

Conventions and how they map onto hecon
---------------------------------------
* Mortality: p = 1 - exp(-hr * m_age). The rates become a hecon LifeTable of qx = 1 - exp(-m)
  (the same for both sexes), read by ``gp_mort()`` at age 25 + model_time; S1 and S2 use
  ``apply_hr(gp_mort(), hr)`` = 1 - (1 - qx)^hr = 1 - exp(-hr m).
* Discounting and within-cycle correction as in the introductory tutorial: (1 + d)^-t at cycle t
  and darthtools' "Simpson1/3" weights, passed as ``within_cycle="custom"``.
* Transition rewards: the paper multiplies a transition-dynamics array A[i, j, t] (cohort moving
  i -> j during cycle t, stored at the trace point t where the cycle ends) by a reward array and
  applies the *same* within-cycle weights and end-of-cycle discount factors (1 + d)^-t as for the
  state rewards. hecon's own ``TransitionReward`` follows the usual rule instead -- one-off
  amounts are not within-cycle corrected and are discounted at mid-cycle -- and so gives other
  totals (SoC: USD 116,439 and 18.8787 QALYs against the published USD 116,374 and 18.879). To
  reproduce the paper, its convention is written with state rewards: S1 and D get a 2-cycle
  tunnel, and the cohort with ``state_time == 0`` at trace point t is exactly the cohort that
  entered during cycle t (S1 is entered only from H), so the reward on that sub-state is the
  transition reward weighted and discounted as the paper does.
"""

from __future__ import annotations

import math

import pytest

from hecon.engine.run import run_model
from hecon.model.spec import LifeTable, ModelSpec, Parameter, State
from tests.replication import assert_frontier, published
from tests.replication.test_darth_sick_sicker import (
    SICK_SICKER_STRATEGIES,
    STRATEGIES,
    darth_settings,
    sick_sicker_parameters,
    sick_sicker_transitions,
)

# All-cause mortality rates m_x [1/year], United States 2015, both sexes ("Total"), ages 25-99:
# data/LifeTable_USA_Mx_2015.csv of the tutorial's repository, transcribed from the identical
# file shipped as inst/extdata/LifeTable_USA_Mx_2015.csv in the R package packDAMipd.
AGES = tuple(range(25, 100))
MX_USA_2015 = (
    0.001014,
    0.000999,
    0.00107,
    0.001087,
    0.001162,
    0.001167,
    0.001213,
    0.001289,
    0.001331,
    0.001375,  # 25-34
    0.00142,
    0.00149,
    0.00155,
    0.001616,
    0.001657,
    0.001747,
    0.001902,
    0.002052,
    0.002173,
    0.002395,  # 35-44
    0.002559,
    0.002807,
    0.003023,
    0.003349,
    0.003712,
    0.004085,
    0.00449,
    0.004905,
    0.005364,
    0.005806,  # 45-54
    0.006253,
    0.006775,
    0.007395,
    0.007895,
    0.008418,
    0.008974,
    0.009666,
    0.010456,
    0.011384,
    0.011838,  # 55-64
    0.012667,
    0.013593,
    0.0147,
    0.015732,
    0.01734,
    0.018758,
    0.020967,
    0.022917,
    0.024913,
    0.026767,  # 65-74
    0.029707,
    0.032412,
    0.035982,
    0.039238,
    0.043595,
    0.048727,
    0.053735,
    0.059911,
    0.066618,
    0.074051,  # 75-84
    0.08219,
    0.090754,
    0.103968,
    0.115093,
    0.124341,
    0.137872,
    0.154177,
    0.172393,
    0.1941,
    0.212654,  # 85-94
    0.243752,
    0.259087,
    0.287781,
    0.316429,
    0.339149,  # 95-99
)


def usa_2015_life_table() -> LifeTable:
    qx = tuple(-math.expm1(-m) for m in MX_USA_2015)
    return LifeTable(
        "usa_2015_total",
        AGES,
        qx_male=qx,
        qx_female=qx,
        source="LifeTable_USA_Mx_2015.csv (DARTH time-dependent tutorial), Total, qx = 1 - exp(-Mx)",
    )


def age_dependent_sick_sicker_model() -> ModelSpec:
    """The simulation-time-dependent Sick-Sicker model, with the paper's transition-reward
    convention written as rewards on the first cycle of a 2-cycle tunnel (see module docstring)."""
    parameters = sick_sicker_parameters() + (
        Parameter("du_HS1", 0.01),  # QALY loss on H -> S1
        Parameter("ic_HS1", 1000.0),  # cost of H -> S1 [USD]
        Parameter("ic_D", 2000.0),  # cost of dying [USD]
    )
    entered = "if_else(state_time == 0, {}, 0)"
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}),
        State(
            "S1",
            utility="u_S1 - " + entered.format("du_HS1"),
            costs={"care": "c_S1", "treatment": "c_trt", "transition": entered.format("ic_HS1")},
            tunnel=2,
        ),
        State("S2", utility="u_S2", costs={"care": "c_S2", "treatment": "c_trt"}),
        State("D", costs={"transition": entered.format("ic_D")}, tunnel=2, flags=frozenset({"dead"})),
    )
    transitions = sick_sicker_transitions("gp_mort()", "apply_hr(gp_mort(), hr_S1)", "apply_hr(gp_mort(), hr_S2)")
    return ModelSpec(
        darth_settings(),
        states,
        transitions,
        SICK_SICKER_STRATEGIES,
        parameters,
        initial={"H": 1.0},
        life_tables=(usa_2015_life_table(),),
        title="Sick-Sicker, simulation-time-dependent (Alarid-Escudero et al. 2023)",
    )


@pytest.fixture(scope="module")
def results():
    return run_model(age_dependent_sick_sicker_model()).sel(sample=0)


# Alarid-Escudero et al. (2023, time-dependent tutorial), CEA table of the
# simulation-time-dependent model: total discounted costs [USD] and QALYs.
CEA_TABLE = {
    "Standard of care": ("116,374", "18.879"),
    "Strategy A": ("218,789", "19.636"),
    "Strategy B": ("202,536", "20.199"),
    "Strategy AB": ("296,300", "21.097"),
}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_costs_and_qalys_match_published_table(results, strategy):
    # Alarid-Escudero et al., Med Decis Making 2023;43(1):21-41, CEA table.
    # Tolerance: half a dollar and half a thousandth of a QALY, the rounding of the table.
    cost, qalys = CEA_TABLE[strategy]
    got = results.sel(strategy=strategy)
    assert float(got["total_costs"]) == published(cost)
    assert float(got["qalys"]) == published(qalys)


def test_incremental_analysis_matches_published_cea_table(results):
    # Same table: SoC, B and AB on the frontier, A dominated;
    # B vs SoC +USD 86,162, +1.320 QALYs, ICER USD 65,288/QALY;
    # AB vs B +USD 93,764, +0.898 QALYs, ICER USD 104,461/QALY.
    # Tolerance: half a unit in the last printed digit.
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
