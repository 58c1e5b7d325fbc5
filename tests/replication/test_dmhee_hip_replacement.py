"""Total hip replacement (THR) model: standard prosthesis versus the new prosthesis NP1, with a
time-dependent (Weibull) revision risk and age-dependent background mortality.

Source
------
Briggs A, Claxton K, Sculpher M. Decision Modelling for Health Economic Evaluation. Oxford
University Press, 2006 (DMHEE), Exercise 3.5 and its Excel solution. Inputs and results of the
Excel model as transcribed in R heemod's test ``tests/testthat/test_dmhee.R`` ("Exactly match
THR model"; github.com/pierucci/heemod): total costs and QALYs to 6-8 decimals, the ICER, and
the cohort trace and discounted per-cycle values of the first cycles to 8 decimals.

Model: PrimaryTHR -> SuccessP (operative mortality 2%); from SuccessP, revision with probability
1 - exp(lambda (t^gamma - (t + 1)^gamma)) in the cycle from t to t + 1 years after the primary
operation, lambda = exp(cons + ageC * 60 + maleC * sex), times rrNP1 = exp(-1.344474) in the
log hazard for NP1; RevisionTHR -> SuccessR or death (operative mortality 2% plus background);
SuccessR -> re-revision 4% a year. Women aged 60. Background mortality from DMHEE's table by
10-year age band and sex. Primary operation GBP 394 (standard) or 579 (NP1), revision GBP 5,294;
utilities 0.85 (SuccessP), 0.30 (RevisionTHR), 0.75 (SuccessR); costs discounted at 6%, QALYs at
1.5%.

Conventions and how they map onto hecon
---------------------------------------
* Counting: heemod runs 61 cycles with ``method = "end"``; its value table (checked against the
  Excel model in the same test) has in row k = 1..61 the cohort after k - 1 transitions,
  discounted by (1 + r)^-(k - 1), and the totals sum the 61 rows. That is hecon's start-of-cycle
  counting, ``within_cycle="none"``, over 61 yearly cycles: trace points 0..60, weight 1,
  factor (1 + r)^-k on point k (``discount_timing="cycle"``). The primary operation is the
  cost of the state PrimaryTHR, occupied only at point 0, so it is counted once, undiscounted.
* Time: heemod's ``markov_cycle`` is 1 in the first cycle, hecon's ``model_time`` 0. The revision
  risk uses markov_cycle - 1 = model_time years since the operation; the background mortality
  uses age = 60 + markov_cycle = 61 + model_time, hence ``start_age = 61`` for ``gp_mort()``.
  The banded table becomes a single-year LifeTable: each age gets the rate of the band whose
  lower bound is at or below it (heemod ``look_up(..., bin = "age")``).
"""

from __future__ import annotations

import numpy as np
import pytest

from hecon.analysis.incremental import STATUS_NON_DOMINATED, incremental_analysis
from hecon.engine.run import run_model
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Settings, State, Strategy, Transition
from tests.replication import published

# DMHEE THR model: annual probability of death by age band (lower bound) and sex.
MORTALITY_BANDS = {  # age: (male, female)
    35: (1.51e-3, 0.99e-3),
    45: (3.93e-3, 2.60e-3),
    55: (10.9e-3, 6.7e-3),
    65: (31.6e-3, 19.3e-3),
    75: (80.1e-3, 53.5e-3),
    85: (187.9e-3, 154.8e-3),
}

# Revision risk with time since operation t [years], written with "**" for powers (the test at
# the end writes it with "^", as a user copying it from the DMHEE spreadsheet would).
P_REVISION = "1 - exp(lambda_ * rr_prosthesis * (model_time ** gamma_ - (model_time + 1) ** gamma_))"


def dmhee_thr_life_table() -> LifeTable:
    ages = tuple(range(35, 86))  # ages past 85 keep the 85+ band

    def qx(age: int, sex: int) -> float:
        return MORTALITY_BANDS[max(b for b in MORTALITY_BANDS if b <= age)][sex]

    return LifeTable(
        "dmhee_thr",
        ages,
        qx_male=tuple(qx(a, 0) for a in ages),
        qx_female=tuple(qx(a, 1) for a in ages),
        source="DMHEE Exercise 3.5, by 10-year band",
    )


