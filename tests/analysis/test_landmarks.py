"""Published survival points beside the model (hecon.analysis.landmarks, model_survival).

The model is a two-state exponential model worked by hand: one state Alive (progression-free)
left for Dead with the constant hazard lam per year, in monthly cycles without within-cycle
correction, so that at every trace point (t = k months) PFS = OS = exp(-lam t) exactly, and
between trace points the report interpolates linearly. Strategy 'Faster' has twice the hazard.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from hecon.analysis.landmarks import LIKE_FOR_LIKE, MODEL_POPULATION, NOT_STATED, landmarks
from hecon.analysis.model_survival import survival_summary
from hecon.engine.run import run_model
from hecon.model.spec import (
    ModelSpec,
    Parameter,
    Settings,
    State,
    Strategy,
    SurvivalPoint,
    Transition,
)

LAM = math.log(2) / 0.5  # per year: median 0.5 years = 6 months
MONTH = 1 / 12  # years
S = SurvivalPoint
POINTS = (
    S("Slow", "OS", "survival", 12.0, 0.3, 0.2, 0.4, "ITT, from randomisation", True, source="Trial, Fig 2"),
    S("Slow", "OS", "median", None, 26.0, 20.0, None, "ITT, from randomisation", True, "weeks", "Trial, Table 2"),
    S("Slow", "PFS", "survival", 1.5, 0.8, population="treated, from first dose", comparable=False),
    S("Slow", "PFS", "at_risk", 0.0, 100),
    S("Faster", "PFS", "median", None, 3.1),
    S("Nobody", "OS", "survival", 6.0, 0.5),
)


def exponential_model() -> ModelSpec:
    return ModelSpec(
        Settings(cycle_length_days=365.25 / 12, horizon_years=3.0, within_cycle="none"),
        states=(State("Alive", flags=frozenset({"progression_free"})), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Alive", "Dead", "1 - exp(-lam * cycle_years)"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("Slow"), Strategy("Faster", {"lam": 2 * LAM})),
        parameters=(Parameter("lam", LAM),),
        survival_points=POINTS,
    )


@pytest.fixture(scope="module")
def rows():
    spec = exponential_model()
    surv = survival_summary(run_model(spec)["trace"], spec, ["Slow", "Faster"])
    assert surv.time_unit == "months"
    return {x.point: x for x in surv.landmarks}


def test_numbers_at_risk_are_not_compared_and_every_other_point_is(rows):
    assert sorted(rows) == [1, 2, 3, 5, 6]


def test_survival_at_a_trace_point_is_the_closed_form(rows):
    x = rows[1]
    assert (x.strategy, x.what, x.source, x.lower, x.upper) == ("Slow", "OS at 12 months", 0.3, 0.2, 0.4)
    assert x.model == pytest.approx(math.exp(-LAM * 1.0), rel=1e-12)  # = 0.25


def test_survival_between_trace_points_is_interpolated_linearly(rows):
    x = rows[3]
    assert x.what == "PFS at 1.5 months"
    s1, s2 = math.exp(-LAM * MONTH), math.exp(-LAM * 2 * MONTH)
    assert x.model == pytest.approx((s1 + s2) / 2, rel=1e-12)
    chord_error = LAM**2 * MONTH**2 / 8  # max |f''| h^2 / 8 for f = exp(-LAM t), f'' <= LAM^2
    assert 0 < x.model - math.exp(-LAM * 1.5 * MONTH) <= chord_error  # above the convex curve, within the bound


def test_a_median_is_stated_in_the_table_unit_with_its_ci(rows):
    x = rows[2]
    weeks = 7 / (365.25 / 12)  # months per week
    assert x.what == "median OS (months)"
    assert x.source == pytest.approx(26 * weeks, rel=1e-12) and x.lower == pytest.approx(20 * weeks, rel=1e-12)
    assert x.upper is None
    assert x.model == pytest.approx(6.0, abs=1e-9)  # ln 2 / LAM = 0.5 years, on a trace point
    assert rows[5].model == pytest.approx(3.0, abs=1e-9)  # twice the hazard: half the median


def test_the_comparison_is_said_in_words(rows):
    assert rows[1].comparison == LIKE_FOR_LIKE == "like for like"
    assert rows[3].comparison == "not like for like: source is treated, from first dose"
    assert rows[3].population == "treated, from first dose"
    assert rows[5].comparison == NOT_STATED and rows[5].population == ""
    assert MODEL_POPULATION == "the strategy's whole cohort from model start"


def test_a_point_with_a_problem_is_listed_not_compared(rows):
    x = rows[6]
    assert (x.strategy, x.model) == ("Nobody", None)
    assert x.problem == "unknown strategy 'Nobody'"
    drawn = [lm for lm in landmarks(exponential_model()) if not lm.problem]
    assert [lm.point for lm in drawn] == [1, 2, 3, 5]
    assert drawn[1].years == pytest.approx(26 * 7 / 365.25) and drawn[1].survival == 0.5 and drawn[1].median


def test_published_numbers_keep_their_digits_in_their_own_unit():
    point = S("Slow", "OS", "median", None, 3.9, 3.1, 5.6)  # months, as the table states them
    spec = dataclasses.replace(exponential_model(), survival_points=(point,))
    (x,) = survival_summary(run_model(spec)["trace"], spec, ["Slow"]).landmarks
    assert (x.source, x.lower, x.upper) == (3.9, 3.1, 5.6)


def _waiting_model(points: tuple[SurvivalPoint, ...]) -> ModelSpec:
    """Yearly cycles, no correction: everyone waits one year (Wait, progression-free); then 60% are
    treated (Treated, progression-free; they die with probability 0.2 a year) and 40% drop out into
    Other, where they stay alive. The treated patients' own OS from their first year is 0.8^k."""
    return ModelSpec(
        Settings(cycle_length_days=365.25, horizon_years=6.0, within_cycle="none"),
        states=(
            State("Wait", flags=frozenset({"progression_free"})),
            State("Treated", flags=frozenset({"progression_free"})),
            State("Other"),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("Wait", "Treated", 0.6),
            Transition("Wait", "Other", "#"),
            Transition("Treated", "Dead", 0.2),
            Transition("Treated", "Treated", "#"),
            Transition("Other", "Other", "#"),
        ),
        strategies=(Strategy("A"),),
        survival_points=points,
    )


