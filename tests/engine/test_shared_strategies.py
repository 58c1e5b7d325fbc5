"""Strategies run together over a chunk (hecon.engine.run.simulate_strategies), sharing the values
they have in common, give each strategy's results of a run on its own, bit for bit, and refuse a
sampled value that breaks the model as the run on its own refuses it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hecon.engine import run as engine
from hecon.engine.compiler import compile_model
from hecon.model.distributions import draw_parameters
from hecon.model.problems import ModelError
from hecon.model.spec import Parameter, Strategy
from tests.models import rich_model, two_state_model, with_settings

FIELDS = ("discounted", "undiscounted", "trace_sum", "per_cycle_sum", "crossings")


def _rich_over_years():
    """The rich model (own drug price and utility in 'New', u_pd read through the overridden
    u_pfs, a sampled share of men read by gp_mort, curves with a sampled scale) over 10 years of
    monthly cycles, so that the run has several blocks."""
    spec = rich_model()
    return with_settings(spec, horizon_years=10.0, within_cycle="half-cycle", cycle_weights=None)


@pytest.mark.parametrize("keep_cycles", [False, True])
def test_strategies_run_together_equal_each_run_alone(monkeypatch, keep_cycles):
    monkeypatch.setattr(engine, "MAX_BLOCK_VALUES", 52 * 9)  # 9 samples: blocks of 52 cycles
    model = compile_model(_rich_over_years())
    assert model.n_cycles > 2 * engine.block_length(9)
    samples = draw_parameters(model.spec.parameters, 9, 11)
    together = engine.simulate_strategies(model, samples, 9, keep_cycles)
    assert len(together) == len(model.strategies) == 2
    for i, result in enumerate(together):
        alone = engine.simulate_chunk(model, i, samples, 9, keep_cycles=keep_cycles)
        for field in FIELDS:
            np.testing.assert_array_equal(getattr(result, field), getattr(alone, field), err_msg=field)
    # the strategies differ where their own values enter (not one strategy's values given to both)
    assert not np.array_equal(together[0].discounted, together[1].discounted)


def test_progress_is_counted_block_by_block(monkeypatch):
    """One step per block of cycles of each strategy (120 monthly cycles in blocks of 52: 3 each)."""
    monkeypatch.setattr(engine, "MAX_BLOCK_VALUES", 52 * 9)
    model = compile_model(_rich_over_years())
    assert model.n_cycles == 120
    counted: list[int] = []
    engine.simulate_strategies(model, draw_parameters(model.spec.parameters, 9, 11), 9, False, counted.append)
    assert counted == [1] * 6 and engine.strategies_steps(model, 9) == 6


def _failing_at(cycle_a: int, cycle_b: int):
    """Two strategies whose probability p becomes 1.5 from a cycle of their own."""
    spec = two_state_model(cycle_length_days=7.0, horizon_years=5.0)
    return replace(
        spec,
        parameters=(*spec.parameters, Parameter("bad", 1.5)),
        strategies=(
            Strategy("A", {"p": f"if_else(model_time >= {cycle_a}, bad, 0.01)"}),
            Strategy("B", {"p": f"if_else(model_time >= {cycle_b}, bad, 0.01)"}),
        ),
    )


@pytest.mark.parametrize(("cycle_a", "cycle_b"), [(200, 3), (3, 200), (10**6, 3)])
def test_a_sampled_value_that_breaks_a_strategy_is_refused_as_in_a_run_alone(monkeypatch, cycle_a, cycle_b):
    """The first failing strategy's problem, located at its cycle, even when a later strategy fails
    in an earlier block; a sample's value of 1.5 is refused with the sample named."""
    monkeypatch.setattr(engine, "MAX_BLOCK_VALUES", 52 * 3)
    model = compile_model(_failing_at(cycle_a, cycle_b))
    samples = {"bad": np.array([0.5, 1.5, 0.7])}
    with pytest.raises(ModelError) as together:
        engine.simulate_strategies(model, samples, 3)
    first = 0 if cycle_a < model.n_cycles else 1
    with pytest.raises(ModelError) as alone:
        engine.simulate_chunk(model, first, samples, 3)
    assert str(together.value) == str(alone.value)
    cycle = min(cycle_a, cycle_b) if first == 1 else cycle_a
    assert str(together.value).startswith(
        f"strategy '{'AB'[first]}', transition Alive -> Dead, cycle {cycle}, sample 1: probability 1.5 ('p') "
        "is outside [0, 1]"
    )
