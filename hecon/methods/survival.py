"""Parametric survival distributions in the parameterisations that R's flexsurv prints.

A fitted survival curve enters a model as a flexsurv distribution name and its parameters
on flexsurv's *natural* scale, exactly as ``flexsurvreg(...)$res[, "est"]`` shows them
(for example ``weibull`` with ``shape = 1.3, scale = 14.2``). Time ``t`` is in the time
unit of the data the curve was fitted to (days, months or years); rates are per that unit
and scales are in that unit.

==============  =====================  ==========================================
distribution    parameters             survival S(t)
==============  =====================  ==========================================
exp             rate                   exp(-rate t)
weibull         shape, scale           exp(-(t/scale)^shape)                (AFT)
weibullPH       shape, scale           exp(-scale t^shape)                   (PH)
gompertz        shape, rate            exp(-rate/shape (exp(shape t) - 1))
llogis          shape, scale           1 / (1 + (t/scale)^shape)
lnorm           meanlog, sdlog         1 - Phi((log t - meanlog)/sdlog)
gamma           shape, rate            Q(shape, rate t)
gengamma        mu, sigma, Q           Q(Q^-2, Q^-2 exp(Q w)) for Q > 0,
                                       P(Q^-2, Q^-2 exp(Q w)) for Q < 0,
                                       1 - Phi(w) for Q = 0;  w = (log t - mu)/sigma
gengamma.orig   shape, scale, k        Q(k, (t/scale)^shape)
==============  =====================  ==========================================

Phi is the standard normal distribution function, P and Q are the regularised lower and
upper incomplete gamma functions (``scipy.special.gammainc``/``gammaincc``).

Every function broadcasts its parameters against ``t`` with numpy rules, so parameters of
shape ``(n_samples, 1, 1)`` and times of shape ``(1, n_cycles, 1)`` give an
``(n_samples, n_cycles, 1)`` result without Python loops.

Numerical conventions
---------------------
* S(0) is exactly 1 for every distribution and no floating-point warnings escape.
* ``gompertz`` with ``|shape| < GOMPERTZ_SHAPE_ZERO`` is the exponential limit
  S = exp(-rate t); otherwise the cumulative hazard is ``rate * expm1(shape t) / shape``,
  which is accurate for small shapes. With shape < 0 the curve plateaus at
  exp(rate/shape) (a fraction never has the event).
* ``gengamma`` with ``|Q| < GENGAMMA_Q_SERIES`` uses Temme's uniform asymptotic expansion
  of the incomplete gamma function written in terms of (w, Q), which tends to the
  log-normal as Q -> 0 and is accurate to about 1e-16 there. The direct incomplete-gamma
  formula loses accuracy for small |Q|: its argument Q^-2 exp(Q w) carries w only in
  its last digits, and SciPy's incomplete gamma for shape Q^-2 = 1e8 is off by ~1e-7 a
  few standard deviations out; see :func:`_gengamma_sf_cdf_series`. ``gengamma.orig`` is evaluated through
  the equivalent Prentice parameters (``mu = log(scale) + log(k)/shape``,
  ``sigma = 1/(shape sqrt(k))``, ``Q = 1/sqrt(k)``), so it shares that accuracy.
* The hazard is density / S; where S(t) has underflowed to 0 (far beyond any plausible
  horizon) the hazards of ``gamma``, ``gengamma`` and ``gengamma.orig`` are nan.

References
----------
.. [1] Jackson C (2016). flexsurv: A Platform for Parametric Survival Modeling in R.
   Journal of Statistical Software 70(8):1-33. doi:10.18637/jss.v070.i08
.. [2] flexsurv reference manual, help pages ``Weibull``, ``WeibullPH``, ``Gompertz``,
   ``Llogis``, ``GenGamma``, ``GenGamma.orig``. https://chjackson.github.io/flexsurv/
.. [3] Prentice RL (1974). A log gamma model and its maximum likelihood estimation.
   Biometrika 61(3):539-544.
.. [4] Temme NM (1979). The asymptotic expansion of the incomplete gamma functions.
   SIAM J Math Anal 10(4):757-766; NIST DLMF section 8.12.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import BoolArray, FloatArray

__all__ = [
    "DISTRIBUTIONS",
    "GENGAMMA_Q_SERIES",
    "GOMPERTZ_SHAPE_ZERO",
    "adjusted_survival",
    "check_parameters",
    "cumulative_hazard",
    "event_probability",
    "hazard",
    "quantile",
    "survival",
]

#: flexsurv distribution name -> parameter names, in flexsurv's order.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "exp": ("rate",),
    "weibull": ("shape", "scale"),
    "weibullPH": ("shape", "scale"),
    "gompertz": ("shape", "rate"),
    "llogis": ("shape", "scale"),
    "lnorm": ("meanlog", "sdlog"),
    "gamma": ("shape", "rate"),
    "gengamma": ("mu", "sigma", "Q"),
    "gengamma.orig": ("shape", "scale", "k"),
}

#: Parameters that may be any finite real number; all others must be finite and > 0.
_REAL_PARAMETERS = {("gompertz", "shape"), ("lnorm", "meanlog"), ("gengamma", "mu"), ("gengamma", "Q")}

#: Common names that are not flexsurv's, with the flexsurv name to suggest.
_ALIASES = {
    "exponential": "exp",
    "lognormal": "lnorm",
    "log-normal": "lnorm",
    "loglogistic": "llogis",
    "log-logistic": "llogis",
    "weibull.quiet": "weibull",
    "weibullaft": "weibull",
    "generalized gamma": "gengamma",
    "gen.gamma": "gengamma",
}

#: |shape| below which a Gompertz curve is evaluated as its exponential limit. The
#: relative error of doing so is |shape| t / 2, i.e. nil for any real time horizon.
GOMPERTZ_SHAPE_ZERO = 1e-150

#: |Q| below which the generalised gamma uses the series (Temme) evaluation.
GENGAMMA_Q_SERIES = 1e-2

_LOG_SQRT_2PI: float = 0.5 * np.log(2.0 * np.pi)
#: (exp(x) - 1 - x)/x^2 = sum_n x^n/(n + 2)!; 13 terms: truncation < 1e-17 for |x| < 0.1
_EXPM1_SERIES = tuple(1.0 / math.factorial(n + 2) for n in range(13))


# --------------------------------------------------------------------------------------
# Parameter checking
# --------------------------------------------------------------------------------------


def check_parameters(distribution: str, params: Mapping[str, ArrayLike]) -> list[str]:
    """
    Check a distribution name and its parameters; list every problem found.

    Parameters
    ----------
    distribution : str
        flexsurv distribution name, one of ``DISTRIBUTIONS``.
    params : mapping of str to array-like
        Parameter values on flexsurv's natural scale, scalars or arrays (for example one
        value per probabilistic sample). Every element is checked.

    Returns
    -------
    list of str
        Human-readable problems, ``[]`` if the parameters can be used. Each names the
        offending parameter and quotes the first offending value, e.g.
        ``"shape = -1.5 is not > 0"``; for arrays the message adds the index of that
        value and how many values are out of range.

    Notes
    -----
    Domains: ``gompertz`` shape, ``lnorm`` meanlog, ``gengamma`` mu and Q may be any finite
    number (a negative Gompertz shape gives a plateau, a negative Q a generalised gamma
    with the "reversed" tail); every other parameter must be finite and > 0.

    Examples
    --------
    >>> check_parameters("weibull", {"shape": -1.5, "scale": 10.0})
    ['shape = -1.5 is not > 0']
    >>> check_parameters("weibul", {})
    ["unknown distribution 'weibul' (did you mean 'weibull'?); expected one of: exp, weibull, weibullPH, gompertz, llogis, lnorm, gamma, gengamma, gengamma.orig"]
    """
    if not isinstance(distribution, str) or distribution not in DISTRIBUTIONS:
        return [_unknown_distribution_message(distribution)]
    expected = DISTRIBUTIONS[distribution]
    expected_text = ", ".join(expected)
    problems = []
    if not isinstance(params, Mapping):
        return [
            f"parameters for {distribution} must be given by name ({expected_text}), not as {type(params).__name__}"
        ]
    for name in expected:
        if name not in params:
            problems.append(f"missing parameter {name!r} for {distribution}; expected parameters: {expected_text}")
    for name in params:
        if name not in expected:
            problems.append(f"unexpected parameter {name!r} for {distribution}; expected parameters: {expected_text}")
    for name in expected:
        if name in params:
            real = (distribution, name) in _REAL_PARAMETERS
            problem = _check_values(name, params[name], positive=not real)
            if problem:
                problems.append(problem)
    return problems


def _unknown_distribution_message(distribution: object) -> str:
    hint = ""
    if isinstance(distribution, str):
        lowered = {name.lower(): name for name in DISTRIBUTIONS}
        key = distribution.strip().lower()
        suggestion = _ALIASES.get(key) or lowered.get(key)
        if suggestion is None:
            close = difflib.get_close_matches(key, list(lowered), n=1)
            suggestion = lowered[close[0]] if close else None
        if suggestion is not None:
            hint = f" (did you mean {suggestion!r}?)"
    return f"unknown distribution {distribution!r}{hint}; expected one of: {', '.join(DISTRIBUTIONS)}"


def _check_values(name: str, value: ArrayLike, *, positive: bool) -> str | None:
    """One problem for parameter ``name`` (the first offending element) or None."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return f"{name} = {value!r} is not a number"
    if array.size == 0:
        return f"{name} has no values"
    finite = np.isfinite(array)
    bad = ~finite | (array <= 0) if positive else ~finite
    if not bad.any():
        return None
    index = np.unravel_index(int(np.argmax(bad)), array.shape)
    first = float(array[index])
    if np.isnan(first):
        reason = "is not a number"
    elif np.isinf(first):
        reason = "is not finite"
    else:
        reason = "is not > 0"
    message = f"{name} = {first:.6g} {reason}"
    if array.ndim > 0:
        position = ", ".join(str(int(i)) for i in index)
        message += f" (at index [{position}]; {int(bad.sum())} of {array.size} values invalid)"
    return message


