"""Models shared by the tests, written as ModelSpecs: the textbook model with its naive reference
calculation, a two-state model, the rich model that uses every workbook sheet, and the full model
that uses every report section. tests/conftest.py wraps the costly uses in session fixtures."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hecon.examples.textbook import AGES, QX_FEMALE, QX_MALE, textbook_model
from hecon.model.spec import (
    START,
    Distribution,
    LifeTable,
    ModelSpec,
    Parameter,
    Partition,
    Scenario,
    Schedule,
    ScheduleSegment,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    SurvivalPoint,
    ThresholdQuery,
    Transition,
    TransitionReward,
    UtilityNorm,
)

__all__ = [
    "AGES",
    "both_structures_model",
    "CHEAP_A",
    "FULL_MODEL_STRATEGIES",
    "QX_FEMALE",
    "QX_MALE",
    "full_model",
    "reference_textbook",
    "rich_model",
    "textbook_model",
    "two_state_model",
    "with_settings",
]

#: The textbook scenario most tests run: strategy A's treatment at half price.
CHEAP_A = Scenario("cheap A", {"c_trt[A]": 6000.0}, "A at half price")

#: The strategies of :func:`full_model`.
FULL_MODEL_STRATEGIES = ("Standard care", "One-off therapy", "Continuous therapy")


def reference_textbook(spec: ModelSpec, strategy: str) -> dict[str, float]:
    """Independent, naive calculation of :func:`hecon.examples.textbook.textbook_model` (a
    Sick-Sicker-shaped model: H, S1 with a 3-cycle tunnel, S2, D; four strategies; synthetic
    life table) with dense matrices and loops.

    Written from the model description above, not from hecon's engine.
    """
    s = spec.settings
    T = s.n_cycles
    par = {p.name: float(p.value) for p in spec.parameters}
    over = {st.name: st.parameters for st in spec.strategies}[strategy]
    for k, v in over.items():
        par[k] = par[v] if isinstance(v, str) else float(v)
    # background mortality of the mixed cohort (yearly cycles: p = qx at the integer age)
    m = 0.5
    surv_m, surv_f = [1.0], [1.0]
    for k in range(T + 1):
        idx = min(k, len(AGES) - 1)
        surv_m.append(surv_m[-1] * (1 - QX_MALE[idx]))
        surv_f.append(surv_f[-1] * (1 - QX_FEMALE[idx]))
    gp = [
        1 - (m * surv_m[k + 1] + (1 - m) * surv_f[k + 1]) / (m * surv_m[k] + (1 - m) * surv_f[k]) for k in range(T + 1)
    ]
    # expanded states: 0 H, 1-3 S1[0..2], 4 S2, 5 D
    trace = np.zeros((T + 1, 6))
    trace[0, 0] = 1.0
    terminal, diag, progressions = np.zeros(T), np.zeros(T), np.zeros(T)
    for k in range(T):
        P = np.zeros((6, 6))
        P[0, 1] = par["p_HS1"]
        P[0, 5] = gp[k]
        P[0, 0] = 1 - P[0, 1] - P[0, 5]
        for j in range(3):
            i = 1 + j
            P[i, 0] = par["p_S1H"]
            P[i, 4] = 1 - np.exp(-par["r_S1S2"] * (1 + par["slope_S1S2"] * j) * par["hr_trt"])
            P[i, 5] = 1 - (1 - gp[k]) ** par["hr_S1"]
            P[i, min(i + 1, 3)] += 1 - P[i, 0] - P[i, 4] - P[i, 5]
        P[4, 5] = 1 - (1 - gp[k]) ** par["hr_S2"]
        P[4, 4] = 1 - P[4, 5]
        P[5, 5] = 1.0
        trace[k + 1] = trace[k] @ P
        flow = trace[k][:, None] * P
        terminal[k] = flow[:5, 5].sum() * par["c_death"]
        diag[k] = -flow[0, 1] * par["du_diagnosis"]
        progressions[k] = flow[1:4, 4].sum()
    util = np.array([par["u_H"]] + [par["u_S1"]] * 3 + [par["u_S2"], 0.0])
    cost = np.array([par["c_H"]] + [par["c_S1"] + par["c_trt"]] * 3 + [par["c_S2"] + par["c_trt"], 0.0])
    alive = np.array([1, 1, 1, 1, 1, 0.0])
    # Simpson's 1/3 weights for an even number of cycles, written out by hand
    assert T % 2 == 0
    w = np.array([1.0] + [4.0 if k % 2 else 2.0 for k in range(1, T)] + [1.0]) / 3.0
    t = np.arange(T + 1) * 1.0
    dc, de = 1.03**-t, 1.015**-t
    mid = np.arange(T) + 0.5
    return {
        "total_costs": float(np.sum(w * dc * (trace @ cost)) + np.sum(terminal * 1.03**-mid)),
        "total_costs_undiscounted": float(np.sum(w * (trace @ cost)) + terminal.sum()),
        "qalys": float(np.sum(w * de * (trace @ util)) + np.sum(diag * 1.015**-mid)),
        "qalys_undiscounted": float(np.sum(w * (trace @ util)) + diag.sum()),
        "lys": float(np.sum(w * de * (trace @ alive))),
        "lys_undiscounted": float(np.sum(w * (trace @ alive))),
        "progressions": float(progressions.sum()),
        "trace": trace,
    }


def two_state_model(**settings: object) -> ModelSpec:
    """Alive -> Dead with a constant probability: the simplest closed-form check."""
    base = dict(cycle_length_days=365.25, horizon_years=10.0, within_cycle="none")
    base.update(settings)
    return ModelSpec(
        Settings(**base),  # type: ignore[arg-type]
        states=(State("Alive", utility="u", costs={"care": "c"}), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("only"),),
        parameters=(Parameter("p", 0.1), Parameter("u", 0.8), Parameter("c", 1000.0)),
    )


def with_settings(spec: ModelSpec, **changes: object) -> ModelSpec:
    return replace(spec, settings=replace(spec.settings, **changes))


def both_structures_model(os_rate_new: float = 0.15) -> ModelSpec:
    """Three states, two strategies, yearly cycles: a Markov version (constant yearly
    probabilities) and a partitioned-survival version (shared exponential PFS and OS curves;
    strategy New's own rows: PFS^0.7 and its own OS curve)."""
    return ModelSpec(
        settings=Settings(cycle_length_days=365.25, horizon_years=20.0, within_cycle="half-cycle"),
        states=(
            State("PF", utility=0.8, costs={"care": 100.0}),
            State("PD", utility=0.5, costs={"care": 300.0}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("PF", "PD", 0.2),
            Transition("PF", "Dead", 0.05),
            Transition("PF", "PF", "#"),
            Transition("PD", "Dead", 0.3),
            Transition("PD", "PD", "#"),
        ),
        strategies=(Strategy("Old"), Strategy("New")),
        survival_curves=(
            SurvivalCurve("pfs", "exp", {"rate": 0.3}),
            SurvivalCurve("os", "exp", {"rate": 0.2}),
            SurvivalCurve("os_new", "exp", {"rate": os_rate_new}),
        ),
        partitions=(
            Partition("PF", "surv(pfs, model_years)", description="PFS, exponential"),
            Partition("PD", "surv(os, model_years)"),
            Partition("Dead", "#"),
            Partition("PF", "surv(pfs, model_years) ^ 0.7", "New", "PFS with hazard ratio 0.7"),
            Partition("PD", "surv(os_new, model_years)", "New"),
            Partition("Dead", "#", "New"),
        ),
    )


def both_structures_with_uncertainty() -> ModelSpec:
    """:func:`both_structures_model` with a cost (gamma) and a utility (beta) drawn, so that a run
    has a PSA of each structure and their pooled summaries."""
    spec = both_structures_model()
    states = tuple(
        replace(s, costs={"care": "c_pd"}) if s.name == "PD" else replace(s, utility="u_pf") if s.name == "PF" else s
        for s in spec.states
    )
    return replace(
        spec,
        states=states,
        parameters=(
            Parameter("c_pd", 300.0, distribution=Distribution("gamma", {"mean": 300.0, "se": 60.0})),
            Parameter("u_pf", 0.8, distribution=Distribution("beta", {"mean": 0.8, "se": 0.05})),
        ),
    )


def rich_model() -> ModelSpec:
    """A model using every part of the workbook: survival curves, schedules, scenarios, every kind of
    PSA distribution, a life table, transition rewards, strategy-specific transitions and values."""
    P, D = Parameter, Distribution
    parameters = (
        P(
            "p_male",
            0.57,
            "share",
            "Share of men",
            "CARTITUDE-1 (57/100), illustrative",
            D("beta", {"alpha": 57.0, "beta": 43.0}),
        ),
        P(
            "u_pfs",
            0.78,
            "QALY weight",
            "Utility progression-free",
            "EQ-5D-5L, illustrative",
            D("beta", {"mean": 0.78, "se": 0.03}),
            dsa_low=0.7,
            dsa_high=0.85,
            dsa=True,
        ),
        P("u_pd", "u_pfs - 0.18", "QALY weight", "Utility progressed"),
        P(
            "c_drug",
            12345.67,
            "EUR per administration",
            "Drug price",
            "Z-Index 2024",
            D("gamma", {"mean": 12345.67, "se": 1234.5}),
            dsa=True,
        ),
        P("c_pd", 0.1 + 0.2, "EUR per cycle", "Needs 17 significant digits"),
        P("hr_new", 0.5, "hazard ratio", "Effect of the new drug", "NMA", D("lognormal", {"mean": 0.5, "se": 0.1})),
        P("sd_x", 2.0, distribution=D("normal", {"mean": 2.0, "sd": 0.5})),
        P("tri", 1.0, distribution=D("triangular", {"min": 0.5, "mode": 1.0, "max": 2.0})),
        P("uni", 1.0, distribution=D("uniform", {"min": 0.5, "max": 1.5})),
        P("fix", 3, distribution=D("fixed")),
        P("x1", 0.2, distribution=D("dirichlet", {"alpha": 10.0}, "mix")),
        P("x2", 0.3, distribution=D("dirichlet", {"alpha": 15.0}, "mix")),
        P("x3", 0.5, distribution=D("dirichlet", {"alpha": 25.0}, "mix")),
        P("b0", 2.5, distribution=D("mvnormal", {"mean": 2.5, "cov_b0": 0.04, "cov_b1": 0.001}, "fit")),
        P(
            "b1",
            0.2,
            distribution=D("mvnormal", {"mean": 0.2, "cov_b0": 0.001, "cov_b1": 0.01, "transform": "exp"}, "fit"),
        ),
        P("formula_text", "=u_pfs * 2", description="Starts with '=': must stay text, not become a formula"),
        P("p_pd_death", 0.05, "per cycle", "Death after progression", "Illustrative, with ü and €"),
        P(
            "care_model",
            2,
            "position",
            "Care after progression: 1 as now, 2 with 10% more visits",
            "Illustrative structural assumption",
            D("discrete", {"as_now": 0.25, "more_visits": 0.75}),
            dsa_low=1,
            dsa_high=2,
            dsa=True,
        ),
    )
    states = (
        State(
            "PFS",
            "u_pfs",
            {"drug": "c_drug * doses(weekly, state_time)", "care": 100.0},
            {"administrations": "doses(weekly, state_time)"},
            frozenset({"on_treatment", "progression_free"}),
            tunnel=4,
            description="Progression-free",
        ),
        State("PD", "u_pd", {"care": "c_pd * if_else(care_model == 2, 1.1, 1)"}, description="Progressed"),
        State("Dead", flags=frozenset({"dead"})),
    )
    transitions = (
        Transition("PFS", "PD", "surv_prob(pfs)"),
        Transition("PFS", "Dead", "gp_mort()"),
        Transition("PFS", "PFS", "#"),
        Transition("PFS", "PD", "surv_prob(pfs_new)", strategy="New"),
        Transition("PD", "Dead", "max(p_pd_death, gp_mort())"),
        Transition("PD", "PD", "#"),
    )
    strategies = (
        Strategy("SoC", description="Standard of care"),
        Strategy("New", {"c_drug": 20000.0, "u_pfs": "0.8"}, "The new drug"),
    )
    rewards = (
        TransitionReward("Dead", 5000.0, "cost", "terminal"),
        TransitionReward("PD", -0.01, "qaly", from_state="PFS", strategy="New"),
        TransitionReward("PD", 1, "count", "progressions", from_state="PFS"),
        TransitionReward("PFS", 1500.0, "cost", "admission", from_state=START),
    )
    curves = (
        SurvivalCurve("pfs", "weibull", {"shape": 1.2, "scale": "exp(b0)"}, "months", source="KM digitised"),
        SurvivalCurve(
            "pfs_new",
            "weibull",
            {"shape": 1.2, "scale": "exp(b0)"},
            "months",
            hazard_ratio="hr_new",
            acceleration_factor=1.1,
            cure_fraction=0.1,
        ),
        SurvivalCurve("os", "gengamma", {"mu": 3.0, "sigma": 0.8, "Q": -0.5}),
    )
    ages = tuple(range(60, 71))
    table = LifeTable(
        "mini",
        ages,
        tuple(0.01 * 1.1 ** (a - 60) for a in ages),
        tuple(0.006 * 1.1 ** (a - 60) for a in ages),
        "made up\nsecond line",
    )
    schedules = (
        Schedule(
            "weekly",
            (ScheduleSegment(0.0, 7.0, 168.0), ScheduleSegment(168.0, 14.0, None, 2.0)),
            "weekly for 24 weeks, then every 2 weeks",
        ),
    )
    scenarios = (
        Scenario(
            "no discounting",
            {"settings.discount_rate_costs": 0.0, "settings.discount_rate_effects": 0.0},
            "Undiscounted",
        ),
        Scenario("cheap", {"c_drug[New]": 15000.0, "hr_new": "0.6"}),
    )
    n = 12  # monthly cycles over one year
    settings = Settings(
        cycle_length_days=30.4375,
        horizon_years=1.0,
        start_age=65.5,
        proportion_male="p_male",
        discount_rate_costs=0.04,
        discount_rate_effects=0.015,
        discount_timing="annual",
        within_cycle="custom",
        cycle_weights=(0.5,) + (1.0,) * (n - 1) + (0.5,),
        life_table="mini",
        currency="EUR",
        price_year=2024,
        wtp=(20000.0, 50000.0),
        seed=7,
        comparator="SoC",
        population_size=1200.0,
        population_years=5.0,
    )
    norms = (
        UtilityNorm(0, 64, "all", 0.9, "Dutch EQ-5D-5L norms (illustrative)"),
        UtilityNorm(65, None, "male", 0.85),
        UtilityNorm(65, None, "female", 0.82),
    )
    thresholds = (ThresholdQuery("c_drug", "New"), ThresholdQuery("c_drug", "New", "SoC", 50000.0, 0.0, 1e6))
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        {"PFS": 0.9, "PD": 0.1},
        rewards,
        curves,
        (table,),
        schedules,
        scenarios,
        "Rich test model",
        "Uses every sheet.",
        ("Assumption one.", "Assumption two, with a comma."),
        norms,
        thresholds,
        survival_points=rich_survival_points(),
    )


def rich_survival_points() -> tuple[SurvivalPoint, ...]:
    """The SurvivalPoints rows of :func:`rich_model`: every kind, CIs with and without an upper
    limit, comparable yes, no and not stated, two time units."""
    S = SurvivalPoint
    return (
        S("SoC", "PFS", "survival", 6.0, 0.62, 0.55, 0.69, "ITT, from randomisation", True, "months", "Trial, Fig 2"),
        S("SoC", "PFS", "median", None, 7.5, 6.1, None, "ITT, from randomisation", True, source="Trial, Table 2"),
        S("SoC", "PFS", "at_risk", 0.0, 120, population="ITT, from randomisation", source="Trial, Fig 2"),
        S("SoC", "PFS", "at_risk", 6.0, 70, population="ITT, from randomisation", source="Trial, Fig 2"),
        S("New", "OS", "survival", 1.0, 0.9 + 0.01, None, None, "treated, from first dose", False, "years", "Ü €"),
        S("New", "OS", "median", None, 0.1 + 0.2, time_unit="years"),
    )


def _p(name, value, unit, description, se=None, kind="gamma", dsa=None):
    dist = Distribution(kind, {"mean": value, "se": se}) if se else None
    low, high = dsa if dsa else (None, None)
    return Parameter(name, value, unit, description, f"Illustrative ({name})", dist, low, high, dsa=bool(se or dsa))


def full_model() -> ModelSpec:
    """Three strategies, monthly cycles, 15 years: an admission, treatment until stop or
    progression, treatment-free remission, progression, death.

    Small, but with every feature the report shows: treatment-burden flags, survival landmarks,
    PSA distributions, DSA ranges, utility norms (disease burden), thresholds, scenarios and
    labelled assumptions (the full test report of tests/report/)."""
    parameters = (
        _p("p_prog", 0.05, "per cycle", "Progression while progression-free", 0.01, "beta"),
        _p("hr_remission", 0.6, "hazard ratio", "Progression in remission vs on treatment", 0.1, "lognormal"),
        _p("p_stop", 0.0, "per cycle", "Stopping treatment without progression"),
        _p("p_death_pd", 0.04, "per cycle", "Death after progression", 0.005, "beta"),
        _p("c_drug", 3000.0, "EUR per cycle", "Drug per cycle on treatment", 300.0),
        _p("c_admission", 20000.0, "EUR per admission", "Admission with the first dose", 2000.0),
        _p("c_product", 0.0, "EUR", "One-off product price", dsa=(0.0, 0.0)),
        _p("c_monitor", 200.0, "EUR per cycle", "Monitoring in remission", 40.0),
        _p("c_pd", 2500.0, "EUR per cycle", "Care after progression", 250.0),
        _p("u_pf", 0.8, "QALY weight", "Progression-free", 0.03, "beta"),
        _p("u_pd", 0.6, "QALY weight", "Progressed", 0.04, "beta"),
        _p("start_admitted", 0.0, "share", "Share starting with an admission"),
        Parameter(
            "remission_model",
            1,
            "position",
            "Progression in remission: 1 durable (hazard ratio), 2 waning (as on treatment)",
            "Illustrative structural assumption",
            Distribution("discrete", {"durable": 0.6, "waning": 0.4}),
            1,
            2,
            dsa=True,
        ),
    )
    states = (
        State(
            "Admission",
            "u_pf - 0.1",
            {"hospital": "c_admission"},
            {"hospital_days": "5"},
            frozenset({"hospitalised", "on_treatment", "progression_free"}),
            description="First dose, admitted",
        ),
        State(
            "OnTx",
            "u_pf",
            {"drug": "c_drug"},
            {"administrations": "4"},
            frozenset({"on_treatment", "progression_free"}),
            description="On treatment",
        ),
        State(
            "Remission",
            "u_pf + 0.03",
            {"monitoring": "c_monitor"},
            {},
            frozenset({"treatment_free", "progression_free"}),
            description="Treatment-free remission",
        ),
        State("Progressed", "u_pd", {"care": "c_pd"}, {}, frozenset(), description="After progression"),
        State("Dead", flags=frozenset({"dead"}), description="Dead"),
    )
    T = Transition
    transitions = (
        T("Admission", "Dead", "gp_mort()"),
        T("Admission", "Progressed", "p_prog"),
        T("Admission", "OnTx", "#"),
        T("OnTx", "Dead", "gp_mort()"),
        T("OnTx", "Progressed", "p_prog"),
        T("OnTx", "Remission", "p_stop"),
        T("OnTx", "OnTx", "#"),
        T("Remission", "Dead", "gp_mort()"),
        T("Remission", "Progressed", "p_prog * if_else(remission_model == 2, 1, hr_remission)"),
        T("Remission", "Remission", "#"),
        T("Progressed", "Dead", "p_death_pd"),
        T("Progressed", "Progressed", "#"),
    )
    strategies = (
        Strategy(FULL_MODEL_STRATEGIES[0], description="Treatment until progression"),
        Strategy(
            FULL_MODEL_STRATEGIES[1],
            {"start_admitted": 1.0, "p_stop": 0.9, "c_product": 150000.0},
            "One admission with a one-off product, then treatment-free",
        ),
        Strategy(FULL_MODEL_STRATEGIES[2], {"c_drug": 4500.0, "p_prog": 0.035}, "A better drug until progression"),
    )
    rewards = (
        TransitionReward("Admission", "c_product", "cost", "drug", START),
        TransitionReward("Dead", 5000.0, "cost", "terminal"),
    )
    settings = Settings(
        cycle_length_days=365.25 / 12,
        horizon_years=15.0,
        start_age=60.0,
        proportion_male=0.5,
        discount_rate_costs=0.03,
        discount_rate_effects=0.015,
        within_cycle="half-cycle",
        currency="EUR",
        price_year=2024,
        population_size=800.0,
        population_years=5.0,
    )
    return ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial={"Admission": "start_admitted", "OnTx": "1 - start_admitted"},
        transition_rewards=rewards,
        life_tables=(LifeTable("synthetic", AGES, QX_MALE, QX_FEMALE, "synthetic test table"),),
        scenarios=(
            Scenario("Cheaper product", {"c_product[One-off therapy]": 100000.0}, "Product at 100,000"),
            Scenario("No discounting", {"settings.discount_rate_costs": 0.0, "settings.discount_rate_effects": 0.0}),
        ),
        title="Report test model <full>",
        description="An illustrative three-strategy model that uses every part of the report.",
        assumptions=(
            "Population: adults aged 60 with an illustrative disease.",
            "Perspective: health-care payer.",
            "Stopping treatment is only possible in the one-off strategy.",
            "Limitation: the numbers are illustrative.",
        ),
        utility_norms=(UtilityNorm(0, None, "all", 0.85, "illustrative norm"),),
        thresholds=(ThresholdQuery("c_product", FULL_MODEL_STRATEGIES[1]),),
        survival_points=full_model_survival_points(),
    )


