"""Maximising a smooth log-likelihood of a few parameters, with its numerical derivatives.

:func:`maximise` runs quasi-Newton (BFGS, :func:`scipy.optimize.minimize`) from every start
value, then polishes each end point with Newton steps on the numerical Hessian until the
Newton decrement g' (-H)^-1 g, twice the log-likelihood still to gain, is below
:data:`DECREMENT_TOLERANCE` (or below :data:`ROUNDING_DECREMENT` where rounding stops
further progress). A point counts as a maximum only if there the Hessian is
negative definite; the best such point over all starts is returned.

Derivatives are central differences with steps in units of each parameter's own standard
error, 1/sqrt(-d2f/dx2) along that axis, so that they suit parameters on very different
scales (a Gompertz shape per day is ~1e-4, a log scale ~7). The Hessian is the four-point
central difference with one Richardson extrapolation step (steps 0.1 and 0.05 standard
errors, smaller where the function is not finite there; error O(h^4)), which keeps its relative error near 1e-8 for log-likelihoods of a
few thousand (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Springer 2006, §8.1 and
§3.3 for the Newton decrement's role; Richardson extrapolation as in R's numDeriv).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

__all__ = ["DECREMENT_TOLERANCE", "ROUNDING_DECREMENT", "Maximum", "gradient", "hessian", "maximise", "step_scales"]

DECREMENT_TOLERANCE = 1e-12
"""Newton decrement below which a point is a maximum: the log-likelihood is then within
half this of the local maximum (for a quadratic), and each parameter within 1e-6 of its
standard error."""
ROUNDING_DECREMENT = 1e-8
"""Where no step improves the log-likelihood any more (rounding), a Newton decrement below
this still counts as a maximum (log-likelihood within 5e-9, parameters within 1e-4 standard
errors)."""

_MAX_NEWTON_STEPS = 100
_MIN_STEP = 2.0**-30

_NOT_FINITE_AT_START = "the log-likelihood is not finite at any start value"

Objective = Callable[[np.ndarray], float]


@dataclass(frozen=True, eq=False)
class Maximum:
    """Where a function is largest, and how sure we are.

    x         : the point
    value     : f(x)
    hessian   : numerical Hessian of f at x (negative definite at a true maximum)
    converged : True if the Hessian is negative definite and the Newton decrement is below
                :data:`DECREMENT_TOLERANCE` (:data:`ROUNDING_DECREMENT`, see there)
    message   : why not, when not converged; empty otherwise
    """

    x: np.ndarray
    value: float
    hessian: np.ndarray
    converged: bool
    message: str = ""


def step_scales(f: Objective, x: np.ndarray) -> np.ndarray:
    """Standard-error-like scale of each coordinate: 1/sqrt(-d2f/dx_i2) at x.

    Where f is not concave along an axis (or not finite nearby) the scale is
    1e-2 max(1, |x_i|).
    """
    fx = f(x)
    scales = np.empty(len(x))
    for i in range(len(x)):
        h = 1e-4 * max(1.0, abs(x[i]))
        e = np.zeros(len(x))
        e[i] = h
        curvature = (f(x + e) - 2.0 * fx + f(x - e)) / h**2
        scales[i] = (
            1.0 / np.sqrt(-curvature) if np.isfinite(curvature) and curvature < 0 else 1e-2 * max(1.0, abs(x[i]))
        )
    return scales


def gradient(f: Objective, x: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Central-difference gradient of f at x, steps 1e-3 x ``scales`` (smaller where f is
    not finite at a step)."""

    def central(steps: np.ndarray) -> np.ndarray:
        g = np.empty(len(x))
        for i in range(len(x)):
            e = np.zeros(len(x))
            e[i] = steps[i]
            g[i] = (f(x + e) - f(x - e)) / (2.0 * e[i])
        return g

    return _finite(central, 1e-3 * scales)


