"""The cohort engine: runs a compiled model over PSA samples in chunks and cycles in blocks.

For each chunk of samples and each strategy, cycles are processed in blocks:

1. evaluate the block's expressions (numpy, broadcast over cycle, state time and sample),
   pack them for the kernel and check them (:mod:`hecon.engine.packing`): every probability in
   [0, 1], every row summing to 1 (the complement ``#`` takes the rest and must not be
   negative), every value finite;
2. advance the trace through the block with the sparse edge list and value the trace
   points — state rewards x within-cycle weights x discount factors, one-off transition
   rewards on the flows (discounted at mid-cycle, not corrected) — in one compiled kernel
   (:mod:`hecon.engine.kernels`), one task per cache block of samples, run by worker threads while
   this thread prepares the next block and then by this thread too.

Memory is bounded by ``chunk_size`` samples x :func:`block_length` cycles; results do not depend
on the chunk size, the block length or the number of threads, since each sample is computed
on its own in a fixed order.

Outcome conventions: costs are per cycle in a state; utility and life are per year, so
QALYs and life-years are Σ_k w_k d_k occupancy_k value_k × cycle length [years]. Costs are
discounted at the cost rate; QALYs, life-years, counts and time in flagged states at the
effect rate.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Generator, Hashable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache, partial

import numpy as np
import xarray as xr

from hecon.engine import kernels
from hecon.engine.allocator import keep_freed_memory
from hecon.engine.compiler import PROBABILITY_TOLERANCE, CompiledModel, RowGroup, StrategyModel
from hecon.engine.context import BlockContext
from hecon.engine.incremental import compiled as compile_once
from hecon.engine.incremental import same_shared
from hecon.engine.inputs import (
    REACHABLE_VALUES,
    Part,
    changed,
    parameters_read,
    parts,
    reads,
    shared_key,
    sources,
)
from hecon.engine.outcomes import LYS, QALYS, ChunkResult, Outcome, keeps_substates, outcome_columns
from hecon.engine.packing import Packed, PackMemo, first_bad, fit, locate
from hecon.engine.partitioned import simulate_partitioned_chunk
from hecon.engine.results import label
from hecon.engine.sharing import SharedValues
from hecon.engine.valuation import ColumnWeights, column_weights, reward_column, start_rewards
from hecon.model.limits import KERNEL_THREADS, VALUE
from hecon.model.memo import IdentityMemo
from hecon.model.problems import Element, ModelError, Problem, show_number, topic
from hecon.model.spec import PARTITIONED_SURVIVAL, ModelSpec

MAX_BLOCK_VALUES = 2048 * kernels.VALUE_CYCLES  # samples x cycles per block, for runs of few samples
# (the example's PSA, chunks of 1,024: blocks of 104 cycles prepared about 10 % faster than blocks of
# 208, whose arrays do not stay in cache, with half the memory; 52 were slower: more per-block work;
# measured again with the strategies of a chunk run together, alternately on a loaded machine: 104 the
# least processor time, 52 about 15 % more for 75 MB less peak memory, 208 no faster for 150 MB more)
MAX_BLOCK_CYCLES = 40 * kernels.VALUE_CYCLES  # cycles per block at most: a deterministic run of a weekly
# model over 40 years is one block (the example's deterministic runs in one block rather than two: the
# processor time of validating it 12-13 s -> 9-10 s; a block's preparation costs the same whatever its
# length when there is one sample), and a tunnel of 1,000 sub-states is at most 17 MB per value
THREADS = min(KERNEL_THREADS.value, KERNEL_THREADS.default)  # threads that run the kernel: HECON_THREADS (checked
# by the CLI before any work), at most one per core

#: Where problems with the sample arrays handed to the engine are located.
SAMPLES = topic("samples")


@cache
def _pool() -> ThreadPoolExecutor:
    """The kernel's worker threads (the calling thread is the other one), started on the first
    run, together with the allocator setting that lets each block reuse the memory of the last
    (:mod:`hecon.engine.allocator`); importing the engine starts neither."""
    keep_freed_memory()
    return ThreadPoolExecutor(max_workers=max(1, THREADS - 1))


def run_model(
    model: ModelSpec | CompiledModel,
    samples: Mapping[str, np.ndarray] | None = None,
    n_samples: int | None = None,
    chunk_size: int = 1000,
) -> xr.Dataset:
    """Run every strategy of a model; return the labelled results (see :func:`hecon.engine.results.label`).

    samples    : parameter name -> values (n_samples,) replacing the parameter's base value
                 (PSA draws, or DSA variations along the sample dimension)
    n_samples  : number of samples when ``samples`` is empty (default 1: the deterministic run)
    chunk_size : samples processed at once (bounds memory; does not change results)
    """
    compiled = model if isinstance(model, CompiledModel) else compile_once(model)
    samples = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in (samples or {}).items()}
    sizes = {v.size for v in samples.values()}
    if len(sizes) > 1:
        raise ModelError(
            Problem(
                SAMPLES,
                f"sample arrays of different lengths {sorted(sizes)}",
                "one value per sample for every sampled parameter",
            )
        )
    unknown = set(samples) - {p.name for p in compiled.spec.parameters}
    if unknown:
        raise ModelError(Problem(SAMPLES, f"unknown parameters {sorted(unknown)}", "parameter names"))
    total = sizes.pop() if sizes else (n_samples or 1)
    if n_samples is not None and n_samples != total:
        raise ModelError(Problem(SAMPLES, f"{total} samples given but n_samples={n_samples}", "the same number"))
    if not samples and total == 1:
        results = [deterministic_strategy(compiled, i) for i in range(len(compiled.strategies))]
    else:
        results = [simulate_strategy(compiled, i, samples, total, chunk_size) for i in range(len(compiled.strategies))]
    return label(compiled, outcome_columns(compiled), results, total)


#: The deterministic results of the strategies of the compiled models seen recently (see
#: :func:`deterministic_strategy`), by strategy index.
DETERMINISTIC: IdentityMemo[dict[int, ChunkResult]] = IdentityMemo()


def deterministic_strategy(model: CompiledModel, index: int) -> ChunkResult:
    """The deterministic run (base values, one sample, per-cycle values kept) of strategy
    ``index`` of ``model``, simulated once per compiled model: validation runs the deterministic
    models that it cannot show to pass otherwise (:func:`passes_checks`) to find what only evaluating
    them finds, and the run's base case, scenarios, subgroups and structural cross-check are then
    those results, not a second simulation of the same model; and a scenario's strategy whose
    changed parts apply only to states its cohort never occupies has the base case's results
    (:func:`_same_results`). A strategy that fails is not kept (its ModelError is raised each
    time). The arrays are shared: read only."""
    done = DETERMINISTIC(_no_results, model)
    if index not in done:
        reused = _same_results(model, index)
        if reused is not None:
            done[index] = reused
            return reused
        values = _seeded(model, index)
        result = simulate_chunk(model, index, {}, 1, values=values)
        for array in (result.discounted, result.undiscounted, result.trace_sum, result.per_cycle_sum, result.crossings):
            array.flags.writeable = False
        done[index] = result
        _remember(model, index, result, values)
    return done[index]


@dataclass(frozen=True)
class _Simulated:
    """A deterministic run kept for reuse: its model, results, the model states the cohort ever
    occupies, the parameters each part of the run reads (:func:`hecon.engine.inputs.parts`), and
    (for the first run of a strategy with its settings, the base case) its expressions' values."""

    model: CompiledModel
    index: int
    result: ChunkResult
    occupied: frozenset[str]
    parts: dict[Part, frozenset[str]]
    values: dict[object, object]
    value_reads: dict[object, frozenset[str] | None]


