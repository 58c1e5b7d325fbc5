"""Disease burden (hecon.analysis.disease_burden): proportional and absolute QALY shortfall against cases worked
by hand, the reference value it implies, and ICERs judged against it."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hecon.analysis.disease_burden import disease_burden, general_population_qalys, judge_icers, utility_by_age
from hecon.analysis.incremental import versus_comparator
from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Settings, State, Strategy, Transition, UtilityNorm

AGES = tuple(range(60, 66))
Q = 0.1


def constant_table(q: float = Q) -> LifeTable:
    return LifeTable("flat", AGES, (q,) * len(AGES), (q,) * len(AGES), "constant q, for hand calculation")


def patients(p_death: float = 0.5, utility: float = 0.5, horizon: float = 80.0) -> ModelSpec:
    """Patients die with probability p_death a year; trapezoid correction, no discounting."""
    return ModelSpec(
        Settings(
            cycle_length_days=365.25,
            horizon_years=horizon,
            start_age=60.0,
            proportion_male=0.5,
            within_cycle="trapezoid",
            discount_rate_effects=0.015,
        ),
        states=(State("Sick", utility="u"), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Sick", "Dead", "p"), Transition("Sick", "Sick", "#")),
        strategies=(Strategy("usual care"), Strategy("new", {"p": p_death / 2})),
        parameters=(Parameter("p", p_death), Parameter("u", utility)),
        life_tables=(constant_table(),),
        utility_norms=(UtilityNorm(0, None, "all", 0.8, "flat norm for a hand calculation"),),
    )


def test_shortfall_of_a_hand_worked_case():
    # General population, constant q = 0.1 from age 60 (the last age of the table is open-ended):
    # l_x = 0.9^t, L_x = l_x (1 - q/2) = 0.95 l_x, sum l_x = 1/q = 10, utility 0.8
    # => Qn = 0.8 * 0.95 * 10 = 7.6 QALYs.
    # Patients: S_k = 0.5^k, utility 0.5, trapezoid weights (1/2, 1, 1, ..., 1/2):
    # Qd = 0.5 * (sum_k 0.5^k - 1/2 - 0.5^80 / 2) = 0.5 * (2 - 0.5) = 0.75 QALYs (up to 0.5^80).
    # Absolute shortfall 7.6 - 0.75 = 6.85; proportional 6.85 / 7.6 = 0.901316 => class 3, EUR 80,000.
    spec = patients()
    burden = disease_burden(spec, run_model(spec), "usual care")
    assert burden.qalys_general_population == pytest.approx(7.6, rel=1e-12)
    assert burden.qalys_patients == pytest.approx(0.75, rel=1e-12)
    assert burden.absolute_shortfall == pytest.approx(6.85, rel=1e-12)
    assert burden.proportional_shortfall == pytest.approx(6.85 / 7.6, rel=1e-12)
    assert burden.burden_class == "class 3 (proportional shortfall 0.71-1.00)"
    assert burden.reference_value == 80_000.0
    assert burden.warnings == ()
    # Discounted at 1.5%: Qn = 0.8 * 0.95 * sum (0.9/1.015)^t = 0.76 / (1 - 0.9/1.015)
    assert burden.qalys_general_population_discounted == pytest.approx(0.76 / (1 - 0.9 / 1.015), rel=1e-12)


def test_milder_disease_falls_in_a_lower_class():
    # Patients die at 12% a year with utility 0.75; Qd = 0.75 * (1/0.12 - 1/2) by the trapezoid rule
    spec = patients(p_death=0.12, utility=0.75, horizon=400.0)
    burden = disease_burden(spec, run_model(spec), "usual care")
    qd = 0.75 * (1 / 0.12 - 0.5)
    assert burden.qalys_patients == pytest.approx(qd, rel=1e-9)
    assert burden.proportional_shortfall == pytest.approx((7.6 - qd) / 7.6, rel=1e-9)
    assert (burden.burden_class, burden.reference_value) == ("class 1 (proportional shortfall 0.10-0.40)", 20_000.0)


def test_truncated_horizon_is_warned_about():
    spec = patients(p_death=0.05, utility=0.1, horizon=10.0)
    burden = disease_burden(spec, run_model(spec), "usual care")
    assert burden.alive_at_horizon == pytest.approx(0.95**10)
    assert "still alive at the end of the 10-year horizon" in burden.warnings[0]


def test_start_age_between_whole_ages_is_interpolated():
    ages = tuple(range(60, 70))
    qm = tuple(0.01 * 1.2 ** (a - 60) for a in ages)
    qf = tuple(0.6 * q for q in qm)
    table = LifeTable("rising", ages, qm, qf)
    norms = (UtilityNorm(60, 64, "all", 0.85), UtilityNorm(65, None, "all", 0.8), UtilityNorm(60, 62, "male", 0.9))
    at = {a: general_population_qalys(norms, table, a, 0.4) for a in (61.0, 62.0)}
    assert general_population_qalys(norms, table, 61.25, 0.4) == pytest.approx(0.75 * at[61.0] + 0.25 * at[62.0])


def test_utility_norms_prefer_the_own_sex_and_report_gaps():
    norms = (
        UtilityNorm(60, 69, "all", 0.85, "a"),
        UtilityNorm(60, 64, "female", 0.8, "b"),
        UtilityNorm(75, None, "all", 0.7, "c"),
    )
    np.testing.assert_array_equal(utility_by_age(norms, [60, 64, 65, 69, 80], "female"), [0.8, 0.8, 0.85, 0.85, 0.7])
    np.testing.assert_array_equal(utility_by_age(norms, [60, 64], "male"), [0.85, 0.85])
    with pytest.raises(ModelError) as info:
        utility_by_age(norms, list(range(60, 80)), "male")
    assert str(info.value) == (
        "UtilityNorms: no utility norm for male at ages 70-74; expected bands (sex male or all) "
        "that cover every age from the start age to the life table's last age (an open-ended "
        "last band, age_to blank, covers the rest)"
    )


def test_no_norms_is_an_error_naming_the_sheet():
    spec = dataclasses.replace(patients(), utility_norms=())
    with pytest.raises(ModelError, match="UtilityNorms: the model has no general-population utility norms"):
        disease_burden(spec, run_model(spec), "usual care")


def test_icers_judged_against_the_reference_value():
    rows = versus_comparator(
        ["SoC", "NE", "SE", "NW", "SW"], [1000, 61000, 500, 2000, -39000], [1.0, 2.0, 1.5, 0.5, 0.0], "SoC"
    )
    judged = {j["strategy"]: j for j in judge_icers(rows, 50_000.0)}
    assert judged["NE"]["icer"] == 60_000 and judged["NE"]["verdict"] == "not cost-effective"
    assert judged["SE"]["verdict"] == "cost-effective"  # dominant
    assert judged["NW"]["verdict"] == "not cost-effective"  # dominated
    # south-west: saves 40,000 per QALY lost, less than the 50,000 a QALY is worth
    assert judged["SW"]["icer"] == 40_000 and judged["SW"]["verdict"] == "not cost-effective"
    assert judged["NE"]["text"] == "NE versus SoC: not cost-effective at EUR 50,000 per QALY"
    assert math.isclose(judged["NE"]["inmb"], 50_000 * 1.0 - 60_000)
    assert judge_icers(rows, None)[0]["verdict"] == "no reference value"