def hessian(f: Objective, x: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Hessian of f at x: four-point central differences, Richardson-extrapolated."""

    def second(steps: np.ndarray) -> np.ndarray:
        k = len(x)
        out = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                ei = np.zeros(k)
                ej = np.zeros(k)
                ei[i] = steps[i]
                ej[j] = steps[j]
                value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                    4.0 * steps[i] * steps[j]
                )
                out[i, j] = out[j, i] = value
        return out

    return _finite(lambda steps: (4.0 * second(steps / 2.0) - second(steps)) / 3.0, 0.1 * scales)


def _finite(derivative: Callable[[np.ndarray], np.ndarray], steps: np.ndarray) -> np.ndarray:
    """``derivative(steps)``, retried with steps 10 and 100 times smaller where it is not
    finite (a step reached where f is -inf, e.g. next to a boundary of the parameter space)."""
    with np.errstate(invalid="ignore"):
        for shrink in (1.0, 0.1, 0.01):
            result = derivative(steps * shrink)
            if np.all(np.isfinite(result)):
                break
    return result


def maximise(f: Objective, starts: Sequence[np.ndarray], *, limits: np.ndarray | None = None) -> Maximum:
    """
    Maximise f from several start values; the best maximum found.

    Parameters
    ----------
    f : callable
        The function (a log-likelihood), ``-inf`` where undefined.
    starts : sequence of numpy.ndarray
        Start points; those where f is not finite are skipped.
    limits : numpy.ndarray, optional
        Shape (k, 2): lower and upper limit of each coordinate (+-inf for none). A search
        that passes a limit stops there, not converged (the maximum is on a boundary of the
        parameter space, such as a cure fraction of 0).

    Returns
    -------
    Maximum
        The converged point with the largest f; if no start converged, the best point
        reached, with ``converged=False`` and the reason.

        Not converged either when f is not finite at any start.
    """
    with np.errstate(all="ignore"):  # far from the maximum, likelihoods overflow and underflow
        return _maximise(f, starts, limits)


def _maximise(f: Objective, starts: Sequence[np.ndarray], limits: np.ndarray | None) -> Maximum:
    usable = [np.asarray(x0, dtype=float) for x0 in starts if np.isfinite(f(np.asarray(x0, dtype=float)))]
    if not usable:
        k = len(starts[0])
        return Maximum(
            np.asarray(starts[0], dtype=float), -np.inf, np.full((k, k), np.nan), False, _NOT_FINITE_AT_START
        )
    ends: list[np.ndarray] = []
    for x0 in usable:
        x = _quasi_newton(f, x0)
        if not any(np.allclose(x, other, rtol=1e-6, atol=1e-8) for other in ends):
            ends.append(x)
    bounds = np.array([[-np.inf, np.inf]] * len(usable[0])) if limits is None else np.asarray(limits, dtype=float)
    results = [_newton(f, x, bounds) for x in ends]
    converged = [r for r in results if r.converged]
    pool = converged or results
    return max(pool, key=lambda r: r.value)


def _quasi_newton(f: Objective, x0: np.ndarray) -> np.ndarray:
    """BFGS on the coordinates divided by their scales at x0 (well-conditioned)."""
    scales = step_scales(f, x0)

    def negative(y: np.ndarray) -> float:
        value = f(y * scales)
        return -value if np.isfinite(value) else np.inf

    def negative_gradient(y: np.ndarray) -> np.ndarray:
        return np.asarray(-gradient(f, y * scales, scales) * scales, dtype=float)

    result = optimize.minimize(
        negative, x0 / scales, jac=negative_gradient, method="BFGS", options={"maxiter": 1000, "gtol": 1e-6}
    )
    x = np.asarray(result.x, dtype=float) * scales
    return x if f(x) >= f(x0) else x0


def _newton(f: Objective, x: np.ndarray, limits: np.ndarray) -> Maximum:
    """Newton steps with step halving from x; Levenberg damping where -H is not positive definite."""
    value = f(x)
    message = f"no maximum within {_MAX_NEWTON_STEPS} Newton steps"
    h = np.full((len(x), len(x)), np.nan)
    for _ in range(_MAX_NEWTON_STEPS):
        outside = (x < limits[:, 0]) | (x > limits[:, 1])
        if outside.any():
            message = f"coordinate {int(np.argmax(outside))} passed its limit"
            break
        scales = step_scales(f, x)
        g = gradient(f, x, scales)
        h = hessian(f, x, scales)
        if not (np.all(np.isfinite(h)) and np.all(np.isfinite(g))):
            message = (
                "the search reached parameter values where the likelihood cannot be evaluated "
                "(a degenerate fit: these data may have no maximum for this distribution)"
            )
            break
        step, definite = _ascent_step(h, g)
        decrement = float(g @ step)
        if definite and decrement < DECREMENT_TOLERANCE:  # one last full step: quadratic convergence
            final = x + step
            final_value = f(final)
            if np.isfinite(final_value) and final_value >= value:
                return Maximum(final, final_value, h, True)
            return Maximum(x, value, h, True)
        length = 1.0
        while length >= _MIN_STEP:
            trial = x + length * step
            trial_value = f(trial)
            if np.isfinite(trial_value) and trial_value > value:
                break
            length /= 2.0
        else:
            if definite and decrement < ROUNDING_DECREMENT:  # closer than rounding lets us see
                return Maximum(x, value, h, True)
            message = "no step improves the log-likelihood" + (
                "" if definite else ", and the Hessian is not negative definite (a boundary or a flat likelihood)"
            )
            break
        x, value = trial, trial_value
    return Maximum(x, value, h, False, message)


def _ascent_step(h: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton step (-H)^-1 g and whether -H is positive definite; else a damped step."""
    minus_h = -h
    try:
        low = np.linalg.cholesky(minus_h)
    except np.linalg.LinAlgError:
        pass
    else:
        return np.linalg.solve(low.T, np.linalg.solve(low, g)), True
    diagonal = np.abs(np.diag(minus_h))
    diagonal[diagonal == 0] = 1.0
    damping = 1e-3
    while damping < 1e12:
        try:
            low = np.linalg.cholesky(minus_h + damping * np.diag(diagonal))
        except np.linalg.LinAlgError:
            damping *= 10.0
            continue
        return np.linalg.solve(low.T, np.linalg.solve(low, g)), False
    return g / diagonal, False