def full_model_survival_points() -> tuple[SurvivalPoint, ...]:
    """The published points of :func:`full_model`: like for like, not, not stated, a median with
    an open upper limit, numbers at risk, and a point naming no strategy."""
    standard, one_off, continuous = FULL_MODEL_STRATEGIES
    itt = "ITT, from randomisation"
    S = SurvivalPoint
    return (
        S(standard, "PFS", "survival", 12.0, 0.55, 0.45, 0.65, itt, True, source="Illustrative trial, Table 2"),
        S(standard, "OS", "median", None, 30.0, 24.0, None, itt, True, source="Illustrative trial, Figure 3"),
        S(standard, "PFS", "at_risk", 0.0, 200, population=itt, source="Illustrative trial, Figure 2"),
        S(standard, "PFS", "at_risk", 12.0, 100, population=itt, source="Illustrative trial, Figure 2"),
        S(
            one_off,
            "OS",
            "survival",
            2.0,
            0.7,
            0.6,
            0.8,
            "treated patients, from the first dose",
            False,
            "years",
            "Illustrative registry",
        ),
        S(continuous, "OS", "survival", 2.0, 0.7, time_unit="years", source="Illustrative registry"),
        S("No such strategy", "PFS", "survival", 6.0, 0.5, source="x"),
    )
