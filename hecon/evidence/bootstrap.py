"""Bootstrap of a survival fit: resample the patients, refit, keep every refit's parameters.

The table of refits is the PSA distribution of a fitted curve where the normal approximation of
the maximum-likelihood estimates (R's ``vcov(fit)``, an ``mvnormal`` group) misdescribes the
uncertainty: a mixture cure fraction whose likelihood is flat and whose estimate lies near its
boundary 0, which a normal on the logit scale can neither reach nor keep near. The table becomes
an ``empirical`` group (:mod:`hecon.model.distributions`), whose PSA draws whole rows.

Method: the nonparametric (case-resampling) bootstrap for censored data (Efron B. Censored data
and the bootstrap. J Am Stat Assoc 1981;76:312-319; Efron B, Tibshirani RJ. An Introduction to
the Bootstrap. Chapman & Hall 1993, ch. 6 and 11): each replicate draws n patients, (time, event)
pairs, with replacement from the n patients and refits the model by maximum likelihood
(:func:`hecon.evidence.fit.fit_all`, flexsurv's parameterisations).

Rules
-----
* Replicate ``b`` (0, 1, ...) resamples with its own generator,
  ``PCG64(SeedSequence(seed, spawn_key=(b,)))``: it depends only on ``(seed, b)``, so a longer
  bootstrap with the same seed extends a shorter one.
* Each refit is the maximum-likelihood estimate over the closed parameter space. For a mixture
  cure model that is the better (higher log-likelihood) of the cure fit and the fit without cure
  (theta = 0, the model the cure model reduces to on its boundary): a refit whose cure fraction
  goes to 0 is kept with theta = 0 and the plain fit's parameters, never dropped
  (:attr:`BootstrapFits.at_boundary` counts them).
* A refit that did not converge for another reason (rounding near a flat maximum) is kept at the
  best point the optimiser reached and counted in :attr:`BootstrapFits.not_converged`; dropping
  it would bias the table towards the well-behaved resamples.
* Parameters are kept on the natural scale that the model uses (flexsurvreg's printed scale:
  rates [1/time unit], scales [time unit], shapes; theta, the cure fraction, on [0, 1]).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from hecon.evidence.fit import CURE_BOUNDARY, check_fit_input, fit_all
from hecon.evidence.ipd import ArmData, arm_data
from hecon.evidence.likelihood import CURE_PARAMETER, Model
from hecon.model.problems import ModelError, Problem, topic

__all__ = ["BootstrapFits", "bootstrap_fit", "resample"]


@dataclass(frozen=True, eq=False)
class BootstrapFits:
    """The refits of one model to bootstrap resamples of one arm.

    distribution : flexsurv distribution name
    cure         : True for a mixture cure model
    time_unit    : unit of the data's times, and of the curve
    parameters   : parameter names in flexsurv's order (``theta`` first for a cure model)
    draws        : array (n_boot, len(parameters)): row b is replicate b's estimates on the
                   natural scale (theta in [0, 1])
    seed, n_boot : the bootstrap's seed and number of replicates
    at_boundary  : cure models: replicates whose maximum is at theta = 0 (kept with theta = 0)
    not_converged: replicates kept at the best point reached without convergence
    source       : where the data came from
    """

    distribution: str
    cure: bool
    time_unit: str
    parameters: tuple[str, ...]
    draws: np.ndarray
    seed: int
    n_boot: int
    at_boundary: int
    not_converged: int
    source: str = ""

    def column(self, parameter: str) -> np.ndarray:
        """The refits' values of one parameter, replicate by replicate."""
        return np.asarray(self.draws[:, self.parameters.index(parameter)])


def resample(n: int, seed: int, replicate: int) -> np.ndarray:
    """Indices of the patients (0 .. n-1, with replacement, n of them) of bootstrap ``replicate``."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replicate,))))
    return rng.integers(0, n, size=n)


def bootstrap_fit(
    data: ArmData, distribution: str, *, cure: bool = False, n_boot: int, seed: int, time_unit: str
) -> BootstrapFits:
    """
    Refit one survival model to ``n_boot`` bootstrap resamples of one arm's patients.

    Parameters
    ----------
    data : ArmData
        Times [``time_unit``] and events of one arm, e.g. patients reconstructed from published
        points or a Kaplan-Meier figure (:func:`hecon.evidence.guyot.reconstruct_ipd`).
    distribution : str
        flexsurv name (one of :data:`hecon.evidence.fit.FITTED_DISTRIBUTIONS`).
    cure : bool, default False
        Refit the mixture cure model with this distribution for the uncured.
    n_boot : int
        Number of replicates [>= 1].
    seed : int
        Seed [>= 0]; replicate b depends only on (seed, b) (module docstring).
    time_unit : str
        Unit of the data's times (days, weeks, months, years).

    Returns
    -------
    BootstrapFits
        One row of natural-scale estimates per replicate.

    Raises
    ------
    ModelError
        A bad n_boot or seed, what :func:`hecon.evidence.fit.check_fit_input` rejects in the data,
        or a resample without events (data with very few events).

    Examples
    --------
    >>> from hecon.evidence.ipd import arm_data
    >>> fits = bootstrap_fit(arm_data([2.0, 3.0, 5.0, 8.0], [1, 1, 0, 1]), "exp", n_boot=3, seed=1,
    ...                      time_unit="months")
    >>> fits.draws.shape
    (3, 1)
    """
    problems = [p for p in (_count(n_boot, "n_boot", 1), _count(seed, "seed", 0)) if p is not None]
    cures = (distribution,) if cure else ()
    problems += check_fit_input([data], () if cure else (distribution,), cures, time_unit)
    if problems:
        raise ModelError(problems)
    model = Model(distribution, cure)
    rows = np.empty((n_boot, len(model.parameters)))
    at_boundary = not_converged = 0
    for b in range(n_boot):
        index = resample(data.n, seed, b)
        sample = arm_data(data.time[index], data.event[index], data.arm, f"{data.source}, bootstrap replicate {b}")
        plain, *with_cure = fit_all([sample], (distribution,), cures, time_unit=time_unit)
        chosen = with_cure[0] if with_cure else plain
        if with_cure and (chosen.estimates[CURE_PARAMETER] < CURE_BOUNDARY or plain.loglik >= chosen.loglik):
            at_boundary += 1  # the maximum over theta in [0, 1] is at theta = 0: the fit without cure
            chosen = plain
            rows[b] = [0.0, *(plain.estimates[p] for p in model.parameters[1:])]
        else:
            rows[b] = [chosen.estimates[p] for p in model.parameters]
        not_converged += not chosen.converged
    return BootstrapFits(
        distribution, cure, time_unit, model.parameters, rows, seed, n_boot, at_boundary, not_converged, data.source
    )


def _count(value: object, label: str, minimum: int) -> Problem | None:
    try:
        number = operator.index(value)  # type: ignore[arg-type]  # any object; non-integers raise TypeError
    except TypeError:
        return Problem(topic("bootstrap"), f"{label} = {value!r} is not an integer", f"an integer >= {minimum}")
    if number < minimum:
        return Problem(topic("bootstrap"), f"{label} = {number} is below {minimum}", f"an integer >= {minimum}")
    return None
