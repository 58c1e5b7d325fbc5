"""Chancellor et al. (1997) HIV/AIDS model: zidovudine monotherapy versus zidovudine plus
lamivudine, as replicated in Briggs, Claxton & Sculpher (2006).

Sources
-------
* Chancellor JV, Hill AM, Sabin CA, Simpson KN, Youle M. Modelling the cost effectiveness of
  lamivudine/zidovudine combination therapy in HIV infection. PharmacoEconomics
  1997;12(1):54-66 -- abstract: ICER £6,276 per life-year gained (costs discounted at 6%).
* Briggs A, Claxton K, Sculpher M. Decision Modelling for Health Economic Evaluation. Oxford
  University Press, 2006 (DMHEE), Exercise 2.5 and its Excel solution: inputs in chapter 2
  (transition matrix: Table 2.2); results to 7 decimals in R heemod's test
  ``tests/testthat/test_dmhee.R`` ("exactly match HIV model"; github.com/pierucci/heemod), which
  reproduces the Excel model.

Model: states A (CD4 200-500), B (CD4 < 200), C (AIDS), D (death); yearly cycles, 20 years,
everyone starts in A. Transition probabilities are the cohort counts of the Chelsea &
Westminster data as fractions (1251/1734, ...), as in the Excel model; the book's Table 2.2 prints
them rounded to 3 decimals. Combination therapy multiplies every probability of moving to a
worse state by the relative risk 0.509 and adds lamivudine (£2,086.50 a year) -- for the first
two years only; afterwards both arms are identical. State costs (direct medical + community
care): A 1701 + 1055, B 1774 + 1278, C 6948 + 2059, plus zidovudine £2,278 a year.

Conventions and how they map onto hecon
---------------------------------------
DMHEE counts the cohort at the *end* of each year: costs and life-years of year t are the
occupancy after t transitions, t = 1..20, and costs of year t are discounted by 1.06^-t;
life-years are not discounted. (heemod reproduces this with ``method = "beginning"`` and
``discount(..., first = TRUE)``, see its vignette "Reproducing Exact Results from DMHEE".)
In hecon that is ``within_cycle="end"`` (weight 0 on trace point 0, 1 on points 1..20) with
``discount_timing="cycle"`` (factor 1.06^-k on point k at k years). The two treated years are
the transitions of model_time 0 and 1 (``model_time < 2``) and the costs counted at trace
points 1 and 2 (``model_time <= 2``; point 0 has weight 0).
"""

from __future__ import annotations

import pytest

from hecon.analysis.incremental import STATUS_NON_DOMINATED, incremental_analysis
from hecon.engine.run import run_model
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, Transition
from tests.replication import published


def chancellor_hiv_model() -> ModelSpec:
    """The DMHEE Exercise 2.5 HIV model as a ModelSpec."""
    p = Parameter
    parameters = (
        # annual transition probabilities: Chelsea & Westminster cohort counts (DMHEE Table 2.2)
        p("p_AB", 350 / 1734),
        p("p_AC", 116 / 1734),
        p("p_AD", 17 / 1734),
        p("p_BC", 512 / 1258),
        p("p_BD", 15 / 1258),
        p("p_CD", 437 / 1749),
        # relative risk of progression on combination therapy, applied for 2 years
        p("rr_comb", 0.509),
        p("rr", "if_else(model_time < 2, rr_comb, 1)"),
        # annual costs [GBP]: direct medical + community care, and drugs
        p("c_A", 1701 + 1055),
        p("c_B", 1774 + 1278),
        p("c_C", 6948 + 2059),
        p("c_zidovudine", 2278.0),
        p("c_lamivudine", 2086.5),
        p("on_lamivudine", 0.0),
        p("c_drugs", "c_zidovudine + on_lamivudine * if_else(model_time <= 2, c_lamivudine, 0)"),
    )
    states = (
        State("A", utility=1.0, costs={"health care": "c_A", "drugs": "c_drugs"}),
        State("B", utility=1.0, costs={"health care": "c_B", "drugs": "c_drugs"}),
        State("C", utility=1.0, costs={"health care": "c_C", "drugs": "c_drugs"}),
        State("D", flags=frozenset({"dead"})),
    )
    t = Transition
    transitions = (
        t("A", "B", "p_AB * rr"),
        t("A", "C", "p_AC * rr"),
        t("A", "D", "p_AD * rr"),
        t("A", "A", "#"),
        t("B", "C", "p_BC * rr"),
        t("B", "D", "p_BD * rr"),
        t("B", "B", "#"),
        t("C", "D", "p_CD * rr"),
        t("C", "C", "#"),
    )
    strategies = (
        Strategy("monotherapy", {"rr": 1.0}),
        Strategy("combination", {"on_lamivudine": 1.0}),
    )
    settings = Settings(
        cycle_length_days=365.25,
        horizon_years=20,
        discount_rate_costs=0.06,
        discount_rate_effects=0.0,
        within_cycle="end",
        discount_timing="cycle",
        currency="GBP",
    )
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"A": 1.0},
        title="Chancellor 1997 HIV model (DMHEE Exercise 2.5)",
    )


@pytest.fixture(scope="module")
def results():
    return run_model(chancellor_hiv_model()).sel(sample=0)


# DMHEE Exercise 2.5 Excel model, as transcribed (7 decimals) in heemod's test_dmhee.R.
DMHEE_RESULTS = {
    "monotherapy": {"total_costs": "44663.4535637", "lys": "7.9912066"},
    "combination": {"total_costs": "50601.6513312", "lys": "8.9373889"},
}


@pytest.mark.parametrize("strategy", ["monotherapy", "combination"])
def test_discounted_costs_and_life_years_match_dmhee(results, strategy):
    # Briggs, Claxton & Sculpher (2006), Exercise 2.5 (Excel model); heemod test_dmhee.R.
    # Tolerance: half a unit in the 7th decimal, the rounding of the transcribed figures.
    got = results.sel(strategy=strategy)
    for name, figure in DMHEE_RESULTS[strategy].items():
        assert float(got[name]) == published(figure), name
    # life-years are not discounted in this model
    assert float(got["lys"]) == float(got["lys_undiscounted"])


def test_icer_matches_dmhee_and_chancellor(results):
    # DMHEE Exercise 2.5 Excel model (heemod test_dmhee.R): ICER 6275.95560 GBP per life-year;
    # Chancellor et al. (1997), abstract: GBP 6276 per life-year gained.
    # Tolerances: half a unit in the last printed digit of each.
    rows = incremental_analysis(["monotherapy", "combination"], results["total_costs"].values, results["lys"].values)
    comb = next(r for r in rows if r.strategy == "combination")
    assert comb.status == STATUS_NON_DOMINATED and comb.comparator == "monotherapy"
    assert comb.icer == published("6275.95560")
    assert comb.icer == published("6276")
