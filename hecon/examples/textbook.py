"""The textbook example: a Sick-Sicker-shaped four-state model with four strategies.

The same model as ``tests/models.py::textbook_model`` (same numbers, so the test suite's
hand-written reference calculation applies to it), with units, descriptions and sources
added so that ``hecon template --example textbook`` shows a documented workbook.

Shaped like the Sick-Sicker model of Alarid-Escudero et al., "A Tutorial on Time-Dependent
Cohort State-Transition Models in R Using a Cost-Effectiveness Analysis Example", Med Decis
Making 2023;43(1):21-41. The numbers are illustrative and the life table is synthetic
(qx = 0.005 x 1.08^(age - 60) for men, 0.6 x that for women): do not use the results for
decisions. The PSA distributions (mean = the base value, illustrative standard errors) make
``hecon run --psa 1000 --dsa`` demonstrate the uncertainty analyses.
"""

from __future__ import annotations

from hecon.model.spec import (
    Distribution,
    LifeTable,
    ModelSpec,
    Parameter,
    Settings,
    State,
    Strategy,
    Transition,
    TransitionReward,
)

AGES = tuple(range(60, 111))
QX_MALE = tuple(min(1.0, 0.005 * 1.08 ** (a - 60)) for a in AGES)
QX_FEMALE = tuple(min(1.0, 0.003 * 1.08 ** (a - 60)) for a in AGES)

_SRC = "Illustrative value, shaped like Sick-Sicker (Alarid-Escudero et al., Med Decis Making 2023;43:21-41)"


def textbook_model(within_cycle: str = "simpson", horizon_years: float = 40.0) -> ModelSpec:
    """Four states (H, S1 with a 3-cycle tunnel, S2, D), four strategies, age-dependent
    background mortality, a state-residence-dependent transition, transition rewards."""

    def p(
        name: str, value: float, unit: str, description: str, kind: str | None = None, se: float | None = None
    ) -> Parameter:
        """A parameter; with ``kind`` and ``se`` it gets a PSA distribution with mean = value
        (method of moments) and is varied in the one-way sensitivity analysis between the
        distribution's 2.5% and 97.5% quantiles."""
        dist = Distribution(kind, {"mean": value, "se": se}) if kind else None
        return Parameter(name, value, unit, description, _SRC, dist, dsa=kind is not None)

    parameters = (
        p("p_HS1", 0.15, "per cycle", "Probability of becoming sick when healthy", "beta", 0.025),
        p("p_S1H", 0.5, "per cycle", "Probability of recovering to healthy when sick"),
        p(
            "r_S1S2",
            0.105,
            "per year",
            "Rate of becoming sicker when sick, in the first year of sickness",
            "gamma",
            0.02,
        ),
        p("slope_S1S2", 0.3, "per cycle in S1", "Relative increase of r_S1S2 per cycle spent sick"),
        p("hr_S1", 3.0, "hazard ratio", "Hazard ratio of death when sick vs healthy", "lognormal", 0.2),
        p("hr_S2", 10.0, "hazard ratio", "Hazard ratio of death when sicker vs healthy", "lognormal", 1.0),
        p("hr_trt", 1.0, "hazard ratio", "Effect of treatment on becoming sicker (1 = none)"),
        p("c_H", 2000.0, "EUR per cycle", "Cost of a year in good health", "gamma", 200.0),
        p("c_S1", 4000.0, "EUR per cycle", "Cost of a year sick", "gamma", 300.0),
        p("c_S2", 15000.0, "EUR per cycle", "Cost of a year sicker", "gamma", 1000.0),
        p("c_trt", 0.0, "EUR per cycle", "Cost of a year of treatment (strategy-specific)"),
        p("c_death", 10000.0, "EUR", "One-off cost of dying (terminal care)", "gamma", 1500.0),
        p("u_H", 1.0, "QALY weight", "Utility when healthy"),
        p("u_S1", 0.75, "QALY weight", "Utility when sick", "beta", 0.05),
        p("u_S2", 0.5, "QALY weight", "Utility when sicker", "beta", 0.05),
        p("u_trtA", 0.95, "QALY weight", "Utility when sick and treated with A", "beta", 0.02),
        p("du_diagnosis", 0.05, "QALY", "One-off QALY loss on falling sick", "beta", 0.01),
    )
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}, flags=frozenset({"healthy"}), description="Healthy"),
        State(
            "S1",
            utility="u_S1",
            costs={"care": "c_S1", "treatment": "c_trt"},
            tunnel=3,
            flags=frozenset({"on_treatment"}),
            description="Sick; 3-cycle tunnel tracks time since falling sick",
        ),
        State(
            "S2",
            utility="u_S2",
            costs={"care": "c_S2", "treatment": "c_trt"},
            flags=frozenset({"on_treatment"}),
            description="Sicker",
        ),
        State("D", flags=frozenset({"dead"}), description="Dead"),
    )
    T = Transition
    transitions = (
        T("H", "S1", "p_HS1"),
        T("H", "D", "gp_mort()"),
        T("H", "H", "#"),
        T("S1", "H", "p_S1H"),
        T("S1", "S2", "rate_to_prob(r_S1S2 * (1 + slope_S1S2 * state_time) * hr_trt, cycle_years)"),
        T("S1", "D", "apply_hr(gp_mort(), hr_S1)"),
        T("S1", "S1", "#"),
        T("S2", "D", "apply_hr(gp_mort(), hr_S2)"),
        T("S2", "S2", "#"),
    )
    strategies = (
        Strategy("SoC", description="Standard of care"),
        Strategy("A", {"u_S1": "u_trtA", "c_trt": 12000.0}, "Treatment A: better quality of life when sick"),
        Strategy("B", {"hr_trt": 0.6, "c_trt": 13000.0}, "Treatment B: slower progression to sicker"),
        Strategy("AB", {"u_S1": "u_trtA", "hr_trt": 0.6, "c_trt": 25000.0}, "Treatments A and B combined"),
    )
    rewards = (
        TransitionReward("D", "c_death", kind="cost", name="terminal"),
        TransitionReward("S1", "-du_diagnosis", kind="qaly", from_state="H"),
        TransitionReward("S2", 1.0, kind="count", name="progressions"),
    )
    settings = Settings(
        cycle_length_days=365.25,
        horizon_years=horizon_years,
        start_age=60.0,
        proportion_male=0.5,
        discount_rate_costs=0.03,
        discount_rate_effects=0.015,
        within_cycle=within_cycle,
    )
    table = LifeTable("synthetic", AGES, QX_MALE, QX_FEMALE, "synthetic test table")
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"H": 1.0},
        transition_rewards=rewards,
        life_tables=(table,),
        title="Textbook test model",
        description="A Sick-Sicker-shaped cohort model with illustrative numbers, to show how a workbook is laid out.",
        assumptions=(
            "Treatment affects the sick states only; healthy people are not treated.",
            "Background mortality follows a synthetic life table; sickness multiplies its hazard.",
            "The numbers are illustrative and not for decision making.",
        ),
    )
