"""Treatment burden as rates and windows (hecon.analysis.burden_rates) against hand computations.

The model: progression-free (4 visits a month) -> progressed (1 visit a month) -> dead, with 3
terminal hospital days on death; monthly cycles, 2 years, no within-cycle correction, so that
every total is a sum over the 24 cycles of closed-form occupancies: PF_k = 0.9^k,
PD_k = 2 (0.95^k - 0.9^k) (progression 0.1, death after progression 0.05 per month).
"""

from __future__ import annotations

import numpy as np
import pytest

from hecon.analysis.burden_rates import burden_rates
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.problems import ModelError
from hecon.model.spec import DEAD_FLAG, ModelSpec, Parameter, Settings, State, Strategy, Transition, TransitionReward

MONTH = 365.25 / 12


def burden_model(travel: object = 1.5) -> ModelSpec:
    return ModelSpec(
        Settings(cycle_length_days=MONTH, horizon_years=2.0, within_cycle="none"),
        (
            State("PF", 0.8, counts={"visits": 4.0}, flags=frozenset({"progression_free"})),
            State("PD", 0.6, counts={"visits": 1.0}),
            State("Dead", flags=frozenset({DEAD_FLAG})),
        ),
        (
            Transition("PF", "PD", 0.1),
            Transition("PF", "PF", "#"),
            Transition("PD", "Dead", 0.05),
            Transition("PD", "PD", "#"),
        ),
        (Strategy("only"),),
        (
            Parameter("travel_hours_per_visits", travel),
            Parameter("nights_away_per_terminal_days", 1.0),
        ),
        initial={"PF": 1.0},
        transition_rewards=(TransitionReward("Dead", 3.0, "count", "terminal_days"),),
    )


def _hand() -> dict[str, float]:
    k = np.arange(24)
    pf, pd = 0.9**k, 2 * (0.95**k - 0.9**k)
    visits = 4 * pf + pd
    deaths = 0.05 * pd  # entering Dead during cycle k
    ly = (pf + pd) / 12
    return {
        "visits": visits.sum(),
        "visits12": visits[:12].sum(),
        "visits24": visits[:24].sum(),
        "lys": ly.sum(),
        "lys12": ly[:12].sum(),
        "pf_years": pf.sum() / 12,
        "terminal": 3 * deaths.sum(),
    }


def test_rates_windows_and_terminal_care_by_hand() -> None:
    run = run_analysis(burden_model())
    rates = summarise_run(run).burden_rates
    assert rates is not None
    h = _hand()
    v = rates.counts["visits"]["only"]
    assert v.total == pytest.approx(h["visits"], rel=1e-12)
    assert v.per_life_year == pytest.approx(h["visits"] / h["lys"], rel=1e-12)
    assert v.per_progression_free_year == pytest.approx(h["visits"] / h["pf_years"], rel=1e-12)
    assert v.within_months[12] == pytest.approx(h["visits12"], rel=1e-12)
    assert v.within_months[24] == pytest.approx(h["visits24"], rel=1e-12)
    assert v.per_life_year_within[12] == pytest.approx(h["visits12"] / h["lys12"], rel=1e-12)
    # the first months by hand: 4 visits at month 0, then 4 x 0.9 + 0.1 at month 1
    assert v.within_months[12] > 4 + 3.7
    # terminal care is apart from the treatment burden
    assert set(rates.counts) == {"visits"} and set(rates.terminal) == {"terminal_days"}
    assert rates.terminal["terminal_days"]["only"].total == pytest.approx(h["terminal"], rel=1e-12)


def test_patient_time_from_counts_and_per_visit_times() -> None:
    rates = summarise_run(run_analysis(burden_model())).burden_rates
    h = _hand()
    assert dict(rates.factors["travel_hours"]) == {"visits": 1.5}
    travel = rates.patient_time["travel_hours"]["only"]
    assert travel.total == pytest.approx(1.5 * h["visits"], rel=1e-12)
    assert travel.within_months[12] == pytest.approx(1.5 * h["visits12"], rel=1e-12)
    nights = rates.patient_time["nights_away"]["only"]
    assert nights.total == pytest.approx(h["terminal"], rel=1e-12)
    assert rates.units == {"travel_hours": "hours", "nights_away": "nights"}


def test_a_patient_time_factor_must_be_a_number() -> None:
    with pytest.raises(ModelError, match="travel_hours_per_visits.*not a number"):
        run_analysis(burden_model(travel="2 * 0.75"))


def test_no_counts_no_rates() -> None:
    from tests.models import two_state_model

    run = run_analysis(two_state_model())
    assert burden_rates(run.base.results, run.spec) is None


def _with_helper(factor: bool = False) -> ModelSpec:
    from dataclasses import replace

    spec = burden_model()
    helper = TransitionReward("PD", 1.0, "count", "helper_pd_entries", "PF")
    extra = (Parameter("clinic_hours_per_helper_pd_entries", 2.0),) if factor else ()
    return replace(spec, transition_rewards=(*spec.transition_rewards, helper), parameters=spec.parameters + extra)


def test_helper_counts_are_not_treatment_burden() -> None:
    run = run_analysis(_with_helper())
    rates = summarise_run(run).burden_rates
    assert rates is not None
    assert set(rates.counts) == {"visits"} and set(rates.terminal) == {"terminal_days"}
    # the helper tally is still computed (0.1 of PF enters PD each month), only not reported as burden
    k = np.arange(24)
    tally = float(
        run.base.results["counts_undiscounted"].sel(strategy="only", count="helper_pd_entries").isel(sample=0)
    )
    assert tally == pytest.approx((0.1 * 0.9**k).sum(), rel=1e-12)


def test_a_patient_time_factor_on_a_helper_count_is_an_error() -> None:
    with pytest.raises(ModelError, match="helper count 'helper_pd_entries'"):
        run_analysis(_with_helper(factor=True))
