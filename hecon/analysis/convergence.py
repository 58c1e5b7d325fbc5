"""Convergence of a probabilistic analysis: running means and Monte Carlo standard errors.

References
----------
Hatswell AJ, Bullement A, Briggs A, Paulden M, Stevenson MD. Probabilistic sensitivity
    analysis in cost-effectiveness models: determining model convergence in cohort models.
    PharmacoEconomics 2018;36(12):1421-1426.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from hecon.analysis.checks import check_finite, float_array
from hecon.model.problems import Location, ModelError, Problem, topic
from hecon.model.types import FloatArray


def _samples(x: ArrayLike, where: Location, minimum: int) -> FloatArray:
    arr = float_array(x, "x", where)
    problems: list[Problem] = []
    if arr.ndim < 1 or arr.shape[0] < minimum:
        problems.append(
            Problem(where, f"x has shape {arr.shape}", f"at least {minimum} sample(s) along the first axis")
        )
    else:
        check_finite(arr, "x", where, problems)
    if problems:
        raise ModelError(problems)
    return arr


def running_mean(x: ArrayLike) -> FloatArray:
    """Running (cumulative) mean over PSA samples, for convergence plots.

    Parameters
    ----------
    x : array-like, shape (n_samples, ...)
        Sampled outcome, e.g. incremental NMB per sample; samples on the first axis.

    Returns
    -------
    numpy.ndarray, same shape
        Element k is the mean of samples 0..k.

    Notes
    -----
    Hatswell AJ, Bullement A, Briggs A, Paulden M, Stevenson MD. Probabilistic sensitivity
    analysis in cost-effectiveness models: determining model convergence in cohort models.
    PharmacoEconomics 2018;36(12):1421-1426.

    Examples
    --------
    >>> running_mean([1.0, 3.0, 5.0])
    array([1., 2., 3.])
    """
    arr = _samples(x, topic("running_mean"), 1)
    n = np.arange(1, arr.shape[0] + 1).reshape((-1,) + (1,) * (arr.ndim - 1))
    return np.cumsum(arr, axis=0) / n


def monte_carlo_se(x: ArrayLike) -> FloatArray | float:
    """Monte Carlo standard error of the PSA mean: sd / sqrt(n).

    Parameters
    ----------
    x : array-like, shape (n_samples, ...)
        Sampled outcome; samples on the first axis; n >= 2.

    Returns
    -------
    float or numpy.ndarray of shape x.shape[1:]
        Sample standard deviation (ddof=1) divided by sqrt(n_samples), in the units of x.

    Examples
    --------
    >>> monte_carlo_se([1.0, 3.0, 5.0, 7.0])  # sd = sqrt(20/3); / 2
    1.2909944487358056
    """
    arr = _samples(x, topic("monte_carlo_se"), 2)
    se = np.std(arr, axis=0, ddof=1) / math.sqrt(arr.shape[0])
    return float(se) if np.ndim(se) == 0 else se


def running_monte_carlo_se(x: ArrayLike) -> FloatArray:
    """Monte Carlo standard error of the running mean after each sample: the sample standard
    deviation (ddof=1) of samples 0..k divided by sqrt(k + 1); nan after the first sample.

    Parameters
    ----------
    x : array-like, shape (n_samples,)
        Sampled outcome, e.g. incremental NMB per sample.

    Returns
    -------
    numpy.ndarray, shape (n_samples,), in the units of x
        From running sums of x and x² (variance clipped at 0 against rounding).

    Examples
    --------
    >>> running_monte_carlo_se([1.0, 3.0, 5.0, 7.0])  # the last: sqrt(20/3) / 2
    array([       nan, 1.        , 1.15470054, 1.29099445])
    """
    arr = _samples(x, topic("running_monte_carlo_se"), 1)
    steps = np.arange(1, arr.shape[0] + 1)
    mean = np.cumsum(arr) / steps
    square = np.cumsum(arr**2) / steps
    var = np.maximum(square - mean**2, 0.0) * steps / np.maximum(steps - 1, 1)
    se: FloatArray = np.sqrt(var / steps)
    se[0] = np.nan
    return se
