"""Compiled inner loops of the cohort engine (numba).

Layout: samples are the innermost, contiguous axis so that every inner loop runs over
samples and vectorises. Expression values are *packed*: each row of values is a compact
array of shape (T1, L1, S1), with T1, L1, S1 either 1 or the full length, stored in one
flat buffer; element (t, j, s) of packed row r is
``buf[off[r] + t * st[r] + j * sj[r] + s * ss[r]]``, with stride 0 along broadcast axes.
Inputs that depend on neither samples, time nor state time are therefore stored once.

The cohort is processed in blocks of ``SAMPLE_BLOCK`` samples whose occupancy stays in
the CPU cache for a whole block of cycles. The kernels release the GIL, so the engine runs
disjoint sample ranges on several threads. Every sample is computed on its own, in a fixed
order, so results do not depend on how samples are chunked or on the number of threads.
"""

from __future__ import annotations

import numba
import numpy as np

SAMPLE_BLOCK = 128


@numba.njit(nogil=True, cache=True)
def run_block(start, n_cycles, n_points, s_begin, s_end, src_start, dst, edge_row, edge_j, has_complement,
              tbuf, toff, tst, tsj, tss, reward_start, reward_row, reward_col, reward_pool, pool_row, pool_col,
              state_start, pair_col, pair_state,
              pair_expanded, pair_row, pair_j, vbuf, voff, vst, vsj, vss, scale, point_weights, plain_weights,
              cycle_weights, keep_cycles, end, values, rewards, occupancy, discounted, undiscounted):
    """Advance samples s_begin..s_end-1 of the cohort through one block of cycles and value them.

    start      : occupancy at the block's first point, (n_states, n_samples) [share of cohort]
    n_points   : points valued: n_cycles, or n_cycles + 1 for the last block of the horizon
    Transitions (packed rows in tbuf/toff/tst/tsj/tss; probabilities already checked):
      src_start      : edges out of sub-state i are src_start[i]:src_start[i+1]; the complement
                       edge, if ``has_complement[i]``, is the last of them
      dst            : destination of each edge
      edge_row       : packed row with each edge's probability (-1 for the complement)
      edge_j         : state time of each edge's source (index along L1)
      reward_*       : edge e carries one-off rewards reward_start[e]:reward_start[e+1], each a
                       packed row (value per transition) and an output column
      reward_pool    : for each reward, a pool index or -1. Rewards whose value does not depend on
                       the source's state time are pooled: flows are summed per pool and the sum
                       multiplied by the value once per cycle (pool_row, pool_col: value row, column)
    State values (packed rows in vbuf/voff/vst/vsj/vss):
      state_start : sub-states of model state m are state_start[m]:state_start[m+1]
      pair_*      : (column, state, expanded, row, state time): ``expanded`` 1 means the value
                    applies to sub-state ``pair_state``, 0 to model state ``pair_state`` as a whole
    Totals:
      scale (n_cols,)                    multiplies each column's state values (cycle length for per-year values)
      point_weights (n_cols, n_points)   within-cycle weight x discount factor at each point
      plain_weights (n_points,)          within-cycle weight alone (undiscounted totals)
      cycle_weights (n_cols, n_cycles)   discount factor at mid-cycle, for one-off rewards
    Outputs, written for the samples of this call only:
      end (n_states, n_samples)              occupancy after the block
      discounted, undiscounted (n_cols, n_samples)  totals, added to in time order
    and, when ``keep_cycles`` (the per-cycle detail a deterministic run reports; a PSA skips it):
      values (n_points, n_cols, n_samples)   state values at each point (scaled)
      rewards (n_cycles, n_cols, n_samples)  one-off rewards of the transitions in each cycle
      occupancy (n_points, n_model, n_samples) model-state occupancy at each point

    The complement edge receives the mass left after the other edges, x - Σ x p_e.
    """
    n_states = start.shape[0]
    n_model = state_start.size - 1
    # Loops index arrays directly: taking array views inside the loops would cost a reference
    # count update each time, which is slower than the arithmetic itself.
    cur = np.empty((n_states, SAMPLE_BLOCK))  # occupancy at the current point
    nxt = np.empty((n_states, SAMPLE_BLOCK))  # occupancy one cycle later
    occ = np.empty((n_model, SAMPLE_BLOCK))
    rest = np.empty(SAMPLE_BLOCK)
    flow = np.empty(SAMPLE_BLOCK)
    pools = np.zeros((max(1, pool_row.size), SAMPLE_BLOCK))
    n_cols = scale.size
    pv = np.empty((n_cols, SAMPLE_BLOCK))  # state values at the current point
    rv = np.empty((n_cols, SAMPLE_BLOCK))  # one-off rewards of the current cycle
    for s0 in range(s_begin, s_end, SAMPLE_BLOCK):
        w = min(s_end, s0 + SAMPLE_BLOCK) - s0
        for i in range(n_states):
            for s in range(w):
                cur[i, s] = start[i, s0 + s]
        for t in range(n_points):
            # ---- value the occupancy at point t
            for m in range(n_model):
                for s in range(w):
                    occ[m, s] = 0.0
                for i in range(state_start[m], state_start[m + 1]):
                    for s in range(w):
                        occ[m, s] += cur[i, s]
                if keep_cycles:
                    for s in range(w):
                        occupancy[t, m, s0 + s] = occ[m, s]
            for c in range(n_cols):
                for s in range(w):
                    pv[c, s] = 0.0
            for q in range(pair_col.size):
                r, k, c = pair_row[q], pair_state[q], pair_col[q]
                base = voff[r] + t * vst[r] + pair_j[q] * vsj[r]
                if vss[r] == 0:
                    v = vbuf[base]
                    if pair_expanded[q] == 1:
                        for s in range(w):
                            pv[c, s] += cur[k, s] * v
                    else:
                        for s in range(w):
                            pv[c, s] += occ[k, s] * v
                else:
                    base += s0
                    if pair_expanded[q] == 1:
                        for s in range(w):
                            pv[c, s] += cur[k, s] * vbuf[base + s]
                    else:
                        for s in range(w):
                            pv[c, s] += occ[k, s] * vbuf[base + s]
            for c in range(n_cols):
                f, wd, wu = scale[c], point_weights[c, t], plain_weights[t]
                for s in range(w):
                    v = pv[c, s] * f
                    discounted[c, s0 + s] += v * wd
                    undiscounted[c, s0 + s] += v * wu
                    if keep_cycles:
                        values[t, c, s0 + s] = v
            if t == n_cycles:
                break
            # ---- advance one cycle
            for i in range(n_states):
                for s in range(w):
                    nxt[i, s] = 0.0
            for k in range(pool_row.size):
                for s in range(w):
                    pools[k, s] = 0.0
            for c in range(n_cols):
                for s in range(w):
                    rv[c, s] = 0.0
            for i in range(n_states):
                complement = has_complement[i]
                e_end = src_start[i + 1] - (1 if complement else 0)
                if complement:
                    for s in range(w):
                        rest[s] = cur[i, s]
                for e in range(src_start[i], e_end):
                    r, d = edge_row[e], dst[e]
                    base = toff[r] + t * tst[r] + edge_j[e] * tsj[r]
                    if reward_start[e + 1] > reward_start[e]:
                        if tss[r] == 0:
                            p = tbuf[base]
                            for s in range(w):
                                flow[s] = cur[i, s] * p
                        else:
                            base += s0
                            for s in range(w):
                                flow[s] = cur[i, s] * tbuf[base + s]
                        for s in range(w):
                            nxt[d, s] += flow[s]
                        if complement:
                            for s in range(w):
                                rest[s] -= flow[s]
                        _transition_rewards(t, e, s0, w, flow, edge_j, reward_start, reward_row, reward_col,
                                            reward_pool, pools, tbuf, toff, tst, tsj, tss, rv)
                    elif tss[r] == 0:
                        p = tbuf[base]
                        if complement:
                            for s in range(w):
                                f = cur[i, s] * p
                                nxt[d, s] += f
                                rest[s] -= f
                        else:
                            for s in range(w):
                                nxt[d, s] += cur[i, s] * p
                    else:
                        base += s0
                        if complement:
                            for s in range(w):
                                f = cur[i, s] * tbuf[base + s]
                                nxt[d, s] += f
                                rest[s] -= f
                        else:
                            for s in range(w):
                                nxt[d, s] += cur[i, s] * tbuf[base + s]
                if complement:
                    d = dst[e_end]
                    for s in range(w):
                        nxt[d, s] += rest[s]
                    if reward_start[e_end + 1] > reward_start[e_end]:
                        _transition_rewards(t, e_end, s0, w, rest, edge_j, reward_start, reward_row, reward_col,
                                            reward_pool, pools, tbuf, toff, tst, tsj, tss, rv)
            for k in range(pool_row.size):
                vr, c = pool_row[k], pool_col[k]
                base = toff[vr] + t * tst[vr]
                if tss[vr] == 0:
                    v = tbuf[base]
                    for s in range(w):
                        rv[c, s] += pools[k, s] * v
                else:
                    base += s0
                    for s in range(w):
                        rv[c, s] += pools[k, s] * tbuf[base + s]
            if reward_row.size:
                for c in range(n_cols):
                    wd = cycle_weights[c, t]
                    for s in range(w):
                        v = rv[c, s]
                        discounted[c, s0 + s] += v * wd
                        undiscounted[c, s0 + s] += v
                        if keep_cycles:
                            rewards[t, c, s0 + s] = v
            cur, nxt = nxt, cur
        for i in range(n_states):
            for s in range(w):
                end[i, s0 + s] = cur[i, s]