_SIMULATED: OrderedDict[Hashable, list[_Simulated]] = OrderedDict()
"""Deterministic runs by :func:`hecon.engine.inputs.shared_key` (the models they came from keep the
ids in the key valid), for :func:`_same_results`."""
_SIMULATED_SIZE = 64  # keys (a strategy of a model with its settings) kept, each with a few runs
_RUNS_PER_KEY = 4


def _remember(model: CompiledModel, index: int, result: ChunkResult, values: dict[object, object]) -> None:
    """Keep a deterministic run of a state-transition model for :func:`_same_results`, with its
    expressions' ``values`` if it is the first of its strategy and settings (for :func:`_seeded`)."""
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:  # occupancy from curves: not reused
        return
    try:
        key = shared_key(model, index)
        runs = _SIMULATED.setdefault(key, [])
    except TypeError:  # a setting that cannot be hashed: not reused
        return
    states = [s.name for s in model.spec.states]
    by_column = model.state_of if result.trace_sum.shape[1] == model.n_states else states
    occupied = frozenset(by_column[int(c)] for c in np.flatnonzero(np.any(result.trace_sum != 0.0, axis=0)))
    found = {part: names for part, (_, names) in parts(model, index).items()}
    if not runs:  # the first run's values seed the others (_seeded): read only from now on
        for value in values.values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
    kept = {} if runs else values
    reads_of = {key: reads(model, index, key) for key in kept}
    runs.append(_Simulated(model, index, result, occupied, found, kept, reads_of))
    del runs[1:-_RUNS_PER_KEY]  # the first, whose values seed the others, and the last few
    _SIMULATED.move_to_end(key)
    while len(_SIMULATED) > _SIMULATED_SIZE:
        _SIMULATED.popitem(last=False)


def _same_results(model: CompiledModel, index: int) -> ChunkResult | None:
    """The results of an earlier deterministic run that this one would repeat, if any: a run of
    the same strategy with the same settings and model structure (a scenario's base case) whose
    parts that read a parameter with another formula here (:func:`hecon.engine.inputs.changed`)
    all apply to states the cohort never occupies there, so that the trace and every outcome are
    the same (those parts only ever multiply an occupancy of 0). Those parts are still evaluated
    and checked here, as the run checks them: one that fails is no reuse (the simulation then
    reports it)."""
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        return None
    try:
        runs = _SIMULATED.get(shared_key(model, index), [])
    except TypeError:
        return None
    strategy = model.strategies[index]
    men = _men_read(model, index)
    for run in reversed(runs):
        if not same_shared(run.model.spec, model.spec):
            continue
        differ = changed(strategy, run.model.strategies[run.index])
        if men & differ:  # every value that reads the life table differs
            continue
        touched = [part for part, names in run.parts.items() if names & differ]
        if any(sources(model, index, part) & run.occupied for part in touched):
            continue
        if _parts_usable(model, index, touched):
            return run.result
    return None


def passes_checks(model: CompiledModel, index: int) -> bool:
    """Whether the deterministic run of strategy ``index`` of ``model`` is known to pass every
    check of the run without simulating it: a run of the same strategy with the same settings and
    model structure (a scenario's base case) passed, and the parts of this one that read a parameter
    with another formula (:func:`hecon.engine.inputs.changed`) pass the run's checks over the whole
    horizon (:func:`_parts_usable`) and at the start (:func:`_start_usable`), the share of men
    unchanged (the life table's death probabilities, which rows read, depend on it); every other
    value is that run's. False when not known. For validation, which then simulates the models not
    known to pass first, to find a problem without simulating the others."""
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        return False
    try:
        runs = _SIMULATED.get(shared_key(model, index), [])
    except TypeError:
        return False
    strategy = model.strategies[index]
    for run in runs:
        if same_shared(run.model.spec, model.spec):
            differ = changed(strategy, run.model.strategies[run.index])
            if _men_read(model, index) & differ:  # every value that reads the life table differs
                return False
            touched = [part for part, names in run.parts.items() if names & differ]
            if ("start", "") in touched and not _start_usable(model, index):
                return False
            return _parts_usable(model, index, touched)
    return False


