"""Compiled inner loops of the cohort engine (numba).

These are the only loops over samples, cycles and states; everything else is numpy on
whole arrays. ``parallel=True`` spreads PSA samples over the cores; each sample's
arithmetic is sequential and in a fixed order, so results do not depend on the number of
threads or on how samples are chunked.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(parallel=True, cache=True, fastmath=False)
def propagate(start: np.ndarray, src: np.ndarray, dst: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Markov trace over one block of cycles.

    start : occupancy at the block's first point, shape (n_samples, n_states) [fraction of cohort]
    src, dst : edge list (from-state, to-state index) of the sparse transition matrix, shape (n_edges,)
    probs : per-cycle transition probability of each edge, shape (n_samples, n_cycles, n_edges)

    Returns occupancy at the block's n_cycles + 1 points, shape (n_samples, n_cycles + 1, n_states):
    trace[s, t + 1, j] = Σ_{e: dst[e] = j} trace[s, t, src[e]] * probs[s, t, e].
    """
    n_samples, n_cycles, n_edges = probs.shape
    n_states = start.shape[1]
    out = np.zeros((n_samples, n_cycles + 1, n_states))
    for s in numba.prange(n_samples):
        for j in range(n_states):
            out[s, 0, j] = start[s, j]
        for t in range(n_cycles):
            for e in range(n_edges):
                out[s, t + 1, dst[e]] += out[s, t, src[e]] * probs[s, t, e]
    return out


@numba.njit(parallel=True, cache=True, fastmath=False)
def weighted_occupancy(trace: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Σ_states trace[s, t, j] * values[s', t', j], with values broadcast along length-1 axes.

    trace  : (n_samples, n_points, n_states)
    values : (1 or n_samples, 1 or n_points, n_states), the per-state reward at each point
    Returns (n_samples, n_points).
    """
    n_samples, n_points, n_states = trace.shape
    sample_step = 1 if values.shape[0] > 1 else 0
    time_step = 1 if values.shape[1] > 1 else 0
    out = np.zeros((n_samples, n_points))
    for s in numba.prange(n_samples):
        vs = s * sample_step
        for t in range(n_points):
            vt = t * time_step
            acc = 0.0
            for j in range(n_states):
                acc += trace[s, t, j] * values[vs, vt, j]
            out[s, t] = acc
    return out


@numba.njit(parallel=True, cache=True, fastmath=False)
def row_dot(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_k a[s, k] * w[k] for each row s, summed in a fixed order (so that a sample's result
    does not depend on how many samples share the call, unlike BLAS)."""
    n_rows, n_cols = a.shape
    out = np.zeros(n_rows)
    for s in numba.prange(n_rows):
        acc = 0.0
        for k in range(n_cols):
            acc += a[s, k] * w[k]
        out[s] = acc
    return out


@numba.njit(parallel=True, cache=True, fastmath=False)
def accumulate(acc: np.ndarray, x: np.ndarray) -> None:
    """acc[p, m] += x[0, p, m] + x[1, p, m] + ... added one sample at a time, in order.

    Sums over samples built this way are identical however the samples are chunked,
    as long as chunks are accumulated in sample order.
    """
    n_samples, n_p, n_m = x.shape
    for p in numba.prange(n_p):
        for m in range(n_m):
            a = acc[p, m]
            for s in range(n_samples):
                a += x[s, p, m]
            acc[p, m] = a