def hip_replacement_model(p_revision: str = P_REVISION) -> ModelSpec:
    """The DMHEE Exercise 3.5 THR model as a ModelSpec."""
    p = Parameter
    parameters = (
        p("omr_primary", 0.02),
        p("omr_revision", 0.02),  # operative mortality
        p("rrr", 0.04),  # re-revision probability per year
        # Weibull revision hazard (DMHEE regression): log lambda = cons + ageC age + maleC male
        p("cons", -5.490935),
        p("age_c", -0.0367022),
        p("male_c", 0.768536),
        p("age_init", 60.0),
        p("male", 0.0),
        p("lambda_", "exp(cons + age_c * age_init + male_c * male)"),
        p("gamma_", "exp(0.3740968)"),
        p("rr_np1", "exp(-1.344474)"),  # relative hazard of revision, NP1 vs standard
        p("rr_prosthesis", 1.0),
        p("p_revision", p_revision),
        p("c_primary", 394.0),
        p("c_revision", 5294.0),
        p("u_successP", 0.85),
        p("u_revision", 0.30),
        p("u_successR", 0.75),
    )
    states = (
        State("PrimaryTHR", costs={"operations": "c_primary"}),
        State("SuccessP", utility="u_successP"),
        State("RevisionTHR", utility="u_revision", costs={"operations": "c_revision"}),
        State("SuccessR", utility="u_successR"),
        State("Death", flags=frozenset({"dead"})),
    )
    t = Transition
    transitions = (
        t("PrimaryTHR", "Death", "omr_primary"),
        t("PrimaryTHR", "SuccessP", "#"),
        t("SuccessP", "RevisionTHR", "p_revision"),
        t("SuccessP", "Death", "gp_mort()"),
        t("SuccessP", "SuccessP", "#"),
        t("RevisionTHR", "Death", "omr_revision + gp_mort()"),
        t("RevisionTHR", "SuccessR", "#"),
        t("SuccessR", "RevisionTHR", "rrr"),
        t("SuccessR", "Death", "gp_mort()"),
        t("SuccessR", "SuccessR", "#"),
    )
    strategies = (
        Strategy("standard"),
        Strategy("np1", {"c_primary": 579.0, "rr_prosthesis": "rr_np1"}),
    )
    settings = Settings(
        cycle_length_days=365.25,
        horizon_years=61,
        start_age=61.0,
        proportion_male="male",
        discount_rate_costs=0.06,
        discount_rate_effects=0.015,
        discount_timing="cycle",
        within_cycle="none",
        currency="GBP",
    )
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"PrimaryTHR": 1.0},
        life_tables=(dmhee_thr_life_table(),),
        title="DMHEE THR model (Exercise 3.5)",
    )


@pytest.fixture(scope="module")
def results():
    return run_model(hip_replacement_model()).sel(sample=0)


# DMHEE Exercise 3.5 Excel model, as transcribed in heemod's test_dmhee.R.
DMHEE_RESULTS = {
    "standard": {"total_costs": "512.434658", "qalys": "14.6531896"},
    "np1": {"total_costs": "610.311818", "qalys": "14.69770986"},
}

# Cohort after cycles 1..8 (SuccessP, RevisionTHR, SuccessR, Death), rounded to 8 decimals.
DMHEE_TRACE = {
    "standard": [
        [0.98000000, 0.0000000, 0.0000000, 0.0200000],
        [0.97265720, 0.0007768, 0.0000000, 0.02656600],
        [0.96516548, 0.00097491, 0.00075606, 0.03310354],
        [0.95757109, 0.00115802, 0.00166964, 0.03960125],
        [0.93783561, 0.00132115, 0.00268314, 0.05816010],
        [0.91838963, 0.00145307, 0.00379326, 0.07636404],
        [0.89924305, 0.00157339, 0.00496429, 0.09421927],
        [0.88040225, 0.00168398, 0.00618146, 0.11173231],
    ],
    "np1": [
        [0.98000000, 0.00000000, 0.00000000, 0.02000000],
        [0.97323145, 0.00020255, 0.00000000, 0.02656600],
        [0.96645641, 0.00025438, 0.00019715, 0.03309206],
        [0.95968665, 0.00030239, 0.00043553, 0.03957543],
        [0.94083683, 0.00034529, 0.00070021, 0.05811767],
        [0.92232657, 0.00038012, 0.00099040, 0.07630291],
        [0.90415327, 0.00041201, 0.00129686, 0.09413786],
        [0.88631355, 0.00044144, 0.00161577, 0.11162924],
    ],
}

