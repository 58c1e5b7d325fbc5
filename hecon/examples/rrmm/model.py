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
    care_costs,
    cart,
    costs,
    decision,
    derived,
    fitted,
    indexation,
    partitioned,
    patient_time,
    redosing,
    rwpc,
    scenarios,
    sequences,
    settings,
    states,
    strategies,
    subgroups,
    subsequent,
    survival,
    transitions,
    unrelated_costs,
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
        + patient_time.parameters()
        + subgroups.parameters()
        # issue 13: indexation, costs, sequences
        + indexation.parameters()
        + care_costs.parameters()
        + unrelated_costs.parameters()
        + subsequent.parameters()
        + sequences.parameters()
        + partitioned.parameters()
    )


def rrmm_model() -> ModelSpec:
    """The RRMM example model (see :mod:`hecon.examples.rrmm`)."""
    model_states, start_rewards = states.one_off_at_start(states.states() + sequences.states())
    st_rewards = transitions.rewards() + care_costs.rewards() + subsequent.rewards() + sequences.rewards()
    return ModelSpec(
        settings=settings.model_settings(),
        states=model_states,
        transitions=sequences.route_progressions(transitions.transitions()) + sequences.transitions(),
        strategies=strategies.strategies() + sequences.strategies(),
        parameters=parameters(),
        initial=strategies.initial(),
        # every reward on a transition from one state is state-transition only; the partitioned
        # version values the same events on entries into states (hecon.examples.rrmm.partitioned)
        transition_rewards=partitioned.state_transition_only(start_rewards + st_rewards)
        + partitioned.rewards(st_rewards),
        survival_curves=survival.curves() + partitioned.curves(),
        partitions=partitioned.partitions(),
        life_tables=settings.life_tables(),
        schedules=bispecifics.schedules(),
        scenarios=scenarios.scenarios(),
        utility_norms=utilities.utility_norms(),
        thresholds=scenarios.thresholds(),
        title="RRMM after >= 3 prior lines: one-time CAR-T vs weekly bispecifics vs annual CAR-T re-dosing vs "
        "physician's choice, and the sequences CAR-T then bispecific and bispecific then CAR-T (Netherlands)",
        description="Cost-utility and treatment-burden model, societal perspective, lifetime horizon, 2024 euros, "
        "weekly cycles.",
        assumptions=assumptions.ASSUMPTIONS,
        survival_points=survival.survival_points(),
        budget=decision.budget(),
        cost_perspectives=decision.COST_PERSPECTIVES,
        evppi_groups=decision.evppi_groups(),
        subgroups=subgroups.subgroups(),
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
