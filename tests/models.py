"""Small models shared by the tests, written as ModelSpecs in a few dozen lines."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hecon.examples.textbook import AGES, QX_FEMALE, QX_MALE, textbook_model
from hecon.model.spec import ModelSpec, Parameter, Settings, State, Strategy, Transition

__all__ = ["AGES", "QX_FEMALE", "QX_MALE", "reference_textbook", "textbook_model", "two_state_model", "with_settings"]


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
