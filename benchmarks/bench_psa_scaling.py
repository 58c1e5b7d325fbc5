"""How the example's PSA scales with its size (not a test); writes the README's scaling table.

Runs :func:`hecon.analysis.psa.run_psa` on the shipped example (``inputs/rrmm_example.xlsx``,
chunks of 1,024 samples) at each size asked for, each as a process of its own started from
this one, and once more on a local Dask cluster of 2 worker processes (``hecon run --workers
2``), and records per run:

* wall time and processor time of ``run_psa`` [s] (processor time: of the process; on Dask the
  workers' time is not in it);
* peak resident memory [MiB] of the process that runs the PSA and, on Dask, of the largest
  worker (the operating system's maximum resident set of the process's children);
* whether the per-sample outcomes were kept in memory or in a temporary file
  (:func:`hecon.analysis.psa.kept_in_memory`);
* then, in the same process, the wall time and the peak memory until the PSA is summarised
  (:func:`hecon.analysis.psa_summary.summarise_psa` with EVPPI) and written as ``psa.nc``.

The table between the README's markers ``<!-- psa-scaling -->`` and ``<!-- end psa-scaling -->``
is replaced by the result, so its numbers are this script's output, never typed. The machine
may be shared with other work: the load average is printed beside the numbers.

Usage: python benchmarks/bench_psa_scaling.py [--sizes 1000,10000,100000] [--dask 10000] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "rrmm_example.xlsx"
BEGIN, END = "<!-- psa-scaling -->", "<!-- end psa-scaling -->"
CODE = """
import json, os, resource, sys, tempfile, time
from hecon.analysis.evppi import evppi_inputs
from hecon.analysis.psa import kept_in_memory, run_psa, save_psa
from hecon.analysis.psa_summary import summarise_psa
from hecon.workbook import read_workbook
spec = read_workbook(sys.argv[1])
n, workers = int(sys.argv[2]), int(sys.argv[3]) or None
run_psa(spec, 2, 1, progress=False)  # numba kernels loaded from their cache
wall, cpu = time.perf_counter(), time.process_time()
ds = run_psa(spec, n, 20241126, workers=workers, progress=False)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
mib = lambda who: resource.getrusage(who).ru_maxrss / 1024
psa_mib = mib(resource.RUSAGE_SELF)
then = time.perf_counter()
wtp = float(spec.settings.wtp[0])
summary = summarise_psa(ds, spec.options[0], [wtp], wtp, evppi_inputs=evppi_inputs(spec), options=spec.options)
with tempfile.TemporaryDirectory() as folder:
    save_psa(ds, os.path.join(folder, "psa.nc"))
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": psa_mib,
                  "worker_mib": mib(resource.RUSAGE_CHILDREN) if workers else None,
                  "summary_wall": time.perf_counter() - then, "summary_peak_mib": mib(resource.RUSAGE_SELF),
                  "in_memory": kept_in_memory(spec, n), "qalys": float(ds["qalys"].mean())}))
"""


def measure(n_samples: int, workers: int = 0) -> dict[str, float]:
    """One PSA of ``n_samples`` in a fresh process (``workers`` > 0: on a local Dask cluster)."""
    done = subprocess.run(
        [sys.executable, "-c", CODE, str(EXAMPLE), str(n_samples), str(workers)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    found.update(samples=n_samples, workers=workers)
    return found


def table(rows: list[dict[str, float]], work_per_sample: int) -> str:
    """The Markdown block: one row per run."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Measured by `benchmarks/bench_psa_scaling.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit "
        f"{commit.strip() or '?'}, {os.cpu_count()} cores ({platform.python_implementation()} "
        f"{platform.python_version()}), load average at the end {load} (other work shared the machine): "
        "`run_psa` on the example, chunks of 1,024, one run each; then, in the same process, its summaries "
        "(`summarise_psa`: intervals, CEAC, EVPI, convergence, EVPPI of the model's groups) and `psa.nc`. Per-sample "
        "outcomes are kept in memory up to `HECON_MAX_PSA_VALUES` values, beyond it in a temporary file.",
        "",
        "| samples | where | outcomes kept | wall [s] | processor [s] | ns per sample-state-cycle (wall) "
        "| peak memory [MiB] | summaries and psa.nc: wall [s], peak memory [MiB] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        where = f"local Dask cluster, {r['workers']:.0f} workers" if r["workers"] else "one process"
        memory = f"{r['peak_mib']:.0f}" + (f" (+ largest worker {r['worker_mib']:.0f})" if r["workers"] else "")
        ns = r["wall"] / (r["samples"] * work_per_sample) * 1e9
        cpu = "—" if r["workers"] else f"{r['cpu']:.1f}"  # the workers' processor time is not the process's
        kept = "in memory" if r["in_memory"] else "temporary file"
        after = f"{r['summary_wall']:.1f}, {r['summary_peak_mib']:.0f}"
        lines.append(
            f"| {r['samples']:,.0f} | {where} | {kept} | {r['wall']:.1f} | {cpu} | {ns:.1f} | {memory} | {after} |"
        )
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with the lines between BEGIN and END replaced by ``block``."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + block + "\n" + text[end:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="PSA sizes in one process, comma-separated")
    parser.add_argument("--dask", type=int, default=10000, help="PSA size on a local Dask cluster (0: none)")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args()
    from hecon.engine.incremental import compiled
    from hecon.workbook import read_workbook

    model = compiled(read_workbook(EXAMPLE))
    work = len(model.strategies) * model.n_states * model.n_cycles  # state-cycles per sample
    sizes = [int(x) for x in args.sizes.split(",") if x]
    runs = [(n, 0) for n in sizes if n <= args.dask] + [(args.dask, 2)] * bool(args.dask)
    runs += [(n, 0) for n in sizes if n > args.dask]  # the longest last
    rows = []
    for n, workers in runs:
        rows.append(measure(n, workers))
        print(json.dumps(rows[-1]), flush=True)
        block = table(rows, work)  # written after every run: an interrupted benchmark leaves what it measured
        temporary = args.readme.with_name(args.readme.name + ".tmp")
        temporary.write_text(replace_block(args.readme.read_text(encoding="utf-8"), block), encoding="utf-8")
        os.replace(temporary, args.readme)  # never half a README
    print(block)


if __name__ == "__main__":
    main()
