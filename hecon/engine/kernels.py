"""Compiled inner loops of the cohort engine (numba).

Layout: samples are the innermost, contiguous axis so that every inner loop runs over
samples and vectorises. Expression values are *packed*: each row of values is a compact
array of shape (T1, L1, W), with T1 and L1 either 1 or the full length and W either the
chunk's samples or, for a value that does not vary by sample, min(``SAMPLE_BLOCK``, chunk's
samples) copies of it, held as a flat C-contiguous float64 array (see :mod:`hecon.engine.packing`)
that the kernels reach by its address: element (t, j, s0 + s) of row r, for a sample block
starting at s0, is element ``t * st[r] + j * sj[r] + s0 * so[r] + s`` of the row at
``addr[r]`` (stride 0 along length-1 axes; ``so`` is 0 for rows of copies). Every inner loop
thus reads its values the same way, whatever the row depends on; inputs that depend on
neither time nor state time are stored once, and values computed by numpy are used in place.

The cohort is processed in blocks of ``SAMPLE_BLOCK`` samples whose occupancy stays in
the CPU cache for a whole block of cycles. The kernels release the GIL, so the engine runs
disjoint sample ranges on several threads. Every sample is computed on its own, in a fixed
order, so results do not depend on how samples are chunked or on the number of threads.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt
from numba import types
from numba.extending import intrinsic

from hecon.model.types import FloatArray

SAMPLE_BLOCK = 512  # samples per cache block: long inner loops amortise the per-loop overlap checks
VALUE_CYCLES = 52  # values constant over time are valued every VALUE_CYCLES cycles (see run_block)
FAST_EDGES = 3  # sub-states with 1..FAST_EDGES edges besides the complement take a one-pass loop


IntArray = npt.NDArray[np.int64]


class Span(NamedTuple):
    """Which cycles and samples one kernel call advances."""

    t_first: int  # model cycle of the block's first point
    n_cycles: int
    n_points: int  # n_cycles, or n_cycles + 1 for the horizon's last block
    s_begin: int
    s_end: int


class Edges(NamedTuple):
    """The transition structure of one strategy (see :func:`run_block`)."""

    src_start: IntArray
    dst: IntArray
    edge_row: IntArray
    edge_j: IntArray
    has_complement: npt.NDArray[np.bool_]
    fast: IntArray
    sole: IntArray
    zero_rows: IntArray


class PackedRows(NamedTuple):
    """Packed rows of values: their addresses and strides (see the module docstring)."""

    addr: IntArray
    st: IntArray
    sj: IntArray
    so: IntArray


class OneOffRewards(NamedTuple):
    """One-off rewards on transitions, per edge or pooled in accumulators (see :func:`run_block`)."""

    reward_start: IntArray
    reward_row: IntArray
    reward_col: IntArray
    acc_dst: IntArray
    acc_start: IntArray
    acc_row: IntArray
    acc_col: IntArray
    reward_cols: IntArray


class StateValues(NamedTuple):
    """Which packed row values which state into which column (see :func:`run_block`)."""

    state_start: IntArray
    pair_col: IntArray
    pair_state: IntArray
    pair_expanded: IntArray
    pair_row: IntArray
    pair_j: IntArray
    timed_cols: IntArray
    const_state: IntArray
    cpair_col: IntArray
    cpair_w: IntArray
    cpair_row: IntArray


class Weights(NamedTuple):
    """Within-cycle and discount weights (see :func:`run_block`)."""

    scale: FloatArray
    group_weights: FloatArray
    col_group: IntArray
    cycle_weights: FloatArray
    cycle_plain: FloatArray


class Outputs(NamedTuple):
    """What a kernel call writes (see :func:`run_block`)."""

    end: FloatArray
    values: FloatArray
    rewards: FloatArray
    occupancy: FloatArray
    discounted: FloatArray
    undiscounted: FloatArray


@intrinsic
def _pointer(typingctx, address):
    """The float64 pointer at an integer address."""

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

    return types.CPointer(types.float64)(types.int64), codegen


@numba.njit(nogil=True, cache=True, inline="always")
def packed_row(addr, st, sj, so, r, t, j, s0, n):
    """Values (t, j, s0..s0+n-1) of packed row r (see the module docstring), as an array that
    does not own or count references to its memory (the engine keeps the row alive while
    kernels run). A counted view of a shared input would update its reference count, one
    cache line that all threads write to."""
    return numba.carray(_pointer(addr[r] + 8 * (t * st[r] + j * sj[r] + s0 * so[r])), n)  # type: ignore[attr-defined,call-arg]


@numba.njit(nogil=True, cache=True)
def run_block(
    start: FloatArray,
    span: Span,
    edges: Edges,
    transitions: PackedRows,
    one_offs: OneOffRewards,
    states: StateValues,
    values_rows: PackedRows,
    weights: Weights,
    keep_cycles: bool,
    out: Outputs,
) -> None:
    """Advance samples s_begin..s_end-1 of the cohort through one block of cycles and value them.

    The arguments come in named groups (:class:`Span`, :class:`Edges`, :class:`PackedRows`,
    :class:`OneOffRewards`, :class:`StateValues`, :class:`Weights`, :class:`Outputs`), unpacked
    at the top into the names below.

    start      : occupancy at the block's first point, (n_states, n_samples) [share of cohort]
    Span: t_first    : the model cycle of the block's first point
          n_cycles   : cycles in the block
          n_points   : points valued: n_cycles, or n_cycles + 1 for the last block of the horizon
          s_begin, s_end : the samples of this call
    Transitions (Edges, and PackedRows at addresses taddr, strides tst/tsj/tso; probabilities
    already checked):
      src_start      : edges out of sub-state i are src_start[i]:src_start[i+1]; the complement
                       edge, if ``has_complement[i]``, is the last of them
      dst            : destination of each edge: a row of the work array, which holds the
                       occupancy one cycle later (rows 0..n_states-1), then one accumulator per
                       pool of one-off rewards (below), then a scratch row that takes what a
                       sub-state without complement leaves (zero up to rounding)
      edge_row       : packed row with each edge's probability (-1 for the complement)
      edge_j         : state time of each edge's source (index along L1)
      fast           : per sub-state, 1..FAST_EDGES: that many edges besides the complement, taken
                       in one pass over the samples; 0: any other case, one edge at a time
      sole           : per sub-state, 1 if its complement is the only flow into its destination
                       (a tunnel's next sub-state), which is then written rather than added to
      zero_rows      : the rows of the work array that are added to, set to zero every cycle
      reward_*       : one-off rewards whose value depends on the source's state time: edge e
                       carries reward_start[e]:reward_start[e+1], each a packed row and a column
      acc_*          : one-off rewards whose value does not are pooled: edges with the same such
                       rewards and destination flow into accumulator a (row n_states + a), which is
                       added to its destination acc_dst[a] after the cycle's flows and valued once,
                       by rows acc_row[acc_start[a]:acc_start[a+1]] into columns acc_col[...]
      reward_cols    : the columns one-off rewards add to
    State values (packed rows at addresses vaddr, strides vst/vsj/vso):
      state_start : sub-states of model state m are state_start[m]:state_start[m+1]
      pair_*      : values that change with time or state time, valued at every point: (column,
                    state, expanded, row, state time); ``expanded`` 1 means the value applies to
                    sub-state ``pair_state``, 0 to model state ``pair_state`` as a whole;
                    ``timed_cols`` lists their columns
      cpair_*     : values constant over time, of model states ``const_state[cpair_w]``: (column,
                    index into const_state, row). The occupancy of each such state is summed
                    under each weight and valued every VALUE_CYCLES cycles of model time and at
                    the block's last point (blocks end on multiples of VALUE_CYCLES or at the
                    horizon, so the totals do not depend on the block length)
    Totals:
      scale (n_cols,)                    multiplies each column's state values (cycle length for
                                         per-year values)
      group_weights (n_groups, n_points) the distinct weights at each point: row 0 the within-cycle
                                         weight alone (undiscounted totals), the others times a
                                         discount factor; column c is discounted by row col_group[c]
      cycle_weights (n_cols, n_cycles)   weight of the one-off rewards of each cycle (discount factor
                                         at their time x their within-cycle weight)
      cycle_plain (n_cycles,)            their within-cycle weight alone (undiscounted totals)
    Outputs, written for the samples of this call only:
      end (n_states, n_samples)              occupancy after the block
      discounted, undiscounted (n_cols, n_samples)  totals, added to in time order
    and, when ``keep_cycles`` (the per-cycle detail a deterministic run reports; a PSA skips it):
      values (n_points, n_cols, n_samples)   state values at each point (scaled)
      rewards (n_cycles, n_cols, n_samples)  one-off rewards of the transitions in each cycle
      occupancy (n_points, n_states or n_model, n_samples) occupancy at each point, by sub-state
                                             when the array has a row per sub-state, else by model
                                             state (the sum over its sub-states)

    Each edge's flow is occupancy x probability; the complement edge receives the mass left
    after the other edges, x - Σ x p_e, subtracted in edge order. Each point's values are
    added to the totals before the one-off rewards of the cycle that follows it.
    """
    t_first, n_cycles, n_points, s_begin, s_end = span
    src_start, dst, edge_row, edge_j, has_complement, fast, sole, zero_rows = edges
    taddr, tst, tsj, tso = transitions
    reward_start, reward_row, reward_col, acc_dst, acc_start, acc_row, acc_col, reward_cols = one_offs
    (state_start, pair_col, pair_state, pair_expanded, pair_row, pair_j, timed_cols) = states[0:7]
    (const_state, cpair_col, cpair_w, cpair_row) = states[7:11]
    vaddr, vst, vsj, vso = values_rows
    scale, group_weights, col_group, cycle_weights, cycle_plain = weights
    end, values, rewards, occupancy, discounted, undiscounted = out
    n_states = start.shape[0]
    n_model = state_start.size - 1
    n_acc = acc_start.size - 1
    scratch = n_states + n_acc  # the scratch row
    model_of = np.empty(n_states, dtype=np.int64)
    for m in range(n_model):
        for i in range(state_start[m], state_start[m + 1]):
            model_of[i] = m
    # Loops over samples index 2-d arrays, or views taken once per loop: a view costs a reference
    # count update, negligible per loop of SAMPLE_BLOCK samples but not per sample.
    cur = np.empty((scratch + 1, SAMPLE_BLOCK))  # occupancy at the current point (first n_states rows)
    nxt = np.empty((scratch + 1, SAMPLE_BLOCK))  # occupancy one cycle later, accumulators, scratch
    occ = np.empty((n_model, SAMPLE_BLOCK))
    rest = np.empty(SAMPLE_BLOCK)
    flow = np.empty(SAMPLE_BLOCK)
    n_cols = scale.size
    pv = np.empty((n_cols, SAMPLE_BLOCK))  # state values at the current point
    rv = np.empty((n_cols, SAMPLE_BLOCK))  # one-off rewards of the current cycle
    wocc = np.empty((const_state.size, group_weights.shape[0], SAMPLE_BLOCK))  # Σ_t weight x occupancy
    for s0 in range(s_begin, s_end, SAMPLE_BLOCK):
        w = min(s_end, s0 + SAMPLE_BLOCK) - s0
        for i in range(n_states):
            for s in range(w):
                cur[i, s] = start[i, s0 + s]
        for k in range(const_state.size):
            for g in range(group_weights.shape[0]):
                for s in range(w):
                    wocc[k, g, s] = 0.0
        for t in range(n_points):
            for m in range(n_model):
                for s in range(w):
                    occ[m, s] = 0.0
            if t < n_cycles:
                # ---- advance one cycle; sum the model-state occupancy on the way
                for i in zero_rows:
                    for s in range(w):
                        nxt[i, s] = 0.0
                for c in reward_cols:
                    for s in range(w):
                        rv[c, s] = 0.0
                for i in range(n_states):
                    kind = fast[i]
                    if kind == 0:
                        _general_edges(
                            i,
                            t,
                            s0,
                            w,
                            model_of[i],
                            sole[i],
                            cur,
                            nxt,
                            occ,
                            rest,
                            flow,
                            rv,
                            src_start,
                            dst,
                            edge_row,
                            edge_j,
                            has_complement,
                            taddr,
                            tst,
                            tsj,
                            tso,
                            reward_start,
                            reward_row,
                            reward_col,
                        )
                    else:
                        _fast_edges(
                            i,
                            t,
                            s0,
                            w,
                            model_of[i],
                            kind,
                            sole[i],
                            cur,
                            nxt,
                            occ,
                            src_start,
                            dst,
                            edge_row,
                            edge_j,
                            has_complement,
                            scratch,
                            taddr,
                            tst,
                            tsj,
                            tso,
                        )
                for a in range(n_acc):
                    d = acc_dst[a]
                    for s in range(w):
                        nxt[d, s] += nxt[n_states + a, s]
                    for q in range(acc_start[a], acc_start[a + 1]):
                        vr, c = acc_row[q], acc_col[q]
                        row = packed_row(taddr, tst, tsj, tso, vr, t, 0, s0, w)
                        for s in range(w):
                            rv[c, s] += nxt[n_states + a, s] * row[s]
            else:
                for i in range(n_states):
                    m = model_of[i]
                    for s in range(w):
                        occ[m, s] += cur[i, s]
            # ---- value the occupancy at point t
            if keep_cycles:
                if occupancy.shape[1] == n_states:  # by sub-state (hecon.engine.run.keeps_substates)
                    for i in range(n_states):
                        for s in range(w):
                            occupancy[t, i, s0 + s] = cur[i, s]
                else:
                    for m in range(n_model):
                        for s in range(w):
                            occupancy[t, m, s0 + s] = occ[m, s]
            # values constant over time: their occupancy is summed under each weight (see below)
            for k in range(const_state.size):
                m = const_state[k]
                for g in range(group_weights.shape[0]):
                    wg = group_weights[g, t]
                    for s in range(w):
                        wocc[k, g, s] += occ[m, s] * wg
            for c in timed_cols:
                for s in range(w):
                    pv[c, s] = 0.0
            for q in range(pair_col.size):
                r, k, c = pair_row[q], pair_state[q], pair_col[q]
                row = packed_row(vaddr, vst, vsj, vso, r, t, pair_j[q], s0, w)
                if pair_expanded[q] == 1:
                    for s in range(w):
                        pv[c, s] += cur[k, s] * row[s]
                else:
                    for s in range(w):
                        pv[c, s] += occ[k, s] * row[s]
            for c in timed_cols:
                f, wd, wu = scale[c], group_weights[col_group[c], t], group_weights[0, t]
                for s in range(w):
                    v = pv[c, s] * f
                    discounted[c, s0 + s] += v * wd
                    undiscounted[c, s0 + s] += v * wu
                    if keep_cycles:
                        values[t, c, s0 + s] = v
            if keep_cycles:
                for q in range(cpair_col.size):
                    c, m, r = cpair_col[q], const_state[cpair_w[q]], cpair_row[q]
                    row, f = packed_row(vaddr, vst, vsj, vso, r, 0, 0, s0, w), scale[c]
                    for s in range(w):
                        values[t, c, s0 + s] += occ[m, s] * row[s] * f
            if t < n_cycles:
                # ---- the one-off rewards of cycle t
                for c in reward_cols:
                    wd = cycle_weights[c, t]
                    wu = cycle_plain[t]
                    for s in range(w):
                        v = rv[c, s]
                        discounted[c, s0 + s] += v * wd
                        undiscounted[c, s0 + s] += v * wu
                        if keep_cycles:
                            rewards[t, c, s0 + s] = v
                cur, nxt = nxt, cur
            if t == n_points - 1 or (t_first + t + 1) % VALUE_CYCLES == 0:
                # ---- values constant over time: value x Σ_t weight_t x occupancy_t, at fixed cycles
                for q in range(cpair_col.size):
                    c, k, r = cpair_col[q], cpair_w[q], cpair_row[q]
                    row, f, g = packed_row(vaddr, vst, vsj, vso, r, 0, 0, s0, w), scale[c], col_group[c]
                    for s in range(w):
                        v = row[s] * f
                        discounted[c, s0 + s] += v * wocc[k, g, s]
                        undiscounted[c, s0 + s] += v * wocc[k, 0, s]
                for k in range(const_state.size):
                    for g in range(group_weights.shape[0]):
                        for s in range(w):
                            wocc[k, g, s] = 0.0
        for i in range(n_states):
            for s in range(w):
                end[i, s0 + s] = cur[i, s]


@numba.njit(nogil=True, cache=True, inline="always")
def _fast_edges(
    i,
    t,
    s0,
    w,
    m,
    n,
    sole,
    cur,
    nxt,
    occ,
    src_start,
    dst,
    edge_row,
    edge_j,
    has_complement,
    scratch,
    taddr,
    tst,
    tsj,
    tso,
):
    """One pass over the samples for sub-state i with n = 1..3 edges besides its complement (see
    run_block): the same operations, in the same order, as :func:`_general_edges`. Rows are taken
    as views once, so that the loop vectorises with few run-time overlap checks. ``sole``: the
    complement is the only flow into its destination, which is then written, not added to."""
    e0 = src_start[i]
    xs, o = cur[i], occ[m]
    to = nxt[dst[e0 + n]] if has_complement[i] else nxt[scratch]
    p1 = packed_row(taddr, tst, tsj, tso, edge_row[e0], t, edge_j[e0], s0, w)
    t1 = nxt[dst[e0]]
    if n == 1:
        for s in range(w):
            x = xs[s]
            f1 = x * p1[s]
            t1[s] += f1
            _complement(to, s, x - f1, sole)
            o[s] += x
        return
    p2 = packed_row(taddr, tst, tsj, tso, edge_row[e0 + 1], t, edge_j[e0 + 1], s0, w)
    t2 = nxt[dst[e0 + 1]]
    if n == 2:
        for s in range(w):
            x = xs[s]
            f1 = x * p1[s]
            f2 = x * p2[s]
            t1[s] += f1
            t2[s] += f2
            _complement(to, s, (x - f1) - f2, sole)
            o[s] += x
        return
    p3 = packed_row(taddr, tst, tsj, tso, edge_row[e0 + 2], t, edge_j[e0 + 2], s0, w)
    t3 = nxt[dst[e0 + 2]]
    for s in range(w):
        x = xs[s]
        f1 = x * p1[s]
        f2 = x * p2[s]
        f3 = x * p3[s]
        t1[s] += f1
        t2[s] += f2
        t3[s] += f3
        _complement(to, s, ((x - f1) - f2) - f3, sole)
        o[s] += x


@numba.njit(nogil=True, cache=True, inline="always")
def _complement(to, s, rest, sole):
    """The complement's flow into its destination: written when it is the only flow there."""
    if sole:
        to[s] = rest
    else:
        to[s] += rest


