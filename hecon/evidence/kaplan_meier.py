"""The Kaplan–Meier estimator, as R's ``survival::survfit`` computes it.

For right-censored data (time, event) the product-limit estimate of the survival function is

    S(t) = prod_{t_j <= t} (1 - d_j / n_j),

where t_j are the distinct observed times, d_j the number of events at t_j and n_j the number
still at risk just before t_j (observed time >= t_j). At a time with both events and
censorings the events come first: those censored at t_j are still at risk at t_j.

Greenwood's formula gives the standard error of -log S(t) (what survfit calls ``std.err``):

    se(t) = sqrt( sum_{t_j <= t} d_j / (n_j (n_j - d_j)) ),

and survfit's default confidence interval (``conf.type = "log"``) is

    S(t) exp(-z se(t))  to  min(1, S(t) exp(z se(t))),   z = Phi^-1((1 + conf_level) / 2).

Where S(t) = 0 (everybody left at risk had the event) se is infinite and both limits are
undefined (nan; survfit's NA).

Time is in whatever unit the data are in (days, months, years); the estimate, numbers at risk
and limits are per distinct time in that unit. Times are compared exactly: unlike survfit's
``timefix``, times that differ only by rounding error are not merged.

References
----------
.. [1] Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete observations.
   Journal of the American Statistical Association 53(282):457-481.
.. [2] Greenwood M (1926). The natural duration of cancer. Reports on Public Health and
   Medical Subjects 33. HMSO, London.
.. [3] Therneau T (2023). A Package for Survival Analysis in R. R package survival 3.5-3;
   help pages ``survfit.formula``, ``survfit.object`` and ``quantile.survfit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hecon.model.problems import ModelError, Problem, ProblemCollector

__all__ = ["KaplanMeier", "kaplan_meier"]

#: quantile.survfit's tolerance: S within this of 1 - p counts as equal to it.
QUANTILE_TOLERANCE = math.sqrt(np.finfo(float).eps)


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier curve: survfit's step function at every distinct observed time.

    All arrays have one entry per distinct time (events and censorings), in increasing order.

    time     : distinct observed times [time unit of the data]
    n_risk   : number at risk just before ``time`` (observed time >= ``time``)
    n_event  : number of events at ``time``
    n_censor : number censored at ``time``
    survival : S(time), the estimate from ``time`` until the next time (right-continuous)
    std_err  : Greenwood standard error of -log S(time) (survfit's ``std.err``; inf where S = 0)
    lower    : lower confidence limit of S(time), "log" interval (nan where S = 0)
    upper    : upper confidence limit of S(time), "log" interval, at most 1 (nan where S = 0)
    conf_level : confidence level of ``lower`` and ``upper``, e.g. 0.95
    """

    time: NDArray[np.float64]
    n_risk: NDArray[np.int64]
    n_event: NDArray[np.int64]
    n_censor: NDArray[np.int64]
    survival: NDArray[np.float64]
    std_err: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    conf_level: float

    def at(self, t: ArrayLike) -> NDArray[np.float64]:
        """S(t) at arbitrary times ``t`` [time unit of the data], same shape as ``t``.

        The right-continuous step: 1 before the first observed time, ``survival[j]`` from
        ``time[j]`` up to the next time, and the last value after the last time (as
        ``summary(fit, times = t, extend = TRUE)``).

        >>> km = kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1])
        >>> km.at([0.5, 1, 2.5, 9]).tolist()
        [1.0, 0.75, 0.5, 0.0]
        """
        t = np.asarray(t, dtype=float)
        index = np.searchsorted(self.time, t, side="right") - 1
        values = np.concatenate(([1.0], self.survival))
        return values[index + 1]

    def n_risk_at(self, t: ArrayLike) -> NDArray[np.int64]:
        """Number at risk at times ``t``: how many have an observed time >= ``t``.

        As ``summary(fit, times = t)$n.risk``: the whole sample at or before the first time,
        0 after the last. Same shape as ``t``.

        >>> kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1]).n_risk_at([0, 2, 2.5, 4]).tolist()
        [4, 3, 1, 0]
        """
        t = np.asarray(t, dtype=float)
        index = np.searchsorted(self.time, t, side="left")
        values = np.concatenate((self.n_risk, [0]))
        return values[index]

    def quantile(self, p: float) -> float:
        """Time by which a fraction ``p`` has had the event [time unit of the data].

        R's ``quantile.survfit`` rule: the first time at which S <= 1 - p; where S equals
        1 - p (within :data:`QUANTILE_TOLERANCE`) over a stretch, the midpoint of that stretch,
        ending at the last observed time if the curve stays there. nan if S never falls to
        1 - p. ``quantile(0.5)`` is the median.

        >>> kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).quantile(0.5)
        2.5
        """
        if not 0.0 <= p <= 1.0:
            raise ModelError(Problem("Kaplan–Meier quantile", f"p = {p} is outside [0, 1]", "a fraction in [0, 1]"))
        x = np.concatenate(([0.0], self.time))
        y = np.concatenate(([0.0], 1.0 - self.survival))  # fraction with the event
        tol = QUANTILE_TOLERANCE
        if p == 0.0:
            return 0.0
        if y[-1] < p - tol:
            return math.nan
        first = int(np.argmax(y + tol >= p))
        if abs(p - y[-1]) < tol:
            return float((x[first] + x[-1]) / 2)
        beyond = int(np.argmax(y - tol >= p))
        return float((x[first] + x[beyond]) / 2)