def _men_read(model: CompiledModel, index: int) -> frozenset[str]:
    """The parameters that the share of men of strategy ``index`` reads, directly or through
    others. The life table's death probabilities (``gp_mort()``) depend on it, but the reads of an
    expression that calls ``gp_mort()`` (:func:`hecon.engine.inputs.reads`) do not include it, so
    no earlier run's results or values are reused when one of these parameters changes."""
    return reads(model, index, ("gp_mort", "")) or frozenset()


def _start_usable(model: CompiledModel, index: int) -> bool:
    """Whether strategy ``index`` passes the run's checks at the start: its initial shares
    (:func:`_initial_trace`) and one-off start rewards evaluate as they do when it runs."""
    strategy = model.strategies[index]
    ctx = BlockContext(model, strategy, {}, 0, model.n_cycles, {})
    try:
        trace = _initial_trace(model, strategy, ctx, 1)
        start_rewards(model, strategy, ctx, trace, _MODEL_CONSTANTS(_model_constants, model)[0])
    except ModelError:
        return False
    return True


def _seeded(model: CompiledModel, index: int) -> dict[object, object]:
    """The values of the expressions that a deterministic run of strategy ``index`` shares with the
    first run of the same strategy and settings (the base case of a scenario): those whose
    parameters, read directly or through other parameters and curves, have the same formulas in
    both. Only these are seeded; the run evaluates the others (what the scenario changes).
    Empty when there is no such run."""
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        return {}
    try:
        runs = _SIMULATED.get(shared_key(model, index), [])
    except TypeError:
        return {}
    if not runs or not runs[0].values or not same_shared(runs[0].model.spec, model.spec):
        return {}
    first = runs[0]
    differ = changed(model.strategies[index], first.model.strategies[first.index])
    if _men_read(model, index) & differ:  # an expression's reads do not show the life table's
        return {}
    out = {}
    for key, value in first.values.items():
        names = first.value_reads[key]
        if names is not None and not names & differ:
            out[key] = value
    return out


def _parts_usable(model: CompiledModel, index: int, touched: list[Part]) -> bool:
    """Whether the parts ``touched`` of strategy ``index`` pass the run's checks over the whole
    horizon: probabilities in [0, 1] and rows that sum to 1 (:func:`_transition_values`), values
    finite and within :data:`~hecon.model.limits.VALUE`."""
    if not touched:
        return True
    strategy = model.strategies[index]
    T = model.n_cycles
    if (T + 1) * model.max_tunnel > REACHABLE_VALUES:  # too long to evaluate at once: simulated instead
        return False
    ctx = BlockContext(model, strategy, {}, 0, T, {})
    rows = {name for kind, name in touched if kind == "rows"}
    rewards = {int(name) for kind, name in touched if kind == "reward"}
    values = {name for kind, name in touched if kind == "value"}
    some = replace(
        strategy,
        groups=[g for g in strategy.groups if g.state in rows],
        rewards=[rr for i, rr in enumerate(strategy.rewards) if i in rewards],
    )
    memo = PackMemo(1)
    memo.next_block()
    bound = VALUE.value
    try:
        _transition_values(model, some, ctx, T, memo)
        for by_state in (model.utility, *model.costs.values(), *model.counts.values()):
            for state, expr in by_state.items():
                if state in values:
                    a = fit(ctx.evaluate(expr, model.tunnel[state]), T + 1, model.tunnel[state])
                    if not (a.size and np.isfinite(a).all() and np.abs(a).max() <= bound):
                        return False
    except ModelError:
        return False
    return True


def _no_results(model: CompiledModel) -> dict[int, ChunkResult]:
    return {}


_VARIED: OrderedDict[tuple[int, int, int, bytes], tuple[CompiledModel, ChunkResult]] = OrderedDict()
_VARIED_SIZE = 32  # runs kept at most: each strategy's DSA rows, each threshold's grid (below 1 MB each)


def simulate_varied(model: CompiledModel, index: int, samples: Mapping[str, np.ndarray], n_samples: int) -> ChunkResult:
    """Strategy ``index`` of ``model`` with the ``n_samples`` values of ``samples`` (the rows of a
    one-way sensitivity analysis or a threshold's search grid, in one chunk), simulated once for
    the same values: validation's check of every DSA low and high value and the DSA itself are then
    one simulation. Remembered by the values (content, not identity: each analysis builds its
    own arrays) for the last few runs. Samples that give the parameters the strategy reads
    (:func:`~hecon.engine.inputs.parameters_read`) the same values are simulated once
    (:func:`_distinct_samples`: a DSA row that varies a parameter only other strategies read is the
    base case). Only the totals are kept: the per-cycle sums (trace, per-cycle values, crossings)
    are zero. The arrays are shared: read only."""
    names = sorted(samples)
    content = b"".join(n.encode() + b"\0" + np.ascontiguousarray(samples[n], dtype=float).tobytes() for n in names)
    key = (id(model), index, n_samples, content)
    hit = _VARIED.get(key)
    if hit is not None and hit[0] is model:
        _VARIED.move_to_end(key)
        return hit[1]
    keep, row_of = _distinct_samples(model, index, samples, n_samples)
    distinct = {k: np.asarray(v, dtype=float).reshape(-1)[keep] for k, v in samples.items()}
    run = simulate_strategy(model, index, distinct, keep.size, chunk_size=max(1, keep.size), keep_cycles=False)
    width = model.n_states if keeps_substates(model, n_samples) else len(model.spec.states)
    result = ChunkResult(
        run.discounted[row_of],
        run.undiscounted[row_of],
        np.zeros((model.n_cycles + 1, width)),  # the shape of a run of every sample
        np.zeros_like(run.per_cycle_sum),
        np.zeros_like(run.crossings),
    )
    for array in (result.discounted, result.undiscounted, result.trace_sum, result.per_cycle_sum, result.crossings):
        array.flags.writeable = False
    _VARIED[key] = (model, result)
    while len(_VARIED) > _VARIED_SIZE:
        _VARIED.popitem(last=False)
    return result


