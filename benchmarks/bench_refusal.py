"""How long hecon takes to refuse a bad workbook (not a test): issue 19 asks for under 10 s.

Copies the shipped example (inputs/rrmm_example.xlsx: 6 strategies, 29 scenarios, weekly cycles
over 37 years), breaks one cell in each of three ways, and times 'hecon validate' and 'hecon run'
on each copy as the user runs them (a new process each, imports included):

* a problem found by reading and compiling (an unknown name in a parameter's formula);
* a problem found only by running the model (a NaN body weight, which every weight-based dose
  derived from it carries into the costs);
* a problem found by reading a cell (text in a numeric column);
* a problem only in the last scenario (a NaN value on the Scenarios sheet's last row), found only
  after the base case and every other scenario have run.

Prints, per case and command, the exit status, the problem count, the wall seconds, the processor
seconds (user + system of the process) and its peak memory, best of ``--repeats``. The machine may
be shared: processor time is the steadier figure.

Usage: python benchmarks/bench_refusal.py [--repeats N] [--workbook inputs/rrmm_example.xlsx]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 10.0

#: case -> (sheet, the name in column A of the row to change ("" for the sheet's last row), column letter, value)
CASES: dict[str, tuple[str, str, str, object]] = {
    "unknown name (compile)": ("Parameters", "body_weight_kg", "B", "body_weight_kgs * 1"),
    "NaN body weight (run)": ("Parameters", "body_weight_kg", "B", "0 * 1e999"),
    "text in a numeric cell (read)": ("Settings", "start_age", "B", "sixty-three"),
    "NaN in the last scenario (run)": ("Scenarios", "", "C", "0 * 1e999"),
}


def broken(workbook: Path, folder: Path, case: str) -> Path:
    sheet, name, column, value = CASES[case]
    book = openpyxl.load_workbook(workbook)
    ws = book[sheet]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == name) if name else ws.max_row
    ws[f"{column}{row}"] = value
    path = folder / (re.sub(r"\W+", "_", case).strip("_") + ".xlsx")
    book.save(path)
    return path


def timed(args: list[str]) -> tuple[int, int, float, float, float]:
    """(exit status, problems listed, wall s, processor s, peak memory MB) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    args = parser.parse_args()
    hecon = [sys.executable, "-m", "hecon"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at the start: {load:.2f} on {os.cpu_count()} cores")
    print(f"{'case':<32} {'command':<9} {'exit':>4} {'problems':>8} {'wall [s]':>9} {'cpu [s]':>8} {'MB':>6}")
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in CASES:
            path = broken(args.workbook, folder, case)
            for command in ("validate", "run"):
                extra = ["--out", str(folder / "report")] if command == "run" else []
                runs = [timed([*hecon, command, str(path), *extra]) for _ in range(args.repeats)]
                code, n, wall, cpu, mb = min(runs, key=lambda r: r[2])
                print(f"{case:<32} {command:<9} {code:>4} {n:>8} {wall:9.2f} {cpu:8.2f} {mb:6.0f}")
                if wall > LIMIT_S or code != 1:
                    slow.append(f"{case}, {command}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores")
    if slow:
        print(f"NOT refused (exit 1) within {LIMIT_S:g} s: " + "; ".join(slow))


if __name__ == "__main__":
    main()
