"""The RRMM example's PSA through the engine (not a test): prints seconds and ns per
sample-state-cycle, to set beside the generic workload of ``bench_engine.py``.

What it times is the engine's part of ``hecon run --psa N`` on ``inputs/rrmm_example.xlsx``
(the model of :mod:`hecon.examples.rrmm`): for each chunk of samples and each strategy,
:func:`hecon.engine.run.simulate_chunk` as :func:`hecon.analysis.psa.run_psa` calls it
(per-sample totals only), block preparation (expressions, packing, checks) and kernel together.
Drawing the samples is included (and timed apart). Besides wall time it prints the processor
time of the process (all threads), which waiting for a busy machine does not inflate. The work counted is samples x strategies x states after
tunnel expansion x cycles.

Usage: python benchmarks/bench_example_psa.py [n_samples] [chunk_size] [repeats]
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from hecon.engine.compiler import compile_model
from hecon.engine.run import THREADS, simulate_chunk
from hecon.examples.rrmm import rrmm_model
from hecon.model.distributions import draw_parameters


def main(n_samples: int = 1000, chunk_size: int = 1024, repeats: int = 3) -> None:
    spec = rrmm_model()
    model = compile_model(spec)
    n_strategies = len(model.strategies)

    def psa() -> list[float]:
        """Every chunk and strategy as run_psa runs them (one process); mean QALYs per strategy."""
        qalys = [0.0] * n_strategies
        for start in range(0, n_samples, chunk_size):
            stop = min(n_samples, start + chunk_size)
            draws = draw_parameters(spec.parameters, stop - start, spec.settings.seed, start=start)
            for i in range(n_strategies):
                r = simulate_chunk(model, i, draws, stop - start, keep_cycles=False)
                qalys[i] += float(r.discounted[:, 0].sum()) / n_samples
        return qalys

    draw_seconds = min(_timed(lambda: draw_parameters(spec.parameters, n_samples, 1)) for _ in range(repeats))
    simulate_chunk(model, 0, draw_parameters(spec.parameters, 2, 1), 2, keep_cycles=False)  # numba kernels loaded
    seconds, cpu = [], []
    for _ in range(repeats):  # a shared machine's speed drifts: report the best and the median
        start = time.process_time()
        seconds.append(_timed(psa))
        cpu.append(time.process_time() - start)
    work = n_samples * n_strategies * model.n_states * model.n_cycles
    best, median = min(seconds), float(np.median(seconds))
    print(
        f"example=rrmm samples={n_samples} strategies={n_strategies} states={model.n_states} "
        f"cycles={model.n_cycles} chunk={chunk_size} threads={THREADS} repeats={repeats}"
    )
    print(f"seconds best={best:.2f} median={median:.2f} (drawing the samples: {draw_seconds:.2f} s, included)")
    print(f"processor seconds (all threads) best={min(cpu):.2f}: on a busy machine, the work without the waiting")
    print(f"ns_per_sample_state_cycle best={best / work * 1e9:.3f} median={median / work * 1e9:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print("mean QALYs: " + ", ".join(f"{s.name} {q:.4f}" for s, q in zip(spec.strategies, psa())))


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
