"""Net benefit and acceptability: NMB, NHB, CEAC and CEAF.

Probabilistic inputs have shape ``(n_samples, n_strategies)`` (strategy axis last); a
willingness-to-pay grid ``(n_wtp,)`` [currency per effect unit]; results over the grid put
the wtp axis before the strategy axis.

References
----------
Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the Economic
    Evaluation of Health Care Programmes. 4th ed. Oxford University Press; 2015.
Fenwick E, Claxton K, Sculpher M. Representing uncertainty: the role of
    cost-effectiveness acceptability curves. Health Econ 2001;10(8):779-787.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from hecon.analysis.checks import psa_inputs, wtp_array
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.types import FloatArray

#: Number of (sample x wtp x strategy) values held in memory at once by the PSA summaries.
_CHUNK_ELEMENTS = 1 << 20


def net_monetary_benefit(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> FloatArray:
    """Net monetary benefit NMB = wtp * E - C [currency].

    Parameters
    ----------
    costs, effects : array-like, shape (..., n_strategies)
        Costs [currency] and effects [QALY]; any leading axes (e.g. PSA samples).
    wtp : float or array-like, shape (n_wtp,)
        Willingness to pay [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., n_wtp, n_strategies)`` for a 1-D ``wtp``: the wtp axis is inserted
        just before the strategy axis. For a scalar ``wtp`` the shape is that of
        ``costs``, ``(..., n_strategies)``.

    Notes
    -----
    Stinnett AA, Mullahy J. Net health benefits: a new framework for the analysis of
    uncertainty in cost-effectiveness analysis. Med Decis Making 1998;18(2 Suppl):S68-80.

    Examples
    --------
    >>> net_monetary_benefit([1000.0, 3000.0], [1.0, 1.1], 20000)
    array([19000., 19000.])
    """
    c, e = psa_inputs(costs, effects, topic("net_monetary_benefit"), two_d=False)
    w = wtp_array(wtp, topic("net_monetary_benefit"))
    if w.ndim == 0:
        return w * e - c
    return w[:, None] * e[..., None, :] - c[..., None, :]


def net_health_benefit(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> FloatArray:
    """Net health benefit NHB = E - C / wtp [QALY].

    Parameters
    ----------
    costs, effects : array-like, shape (..., n_strategies)
        Costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness to pay [currency per QALY], > 0.

    Returns
    -------
    numpy.ndarray
        Same shape rules as :func:`net_monetary_benefit`: ``(..., n_wtp, n_strategies)``
        for a 1-D ``wtp``, ``(..., n_strategies)`` for a scalar. NHB = NMB / wtp.

    Notes
    -----
    Stinnett & Mullahy, Med Decis Making 1998;18(2 Suppl):S68-80.

    Examples
    --------
    >>> net_health_benefit([1000.0, 3000.0], [1.0, 1.1], 20000)
    array([0.95, 0.95])
    """
    c, e = psa_inputs(costs, effects, topic("net_health_benefit"), two_d=False)
    w = wtp_array(wtp, topic("net_health_benefit"), positive=True)
    if w.ndim == 0:
        return e - c / w
    return e[..., None, :] - c[..., None, :] / w[:, None]


def nmb_chunks(c: FloatArray, e: FloatArray, w: FloatArray) -> Iterator[tuple[slice, FloatArray]]:
    """Yield (wtp slice, NMB of shape (n_wtp_chunk, n_strategies, n_samples)) in bounded memory.

    Samples are on the last, contiguous axis, so that every mean over samples is the same
    floating-point sum whatever the chunk size (results do not depend on chunking).
    """
    ct = np.ascontiguousarray(c.T)  # (n_strategies, n_samples)
    et = np.ascontiguousarray(e.T)
    step = max(1, _CHUNK_ELEMENTS // max(1, c.size))
    for start in range(0, len(w), step):
        sl = slice(start, min(start + step, len(w)))
        yield sl, w[sl, None, None] * et[None] - ct[None]


def ceac(costs: ArrayLike, effects: ArrayLike, wtp: ArrayLike) -> FloatArray:
    """Cost-effectiveness acceptability curves.

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.

    Returns
    -------
    numpy.ndarray, shape (n_wtp, n_strategies)
        Probability that each strategy has the highest NMB, i.e. the share of PSA samples
        in which it is optimal. When several strategies tie for the highest NMB in a
        sample (exact equality), that sample counts 1/k for each of the k tied strategies,
        so every row sums to 1.

    Notes
    -----
    Fenwick, Claxton & Sculpher, Health Econ 2001;10:779-787; Drummond et al. 2015, ch. 11.
    """
    c, e = psa_inputs(costs, effects, topic("ceac"), two_d=True)
    w = np.atleast_1d(wtp_array(wtp, topic("ceac")))
    out = np.empty((len(w), c.shape[1]))
    for sl, nmb in nmb_chunks(c, e, w):
        is_max = nmb == nmb.max(axis=1, keepdims=True)
        share = is_max / is_max.sum(axis=1, keepdims=True)
        out[sl] = share.mean(axis=-1)
    return out


class CEAF(NamedTuple):
    """Cost-effectiveness acceptability frontier, one entry per willingness to pay.

    optimal     : the strategy with the highest *expected* NMB at each wtp; names when
                  ``strategies`` were given, else integer indices. Shape (n_wtp,).
    probability : that strategy's probability of being cost-effective (its CEAC value)
                  [0-1]. Shape (n_wtp,).
    """

    optimal: np.ndarray
    probability: FloatArray


def ceaf(
    costs: ArrayLike,
    effects: ArrayLike,
    wtp: ArrayLike,
    strategies: Sequence[str] | None = None,
) -> CEAF:
    """Cost-effectiveness acceptability frontier (CEAF).

    Parameters
    ----------
    costs, effects : array-like, shape (n_samples, n_strategies)
        PSA samples of costs [currency] and effects [QALY].
    wtp : float or array-like, shape (n_wtp,)
        Willingness-to-pay grid [currency per QALY], >= 0.
    strategies : sequence of str, optional
        Strategy names; when given, ``optimal`` holds names instead of indices.

    Returns
    -------
    CEAF
        ``(optimal, probability)``: the strategy with the highest expected NMB
        (mean over samples; ties go to the first strategy in input order) at each wtp,
        and its probability of being cost-effective from :func:`ceac`. The optimal
        strategy is not always the one with the highest CEAC value.

    Notes
    -----
    Fenwick, Claxton & Sculpher, Health Econ 2001;10:779-787.
    """
    c, e = psa_inputs(costs, effects, topic("ceaf"), two_d=True)
    w = np.atleast_1d(wtp_array(wtp, topic("ceaf")))
    if strategies is not None and len(strategies) != c.shape[1]:
        raise ModelError(
            Problem(
                topic("ceaf"),
                f"{len(strategies)} strategy names for {c.shape[1]} strategies",
                "one name per column of costs",
            )
        )
    expected_nmb = w[:, None] * e.mean(axis=0) - c.mean(axis=0)
    best = np.argmax(expected_nmb, axis=1)
    probability = ceac(c, e, w)[np.arange(len(w)), best]
    optimal = best if strategies is None else np.asarray([str(s) for s in strategies])[best]
    return CEAF(optimal, probability)
