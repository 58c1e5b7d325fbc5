"""How long hecon takes to refuse a bad workbook (not a test): issue 19 asks for under 10 s.

Copies the shipped example (inputs/rrmm_example.xlsx: 6 strategies, 29 scenarios, weekly cycles
over 37 years), breaks one cell in each of three ways, and times 'hecon validate' and 'hecon run'
on each copy as the user runs them (a new process each, imports included):

* a problem found by reading and compiling (an unknown name in a parameter's formula);
* a problem found only by running the model (a NaN body weight, which every weight-based dose
  derived from it carries into the costs);
* a problem found by reading a cell (text in a numeric column);
* a problem only in the last scenario (a NaN value on the Scenarios sheet's last row), found by
  running the base case and then that scenario (the scenarios known to pass are not run first);
* and, for comparison, the example as shipped (valid: exit 0), whose validation checks everything.

``--baseline DIR`` also times another checkout of hecon (e.g. ``git worktree add /tmp/base main``)
on the same copies, alternating with this one run by run, so that both see the same load.

Prints, per case and command, the exit status, the problem count, the wall seconds, the processor
seconds (user + system of the process) and its peak memory, best of ``--repeats``. The machine may
be shared: processor time is the steadier figure.

Usage: python benchmarks/bench_refusal.py [--repeats N] [--workbook inputs/rrmm_example.xlsx] [--baseline DIR]
       [--commands validate,run]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 10.0

#: case -> (sheet, the name in column A of the row to change ("" for the sheet's last row), column letter, value);
#: no sheet: the workbook unchanged
CASES: dict[str, tuple[str, str, str, object]] = {
    "unknown name (compile)": ("Parameters", "body_weight_kg", "B", "body_weight_kgs * 1"),
    "NaN body weight (run)": ("Parameters", "body_weight_kg", "B", "0 * 1e999"),
    "text in a numeric cell (read)": ("Settings", "start_age", "B", "sixty-three"),
    "NaN in the last scenario (run)": ("Scenarios", "", "C", "0 * 1e999"),
    "the example as shipped (valid)": ("", "", "", None),
}


def broken(workbook: Path, folder: Path, case: str) -> Path:
    sheet, name, column, value = CASES[case]
    book = openpyxl.load_workbook(workbook)
    if sheet:
        ws = book[sheet]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == name) if name else ws.max_row
        ws[f"{column}{row}"] = value
    path = folder / (re.sub(r"\W+", "_", case).strip("_") + ".xlsx")
    book.save(path)
    return path


def timed(args: list[str], checkout: Path = ROOT) -> tuple[int, int, float, float, float]:
    """(exit status, problems listed, wall s, processor s, peak memory MB) of one command, with the
    hecon of ``checkout`` (its folder first on the module path)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=checkout, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    output = (process.stdout.read() if process.stdout else "") + (process.stderr.read() if process.stderr else "")
    found = re.search(r"(\d+) problems?", output)
    return (
        os.waitstatus_to_exitcode(status),
        int(found.group(1)) if found else 0,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workbook", type=Path, default=ROOT / "inputs" / "rrmm_example.xlsx")
    parser.add_argument("--baseline", type=Path, help="another checkout of hecon, timed alternately")
    parser.add_argument("--commands", default="validate,run", help="comma-separated: validate, run")
    args = parser.parse_args()
    hecon = [sys.executable, "-m", "hecon"]
    checkouts = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at the start: {load:.2f} on {os.cpu_count()} cores")
    print(
        f"{'case':<32} {'command':<9} {'checkout':<9} {'exit':>4} {'problems':>8} {'wall [s]':>9} {'cpu [s]':>8} "
        f"{'MB':>6}   (best of {args.repeats}; median wall, cpu)"
    )
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for checkout in checkouts.values():  # a first run compiles (and caches) the numba kernels
            timed([*hecon, "validate", str(args.workbook)], checkout)
        for case in CASES:
            path = broken(args.workbook, folder, case)
            expected = 1 if CASES[case][0] else 0
            for command in args.commands.split(","):
                extra = ["--out", str(folder / "report")] if command == "run" else []
                runs: dict[str, list[tuple[int, int, float, float, float]]] = {name: [] for name in checkouts}
                for _ in range(args.repeats):  # alternately: the same load for each checkout
                    for name, checkout in checkouts.items():
                        runs[name].append(timed([*hecon, command, str(path), *extra], checkout))
                        shutil.rmtree(folder / "report", ignore_errors=True)
                for name, found in runs.items():
                    code, n, wall, cpu, mb = min(found, key=lambda r: r[2])
                    middle = (statistics.median(r[2] for r in found), statistics.median(r[3] for r in found))
                    print(
                        f"{case:<32} {command:<9} {name:<9} {code:>4} {n:>8} {wall:9.2f} {cpu:8.2f} {mb:6.0f}"
                        f"   ({middle[0]:.2f}, {middle[1]:.2f})"
                    )
                    refused = expected == 1  # the valid example's run is a whole run, not a refusal
                    if name == "this" and (code != expected or (refused and wall > LIMIT_S)):
                        slow.append(f"{case}, {command}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores")
    if slow:
        print(
            f"NOT refused within {LIMIT_S:g} s (or a wrong exit status: 1 for a broken copy, 0 for the example): "
            + "; ".join(slow)
        )


if __name__ == "__main__":
    main()