def _prepare(distribution: str, params: Mapping[str, ArrayLike]) -> tuple[FloatArray, ...]:
    """Checked float arrays of the parameters, in DISTRIBUTIONS order; raises ModelError."""
    problems = check_parameters(distribution, params)
    if problems:
        where = topic(f"survival distribution {distribution!r}")
        raise ModelError([Problem(where, problem) for problem in problems])
    return tuple(np.asarray(params[name], dtype=float) for name in DISTRIBUTIONS[distribution])


def _family_function(
    distribution: str,
    params: Mapping[str, ArrayLike],
    function: str,
    convert: Callable[[ArrayLike], FloatArray],
    x: ArrayLike,
) -> FloatArray:
    """The distribution family's ``function`` at ``convert(x)``, after the parameters are checked
    (first) and then x; floating-point warnings are silenced, the families handle the limits."""
    parameters = _prepare(distribution, params)
    argument = convert(x)
    with np.errstate(all="ignore"):
        result = getattr(_FAMILIES[distribution], function)(*parameters, argument)
    return np.asarray(result, dtype=float)


def _as_times(t: ArrayLike) -> FloatArray:
    times = np.asarray(t, dtype=float)
    if np.any(times < 0):
        first = float(times[times < 0].flat[0])
        raise ModelError(
            Problem(topic("survival time"), f"t = {first:.6g} is negative", "times >= 0 in the unit of the fit")
        )
    return times