def _distinct_samples(
    model: CompiledModel, index: int, samples: Mapping[str, np.ndarray], n_samples: int
) -> tuple[np.ndarray, np.ndarray]:
    """The samples that differ in what strategy ``index`` reads: the first of each group of samples
    with the same values of the sampled parameters it reads (in sample order), and for every sample
    the position of its group's first among them. Each sample is computed on its own, so a sample
    equal to another in everything the run reads has the other's results."""
    read = parameters_read(model, index) - model.strategies[index].overridden  # own values beat samples
    names = sorted(read & set(samples))
    if not names:
        return np.zeros(min(n_samples, 1), dtype=np.int64), np.zeros(n_samples, dtype=np.int64)
    table = np.column_stack([np.asarray(samples[n], dtype=float).reshape(-1) for n in names])
    bits = np.ascontiguousarray(table).view(np.uint64)  # equal bit for bit (0.0 and -0.0 differ)
    _, first, inverse = np.unique(bits, axis=0, return_index=True, return_inverse=True)
    position = np.empty(first.size, dtype=np.int64)
    position[np.argsort(first)] = np.arange(first.size)
    return np.sort(first), position[inverse.reshape(-1)]


def simulate_strategy(
    model: CompiledModel,
    index: int,
    samples: Mapping[str, np.ndarray],
    n_samples: int,
    chunk_size: int = 1000,
    keep_cycles: bool = True,
) -> ChunkResult:
    """All samples of one strategy, in chunks of ``chunk_size``; chunk results are concatenated
    and the sums over samples carried from chunk to chunk, so nothing depends on the chunking.
    ``keep_cycles=False`` skips the mean trace and per-cycle values (left zero), as a PSA may."""
    parts: list[ChunkResult] = []
    for start in range(0, n_samples, max(1, chunk_size)):
        stop = min(n_samples, start + max(1, chunk_size))
        chunk = {k: v[start:stop] for k, v in samples.items()}
        carry = parts[-1] if parts else None
        parts.append(simulate_chunk(model, index, chunk, stop - start, carry, keep_cycles))
    return ChunkResult(
        np.concatenate([p.discounted for p in parts]),
        np.concatenate([p.undiscounted for p in parts]),
        parts[-1].trace_sum,
        parts[-1].per_cycle_sum,
        parts[-1].crossings,
    )


def simulate_chunk(
    model: CompiledModel,
    index: int,
    samples: Mapping[str, np.ndarray],
    n_samples: int,
    carry: ChunkResult | None = None,
    keep_cycles: bool = True,
    *,
    values: dict[object, object] | None = None,
) -> ChunkResult:
    """One strategy over one chunk of samples (the unit of work that PSA workers run).

    carry       : the previous chunk's result, whose sums over samples this chunk continues
    keep_cycles : also sum the trace and per-cycle values over samples (False: left zero, faster)
    values      : for a run of one block of cycles (a deterministic run), where its expressions'
                  values are kept (the caches of :class:`~hecon.engine.context.BlockContext`),
                  seeded with the values it shares with an earlier run (:func:`_seeded`), which it
                  then does not evaluate again; ignored for a run of several blocks

    A model whose settings.structure is partitioned survival is run by
    :func:`hecon.engine.partitioned.simulate_partitioned_chunk`.
    """
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        return simulate_partitioned_chunk(model, index, samples, n_samples, carry, keep_cycles)
    steps = _chunk_steps(model, index, samples, n_samples, carry, keep_cycles, values, None)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: ChunkResult = done.value
            return result


def simulate_strategies(
    model: CompiledModel,
    samples: Mapping[str, np.ndarray],
    n_samples: int,
    keep_cycles: bool = True,
    advance: Callable[[int], None] | None = None,
) -> list[ChunkResult]:
    """Every strategy of ``model`` over one chunk of samples, as :func:`simulate_chunk` gives each
    (the same results, bit for bit), run together block by block so that a value the strategies
    share is evaluated, packed and checked once for all of them (:mod:`hecon.engine.sharing`).
    When strategies fail, the first failing strategy's ModelError is raised, as running them one
    after the other would raise it. ``advance(1)`` is called for each of the :func:`strategies_steps`
    steps (a block of a strategy; a strategy, for partitioned survival)."""
    n = len(model.strategies)
    done = advance or (lambda k: None)
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        out = []
        for i in range(n):
            out.append(simulate_partitioned_chunk(model, i, samples, n_samples, None, keep_cycles))
            done(1)
        return out
    shared = SharedValues(model)
    steps = {i: _chunk_steps(model, i, samples, n_samples, None, keep_cycles, None, shared) for i in range(n)}
    results: dict[int, ChunkResult] = {}
    failed: dict[int, ModelError] = {}
    first_round = True
    while steps:
        for i, step in list(steps.items()):
            try:
                next(step)
            except StopIteration as finished:
                results[i] = finished.value
                del steps[i]
            except ModelError as e:
                failed[i] = e
                del steps[i]
                continue
            if not first_round:  # a step after the first ends a block of the strategy
                done(1)
        if failed and not any(i < min(failed) for i in steps):  # no earlier strategy can fail any more
            for step in steps.values():
                step.close()
            raise failed[min(failed)]
        first_round = False
    return [results[i] for i in range(n)]


def strategies_steps(model: CompiledModel, n_samples: int) -> int:
    """The steps :func:`simulate_strategies` counts for a chunk of ``n_samples``: the blocks of cycles
    of every strategy, or the strategies of a partitioned-survival model."""
    if model.spec.settings.structure == PARTITIONED_SURVIVAL:
        return len(model.strategies)
    return len(model.strategies) * len(range(0, model.n_cycles, block_length(n_samples)))


