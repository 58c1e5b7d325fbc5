"""Excel-export benchmark (not a test): the RRMM example exported with live formulas and
recalculated by LibreOffice headless. Prints the export time, the file size, LibreOffice's wall
and CPU time (its processes' user + system time) and the largest relative difference between the
recalculated totals and hecon's, LibreOffice's peak memory (the largest resident set of its
processes) and the load average (the machine may be shared: wall-clock time depends on it).

Usage: python benchmarks/bench_export_excel.py [MODEL.xlsx]   (default: inputs/rrmm_example.xlsx)
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from hecon.workbook import read_workbook
from hecon.workbook.export import export_excel
from hecon.workbook.export.sheets import FIRST_ROW

ROOT = Path(__file__).parents[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(model: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is not installed")
    spec = read_workbook(model)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "formulas.xlsx"
        start = time.perf_counter()
        exported = export_excel(spec, out)
        export_seconds = time.perf_counter() - start
        size = out.stat().st_size
        book = openpyxl.load_workbook(out, read_only=True)
        sheet = book[spec.strategies[0].name]
        rows, columns = sheet.max_row, sheet.max_column
        book.close()
        cpu0, wall0 = children_cpu(), time.perf_counter()
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
             "--outdir", str(Path(tmp) / "out"), str(out)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
        values = openpyxl.load_workbook(Path(tmp) / "out" / out.name, read_only=True, data_only=True)["Results"]
        worst = 0.0
        for row, hecon in zip(values.iter_rows(min_row=2, max_col=4, values_only=True), exported.totals):
            for got, want in zip(row[1:], (hecon.costs, hecon.qalys, hecon.lys)):
                worst = max(worst, abs(float(got) - want) / abs(want))
    points = rows - FIRST_ROW + 1
    print(f"model: {model.name}, {len(spec.strategies)} strategies, {points} trace points x {columns} columns")
    print(f"export: {export_seconds:.1f} s, {size / 1e6:.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3  # kB on Linux
    print(f"LibreOffice open + recalculate + save: {wall:.1f} s wall, {cpu:.1f} s CPU, peak memory {peak:.0f} MB")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"largest relative difference of the totals from hecon's: {worst:.1e}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "inputs" / "rrmm_example.xlsx")