@numba.njit(nogil=True, cache=True, inline="always")
def _general_edges(
    i,
    t,
    s0,
    w,
    m,
    sole,
    cur,
    nxt,
    occ,
    rest,
    flow,
    rv,
    src_start,
    dst,
    edge_row,
    edge_j,
    has_complement,
    taddr,
    tst,
    tsj,
    tso,
    reward_start,
    reward_row,
    reward_col,
):
    """Edges of sub-state i one at a time (any number of edges; rewards valued per state time)."""
    for s in range(w):
        occ[m, s] += cur[i, s]
    complement = has_complement[i]
    e_end = src_start[i + 1] - (1 if complement else 0)
    if complement:
        for s in range(w):
            rest[s] = cur[i, s]
    for e in range(src_start[i], e_end + (1 if complement else 0)):
        if e < e_end:
            r = edge_row[e]
            row = packed_row(taddr, tst, tsj, tso, r, t, edge_j[e], s0, w)
            for s in range(w):
                flow[s] = cur[i, s] * row[s]
            if complement:
                for s in range(w):
                    rest[s] -= flow[s]
        else:
            for s in range(w):
                flow[s] = rest[s]
        d = dst[e]
        if sole and e == e_end:
            for s in range(w):
                nxt[d, s] = flow[s]
        else:
            for s in range(w):
                nxt[d, s] += flow[s]
        for q in range(reward_start[e], reward_start[e + 1]):
            vr, c = reward_row[q], reward_col[q]
            row = packed_row(taddr, tst, tsj, tso, vr, t, edge_j[e], s0, w)
            for s in range(w):
                rv[c, s] += flow[s] * row[s]


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


@numba.njit(nogil=True, cache=True)
def add_weighted(discounted, undiscounted, weights, plain, t0, values, columns):
    """For each row r of ``values`` (column c = columns[r]), point i = 0, 1, ... in order and sample
    s: discounted[c, s] += weights[c, t0 + i] * values[r, i, s] and undiscounted[c, s] +=
    plain[t0 + i] * values[r, i, s].

    ``values`` (rows, points, samples) holds a block's values of the columns ``columns``, column by
    column (each column's points contiguous); the other columns, whose values are 0, add nothing.
    Each total gets its points one at a time in order, each product rounded before it is added, as
    numpy's ``total += weights[:, t0 + i, None] * values[:, i]`` point after point (the same
    numbers), in one pass over the values for both totals.
    """
    n_points, n_samples = values.shape[1], values.shape[2]
    for r in range(columns.size):
        c = columns[r]
        d = discounted[c]
        u = undiscounted[c]
        for i in range(n_points):
            w = weights[c, t0 + i]
            p = plain[t0 + i]
            row = values[r, i]
            for s in range(n_samples):
                d[s] += w * row[s]
                u[s] += p * row[s]