def _as_probabilities(p: ArrayLike) -> FloatArray:
    probabilities = np.asarray(p, dtype=float)
    outside = (probabilities < 0) | (probabilities > 1)
    if np.any(outside):
        first = float(probabilities[outside].flat[0])
        raise ModelError(Problem(topic("quantile"), f"p = {first:.6g} is outside [0, 1]", "a probability"))
    return probabilities


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _split_eval(
    condition: BoolArray,
    if_true: Callable[..., FloatArray],
    if_false: Callable[..., FloatArray],
    *args: FloatArray,
) -> FloatArray:
    """``where(condition, if_true(*args), if_false(*args))`` evaluating each branch only on
    its own elements (and not at all when the condition is uniform)."""
    mask, *arrays = np.broadcast_arrays(condition, *args)
    if mask.all():
        return np.asarray(if_true(*arrays), dtype=float)
    if not mask.any():
        return np.asarray(if_false(*arrays), dtype=float)
    out = np.empty(mask.shape)
    out[mask] = if_true(*(a[mask] for a in arrays))
    out[~mask] = if_false(*(a[~mask] for a in arrays))
    return out


def _full(value: FloatArray, *arrays: FloatArray) -> FloatArray:
    """``value`` broadcast to the shape of all arrays, as a new float array."""
    shape = np.broadcast_shapes(np.shape(value), *(np.shape(a) for a in arrays))
    return np.array(np.broadcast_to(value, shape), dtype=float)


def _power_law_hazard_at_zero(order: FloatArray, value_if_one: FloatArray) -> FloatArray:
    """Hazard at t = 0 of a density that behaves as t^(order - 1) near 0."""
    return np.where(order < 1, np.inf, np.where(order > 1, 0.0, value_if_one))


def _polyval(coefficients: tuple[float, ...], x: FloatArray) -> FloatArray:
    """sum_n coefficients[n] x^n (Horner)."""
    result = np.zeros_like(x)
    for c in reversed(coefficients):
        result = result * x + c
    return result


