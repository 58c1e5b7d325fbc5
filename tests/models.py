"""Small models shared by the tests, written as ModelSpecs in a few dozen lines."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hecon.spec import (LifeTable, ModelSpec, Parameter, Settings, State, Strategy, Transition,
                        TransitionReward)

AGES = tuple(range(60, 111))
# A synthetic Gompertz-like life table: qx = 0.005 * 1.08^(age - 60) (men), 0.6 x that (women), capped at 1.
QX_MALE = tuple(min(1.0, 0.005 * 1.08 ** (a - 60)) for a in AGES)
QX_FEMALE = tuple(min(1.0, 0.003 * 1.08 ** (a - 60)) for a in AGES)


def textbook_model(within_cycle: str = "simpson", horizon_years: float = 40.0) -> ModelSpec:
    """Four states (H, S1 with a 3-cycle tunnel, S2, D), four strategies, age-dependent
    background mortality, a state-residence-dependent transition, transition rewards.

    Shaped like the Sick-Sicker model of Alarid-Escudero et al. (Med Decis Making 2023),
    with a synthetic life table.
    """
    p = Parameter
    parameters = (
        p("p_HS1", 0.15), p("p_S1H", 0.5), p("r_S1S2", 0.105), p("slope_S1S2", 0.3),
        p("hr_S1", 3.0), p("hr_S2", 10.0), p("hr_trt", 1.0),
        p("c_H", 2000.0), p("c_S1", 4000.0), p("c_S2", 15000.0), p("c_trt", 0.0), p("c_death", 10000.0),
        p("u_H", 1.0), p("u_S1", 0.75), p("u_S2", 0.5), p("u_trtA", 0.95), p("du_diagnosis", 0.05),
    )
    states = (
        State("H", utility="u_H", costs={"care": "c_H"}, flags=frozenset({"healthy"})),
        State("S1", utility="u_S1", costs={"care": "c_S1", "treatment": "c_trt"}, tunnel=3,
              flags=frozenset({"on_treatment"})),
        State("S2", utility="u_S2", costs={"care": "c_S2", "treatment": "c_trt"},
              flags=frozenset({"on_treatment"})),
        State("D", flags=frozenset({"dead"})),
    )
    T = Transition
    transitions = (
        T("H", "S1", "p_HS1"), T("H", "D", "gp_mort()"), T("H", "H", "#"),
        T("S1", "H", "p_S1H"),
        T("S1", "S2", "rate_to_prob(r_S1S2 * (1 + slope_S1S2 * state_time) * hr_trt, cycle_years)"),
        T("S1", "D", "apply_hr(gp_mort(), hr_S1)"), T("S1", "S1", "#"),
        T("S2", "D", "apply_hr(gp_mort(), hr_S2)"), T("S2", "S2", "#"),
    )
    strategies = (
        Strategy("SoC"),
        Strategy("A", {"u_S1": "u_trtA", "c_trt": 12000.0}),
        Strategy("B", {"hr_trt": 0.6, "c_trt": 13000.0}),
        Strategy("AB", {"u_S1": "u_trtA", "hr_trt": 0.6, "c_trt": 25000.0}),
    )
    rewards = (
        TransitionReward("D", "c_death", kind="cost", name="terminal"),
        TransitionReward("S1", "-du_diagnosis", kind="qaly", from_state="H"),
        TransitionReward("S2", 1.0, kind="count", name="progressions"),
    )
    settings = Settings(cycle_length_days=365.25, horizon_years=horizon_years, start_age=60.0,
                        proportion_male=0.5, discount_rate_costs=0.03, discount_rate_effects=0.015,
                        within_cycle=within_cycle)
    table = LifeTable("synthetic", AGES, QX_MALE, QX_FEMALE, "synthetic test table")
    return ModelSpec(settings, states, transitions, strategies, parameters, initial={"H": 1.0},
                     transition_rewards=rewards, life_tables=(table,), title="Textbook test model")


def reference_textbook(spec: ModelSpec, strategy: str) -> dict[str, float]:
    """Independent, naive calculation of :func:`textbook_model` with dense matrices and loops.

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
    gp = [1 - (m * surv_m[k + 1] + (1 - m) * surv_f[k + 1]) / (m * surv_m[k] + (1 - m) * surv_f[k])
          for k in range(T + 1)]
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
    dc, de = 1.03 ** -t, 1.015 ** -t
    mid = np.arange(T) + 0.5
    return {
        "total_costs": float(np.sum(w * dc * (trace @ cost)) + np.sum(terminal * 1.03 ** -mid)),
        "total_costs_undiscounted": float(np.sum(w * (trace @ cost)) + terminal.sum()),
        "qalys": float(np.sum(w * de * (trace @ util)) + np.sum(diag * 1.015 ** -mid)),
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
