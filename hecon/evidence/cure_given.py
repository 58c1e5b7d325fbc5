"""Mixture cure fits whose cure fraction is given: the uncured part fitted to one arm at a fixed theta.

Use: two endpoints of one cohort whose cured patients are the same patients. A cured patient never
progresses, so the cure fraction of overall survival cannot exceed that of progression-free survival
(the cured are alive *and* progression-free); fitting OS's cure fraction freely to a few published
points can put it far above PFS's and leave a large share of the cohort alive in progression at
general-population mortality. Tying theta_OS = theta_PFS and fitting only OS's uncured part to the
OS data, given that theta, keeps the two curves coherent.

Model: S(t) = theta + (1 - theta) S_u(t) (mixture cure, as flexsurvcure), with theta fixed and S_u a
flexsurv distribution whose parameters are fitted by maximum likelihood to right-censored times
(the log-likelihood of :func:`hecon.evidence.likelihood.log_likelihood` with theta held at its
value; for theta = 0 the plain distribution's fit). Start values: the plain distribution's
maximum-likelihood fit to the same data and flexsurv's start values from the event times only
(:mod:`hecon.evidence.fit`); the best maximum is kept.

:func:`bootstrap_given_cure_fraction` refits the uncured part to bootstrap resamples, replicate
``b`` at the cure fraction ``thetas[b]`` (e.g. replicate ``b`` of the PFS cure fit's bootstrap)
and with the resample :func:`hecon.evidence.bootstrap.resample` gives for ``(seed, b)``: with the
PFS bootstrap's seed and the same number of patients it is the same resample of patient indices,
so the two tables are joint, row by row.

Sources: Lambert PC et al., Stat Med 2007;26:3411 (mixture cure models); flexsurvcure's
parameterisation; Efron B, Tibshirani RJ, An Introduction to the Bootstrap, 1993, ch. 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from hecon.evidence.bootstrap import resample
from hecon.evidence.fit import check_fit_input, fit_survival
from hecon.evidence.ipd import ArmData, arm_data
from hecon.evidence.likelihood import Model, log_likelihood
from hecon.evidence.optimise import maximise
from hecon.model.problems import ModelError, Problem, topic

__all__ = ["ConditionalCureFit", "bootstrap_given_cure_fraction", "fit_uncured_given_cure_fraction"]


@dataclass(frozen=True)
class ConditionalCureFit:
    """The uncured part of a mixture cure model fitted at a given cure fraction.

    distribution : flexsurv distribution of the uncured
    theta        : the given cure fraction [0, 1)
    estimates    : the uncured part's maximum-likelihood estimates, natural scale (flexsurv's names)
    loglik       : the maximised log-likelihood
    converged    : whether the optimiser converged
    """

    distribution: str
    theta: float
    estimates: dict[str, float]
    loglik: float
    converged: bool


def fit_uncured_given_cure_fraction(
    data: ArmData, distribution: str, theta: float, *, time_unit: str
) -> ConditionalCureFit:
    """
    Fit S_u of S(t) = theta + (1 - theta) S_u(t) to one arm by maximum likelihood, theta fixed.

    Parameters
    ----------
    data : ArmData
        Times [``time_unit``] and events of one arm.
    distribution : str
        flexsurv name of the uncured part's distribution.
    theta : float
        The given cure fraction, 0 <= theta < 1 (0: the plain distribution).
    time_unit : str
        Unit of the data's times (days, weeks, months, years).

    Returns
    -------
    ConditionalCureFit

    Raises
    ------
    ModelError
        theta outside [0, 1), or what :func:`hecon.evidence.fit.check_fit_input` rejects.
    """
    problems = check_fit_input([data], (distribution,), (), time_unit)
    if not (isinstance(theta, (int, float)) and 0.0 <= theta < 1.0):
        problems.append(Problem(topic("cure fraction"), f"theta = {theta!r} is outside [0, 1)", "0 <= theta < 1"))
    if problems:
        raise ModelError(problems)
    plain = fit_survival(data, distribution, time_unit=time_unit)
    if theta == 0.0:
        return ConditionalCureFit(distribution, 0.0, dict(plain.estimates), plain.loglik, plain.converged)
    model = Model(distribution, cure=True)
    logit = float(special.logit(theta))

    def loglik(x: np.ndarray) -> float:
        return log_likelihood(model, np.concatenate(([logit], x)), data.time, data.event)

    base = Model(distribution)
    events = data.time[data.event]
    starts = [np.array([plain.internal[p] for p in base.parameters])]
    if events.size:
        starts.append(base.internal(_event_time_start(distribution, events, time_unit)))
    best = maximise(loglik, starts)
    estimates = dict(zip(base.parameters, map(float, base.natural(best.x))))
    return ConditionalCureFit(distribution, float(theta), estimates, best.value, best.converged)


def _event_time_start(distribution: str, events: np.ndarray, time_unit: str) -> np.ndarray:
    """Natural-scale start values: the distribution fitted to the event times only (as flexsurvcure
    starts a cure fit's uncured part)."""
    fit = fit_survival(arm_data(events, np.ones(events.size, dtype=bool)), distribution, time_unit=time_unit)
    return np.array(list(fit.estimates.values()))


def bootstrap_given_cure_fraction(
    data: ArmData, distribution: str, thetas: Sequence[float], *, seed: int, time_unit: str
) -> np.ndarray:
    """
    Refit the uncured part to bootstrap resamples, replicate ``b`` at cure fraction ``thetas[b]``.

    Parameters
    ----------
    data : ArmData
        Times [``time_unit``] and events of one arm.
    distribution : str
        flexsurv name of the uncured part's distribution.
    thetas : sequence of float
        One given cure fraction per replicate, each in [0, 1).
    seed : int
        Seed of the resamples: replicate b resamples ``resample(data.n, seed, b)``.
    time_unit : str
        Unit of the data's times.

    Returns
    -------
    numpy.ndarray
        Shape (len(thetas), number of the distribution's parameters): replicate b's natural-scale
        estimates, flexsurv's order.
    """
    rows = []
    for b, theta in enumerate(thetas):
        index = resample(data.n, seed, b)
        sample = arm_data(data.time[index], data.event[index], data.arm, f"{data.source}, bootstrap replicate {b}")
        fit = fit_uncured_given_cure_fraction(sample, distribution, float(theta), time_unit=time_unit)
        rows.append(list(fit.estimates.values()))
    return np.array(rows, dtype=float)