def _exp_minus_one_minus_x_over_x2(x: FloatArray) -> FloatArray:
    """(exp(x) - 1 - x) / x^2 for any x, accurate near 0 (value 1/2 at x = 0)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 0.1
    xs = np.where(small, x, 0.0)
    series = _polyval(_EXPM1_SERIES, xs)
    xl = np.where(small, 1.0, x)
    with np.errstate(over="ignore", invalid="ignore"):
        large = np.where(xl == np.inf, np.inf, (special.exprel(xl) - 1.0) / xl)
    return np.where(small, series, large)


# --------------------------------------------------------------------------------------
# One implementation per family
# --------------------------------------------------------------------------------------


class _Family(NamedTuple):
    survival: Callable[..., FloatArray]  # (*params, t) -> S(t)
    cumulative_hazard: Callable[..., FloatArray]  # (*params, t) -> H(t)
    hazard: Callable[..., FloatArray]  # (*params, t) -> h(t)
    quantile: Callable[..., FloatArray]  # (*params, p) -> t with 1 - S(t) = p


# exp ----------------------------------------------------------------------------------


def _exp_H(rate: FloatArray, t: FloatArray) -> FloatArray:
    return rate * t


def _exp_S(rate: FloatArray, t: FloatArray) -> FloatArray:
    return np.exp(-rate * t)


def _exp_h(rate: FloatArray, t: FloatArray) -> FloatArray:
    return _full(rate, t)


def _exp_q(rate: FloatArray, p: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return -np.log1p(-p) / rate


# weibull (AFT, = R's dweibull) ---------------------------------------------------------


def _weibull_H(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return (t / scale) ** shape


def _weibull_S(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return np.exp(-((t / scale) ** shape))


def _weibull_h(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):  # 0 ** (shape - 1) = inf for shape < 1
        return (shape / scale) * (t / scale) ** (shape - 1.0)


def _weibull_q(shape: FloatArray, scale: FloatArray, p: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return scale * (-np.log1p(-p)) ** (1.0 / shape)


# weibullPH ------------------------------------------------------------------------------


def _weibull_ph_H(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return scale * t**shape


def _weibull_ph_S(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return np.exp(-scale * t**shape)


def _weibull_ph_h(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return shape * scale * t ** (shape - 1.0)


def _weibull_ph_q(shape: FloatArray, scale: FloatArray, p: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return (-np.log1p(-p) / scale) ** (1.0 / shape)


# gompertz -------------------------------------------------------------------------------


def _gompertz_H(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    zero = np.abs(shape) < GOMPERTZ_SHAPE_ZERO
    safe_shape = np.where(zero, 1.0, shape)
    with np.errstate(over="ignore", invalid="ignore"):
        general = rate * (np.expm1(safe_shape * t) / safe_shape)
    return np.where(zero, rate * t, general)


def _gompertz_S(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    return np.exp(-_gompertz_H(shape, rate, t))


def _gompertz_h(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(over="ignore"):
        return rate * np.exp(np.where(shape == 0, 0.0, shape * t))  # no 0 * inf at t = inf


def _gompertz_q(shape: FloatArray, rate: FloatArray, p: FloatArray) -> FloatArray:
    zero = np.abs(shape) < GOMPERTZ_SHAPE_ZERO
    safe_shape = np.where(zero, 1.0, shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        target = -np.log1p(-p) / rate  # cumulative hazard to reach, / rate
        x = safe_shape * target
        general = np.where(x <= -1.0, np.inf, np.log1p(x) / safe_shape)  # beyond plateau
    return np.where(zero, target, general)


# llogis ---------------------------------------------------------------------------------


def _llogis_u(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return shape * np.log(t / scale)


def _llogis_H(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return np.logaddexp(0.0, _llogis_u(shape, scale, t))


def _llogis_S(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    return special.expit(-_llogis_u(shape, scale, t))


def _llogis_h(shape: FloatArray, scale: FloatArray, t: FloatArray) -> FloatArray:
    z = t / scale
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = _llogis_u(shape, scale, t)
        near = (shape / scale) * z ** (shape - 1.0) / (1.0 + z**shape)  # z <= 1, no overflow
        far = (shape / t) * special.expit(u)  # z > 1
    return np.where(z > 1.0, far, near)


def _llogis_q(shape: FloatArray, scale: FloatArray, p: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", over="ignore"):
        return scale * np.exp(special.logit(p) / shape)


# lnorm ----------------------------------------------------------------------------------


def _lnorm_z(meanlog: FloatArray, sdlog: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return (np.log(t) - meanlog) / sdlog


def _lnorm_H(meanlog: FloatArray, sdlog: FloatArray, t: FloatArray) -> FloatArray:
    return -special.log_ndtr(-_lnorm_z(meanlog, sdlog, t))


def _lnorm_S(meanlog: FloatArray, sdlog: FloatArray, t: FloatArray) -> FloatArray:
    return special.ndtr(-_lnorm_z(meanlog, sdlog, t))


def _lnorm_h(meanlog: FloatArray, sdlog: FloatArray, t: FloatArray) -> FloatArray:
    z = _lnorm_z(meanlog, sdlog, t)
    inside = (t > 0) & np.isfinite(t)
    huge = z > 1e8  # phi(z) / (1 - Phi(z)) -> z; avoids z^2 overflow
    zs = np.where(huge | ~inside, 0.0, z)
    log_inverse_mills = np.where(
        huge,
        np.log(np.where(huge, z, 1.0)),
        -0.5 * zs * zs - special.log_ndtr(-zs) - _LOG_SQRT_2PI,
    )
    h = np.exp(log_inverse_mills - np.log(sdlog) - np.log(np.where(inside, t, 1.0)))
    return np.where(inside, h, 0.0)  # h -> 0 as t -> 0 and as t -> inf


def _lnorm_q(meanlog: FloatArray, sdlog: FloatArray, p: FloatArray) -> FloatArray:
    with np.errstate(over="ignore"):
        return np.exp(meanlog + sdlog * special.ndtri(p))


# gamma ----------------------------------------------------------------------------------


def _gamma_S(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    return special.gammaincc(shape, rate * t)


def _minus_log_survival(sf: FloatArray, cdf: FloatArray) -> FloatArray:
    """-log S, from whichever of S and F = 1 - S is known more accurately."""
    with np.errstate(divide="ignore"):
        return np.where(cdf < 0.5, -np.log1p(-cdf), -np.log(sf))


def _gamma_H(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    x = rate * t
    return _minus_log_survival(special.gammaincc(shape, x), special.gammainc(shape, x))


def _gamma_h(shape: FloatArray, rate: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_x = np.log(rate) + np.log(t)  # not log(rate * t), which underflows for tiny t
        log_density = np.log(rate) + (shape - 1.0) * log_x - rate * t - special.gammaln(shape)
        h = np.exp(log_density) / _gamma_S(shape, rate, t)
    at_zero = _power_law_hazard_at_zero(shape, rate)
    return np.where(t == 0, at_zero, h)


def _gamma_q(shape: FloatArray, rate: FloatArray, p: FloatArray) -> FloatArray:
    return special.gammaincinv(shape, p) / rate


# gengamma (Prentice 1974, as flexsurv) --------------------------------------------------

# Taylor coefficients (in eta) of Temme's c_0, c_1, c_2 (DLMF 8.12.8-8.12.10); the same
# values are tabulated in Cephes/SciPy igam.h. c_0(eta) = 1/(lambda - 1) - 1/eta.
_TEMME_C0 = (
    -3.3333333333333333e-1, 8.3333333333333333e-2, -1.4814814814814815e-2,
    1.1574074074074074e-3, 3.527336860670194e-4, -1.7875514403292181e-4,
    3.9192631785224378e-5, -2.1854485106799922e-6, -1.85406221071516e-6,
    8.296711340953086e-7, -1.7665952736826079e-7, 6.7078535434014986e-9,
    1.0261809784240308e-8, -4.3820360184533532e-9,
)  # fmt: skip
_TEMME_C1 = (
    -1.8518518518518519e-3, -3.4722222222222222e-3, 2.6455026455026455e-3,
    -9.9022633744855967e-4, 2.0576131687242798e-4, -4.0187757201646091e-7,
    -1.8098550334489978e-5, 7.6491609160811101e-6, -1.6120900894563446e-6,
    4.6471278028074343e-9, 1.378633446915721e-7,
)  # fmt: skip
_TEMME_C2 = (
    4.1335978835978836e-3, -2.6813271604938272e-3, 7.7160493827160494e-4,
    2.0093878600823045e-6, -1.0736653226365161e-4, 5.2923448829120125e-5,
    -1.2760635188618728e-5,
)  # fmt: skip


def _gengamma_w(mu: FloatArray, sigma: FloatArray, t: FloatArray) -> FloatArray:
    """Standardised log time w = (log t - mu) / sigma for 0 < t < inf (else 0)."""
    inside = (t > 0) & np.isfinite(t)
    return np.where(inside, (np.log(np.where(inside, t, 1.0)) - mu) / sigma, 0.0)


def _gengamma_sf_cdf_series(w: FloatArray, Q: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(S, F) of the Prentice generalised gamma at standardised log time w, small |Q|.

    With a = Q^-2 and lambda = exp(Q w), S is Q(a, a lambda) for Q > 0 and P(a, a lambda)
    for Q < 0. Temme's uniform expansion (DLMF 8.12.3-8.12.4) written in (w, Q) is, for
    both signs of Q,

        S = Phi(-zeta) + Q phi(zeta) [c0(eta) + Q^2 c1(eta) + Q^4 c2(eta) + O(Q^6)],
        zeta = w sqrt(2 (exp(Q w) - 1 - Q w) / (Q w)^2),   eta = Q zeta,

    which is exactly the log-normal at Q = 0 and avoids forming a lambda (where the
    information about w sits in the last digits of a number near 1/Q^2). For
    |Q| < GENGAMMA_Q_SERIES the absolute error is about 1e-16 (checked against
    quadrature of the density) and |eta| < 0.4 wherever phi(zeta) does not underflow
    (eta is clipped to [-1, 1] only where it does).
    """
    zeta = w * np.sqrt(2.0 * _exp_minus_one_minus_x_over_x2(Q * w))
    eta = np.clip(Q * zeta, -1.0, 1.0)
    Q2 = Q * Q
    correction = Q * (_polyval(_TEMME_C0, eta) + Q2 * (_polyval(_TEMME_C1, eta) + Q2 * _polyval(_TEMME_C2, eta)))
    # Evaluated as Phi(-zeta) [1 + correction phi(zeta)/Phi(-zeta)] in the upper tail (and
    # the mirror image in the lower tail) so that tiny tail probabilities keep their
    # relative precision and stay positive; the ratio is formed on the log scale.
    zc = np.clip(zeta, -1e8, 1e8)  # beyond, phi = 0 and the Phi's are 0 or 1
    log_phi = -0.5 * zc * zc - _LOG_SQRT_2PI
    upper = special.ndtr(-zeta) * (1.0 + correction * np.exp(log_phi - special.log_ndtr(-zc)))
    lower = special.ndtr(zeta) * (1.0 - correction * np.exp(log_phi - special.log_ndtr(zc)))
    right = zeta > 0
    return np.where(right, upper, 1.0 - lower), np.where(right, 1.0 - upper, lower)


