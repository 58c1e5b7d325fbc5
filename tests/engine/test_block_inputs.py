"""Block inputs computed once: general-population mortality per run, not per chunk and strategy;
a curve's survival once per point when its clock steps by one cycle."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from hecon.engine.compiler import compile_model
from hecon.engine.context import BlockContext, cohort_mortality
from hecon.methods.lifetable import bundled_lifetable, cohort_death_probability
from hecon.model.spec import Parameter, SurvivalCurve, Transition
from tests.models import two_state_model


def test_cohort_mortality_is_computed_once_and_laid_out_for_the_engine():
    table = bundled_lifetable("nl_cbs_2019")
    male = np.array([0.6])
    first = cohort_mortality(table, 60.0, male, 7 / 365.25, 100)
    again = cohort_mortality(table, 60.0, np.array([0.6]), 7 / 365.25, 100)
    assert again is first  # the same inputs give the same array, computed once
    assert first.shape == (100, 1, 1) and not first.flags.writeable
    expected = cohort_death_probability(table, 60.0, male, 7 / 365.25, 100)  # (1, 100)
    assert np.array_equal(first[:, 0, 0], expected[0])
    other = cohort_mortality(table, 60.0, np.array([0.4]), 7 / 365.25, 100)
    assert other is not first and not np.array_equal(other, first)
    sampled = cohort_mortality(table, 60.0, np.array([0.2, 0.9]), 7 / 365.25, 100)
    assert sampled.shape == (100, 1, 2)
    assert np.array_equal(sampled[:, 0, 1], cohort_death_probability(table, 60.0, 0.9, 7 / 365.25, 100))


def _weibull_context(scales: list[float], t0: int, t1: int) -> BlockContext:
    """A block of a two-state model with annual cycles and a Weibull curve (shape 1.5, scale
    drawn per sample) whose event probability drives the transition."""
    spec = replace(
        two_state_model(),
        transitions=(Transition("Alive", "Dead", "surv_prob(pfs)"), Transition("Alive", "Alive", "#")),
        survival_curves=(SurvivalCurve("pfs", "weibull", {"shape": 1.5, "scale": "lam"}),),
        parameters=(*two_state_model().parameters, Parameter("lam", 4.0)),
    )
    model = compile_model(spec)
    return BlockContext(model, model.strategies[0], {"lam": np.array(scales)}, t0, t1, {})


def test_event_probability_on_a_clock_that_steps_by_one_matches_the_closed_form():
    # the end of one cycle is the start of the next, so S is evaluated once per point; the
    # result must be the closed form 1 - S(k + 1) / S(k), S(t) = exp(-(t / scale)^1.5), t in
    # years (annual cycles), as on a clock that does not step by one (evaluated twice)
    scales = [4.0, 7.5]
    ctx = _weibull_context(scales, 3, 8)
    stepping = ctx.curve_event_probability("pfs", ctx.value("model_time"))  # cycles 3..8
    jumping = ctx.curve_event_probability("pfs", np.array([3.0, 5.0, 4.0]).reshape(-1, 1, 1))
    for s, scale in enumerate(scales):
        for k in range(3, 9):
            expected = 1 - math.exp(-(((k + 1) / scale) ** 1.5)) / math.exp(-((k / scale) ** 1.5))
            assert stepping[k - 3, 0, s] == pytest.approx(expected, rel=1e-12)
        for row, k in enumerate((3, 5, 4)):
            assert jumping[row, 0, s] == stepping[k - 3, 0, s]  # the same times, the same value
    assert stepping.shape == (6, 1, 2)


def test_cohort_mortality_keeps_at_most_its_byte_bound_of_sampled_entries(monkeypatch):
    # a sampled share of men gives one (points x samples) entry per PSA chunk: the cache must
    # not grow with the number of chunks, and keeps the newest entry for the chunk's strategies
    from hecon.engine import context

    monkeypatch.setattr(context, "_GP_MORTALITY", type(context._GP_MORTALITY)())
    monkeypatch.setattr(context, "_GP_MORTALITY_BYTES", 100_000)  # two entries of 100 x 50 x 8 = 40,000 bytes
    table = bundled_lifetable("nl_cbs_2019")
    rng = np.random.default_rng(1)
    for _ in range(5):
        newest = cohort_mortality(table, 60.0, rng.uniform(0.3, 0.7, 50), 7 / 365.25, 100)
        assert newest.nbytes == 40_000
        assert sum(entry[1].nbytes for entry in context._GP_MORTALITY.values()) <= 100_000
    assert len(context._GP_MORTALITY) == 2
    assert next(reversed(context._GP_MORTALITY.values()))[1] is newest