# Standard prosthesis, discounted cost and QALYs of the cohort after cycles 1..8, 8 decimals.
DMHEE_VALUES_STANDARD = [
    [0.0, 0.82068966],
    [3.66001356, 0.80272917],
    [4.33343863, 0.78537550],
    [4.85597577, 0.76838428],
    [5.22645232, 0.74220815],
    [5.42296428, 0.71692065],
    [5.53962343, 0.69248578],
    [5.59337469, 0.66887542],
]


@pytest.mark.parametrize("strategy", ["standard", "np1"])
def test_costs_and_qalys_match_dmhee(results, strategy):
    # Briggs, Claxton & Sculpher (2006), Exercise 3.5 (Excel model); heemod test_dmhee.R.
    # Tolerance: half a unit in the last transcribed decimal.
    got = results.sel(strategy=strategy)
    for name, figure in DMHEE_RESULTS[strategy].items():
        assert float(got[name]) == published(figure), name


def test_icer_matches_dmhee(results):
    # DMHEE Exercise 3.5 Excel model (heemod test_dmhee.R): ICER 2198.486665 GBP per QALY.
    # Tolerance: half a unit in the 6th decimal.
    rows = incremental_analysis(["standard", "np1"], results["total_costs"].values, results["qalys"].values)
    np1 = next(r for r in rows if r.strategy == "np1")
    assert np1.status == STATUS_NON_DOMINATED and np1.comparator == "standard"
    assert np1.icer == published("2198.486665")


@pytest.mark.parametrize("strategy", ["standard", "np1"])
def test_cohort_trace_matches_dmhee(results, strategy):
    # DMHEE Exercise 3.5 Excel model (heemod test_dmhee.R), cycles 1-8, rounded to 8 decimals:
    # tolerance 5e-9.
    trace = (
        results["trace"]
        .sel(strategy=strategy, cycle=slice(1, 8), state=["SuccessP", "RevisionTHR", "SuccessR", "Death"])
        .values
    )
    np.testing.assert_allclose(trace, DMHEE_TRACE[strategy], rtol=0, atol=5e-9)


def test_discounted_values_per_cycle_match_dmhee(results):
    # DMHEE Exercise 3.5 Excel model (heemod test_dmhee.R), standard prosthesis, values of the
    # cohort after cycles 1-8, rounded to 8 decimals: tolerance 5e-9. per_cycle is undiscounted,
    # so the factors (1 + r)^-k of trace point k are applied here.
    per_cycle = results["per_cycle"].sel(strategy="standard", cycle=slice(1, 8))
    k = per_cycle["cycle"].values
    cost = per_cycle.sel(outcome="cost:operations").values * 1.06**-k
    qalys = per_cycle.sel(outcome="qalys").values * 1.015**-k
    np.testing.assert_allclose(np.column_stack([cost, qalys]), DMHEE_VALUES_STANDARD, rtol=0, atol=5e-9)


def test_power_written_with_caret_as_in_excel_gives_the_same_model():
    # The revision risk as a user copying it from the DMHEE spreadsheet (or heemod) writes it.
    spec = hip_replacement_model("1 - exp(lambda_ * rr_prosthesis * (model_time ^ gamma_ - (model_time + 1) ^ gamma_))")
    got = run_model(spec).sel(sample=0, strategy="standard")
    assert float(got["total_costs"]) == published(DMHEE_RESULTS["standard"]["total_costs"])
    assert float(got["qalys"]) == published(DMHEE_RESULTS["standard"]["qalys"])
