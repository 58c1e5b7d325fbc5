"""Whole-process benchmark of what a user waits for (not a test); writes docs/performance.md.

Measures, each as a separate process started from this one, on the shipped example
(``inputs/rrmm_example.xlsx``):

* ``hecon --help`` (start-up: the command line must not import the numerical libraries);
* ``make run``'s command (base case, every scenario, DSA, PSA of 1,000, thresholds, report) with
  the numba cache warm, and the wall time of each phase as the run's summary.json records it
  (``timings``, :mod:`hecon.analysis.timings`);
* the example's PSA alone (:func:`hecon.analysis.psa.run_psa`) at each size asked for: wall and
  processor time, and the process's peak resident memory, which must not grow with the number
  of samples (chunks of 1,024).

The machine may be shared: every measurement is repeated and the best is reported (and the
processor time beside the wall time). The Markdown written to ``--out`` is the README's
performance table; its numbers are this script's output, never typed.

Usage: python benchmarks/bench_run.py [--repeats N] [--psa 1000,10000] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "rrmm_example.xlsx"
RUN_OPTIONS = [  # as the Makefile's RUN_OPTIONS
    *("--all-scenarios", "--dsa", "--psa", "1000", "--seed", "20241126"),
    *("--two-way", "hr_redose=0:1.5,redose_price_share=0:1,Annual CAR-T re-dosing,One-time CAR-T"),
]
HECON = [sys.executable, "-m", "hecon"]
PSA_CODE = """
import json, resource, sys, time
from hecon.analysis.psa import run_psa
from hecon.workbook import read_workbook
spec = read_workbook(sys.argv[1])
wall, cpu = time.perf_counter(), time.process_time()
ds = run_psa(spec, int(sys.argv[2]), 20241126, progress=False)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "qalys": {str(s): float(ds["qalys"].sel(strategy=s).mean()) for s in ds["strategy"].values}}))
"""


def _wall(command: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start, done


def help_seconds(repeats: int) -> float:
    """Best wall time of ``hecon --help`` [s]."""
    return min(_wall([*HECON, "--help"])[0] for _ in range(max(3, repeats)))


def run_seconds(repeats: int) -> tuple[float, dict[str, object]]:
    """Best wall time of the example's ``make run`` [s] and that run's summary.json timings."""
    best: tuple[float, dict[str, object]] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for k in range(repeats):
            out = Path(folder) / f"report{k}"
            seconds, _ = _wall([*HECON, "run", str(EXAMPLE), *RUN_OPTIONS, "--out", str(out)])
            timings = json.loads((out / "summary.json").read_text(encoding="utf-8"))["timings"]
            if best is None or seconds < best[0]:
                best = (seconds, timings)
    assert best is not None
    return best


def psa_scaling(sizes: list[int], repeats: int) -> list[dict[str, float]]:
    """Per size: best wall and processor time of the PSA [s] and the largest peak memory [MiB]."""
    rows = []
    for n in sizes:
        found = [
            json.loads(_wall([sys.executable, "-c", PSA_CODE, str(EXAMPLE), str(n)])[1].stdout) for _ in range(repeats)
        ]
        rows.append(
            {
                "samples": n,
                "wall": min(f["wall"] for f in found),
                "cpu": min(f["cpu"] for f in found),
                "peak_mib": max(f["peak_mib"] for f in found),
            }
        )
    return rows


def markdown(help_s: float, run_s: float, timings: dict[str, object], psa: list[dict[str, float]], repeats: int) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    phases, cpu = timings["phases"], timings["cpu"]
    assert isinstance(phases, dict) and isinstance(cpu, dict)
    lines = [
        "<!-- written by benchmarks/bench_run.py; do not edit: run it again -->",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit.strip() or '?'} on {os.cpu_count()} cores "
        f"({platform.python_implementation()} {platform.python_version()}); load average at the end {load}; "
        f"best of {repeats} (wall clock; processor time of the process beside it).",
        "",
        "| what | wall [s] |",
        "|---|---|",
        f"| `hecon --help` | {help_s:.2f} |",
        f"| `make run` (example, numba cache warm), whole process | {run_s:.1f} |",
        "",
        "Phases of that run (summary.json `timings`):",
        "",
        "| phase | wall [s] | processor [s] |",
        "|---|---|---|",
        *(f"| {name} | {seconds:.2f} | {cpu[name]:.2f} |" for name, seconds in phases.items()),
        f"| total (after start-up) | {timings['total']:.2f} | {timings['cpu_total']:.2f} |",
        "",
        "The example's PSA alone (`run_psa`, chunks of 1,024 samples, one process):",
        "",
        "| samples | wall [s] | processor [s] | peak memory [MiB] |",
        "|---|---|---|---|",
        *(f"| {r['samples']:,} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['peak_mib']:.0f} |" for r in psa),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--psa", default="1000,10000", help="PSA sizes, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    help_s = help_seconds(args.repeats)
    run_s, timings = run_seconds(args.repeats)
    psa = psa_scaling([int(n) for n in args.psa.split(",") if n], args.repeats)
    text = markdown(help_s, run_s, timings, psa, args.repeats)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
