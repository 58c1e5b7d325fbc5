"""The RRMM example's PSA (not a test): prints seconds and ns per sample-state-cycle, to set
beside the generic workload of ``bench_engine.py``.

What it times is :func:`hecon.analysis.psa.run_psa` on the model of ``inputs/rrmm_example.xlsx``
(:mod:`hecon.examples.rrmm`), as ``hecon run --psa N`` runs it in one process: drawing the
samples, for each chunk each strategy through the engine (one after the other), block
preparation (expressions, packing, checks) and kernel together, and the labelled result. The
work counted is samples x strategies x states after tunnel expansion x cycles. Besides wall
time it prints the processor time of the process (all threads), which waiting for a busy
machine does not inflate.

Usage: python benchmarks/bench_example_psa.py [n_samples] [chunk_size] [repeats]
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from hecon.analysis.psa import run_psa
from hecon.engine.incremental import compiled
from hecon.engine.run import THREADS
from hecon.workbook import read_workbook

EXAMPLE = "inputs/rrmm_example.xlsx"


def main(n_samples: int = 1000, chunk_size: int = 1024, repeats: int = 3) -> None:
    spec = read_workbook(EXAMPLE)
    model = compiled(spec)
    run_psa(spec, 2, 1, progress=False)  # numba kernels loaded (cached on disk)
    seconds, cpu = [], []
    for _ in range(repeats):  # a shared machine's speed drifts: report the best and the median
        wall, start = time.perf_counter(), time.process_time()
        ds = run_psa(spec, n_samples, spec.settings.seed, chunk_size=chunk_size, progress=False)
        seconds.append(time.perf_counter() - wall)
        cpu.append(time.process_time() - start)
    work = n_samples * len(model.strategies) * model.n_states * model.n_cycles
    best, median = min(seconds), float(np.median(seconds))
    print(
        f"example=rrmm samples={n_samples} strategies={len(model.strategies)} states={model.n_states} "
        f"cycles={model.n_cycles} chunk={chunk_size} threads={THREADS} repeats={repeats}"
    )
    print(f"seconds best={best:.2f} median={median:.2f}; processor seconds (all threads) best={min(cpu):.2f}")
    print(f"ns_per_sample_state_cycle best={best / work * 1e9:.3f} median={median / work * 1e9:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    qalys = ds["qalys"].mean("sample")
    print("mean QALYs: " + ", ".join(f"{s} {float(qalys.sel(strategy=s)):.4f}" for s in ds["strategy"].values))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
