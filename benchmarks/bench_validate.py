"""What validation costs on the shipped example (not a test): 'hecon validate' runs the model as
'hecon run' does, and also at every value the analyses set (each DSA low and high value, each
value of a threshold's search grid; :func:`hecon.workbook.validate._variation_problems`).

Prints, best of ``--repeats`` in this process (the numba kernels compiled and the model compiled
once before timing), the processor and wall seconds of the whole validation and of its part that
evaluates the DSA bounds and threshold grids, with the number of values that part evaluates. The
machine may be shared: processor time is the steadier figure.

Usage: python benchmarks/bench_validate.py [--repeats N] [--workbook inputs/rrmm_example.xlsx]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from hecon.analysis.threshold import GRID_POINTS
from hecon.workbook.reader import read
from hecon.workbook.validate import _variation_problems, validate_result

ROOT = Path(__file__).resolve().parents[1]


def best(work: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Least (processor, wall) seconds of ``work`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        work()
        times.append((time.process_time() - cpu, time.perf_counter() - wall))
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workbook", type=Path, default=ROOT / "inputs" / "rrmm_example.xlsx")
    args = parser.parse_args()
    result = read(args.workbook)
    assert result.spec is not None and not result.problems, result.problems
    spec = result.spec
    assert validate_result(result) == []  # warm: kernels and models compiled
    whole = best(lambda: validate_result(result), args.repeats)
    variations = best(lambda: _variation_problems(spec, result.locations), args.repeats)
    n_dsa = 2 * sum(p.dsa for p in spec.parameters)
    n_grid = GRID_POINTS * len(spec.thresholds)
    print(f"{args.workbook.name}: {len(spec.strategies)} strategies")
    print(f"validation, all checks:          {whole[0]:6.2f} s processor, {whole[1]:6.2f} s wall")
    print(
        f"  of which DSA bounds and grids: {variations[0]:6.2f} s processor, {variations[1]:6.2f} s wall "
        f"({n_dsa} DSA values, {n_grid} threshold grid values in {len(spec.thresholds)} searches)"
    )


if __name__ == "__main__":
    main()