@numba.njit(nogil=True, cache=True, inline="always")
def _transition_rewards(t, e, s0, w, flow, edge_j, reward_start, reward_row, reward_col, reward_pool, pools,
                        tbuf, toff, tst, tsj, tss, rv):
    for q in range(reward_start[e], reward_start[e + 1]):
        k = reward_pool[q]
        if k >= 0:
            for s in range(w):
                pools[k, s] += flow[s]
            continue
        vr, c = reward_row[q], reward_col[q]
        base = toff[vr] + t * tst[vr] + edge_j[e] * tsj[vr]
        if tss[vr] == 0:
            v = tbuf[base]
            for s in range(w):
                rv[c, s] += flow[s] * v
        else:
            base += s0
            for s in range(w):
                rv[c, s] += flow[s] * tbuf[base + s]


@numba.njit(nogil=True, cache=True)
def accumulate(acc, x):
    """acc[k, c] += x[k, c, 0] + x[k, c, 1] + ... added one sample at a time, in order.

    Sums over samples built this way are identical however the samples are chunked, as long
    as chunks are accumulated in sample order.
    """
    n_k, n_c, n_samples = x.shape
    for k in range(n_k):
        for c in range(n_c):
            a = acc[k, c]
            for s in range(n_samples):
                a += x[k, c, s]
            acc[k, c] = a