def _gengamma_sf_direct(w: FloatArray, Q: FloatArray) -> FloatArray:
    """S from the incomplete gamma function (flexsurv's formula), |Q| not small."""
    a = 1.0 / (Q * Q)
    with np.errstate(over="ignore"):
        u = a * np.exp(Q * w)
    return _split_eval(Q > 0, special.gammaincc, special.gammainc, a, u)


def _gengamma_cdf_direct(w: FloatArray, Q: FloatArray) -> FloatArray:
    """F = 1 - S from the incomplete gamma function, |Q| not small."""
    a = 1.0 / (Q * Q)
    with np.errstate(over="ignore"):
        u = a * np.exp(Q * w)
    return _split_eval(Q > 0, special.gammainc, special.gammaincc, a, u)


def _gengamma_log_density_w(w: FloatArray, Q: FloatArray) -> FloatArray:
    """log density of w = (log T - mu)/sigma, stable for all Q including 0.

    flexsurv's log density log|Q| + (1 - 2/Q^2) log|Q| + (Q w - exp(Q w))/Q^2 - lgamma(Q^-2)
    rearranged with Stirling's series: with a = Q^-2,
        log f_w = -log sqrt(2 pi) - r(a) - (exp(Q w) - 1 - Q w) / Q^2,
    where r(a) = lgamma(a) - [(a - 1/2) log a - a + log sqrt(2 pi)] (r = 0 at Q = 0).
    """
    Q2 = Q * Q
    # 1/(12a) - 1/(360a^3) + 1/(1260a^5) - 1/(1680a^7) + 1/(1188a^9) - 691/(360360a^11)
    # (Stirling series; next term < 7e-16 for a >= 10)
    Q4 = Q2 * Q2
    series = Q2 * (1 / 12 + Q4 * (-1 / 360 + Q4 * (1 / 1260 + Q4 * (-1 / 1680 + Q4 * (1 / 1188 - Q4 * 691 / 360360)))))
    a = 1.0 / np.where(Q2 > 0.1, Q2, 1.0)
    direct = special.gammaln(a) - ((a - 0.5) * np.log(a) - a + _LOG_SQRT_2PI)
    stirling_remainder = np.where(Q2 > 0.1, direct, series)
    with np.errstate(over="ignore", invalid="ignore"):
        quadratic = w * w * _exp_minus_one_minus_x_over_x2(Q * w)
    return -_LOG_SQRT_2PI - stirling_remainder - quadratic


def _gengamma_S(mu: FloatArray, sigma: FloatArray, Q: FloatArray, t: FloatArray) -> FloatArray:
    w = _gengamma_w(mu, sigma, t)
    small = np.abs(Q) < GENGAMMA_Q_SERIES
    inner = _split_eval(
        small,
        lambda w_, Q_: _gengamma_sf_cdf_series(w_, Q_)[0],
        _gengamma_sf_direct,
        w,
        Q,
    )
    return np.where(t == 0, 1.0, np.where(np.isinf(t), 0.0, inner))


