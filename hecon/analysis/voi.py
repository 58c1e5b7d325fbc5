"""Value of information: expected value of perfect information, per patient and for the population.

References
----------
Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the Economic
    Evaluation of Health Care Programmes. 4th ed. Oxford University Press; 2015.  Chapter 11.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from hecon.analysis.checks import check_finite, float_array, psa_inputs, wtp_array
from hecon.analysis.net_benefit import nmb_chunks
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import FloatArray


def evpi(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> FloatArray:
    """Per-patient expected value of perfect information [currency per patient].

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray, shape (n_wtp,)
        EVPI = E[max_s NMB_s] - max_s E[NMB_s].

    Notes
    -----
    Computed as the expected opportunity loss of the strategy with the highest expected
    NMB, s* (wtp * mean effect - mean cost; the first strategy on ties, as in :func:`ceaf`):
    EVPI = E[max_s NMB_s - NMB_s*]. This equals the formula above and each term is
    >= 0 in floating point, so EVPI is never negative and is exactly 0 when s* is optimal
    in every sample. Claxton K. The irrelevance of inference. J Health Econ
    1999;18:341-364; Briggs, Claxton & Sculpher, Decision Modelling for Health Economic
    Evaluation, OUP 2006, ch. 7.
    """
    c, e = psa_inputs(costs, effects, topic("evpi"), two_d=True)
    w = np.atleast_1d(wtp_array(wtp, topic("evpi")))
    out = np.empty(len(w))
    # s*: highest expected NMB = wtp * E[E] - E[C] (first strategy on ties), as in ceaf
    best_all = np.argmax(w[:, None] * e.mean(axis=0) - c.mean(axis=0), axis=1)
    for sl, nmb in nmb_chunks(c, e, w):
        best = best_all[sl]
        nmb_best = np.take_along_axis(nmb, best[:, None, None], axis=1)[:, 0, :]
        out[sl] = (nmb.max(axis=1) - nmb_best).mean(axis=-1)
    return out


def discounted_population(annual_population: float, years: int, discount_rate: float) -> float:
    """Discounted number of patients affected by the decision [persons].

    sum_{y=0}^{years-1} N / (1 + r)^y: ``annual_population`` (N) new patients per year over
    ``years`` years, the first year undiscounted, ``discount_rate`` (r) per year.

    Examples
    --------
    >>> discounted_population(1000, 2, 0.04)
    1961.5384615384614
    """
    problems: list[Problem] = []
    if not math.isfinite(annual_population) or annual_population < 0:
        problems.append(
            Problem(
                topic("population_evpi"),
                f"annual_population is {annual_population}",
                "a number of patients per year >= 0",
            )
        )
    if isinstance(years, bool) or int(years) != years or years < 1:
        problems.append(Problem(topic("population_evpi"), f"years is {years}", "a whole number of years >= 1"))
    if not math.isfinite(discount_rate) or discount_rate < 0:
        problems.append(
            Problem(topic("population_evpi"), f"discount_rate is {discount_rate}", "an annual rate >= 0, e.g. 0.015")
        )
    if problems:
        raise ModelError(problems)
    y = np.arange(int(years))
    return float(np.sum(annual_population / (1.0 + discount_rate) ** y))


def population_evpi(
    evpi_per_patient: ArrayLike, annual_population: float, years: int, discount_rate: float
) -> FloatArray:
    """Population EVPI [currency] = per-patient EVPI x discounted population.

    Parameters
    ----------
    evpi_per_patient : float or array-like, e.g. shape (n_wtp,)
        Per-patient EVPI from :func:`evpi` [currency per patient].
    annual_population : float
        Patients affected by the decision each year (incidence) [persons per year].
    years : int
        Time horizon of the decision (technology lifetime) [years].
    discount_rate : float
        Annual discount rate [per year].

    Returns
    -------
    numpy.ndarray
        Same shape as ``evpi_per_patient``:
        EVPI x sum_{y=0}^{years-1} N / (1 + r)^y (see :func:`discounted_population`).
    """
    v = float_array(evpi_per_patient, "evpi_per_patient", topic("population_evpi"))
    problems: list[Problem] = []
    check_finite(v, "evpi_per_patient", topic("population_evpi"), problems)
    if problems:
        raise ModelError(problems)
    return v * discounted_population(annual_population, years, discount_rate)