def _chunk_steps(
    model: CompiledModel,
    index: int,
    samples: Mapping[str, np.ndarray],
    n_samples: int,
    carry: ChunkResult | None,
    keep_cycles: bool,
    values: dict[object, object] | None,
    shared: SharedValues | None,
) -> Generator[None, None, ChunkResult]:
    """:func:`simulate_chunk` of a state-transition model, one block at a time: the generator
    stops each time it has launched a block's kernel, before it prepares the next block, and
    returns the chunk's result (closed at a stop, it waits for the kernel). Strategies that run
    together so queue their kernels for the worker threads while this thread prepares their next
    blocks; with ``shared``, their values, packed rows and checks are kept where the other
    strategies of the chunk find them (each strategy prepares block k + 1 after every strategy
    has prepared block k)."""
    strategy = model.strategies[index]
    T = model.n_cycles
    col_index, w, group_weights, col_group, state_start = _MODEL_CONSTANTS(_model_constants, model)
    K = len(col_index)
    rewards = _reward_targets(strategy, col_index)

    discounted = np.zeros((K, n_samples))
    undiscounted = np.zeros((K, n_samples))
    per_cycle = carry.per_cycle_sum.copy() if carry else np.zeros((T + 1, K))
    # the first chunk decides whether the run keeps sub-states; the others follow its carry
    width = model.n_states if keeps_substates(model, n_samples) else len(model.spec.states)
    trace_sum = carry.trace_sum.copy() if carry else np.zeros((T + 1, width))
    width = trace_sum.shape[1]

    pool = _pool()  # started on the first run, before the first block's arrays are allocated
    memo = PackMemo(n_samples, None if shared is None else (shared.entries, shared.groups, shared.results))
    structures: dict[bytes, tuple[np.ndarray, ...]] = {}
    block_cycles = block_length(n_samples)
    starts = list(range(0, T, block_cycles))
    one_block = values is not None and len(starts) == 1  # a block's values are those of the run
    chunk_cache: dict[object, object] = values if values is not None and one_block else {}
    share = None if shared is None else partial(shared.key, index)
    if shared is not None:
        chunk_cache = shared.chunk

    def context(t0: int, t1: int) -> BlockContext:
        block_cache = shared.block(t0) if shared is not None else chunk_cache if one_block else None
        return BlockContext(model, strategy, samples, t0, t1, chunk_cache, block_cache, share)

    def prepare(t0: int) -> _Block:
        t1 = min(T, t0 + block_cycles)
        n_cyc = t1 - t0
        n_pts = n_cyc + (1 if t1 == T else 0)  # point t1 belongs to the next block, except at the end
        ctx = context(t0, t1)
        weights = (
            w.scale,
            np.ascontiguousarray(group_weights[:, t0 : t0 + n_pts]),
            col_group,
            np.ascontiguousarray(w.reward[:, t0:t1]),
            np.ascontiguousarray(w.reward_plain[t0:t1]),
        )
        return _prepare_block(
            model,
            strategy,
            ctx,
            n_cyc,
            n_pts,
            memo,
            col_index,
            rewards,
            state_start,
            weights,
            n_samples,
            keep_cycles,
            structures,
            width,
        )

    first = context(0, min(T, block_cycles))
    trace_now = _initial_trace(model, strategy, first, n_samples)
    start_values = start_rewards(model, strategy, first, trace_now, col_index)
    discounted += start_values
    undiscounted += start_values
    block = prepare(0)
    for i, t0 in enumerate(starts):
        # the kernel advances this block on the worker threads while this thread prepares the
        # next block, then joins them on what is left of this one
        tasks, helpers = _launch(pool, block, trace_now, discounted, undiscounted)
        try:
            yield  # strategies that run together launch their kernels before any prepares its next block
            following = prepare(starts[i + 1]) if i + 1 < len(starts) else None
        finally:
            _run_tasks(tasks)
            for helper in helpers:
                helper.result()
        trace_now = block.end
        if keep_cycles:
            block.values[: block.n_cycles] += block.transition_rewards
            if t0 == 0:
                block.values[0] += start_values
            kernels.accumulate(per_cycle[t0 : t0 + block.n_points], block.values)
            kernels.accumulate(trace_sum[t0 : t0 + block.n_points], block.occupancy)
        block = following  # type: ignore[assignment]
    return ChunkResult(
        discounted.T.copy(), undiscounted.T.copy(), trace_sum, per_cycle, np.zeros(T + 1, dtype=np.int64)
    )


_ModelConstants = tuple[dict[Outcome, int], ColumnWeights, np.ndarray, np.ndarray, np.ndarray]

#: What every chunk of every strategy of a compiled model uses (see :func:`_model_constants`).
_MODEL_CONSTANTS: IdentityMemo[_ModelConstants] = IdentityMemo()


def _model_constants(model: CompiledModel) -> _ModelConstants:
    """The outcome columns' indices and weights, the distinct discount weights with each column's
    row among them (row 0: undiscounted; see kernels.run_block), and the first sub-state of each
    state: the same for every chunk and strategy of ``model``, so found once per compiled model
    (finding the distinct weights is a sort of the horizon's weights). Shared: read only (left
    writeable, as the compiled kernels take them)."""
    cols = outcome_columns(model)
    col_index = {c: i for i, c in enumerate(cols)}
    w = column_weights(model, cols)
    first: dict[bytes, int] = {}  # the distinct rows, in the order first met (a sort of the rows costs more)
    col_group = np.array([first.setdefault(row.tobytes(), len(first)) for row in w.point], dtype=np.int64)
    distinct = w.point[[int(np.argmax(col_group == g)) for g in range(len(first))]]
    group_weights = np.vstack([w.plain, distinct])
    state_start = np.array([model.slices[s.name].start for s in model.spec.states] + [model.n_states])
    return col_index, w, group_weights, col_group + 1, state_start