def _gengamma_H(mu: FloatArray, sigma: FloatArray, Q: FloatArray, t: FloatArray) -> FloatArray:
    w = _gengamma_w(mu, sigma, t)
    small = np.abs(Q) < GENGAMMA_Q_SERIES
    inner = _split_eval(
        small,
        lambda w_, Q_: _minus_log_survival(*_gengamma_sf_cdf_series(w_, Q_)),
        lambda w_, Q_: _minus_log_survival(_gengamma_sf_direct(w_, Q_), _gengamma_cdf_direct(w_, Q_)),
        w,
        Q,
    )
    return np.where(t == 0, 0.0, np.where(np.isinf(t), np.inf, inner))


def _gengamma_h(mu: FloatArray, sigma: FloatArray, Q: FloatArray, t: FloatArray) -> FloatArray:
    w = _gengamma_w(mu, sigma, t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        density = np.exp(_gengamma_log_density_w(w, Q) - np.log(sigma) - np.log(t))
        h = density / _gengamma_S(mu, sigma, Q, t)
    # Near t = 0 the density behaves as t^(1/(Q sigma) - 1) for Q > 0 and vanishes
    # faster than any power for Q <= 0; with Q sigma = 1 the limit is
    # a^(a-1) exp(-mu) / Gamma(a), a = Q^-2.
    order = np.where(Q > 0, 1.0 / np.where(Q > 0, Q * sigma, 1.0), np.inf)
    a = 1.0 / np.where(Q != 0, Q * Q, 1.0)
    value_if_one = np.exp((a - 1.0) * np.log(a) - special.gammaln(a) - mu)
    return np.where(t == 0, _power_law_hazard_at_zero(order, value_if_one), h)


def _gengamma_q(mu: FloatArray, sigma: FloatArray, Q: FloatArray, p: FloatArray) -> FloatArray:
    small = np.abs(Q) < GENGAMMA_Q_SERIES
    w = _split_eval(small, _gengamma_w_quantile_series, _gengamma_w_quantile_direct, p, Q)
    with np.errstate(over="ignore"):
        t = np.exp(mu + sigma * w)
    return np.where(p == 0, 0.0, np.where(p == 1, np.inf, t))


def _gengamma_w_quantile_direct(p: FloatArray, Q: FloatArray) -> FloatArray:
    """flexsurv's qgengamma: w = log(Q^2 g) / Q, g the gamma(Q^-2) quantile."""
    a = 1.0 / (Q * Q)
    g = _split_eval(Q > 0, special.gammaincinv, special.gammainccinv, a, p)
    with np.errstate(divide="ignore"):
        return np.log(g / a) / Q


def _gengamma_w_quantile_series(p: FloatArray, Q: FloatArray) -> FloatArray:
    """w quantile for small |Q|: Cornish-Fisher start, then two Newton steps on the
    series distribution function (lower tail for p < 1/2, upper tail otherwise)."""
    interior = (p > 0) & (p < 1)
    pp = np.where(interior, p, 0.5)
    z = special.ndtri(pp)
    z2 = z * z
    # Cornish-Fisher expansion from the cumulants of w, kappa_n = psi^(n-1)(a) / Q^n:
    w = z - Q * (z2 + 2) / 6 + Q * Q * z * (z2 + 5) / 36 - Q**3 * (58 + 59 * z2 + 6 * z2 * z2) / 1620
    lower = pp < 0.5
    for _ in range(2):
        sf, cdf = _gengamma_sf_cdf_series(w, Q)
        density = np.exp(_gengamma_log_density_w(w, Q))
        w = w + np.where(lower, pp - cdf, sf - (1.0 - pp)) / density
    return w


# gengamma.orig (Stacy 1962, as flexsurv) -------------------------------------------------


def _orig_to_prentice(shape: FloatArray, scale: FloatArray, k: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """flexsurv: gengamma.orig(shape, scale, k) = gengamma(mu, sigma, Q) with these."""
    root_k = np.sqrt(k)
    return np.log(scale) + np.log(k) / shape, 1.0 / (shape * root_k), 1.0 / root_k


#: A three-parameter family function, (p1, p2, p3, t or p) -> value.
_Function3 = Callable[[FloatArray, FloatArray, FloatArray, FloatArray], FloatArray]


def _via_prentice(function: _Function3) -> _Function3:
    def wrapped(shape: FloatArray, scale: FloatArray, k: FloatArray, x: FloatArray) -> FloatArray:
        return function(*_orig_to_prentice(shape, scale, k), x)

    return wrapped


def _orig_h(shape: FloatArray, scale: FloatArray, k: FloatArray, t: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        h = _via_prentice(_gengamma_h)(shape, scale, k, t)
    # Density ~ t^(shape k - 1) near 0; at shape k = 1, h(0) = shape / (scale Gamma(k)).
    at_zero = _power_law_hazard_at_zero(shape * k, np.exp(np.log(shape / scale) - special.gammaln(k)))
    return np.where(t == 0, at_zero, h)


_FAMILIES: dict[str, _Family] = {
    "exp": _Family(_exp_S, _exp_H, _exp_h, _exp_q),
    "weibull": _Family(_weibull_S, _weibull_H, _weibull_h, _weibull_q),
    "weibullPH": _Family(_weibull_ph_S, _weibull_ph_H, _weibull_ph_h, _weibull_ph_q),
    "gompertz": _Family(_gompertz_S, _gompertz_H, _gompertz_h, _gompertz_q),
    "llogis": _Family(_llogis_S, _llogis_H, _llogis_h, _llogis_q),
    "lnorm": _Family(_lnorm_S, _lnorm_H, _lnorm_h, _lnorm_q),
    "gamma": _Family(_gamma_S, _gamma_H, _gamma_h, _gamma_q),
    "gengamma": _Family(_gengamma_S, _gengamma_H, _gengamma_h, _gengamma_q),
    "gengamma.orig": _Family(
        _via_prentice(_gengamma_S),
        _via_prentice(_gengamma_H),
        _orig_h,
        _via_prentice(_gengamma_q),
    ),
}


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------

_PARAMS_DOC = """distribution : str
        flexsurv distribution name, one of ``DISTRIBUTIONS`` (e.g. ``"weibull"``).
    params : mapping of str to array-like
        Parameters on flexsurv's natural scale, as ``flexsurvreg(...)$res[, "est"]``
        prints them, keyed by flexsurv's names (``DISTRIBUTIONS[distribution]``). Rates
        are [1/time unit of the fit], scales [time unit of the fit] (except the
        ``weibullPH`` scale, [1/time unit^shape]); shapes, ``sigma``, ``sdlog``, ``Q`` and
        ``k`` are dimensionless, ``mu`` and ``meanlog`` are [log time unit]. Arrays
        broadcast against each other and against the time argument."""


def survival(distribution: str, params: Mapping[str, ArrayLike], t: ArrayLike) -> FloatArray:
    """
    Survival function S(t) = P(T > t) of a flexsurv parametric distribution.

    Parameters
    ----------
    {params}
    t : array-like
        Time since the start of the curve [time unit of the fit], t >= 0; ``inf`` allowed.

    Returns
    -------
    numpy.ndarray
        S(t) in [0, 1], in the broadcast shape of the parameters and ``t``; S(0) = 1.

    Raises
    ------
    ModelError
        Unknown distribution, missing, unexpected or out-of-domain parameters, or t < 0.

    Notes
    -----
    See the module docstring for the formula of each distribution, which matches the
    ``p<dist>(t, ..., lower.tail = FALSE)`` functions of flexsurv [1]_ [2]_.

    References
    ----------
    .. [1] Jackson C (2016). flexsurv: A Platform for Parametric Survival Modeling in R.
       J Stat Softw 70(8):1-33. doi:10.18637/jss.v070.i08
    .. [2] flexsurv reference manual. https://chjackson.github.io/flexsurv/reference/

    Examples
    --------
    A Weibull curve fitted in months; at t = scale, S = exp(-1):

    >>> survival("weibull", {{"shape": 1.5, "scale": 10.0}}, [0.0, 10.0, 20.0]).round(4)
    array([1.    , 0.3679, 0.0591])
    """
    return _family_function(distribution, params, "survival", _as_times, t)


def cumulative_hazard(distribution: str, params: Mapping[str, ArrayLike], t: ArrayLike) -> FloatArray:
    """
    Cumulative hazard H(t) = -log S(t) of a flexsurv parametric distribution.

    Parameters
    ----------
    {params}
    t : array-like
        Time since the start of the curve [time unit of the fit], t >= 0.

    Returns
    -------
    numpy.ndarray
        H(t) [dimensionless] >= 0; ``inf`` where S(t) = 0. H(0) = 0.

    Raises
    ------
    ModelError
        As :func:`survival`.

    Notes
    -----
    Closed forms where they exist (exp rate t, weibull (t/scale)^shape, weibullPH
    scale t^shape, gompertz rate/shape (exp(shape t) - 1), llogis log(1 + (t/scale)^shape),
    lnorm -log Phi(-(log t - meanlog)/sdlog)); -log S(t) otherwise, as flexsurv's
    ``H<dist>`` functions [1]_.

    References
    ----------
    .. [1] Jackson C (2016). J Stat Softw 70(8). doi:10.18637/jss.v070.i08

    Examples
    --------
    >>> cumulative_hazard("exp", {{"rate": 0.1}}, [0.0, 12.0])
    array([0. , 1.2])
    """
    return _family_function(distribution, params, "cumulative_hazard", _as_times, t)


def hazard(distribution: str, params: Mapping[str, ArrayLike], t: ArrayLike) -> FloatArray:
    """
    Hazard rate h(t) = f(t) / S(t) of a flexsurv parametric distribution.

    Parameters
    ----------
    {params}
    t : array-like
        Time since the start of the curve [time unit of the fit], t >= 0.

    Returns
    -------
    numpy.ndarray
        h(t) [1/time unit of the fit] >= 0. At t = 0 the limit is returned, which is
        ``inf`` for densities that diverge there (e.g. weibull with shape < 1). nan for
        gamma / gengamma / gengamma.orig where S(t) has underflowed to 0.

    Raises
    ------
    ModelError
        As :func:`survival`.

    Notes
    -----
    Closed forms: exp rate; weibull (shape/scale)(t/scale)^(shape-1); weibullPH
    shape scale t^(shape-1); gompertz rate exp(shape t); llogis
    (shape/scale)(t/scale)^(shape-1) / (1 + (t/scale)^shape). Otherwise density / S(t),
    the density computed on the log scale as in flexsurv's ``h<dist>`` functions [1]_.

    References
    ----------
    .. [1] Jackson C (2016). J Stat Softw 70(8). doi:10.18637/jss.v070.i08

    Examples
    --------
    >>> hazard("gompertz", {{"shape": 0.1, "rate": 0.2}}, [0.0, 10.0]).round(4)
    array([0.2   , 0.5437])
    """
    return _family_function(distribution, params, "hazard", _as_times, t)


def quantile(distribution: str, params: Mapping[str, ArrayLike], p: ArrayLike) -> FloatArray:
    """
    Time by which a proportion p of the cohort has had the event: 1 - S(t) = p.

    Parameters
    ----------
    {params}
    p : array-like
        Cumulative probability of the event, 0 <= p <= 1 (0.5 for the median).

    Returns
    -------
    numpy.ndarray
        t [time unit of the fit]; 0 for p = 0, ``inf`` for p = 1, and ``inf`` for a
        gompertz with shape < 0 when p >= 1 - exp(rate/shape) (the plateau is never
        reached), as flexsurv's ``qgompertz``.

    Raises
    ------
    ModelError
        As :func:`survival`, or p outside [0, 1].

    Notes
    -----
    Closed forms: exp -log(1-p)/rate; weibull scale (-log(1-p))^(1/shape); weibullPH
    (-log(1-p)/scale)^(1/shape); gompertz log1p(-shape log(1-p)/rate)/shape; llogis
    scale (p/(1-p))^(1/shape); lnorm exp(meanlog + sdlog Phi^-1(p)); gamma and gengamma
    through the inverse incomplete gamma function as flexsurv's ``q<dist>`` [1]_.

    References
    ----------
    .. [1] Jackson C (2016). J Stat Softw 70(8). doi:10.18637/jss.v070.i08

    Examples
    --------
    >>> quantile("llogis", {{"shape": 2.0, "scale": 18.0}}, 0.5)
    array(18.)
    """
    return _family_function(distribution, params, "quantile", _as_probabilities, p)


def adjusted_survival(
    distribution: str,
    params: Mapping[str, ArrayLike],
    t: ArrayLike,
    hazard_ratio: ArrayLike = 1.0,
    acceleration_factor: ArrayLike = 1.0,
    cure_fraction: ArrayLike = 0.0,
) -> FloatArray:
    """
    Survival with a hazard ratio, an acceleration factor and a cure fraction applied.

    Parameters
    ----------
    {params}
    t : array-like
        Time since the start of the curve [time unit of the fit], t >= 0.
    hazard_ratio : array-like, default 1.0
        Multiplies the cumulative hazard (proportional hazards) [dimensionless, >= 0].
    acceleration_factor : array-like, default 1.0
        Stretches time (accelerated failure time): an acceleration factor of 2 doubles
        every quantile, including the median [dimensionless, > 0].
    cure_fraction : array-like, default 0.0
        Proportion who never have the event (mixture cure model) [0-1].

    Returns
    -------
    numpy.ndarray
        Adjusted S(t) in [cure_fraction, 1]; S(0) = 1.

    Raises
    ------
    ModelError
        As :func:`survival`, or an adjustment outside its range.

    Notes
    -----
    .. math::

        S_u(t) = S(t / AF)^{{HR}}, \\qquad
        S_{{adj}}(t) = \\pi + (1 - \\pi) S_u(t)

    so that H_u(t) = HR * H(t / AF) and S_adj(t) -> pi as t -> inf. Background
    mortality is not included: "cured" patients still die of other causes, which has to
    be combined with this curve separately (e.g. from a life table).

    Examples
    --------
    >>> adjusted_survival("exp", {{"rate": 0.1}}, [0.0, 10.0], hazard_ratio=0.5).round(4)
    array([1.    , 0.6065])
    """
    hr = np.asarray(hazard_ratio, dtype=float)
    af = np.asarray(acceleration_factor, dtype=float)
    pi = np.asarray(cure_fraction, dtype=float)
    problems = []
    for name, values, ok, expected in (
        ("hazard_ratio", hr, np.isfinite(hr) & (hr >= 0), "a finite number >= 0"),
        ("acceleration_factor", af, np.isfinite(af) & (af > 0), "a finite number > 0"),
        ("cure_fraction", pi, (pi >= 0) & (pi <= 1), "a proportion in [0, 1]"),
    ):
        if not np.all(ok):
            first = float(values[~ok].flat[0]) if values.ndim else float(values)
            problems.append(Problem(topic("survival adjustment"), f"{name} = {first:.6g} is invalid", expected))
    if problems:
        raise ModelError(problems)
    times = _as_times(t)
    result = survival(distribution, params, times / af)
    if hr.ndim or hr != 1.0:
        result = result**hr
    if pi.ndim or pi != 0.0:
        result = pi + (1.0 - pi) * result
    return np.asarray(result, dtype=float)


def event_probability(s_start: ArrayLike, s_end: ArrayLike) -> FloatArray:
    """
    Probability of the event in [t0, t1) given event-free at t0: 1 - S(t1) / S(t0).

    Parameters
    ----------
    s_start : array-like
        Survival at the start of the interval, S(t0) [0-1].
    s_end : array-like
        Survival at the end of the interval, S(t1) <= S(t0) [0-1].

    Returns
    -------
    numpy.ndarray
        Conditional event probability [0-1] in the broadcast shape of the inputs; 1.0
        where S(t0) = 0 (nobody is left, by convention everyone has had the event).

    Notes
    -----
    Computed as (S(t0) - S(t1)) / S(t0), which is exactly 0 for a flat curve. Used to
    turn a survival curve into per-cycle transition probabilities
    (p_k = 1 - S(t_{k+1})/S(t_k)).

    Examples
    --------
    >>> event_probability([1.0, 0.5, 0.0], [0.9, 0.25, 0.0])
    array([0.1, 0.5, 1. ])
    """
    start = np.asarray(s_start, dtype=float)
    end = np.asarray(s_end, dtype=float)
    out = np.ones(np.broadcast_shapes(start.shape, end.shape))
    np.divide(start - end, start, out=out, where=np.broadcast_to(start != 0, out.shape))
    return out


for _function in (survival, cumulative_hazard, hazard, quantile, adjusted_survival):
    if _function.__doc__:  # absent under python -OO
        _function.__doc__ = _function.__doc__.format(params=_PARAMS_DOC)
del _function
