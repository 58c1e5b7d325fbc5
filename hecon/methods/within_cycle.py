"""Within-cycle correction: weights on the trace points 0..T of a cohort model.

A cohort model knows the state occupancy at the cycle boundaries t_k = k * cycle length,
k = 0..T. Outcomes accrue continuously in between, so totals are a numerical integral
Σ_k w_k f(t_k) in units of cycles (Elbasha & Chhatwal, PharmacoEconomics 2016;34:13-22):

* ``none``       start-of-cycle counting, w = 1 for k = 0..T-1, 0 for k = T
* ``end``        end-of-cycle counting, w = 0 for k = 0, 1 for k = 1..T
* ``half-cycle`` the classic half-cycle correction: half of the first and of the last
                 point; algebraically the trapezoidal rule (Elbasha & Chhatwal show the
                 two coincide), so ``trapezoid`` gives the same weights
* ``trapezoid``  w = 1/2, 1, ..., 1, 1/2
* ``simpson``    Simpson's 1/3 rule, w = (1, 4, 2, 4, ..., 2, 4, 1)/3, for an even number of
                 cycles. For an odd number T >= 3 the first T-3 cycles use Simpson's 1/3 and
                 the last three Simpson's 3/8 (w = 3/8 (1, 3, 3, 1)), which keeps the rule
                 exact for cubic polynomials; T = 1 falls back to the trapezoid.
* ``custom``     user-supplied weights, one per trace point.

Every rule except ``custom`` gives weights summing to T, so a constant is integrated exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hecon.model.problems import Element, ModelError, Problem
from hecon.model.types import FloatArray


def cycle_weights(method: str, n_cycles: int, custom: Sequence[float] | None = None) -> FloatArray:
    """Weights w_k for trace points k = 0..n_cycles [cycles], shape (n_cycles + 1,)."""
    if n_cycles < 1:
        raise ModelError(
            Problem(Element("setting", "horizon_years"), f"the horizon has {n_cycles} cycles", "at least 1 cycle")
        )
    T = n_cycles
    if method == "none":
        w = np.ones(T + 1)
        w[T] = 0.0
    elif method == "end":
        w = np.ones(T + 1)
        w[0] = 0.0
    elif method in ("half-cycle", "trapezoid"):
        w = np.ones(T + 1)
        w[0] = w[T] = 0.5
    elif method == "simpson":
        w = _simpson(T)
    elif method == "custom":
        if custom is None or len(custom) != T + 1:
            got = "none" if custom is None else str(len(custom))
            raise ModelError(
                Problem(
                    Element("setting", "cycle_weights"),
                    f"{got} weights given",
                    f"{T + 1} weights, one per trace point 0..{T}",
                )
            )
        w = np.asarray(custom, dtype=float)
        if not np.all(np.isfinite(w)):
            raise ModelError(
                Problem(Element("setting", "cycle_weights"), "a weight is not a finite number", "finite numbers")
            )
    else:
        raise ModelError(
            Problem(
                Element("setting", "within_cycle"),
                f"unknown method '{method}'",
                "none, end, half-cycle, trapezoid, simpson or custom",
            )
        )
    return w


def _simpson(T: int) -> FloatArray:
    w = np.zeros(T + 1)
    if T == 1:
        w[:] = 0.5
        return w
    n13 = T if T % 2 == 0 else T - 3  # intervals covered by the 1/3 rule
    if n13 > 0:
        w[0 : n13 + 1 : 2] += 2.0 / 3.0
        w[1:n13:2] += 4.0 / 3.0
        w[0] -= 1.0 / 3.0
        w[n13] -= 1.0 / 3.0
    if n13 < T:
        w[n13 : T + 1] += np.array([1.0, 3.0, 3.0, 1.0]) * 3.0 / 8.0
    return w