def block_length(n_samples: int) -> int:
    """Cycles per block: a multiple of :data:`hecon.engine.kernels.VALUE_CYCLES` (52), longer when there
    are few samples so that a deterministic run makes few round trips through Python, and at most
    MAX_BLOCK_CYCLES cycles and MAX_BLOCK_VALUES sample-cycles (memory). Results do not depend on it: blocks start on
    multiples of VALUE_CYCLES and the kernel values at fixed cycles of model time."""
    most = MAX_BLOCK_CYCLES // kernels.VALUE_CYCLES
    return kernels.VALUE_CYCLES * max(1, min(most, MAX_BLOCK_VALUES // (kernels.VALUE_CYCLES * max(1, n_samples))))


def _reward_targets(strategy: StrategyModel, col_index: Mapping[Outcome, int]) -> list[list[tuple[int, int]]]:
    """For each edge, its one-off rewards as (packed value row, output column), in reward order."""
    n_rows = len(strategy.rows)
    targets: list[list[tuple[int, int]]] = [[] for _ in range(len(strategy.src))]
    for q, rr in enumerate(strategy.rewards):
        for e in rr.edges:
            targets[int(e)].append((n_rows + q, col_index[reward_column(rr.reward)]))
    return targets


def _edge_structure(
    strategy: StrategyModel, targets: list[list[tuple[int, int]]], tsj: np.ndarray, n_states: int
) -> tuple[np.ndarray, ...]:
    """How the kernel treats each edge and sub-state (see :func:`hecon.engine.kernels.run_block`):
    (dst, fast, sole, zero_rows, reward_start, reward_row, reward_col, acc_dst, acc_start, acc_row, acc_col,
    reward_cols).

    One-off rewards whose value does not depend on the source's state time (``tsj`` 0) are
    pooled: edges with the same such rewards and destination flow into one accumulator, valued
    once per cycle. The others are valued edge by edge, which takes the kernel's general loop."""
    accumulators: dict[tuple[int, tuple[tuple[int, int], ...]], int] = {}
    dst = strategy.dst.copy()
    per_edge: list[list[tuple[int, int]]] = []
    for e, rewards in enumerate(targets):
        pooled = tuple(x for x in rewards if tsj[x[0]] == 0)
        per_edge.append([x for x in rewards if tsj[x[0]] != 0])
        if pooled:
            dst[e] = n_states + accumulators.setdefault((int(strategy.dst[e]), pooled), len(accumulators))
    src_start = strategy.src_start
    fast = np.zeros(n_states, dtype=np.int64)
    for i in range(n_states):
        edges = range(src_start[i], src_start[i + 1])
        n = len(edges) - int(strategy.has_complement[i])
        if 1 <= n <= kernels.FAST_EDGES and not any(per_edge[e] for e in edges):
            fast[i] = n
    # a complement that is the only flow into its destination (a tunnel's next sub-state) writes it
    inflow = np.bincount(dst, minlength=n_states + len(accumulators) + 1)
    last = src_start[1:] - 1
    sole = (strategy.has_complement & (src_start[1:] > src_start[:-1])).astype(np.int64)
    sole[sole == 1] = (dst[last[sole == 1]] < n_states) & (inflow[dst[last[sole == 1]]] == 1)
    written = np.zeros(inflow.size, dtype=bool)
    written[dst[last[sole == 1]]] = True
    zero_rows = np.flatnonzero(~written).astype(np.int64)
    reward_start = np.cumsum([0] + [len(x) for x in per_edge]).astype(np.int64)
    flat = [pair for pairs in per_edge for pair in pairs]
    acc_start = np.cumsum([0] + [len(k[1]) for k in accumulators]).astype(np.int64)
    pooled_flat = [x for k in accumulators for x in k[1]]
    return (
        dst,
        fast,
        sole,
        zero_rows,
        reward_start,
        np.array([x[0] for x in flat], dtype=np.int64),
        np.array([x[1] for x in flat], dtype=np.int64),
        np.array([k[0] for k in accumulators], dtype=np.int64),
        acc_start,
        np.array([x[0] for x in pooled_flat], dtype=np.int64),
        np.array([x[1] for x in pooled_flat], dtype=np.int64),
        np.array(sorted({x[1] for x in flat + pooled_flat}), dtype=np.int64),
    )


def _transition_values(
    model: CompiledModel, strategy: StrategyModel, ctx: BlockContext, n_cycles: int, memo: PackMemo
) -> tuple[Packed, tuple[np.ndarray, ...]]:
    """Pack the block's transition probabilities and transition-reward values, in the order the
    edge structure refers to them, after checking every probability and every row sum
    (once per chunk for values that do not change with model time)."""
    packed = Packed(memo)
    groups = []
    for g in strategy.groups:
        arrays = [ctx.fitted(row.expr, g.tunnel, n_cycles) for row in g.rows]  # type: ignore[arg-type]
        groups.append((g, arrays, [packed.add(a) for a in arrays]))
    rewards = [(rr, packed.add(ctx.fitted(rr.expr, model.max_tunnel, n_cycles))) for rr in strategy.rewards]
    layout = packed.pack()
    problems: list[Problem] = []
    for g, arrays, rows in groups:
        if memo.group_checked(arrays, g.complement is not None):
            continue
        n_problems = len(problems)
        for row, a, r in zip(g.rows, arrays, rows):
            lo, hi, finite = packed.stats[r]
            if not (finite and lo >= 0.0 and hi <= 1.0):
                bad = ~((a >= 0.0) & (a <= 1.0))
                index = first_bad(bad)
                problems.append(
                    Problem(
                        Element(
                            "transition",
                            strategy=strategy.name,
                            source=row.from_state,
                            target=row.to_state,
                            detail=locate(index, bad.shape, ctx.t0),
                        ),
                        f"probability {show_number(a[index], (0.0, 1.0))} ('{row.expr.text}') "  # type: ignore[union-attr]
                        "is outside [0, 1]",
                        "a probability between 0 and 1",
                    )
                )
        if len(problems) == n_problems:
            problem = _check_row_sums(strategy, g, packed, rows, layout, ctx.t0)
            if problem:
                problems.append(problem)
        if len(problems) == n_problems:
            memo.mark_group(arrays, g.complement is not None)
    bound = VALUE.value  # read once: it parses an environment variable
    for rr, r in rewards:
        if not _usable(packed.stats[r], bound):
            a = packed.items[r]
            index = first_bad(~(np.abs(a) <= VALUE.value))
            problems.append(
                Problem(
                    Element(
                        "reward",
                        strategy=strategy.name,
                        target=rr.reward.to_state,
                        index=model.spec.transition_rewards.index(rr.reward),
                        detail=locate(index, a.shape, ctx.t0),
                    ),
                    *_unusable(rr.expr.text, a[index]),
                )
            )
    if problems:
        raise ModelError(problems)
    return packed, layout


def _usable(stats: tuple[float, float, bool], bound: int) -> bool:
    """Whether a packed row's values (minimum, maximum, finite) are finite and within ``bound``,
    the value of :data:`~hecon.model.limits.VALUE` (beyond it, sums and figures overflow)."""
    lo, hi, finite = stats
    return finite and max(-lo, hi) <= bound


def _unusable(text: str, value: float) -> tuple[str, str]:
    """What is wrong with a value that is not :func:`_usable`, and what was expected."""
    if not np.isfinite(value):
        return f"'{text}' is {show_number(value)}, not a finite number", "finite values"
    return f"'{text}' is {show_number(value)}", VALUE.expected("a value of")


def _check_row_sums(
    strategy: StrategyModel, g: RowGroup, packed: Packed, rows: list[int], layout: tuple[np.ndarray, ...], t0: int
) -> Problem | None:
    """Rows out of a state must sum to 1, or to at most 1 when a complement takes the rest.

    Bounds from each row's minimum and maximum settle the usual case; only when they do not
    are the rows summed element by element."""
    hi = sum(packed.stats[r][1] for r in rows)
    lo = sum(packed.stats[r][0] for r in rows)
    tol = PROBABILITY_TOLERANCE
    if (g.complement is not None and hi <= 1.0 + tol) or (g.complement is None and lo >= 1.0 - tol and hi <= 1.0 + tol):
        return None
    found = packed.first_bad_sum(layout, rows, g.complement is not None, tol)
    if found is None:
        return None
    index, shape, total = found
    where = Element("transitions_out", strategy=strategy.name, source=g.state, detail=locate(index, shape, t0))
    if g.complement is not None:
        return Problem(
            where,
            f"the probabilities add up to {show_number(total, (0.0, 1.0))}, leaving a negative complement for -> {g.complement.to_state}",
            "probabilities that sum to at most 1",
        )
    return Problem(
        where,
        f"the probabilities add up to {show_number(total, (1.0, 1.0))}",
        "a sum of 1, or a complement '#' for the rest",
    )


_KernelArgs = tuple[
    kernels.Edges,
    kernels.PackedRows,
    kernels.OneOffRewards,
    kernels.StateValues,
    kernels.PackedRows,
    kernels.Weights,
    bool,
]


@dataclass
class _Block:
    """A block of cycles ready for the kernel: packed inputs and output arrays."""

    t0: int  # model cycle of the first point
    n_cycles: int
    n_points: int
    inputs: tuple[Packed, Packed]  # keeps the packed rows alive: the kernel reads them by address
    args: _KernelArgs  # the kernel's arguments after the span (see kernels.run_block)
    end: np.ndarray
    values: np.ndarray
    transition_rewards: np.ndarray
    occupancy: np.ndarray
    keep_cycles: bool


def _prepare_block(
    model: CompiledModel,
    strategy: StrategyModel,
    ctx: BlockContext,
    n_cycles: int,
    n_points: int,
    memo: PackMemo,
    col_index: Mapping[Outcome, int],
    rewards: list[list[tuple[int, int]]],
    state_start: np.ndarray,
    weights: tuple[np.ndarray, ...],
    n_samples: int,
    keep_cycles: bool,
    structures: dict[bytes, tuple[np.ndarray, ...]],
    width: int,
) -> _Block:
    """Evaluate, check and pack a block's inputs; allocate its outputs (nothing depends on the
    occupancy yet, so this runs while the previous block is in the kernel). ``structures``
    keeps the edge structure, which only changes with the shapes of the reward values."""
    memo.next_block()
    tpacked, tarrays = _transition_values(model, strategy, ctx, n_cycles, memo)
    pairs, vpacked, vpack = _state_value_pairs(model, ctx, col_index, n_points, memo)
    n_cols = len(col_index)
    shape = (lambda *dims: dims) if keep_cycles else (lambda *dims: (1, 1, 1))
    tsj = tarrays[2]
    if tsj.tobytes() not in structures:
        structures[tsj.tobytes()] = _edge_structure(strategy, rewards, tsj, model.n_states)
    dst, fast, sole, zero_rows, *edge_rewards = structures[tsj.tobytes()]
    edge_structure = kernels.Edges(
        strategy.src_start, dst, strategy.edge_row, strategy.edge_j, strategy.has_complement, fast, sole, zero_rows
    )
    args: _KernelArgs = (
        edge_structure,
        kernels.PackedRows(*tarrays),
        kernels.OneOffRewards(*edge_rewards),
        kernels.StateValues(state_start, *pairs),
        kernels.PackedRows(*vpack),
        kernels.Weights(*weights),
        keep_cycles,
    )
    return _Block(
        ctx.t0,
        n_cycles,
        n_points,
        (tpacked, vpacked),
        args,
        np.empty((model.n_states, n_samples)),
        np.zeros(shape(n_points, n_cols, n_samples)),
        np.zeros(shape(n_cycles, n_cols, n_samples)),
        np.zeros(shape(n_points, width, n_samples)),  # occupancy by sub-state or by model state
        keep_cycles,
    )


def _launch(
    pool: ThreadPoolExecutor, block: _Block, start: np.ndarray, discounted: np.ndarray, undiscounted: np.ndarray
) -> tuple[Iterator[Callable[[], None]], list[Future[None]]]:
    """Start the block kernel: one task per cache block of samples, taken from a shared queue by
    THREADS - 1 worker threads now and by the calling thread once it has prepared the next block
    (:func:`_run_tasks`), so that every core stays busy and none is oversubscribed. The kernel
    adds the block's totals to ``discounted`` and ``undiscounted`` (n_cols, n_samples)."""
    n_samples = start.shape[1]
    outputs = kernels.Outputs(
        block.end, block.values, block.transition_rewards, block.occupancy, discounted, undiscounted
    )
    tasks = iter(
        [
            partial(
                kernels.run_block,
                start,
                kernels.Span(block.t0, block.n_cycles, block.n_points, s0, min(n_samples, s0 + kernels.SAMPLE_BLOCK)),
                *block.args,
                outputs,
            )
            for s0 in range(0, n_samples, kernels.SAMPLE_BLOCK)
        ]
    )  # a list iterator: next() is atomic
    return tasks, [pool.submit(_run_tasks, tasks) for _ in range(THREADS - 1)]


def _run_tasks(tasks: Iterator[Callable[[], None]]) -> None:
    for task in tasks:
        task()


def _state_value_pairs(
    model: CompiledModel, ctx: BlockContext, col_index: Mapping[Outcome, int], n_pts: int, memo: PackMemo
) -> tuple[tuple[np.ndarray, ...], Packed, tuple[np.ndarray, ...]]:
    """The state values as the kernel takes them (see :func:`hecon.engine.kernels.run_block`), their
    packed rows and the rows' layout. Values constant over time are valued every
    kernels.VALUE_CYCLES cycles; the others at every point: applied to the model state (its
    sub-states summed) when they do not vary with state time, sub-state by sub-state when
    they do. The same values in the next strategy of a chunk that runs its strategies together
    (or in the next block, when none changes with time) are the same packed rows, found in ``memo``."""
    exprs = (
        [(QALYS, model.utility)]
        + [(Outcome("cost", c), v) for c, v in model.costs.items()]
        + [(Outcome("count", c), v) for c, v in model.counts.items()]
    )
    found = [
        (col, state, expr, ctx.fitted(expr, model.tunnel[state], n_pts))
        for col, by_state in exprs
        for state, expr in by_state.items()
        if expr.constant != 0.0
    ]
    key = ("state values", n_pts, *(id(a) for *_, a in found))
    known = memo.results.get(key)
    if known is not None and all(x is a for x, (*_, a) in zip(known[0], found)):
        return known[1]  # type: ignore[no-any-return]
    packed = Packed(memo)
    timed: list[tuple[int, int, int, int, int]] = []  # (column, state, expanded, row, state time)
    constant: list[tuple[int, int, int]] = []  # (column, model state, row)
    one = packed.add(_ONE)
    for m, s in enumerate(model.spec.states):
        if not s.is_dead:
            constant.append((col_index[LYS], m, one))
        for flag in s.flags:
            if Outcome("time", flag) in col_index:
                constant.append((col_index[Outcome("time", flag)], m, one))
    state_number = {s.name: m for m, s in enumerate(model.spec.states)}
    sources = {}
    for col, state, expr, a in found:
        r = packed.add(a)
        sources[r] = (state, col, expr)
        if a.shape[1] > 1:
            first = model.slices[state].start
            timed += [(col_index[col], first + j, 1, r, j) for j in range(a.shape[1])]
        elif a.shape[0] > 1:
            timed.append((col_index[col], state_number[state], 0, r, 0))
        else:
            constant.append((col_index[col], state_number[state], r))
    values = packed.pack()
    bound = VALUE.value
    for r, (state, col, expr) in sources.items():
        if not _usable(packed.stats[r], bound):
            a = packed.items[r]
            index = first_bad(~(np.abs(a) <= VALUE.value))
            where = Element(
                "state",
                state,
                strategy=ctx.strategy.name,
                part="utility" if col == QALYS else col.label,
                detail=locate(index, a.shape, ctx.t0),
            )
            raise ModelError(Problem(where, *_unusable(expr.text, a[index])))
    pairs = np.array(timed, dtype=np.int64).reshape(-1, 5)
    const_state = np.unique(np.array([m for _, m, _ in constant], dtype=np.int64))
    cpairs = np.array(constant, dtype=np.int64).reshape(-1, 3)
    cpair_w = np.searchsorted(const_state, cpairs[:, 1])
    arrays = tuple(np.ascontiguousarray(pairs[:, i]) for i in range(5)) + (
        np.unique(pairs[:, 0]),
        const_state,
        np.ascontiguousarray(cpairs[:, 0]),
        cpair_w.astype(np.int64),
        np.ascontiguousarray(cpairs[:, 2]),
    )
    memo.results.put(key, ([a for *_, a in found], (arrays, packed, values)))
    return arrays, packed, values


_ONE = np.ones((1, 1, 1))  # the value of life-years and time in a state, one object: packed once per chunk
_ONE.flags.writeable = False


def _initial_trace(model: CompiledModel, strategy: StrategyModel, ctx: BlockContext, n_samples: int) -> np.ndarray:
    """Occupancy at the start, (n_states, n_samples)."""
    trace = np.zeros((n_samples, model.n_states))
    for state, expr in strategy.initial.items():
        v = np.asarray(ctx.evaluate(expr, 1), dtype=float).reshape(-1)
        trace[:, model.slices[state].start] = v if v.size == n_samples else v[0]
    total = trace.sum(axis=1)
    where = Element("initial", strategy=strategy.name)
    expected = "finite, non-negative shares that add up to 1"
    if not np.isfinite(trace).all():  # NaN passes every comparison below
        raise ModelError(Problem(where, f"a share is {show_number(trace[~np.isfinite(trace)][0])}", expected))
    if np.any(trace < 0):
        raise ModelError(Problem(where, f"a share is negative ({show_number(trace.min())})", expected))
    if np.any(np.abs(total - 1.0) > PROBABILITY_TOLERANCE):
        off = total[np.argmax(np.abs(total - 1.0))]
        raise ModelError(Problem(where, f"shares add up to {show_number(off, (1.0, 1.0))}", expected))
    return np.ascontiguousarray(trace.T)
