"""The survival-evidence worked example: a partitioned-survival model waiting for its curves.

A two-state (alive, dead) partitioned-survival model of pembrolizumab plus chemotherapy
versus placebo plus chemotherapy in metastatic non-small-cell lung cancer, whose overall-
survival curves are *not* in the model: they come from the published Kaplan–Meier figure of
KEYNOTE-189 (Gandhi et al., N Engl J Med 2018;378:2078-92, Figure 1A; ``inputs/km_example/``)
through the README's workflow:

    hecon reconstruct-ipd (Guyot) -> hecon fit-survival --into this workbook --use weibull
    -> hecon validate -> hecon run --psa

The Partitions sheet names the curves that ``hecon fit-survival --name os`` writes
(``os_<arm>_<distribution>``), so the workbook reports them as unknown until the fit has put
them (and their mvnormal PSA rows) in. Costs and utilities are assumptions chosen only to make
the workflow produce a report (tag A): this is not a cost-effectiveness analysis of
KEYNOTE-189, and its results are not for decisions.

``python -m hecon.examples.keynote189 OUT.xlsx`` writes the workbook; the committed copy is
``inputs/km_example/keynote189_model.xlsx`` (a test checks that the two agree).
"""

from __future__ import annotations

import sys

from hecon.model.spec import (
    ANY_STATE,
    PARTITIONED_SURVIVAL,
    Distribution,
    ModelSpec,
    Parameter,
    Partition,
    Settings,
    State,
    Strategy,
    TransitionReward,
)

PEMBROLIZUMAB = "Pembrolizumab + chemotherapy"
PLACEBO = "Placebo + chemotherapy"
#: The curves ``hecon fit-survival --name os --use weibull`` writes for the two arms of the example data.
CURVES = {PEMBROLIZUMAB: "os_pembrolizumab_combination_weibull", PLACEBO: "os_placebo_combination_weibull"}

_A = "A: assumption for the worked example only (not a sourced value)"
_TRIAL = "KEYNOTE-189 (Gandhi et al., N Engl J Med 2018;378:2078-92)"


def keynote189_model() -> ModelSpec:
    """The workflow example's model, without its survival curves (see the module docs)."""
    parameters = (
        Parameter(
            "u_alive",
            0.70,
            "QALY weight",
            "Utility while alive (progression not modelled)",
            _A,
            Distribution("beta", {"mean": 0.70, "se": 0.05}),
        ),
        Parameter(
            "c_pembrolizumab",
            6000.0,
            "EUR per month",
            "Pembrolizumab per month on treatment (200 mg every 3 weeks)",
            _A,
            Distribution("gamma", {"mean": 6000.0, "se": 600.0}),
        ),
        Parameter(
            "treatment_years",
            2.0,
            "years",
            "Maximum duration of pembrolizumab (35 cycles of 3 weeks)",
            f"{_TRIAL}: up to 35 cycles",
        ),
        Parameter(
            "c_care",
            1500.0,
            "EUR per month",
            "Chemotherapy, monitoring and supportive care while alive, both arms",
            _A,
            Distribution("gamma", {"mean": 1500.0, "se": 300.0}),
        ),
        Parameter("c_terminal", 8000.0, "EUR", "Care in the last months of life", _A),
        Parameter("on_pembrolizumab", 0.0, "0/1", "1 in the pembrolizumab strategy", _A),
    )
    states = (
        State(
            "Alive",
            utility="u_alive",
            costs={
                "drug": "on_pembrolizumab * c_pembrolizumab * (model_years < treatment_years)",
                "care": "c_care",
            },
            flags=frozenset({"on_treatment"}),
            description="Alive, with or without progression",
        ),
        State("Dead", flags=frozenset({"dead"}), description="Dead"),
    )
    strategies = (
        Strategy(PEMBROLIZUMAB, {"on_pembrolizumab": 1.0}, "Pembrolizumab with pemetrexed and platinum"),
        Strategy(PLACEBO, description="Placebo with pemetrexed and platinum"),
    )
    partitions = tuple(
        row
        for strategy, curve in CURVES.items()
        for row in (
            Partition("Alive", f"surv({curve}, model_years)", strategy, f"Overall survival, {curve} (fitted)"),
            Partition("Dead", "#", strategy),
        )
    )
    return ModelSpec(
        settings=Settings(
            cycle_length_days=365.25 / 12,
            horizon_years=15.0,
            start_age=64.0,
            discount_rate_costs=0.03,
            discount_rate_effects=0.015,
            within_cycle="half-cycle",
            currency="EUR",
            price_year=2024,
            comparator=PLACEBO,
            structure=PARTITIONED_SURVIVAL,
        ),
        states=states,
        transitions=(),
        strategies=strategies,
        parameters=parameters,
        transition_rewards=(TransitionReward("Dead", "c_terminal", "cost", "terminal care", ANY_STATE),),
        title="KEYNOTE-189 survival workflow example (illustrative)",
        description="Partitioned survival on overall survival curves fitted to the reconstructed KEYNOTE-189 "
        "Kaplan-Meier data; costs and utilities are assumptions for the worked example, not for decisions.",
        assumptions=(
            "Limitation: costs and utilities are illustrative assumptions; only the survival curves come from data.",
            "Limitation: progression is not modelled (overall survival only).",
        ),
        partitions=partitions,
    )


def main(argv: list[str]) -> int:
    from hecon.workbook.writer import write_workbook

    if len(argv) != 1:
        print("usage: python -m hecon.examples.keynote189 OUT.xlsx", file=sys.stderr)
        return 2
    write_workbook(keynote189_model(), argv[0])
    print(f"wrote {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