def test_a_point_naming_its_population_states_is_compared_with_their_own_curve():
    """The treated from their first year: OS(2 years) = 0.8^2 = 0.64 and median OS = 3 + (0.512 - 0.5) /
    (0.512 - 0.4096) = 3.117 years (linear between trace points); the whole cohort's OS(2) is
    0.4 + 0.6 x 0.8 = 0.88. An unknown state is a problem, not a comparison."""
    pts = (
        S(
            "A",
            "OS",
            "survival",
            2.0,
            0.6,
            population="treated, from treatment",
            states=("Treated",),
            time_unit="years",
        ),
        S("A", "OS", "median", None, 3.0, population="treated, from treatment", states=("Treated",), time_unit="years"),
        S("A", "OS", "survival", 2.0, 0.9, population="everyone", comparable=True, time_unit="years"),
        S("A", "OS", "survival", 2.0, 0.6, states=("Treatd",), time_unit="years"),
    )
    spec = _waiting_model(pts)
    summary = survival_summary(run_model(spec)["trace"], spec, ["A"])
    treated, median, whole, typo = summary.landmarks
    assert treated.model == pytest.approx(0.64, abs=1e-12)
    assert treated.comparison == f"{LIKE_FOR_LIKE}: the model's patients in Treated, from when they are first there"
    assert median.model == pytest.approx((3 + 0.012 / 0.1024) * 12, abs=1e-9)  # months
    assert whole.model == pytest.approx(0.88, abs=1e-12)
    assert typo.model is None and "unknown state(s) Treatd" in typo.problem


def test_each_point_is_marked_fitted_or_held_out_for_the_structure_run():
    """SurvivalPoint.fitted_in names the structures fitted to the point; the landmark says "fitted" when it
    contains the structure the model runs, "held out" when it does not (() = held out of every fit), and
    "not stated whether fitted" when it is None."""
    from hecon.analysis.landmarks import FITTED, HELD_OUT, NOT_STATED_FIT

    points = (
        S("Slow", "OS", "median", None, 6.0, fitted_in=("state_transition",)),
        S("Slow", "OS", "survival", 12.0, 0.25, fitted_in=("partitioned_survival",)),
        S("Slow", "OS", "survival", 24.0, 0.06, fitted_in=()),
        S("Slow", "OS", "survival", 6.0, 0.5),
    )
    spec = dataclasses.replace(exponential_model(), survival_points=points)
    assert [lm.fit for lm in landmarks(spec)] == [FITTED, HELD_OUT, HELD_OUT, NOT_STATED_FIT]
    surv = survival_summary(run_model(spec)["trace"], spec, ["Slow", "Faster"])
    assert [x.fit for x in surv.landmarks] == ["fitted", "held out", "held out", "not stated whether fitted"]
