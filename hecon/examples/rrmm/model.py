"""Assemble the RRMM example's ModelSpec from the topic modules, and write its workbook
(``python -m hecon.examples.rrmm PATH``).

Sources: none of its own; every input comes from a topic module with its source.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hecon.examples.rrmm import (
    assumptions,
    bispecifics,
    cart,
    costs,
    derived,
    fitted,
    redosing,
    rwpc,
    scenarios,
    settings,
    states,
    strategies,
    survival,
    transitions,
    utilities,
)
from hecon.model.spec import ModelSpec, Parameter


def parameters() -> tuple[Parameter, ...]:
    """The Parameters sheet: the topic modules' rows, in this order."""
    return tuple(
        settings.parameters()
        + strategies.parameters()
        + rwpc.parameters()
        + cart.parameters()
        + redosing.parameters()
        + bispecifics.parameters()
        + costs.parameters()
        + utilities.parameters()
        + derived.parameters()
        + fitted.parameters()
    )


def rrmm_model() -> ModelSpec:
    """The RRMM example model (see :mod:`hecon.examples.rrmm`)."""
    model_states, start_rewards = states.one_off_at_start(states.states())
    return ModelSpec(
        settings=settings.model_settings(),
        states=model_states,
        transitions=transitions.transitions(),
        strategies=strategies.strategies(),
        parameters=parameters(),
        initial=strategies.initial(),
        transition_rewards=start_rewards + transitions.rewards(),
        survival_curves=survival.curves(),
        life_tables=settings.life_tables(),
        schedules=bispecifics.schedules(),
        scenarios=scenarios.scenarios(),
        utility_norms=utilities.utility_norms(),
        thresholds=scenarios.thresholds(),
        title="RRMM after >= 3 prior lines: one-time CAR-T vs weekly bispecifics vs annual CAR-T re-dosing vs "
        "physician's choice (Netherlands)",
        description="Cost-utility and treatment-burden model, societal perspective, lifetime horizon, 2024 euros, "
        "weekly cycles.",
        assumptions=assumptions.ASSUMPTIONS,
        survival_points=survival.survival_points(),
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m hecon.examples.rrmm PATH``: write the example workbook to PATH."""
    from hecon.workbook import write_workbook

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m hecon.examples.rrmm PATH.xlsx", file=sys.stderr)
        return 2
    path = Path(args[0])
    write_workbook(rrmm_model(), path)
    print(f"wrote {path}")
    return 0