def kaplan_meier(time: ArrayLike, event: ArrayLike, conf_level: float = 0.95) -> KaplanMeier:
    """Kaplan–Meier estimate with Greenwood standard errors and "log" confidence limits.

    Parameters
    ----------
    time : array-like of float
        Observed time of each subject, event or censoring, >= 0 [any time unit].
    event : array-like of bool or 0/1
        1 (True) if the subject had the event at ``time``, 0 (False) if censored there.
    conf_level : float
        Confidence level of the pointwise interval, in (0, 1); default 0.95.

    Returns
    -------
    KaplanMeier
        The curve at every distinct time, as ``survfit(Surv(time, event) ~ 1)``.

    Raises
    ------
    ModelError
        With every problem found: lengths that differ, no subjects, a time that is negative or
        not finite, an event that is not 0 or 1, a confidence level outside (0, 1).

    Examples
    --------
    >>> km = kaplan_meier([2, 3, 3, 5], [1, 1, 0, 1])
    >>> km.time.tolist(), km.n_risk.tolist(), km.survival.tolist()
    ([2.0, 3.0, 5.0], [4, 3, 1], [0.75, 0.5, 0.0])
    """
    t, d = _checked(time, event, conf_level)
    order = np.argsort(t, kind="stable")
    t, d = t[order], d[order]
    distinct, first, counts = np.unique(t, return_index=True, return_counts=True)
    n_event = np.add.reduceat(d, first)
    n_censor = counts - n_event
    n_risk = t.size - first
    survival: NDArray[np.float64] = np.cumprod(1.0 - n_event / n_risk, dtype=np.float64)
    with np.errstate(divide="ignore"):
        terms = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(float)), 0.0)
    std_err = np.sqrt(np.cumsum(terms))
    z = NormalDist().inv_cdf((1.0 + conf_level) / 2.0)
    defined = survival > 0
    with np.errstate(invalid="ignore", over="ignore"):
        lower = np.where(defined, survival * np.exp(-z * std_err), math.nan)
        upper = np.where(defined, np.minimum(1.0, survival * np.exp(z * std_err)), math.nan)
    return KaplanMeier(
        time=distinct,
        n_risk=n_risk.astype(np.int64),
        n_event=n_event.astype(np.int64),
        n_censor=n_censor.astype(np.int64),
        survival=survival,
        std_err=std_err,
        lower=lower,
        upper=upper,
        conf_level=float(conf_level),
    )


def _checked(time: ArrayLike, event: ArrayLike, conf_level: float) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Times as floats and events as 0/1 integers, or every problem raised together."""
    problems = ProblemCollector()
    t = np.asarray(time, dtype=float).ravel()
    raw = np.asarray(event).ravel()
    if t.size != raw.size:
        problems.add("kaplan_meier", f"{t.size} times but {raw.size} events", "one event indicator per time")
    if t.size == 0:
        problems.add("kaplan_meier", "no subjects", "at least one (time, event) pair")
    bad_time = np.flatnonzero(~(np.isfinite(t) & (t >= 0)))
    for i in bad_time:
        problems.add(f"kaplan_meier: time[{i}]", f"{t[i]} is not a finite time >= 0", "a time >= 0")
    for j, value in enumerate(raw.tolist()):
        if value not in (0, 1):  # True and 1.0 count as 1
            problems.add(f"kaplan_meier: event[{j}]", f"{value!r} is not 0 or 1", "1 for an event, 0 for censored")
    if not 0.0 < conf_level < 1.0:
        problems.add("kaplan_meier", f"conf_level {conf_level} is outside (0, 1)", "a level such as 0.95")
    problems.raise_if_any()
    return t, raw.astype(np.int64)
