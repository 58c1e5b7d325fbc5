"""results.xlsx writers on the RRMM example's tables (not a test): prints seconds per writer.

Compares hecon's writer (XlsxWriter, streaming, its table rows rendered by
:class:`hecon.report.xlsx_rows.RowStream`; :func:`hecon.report.excel.write_results_xlsx`) with the
same writer passing every row through XlsxWriter's own ``write_number`` and ``write_string`` (the
same bytes; hecon's writer before RowStream) and with openpyxl's write-only mode writing the same
cells with the same number formats (the writer hecon used before XlsxWriter), alternating them,
run for run, because a shared machine's speed drifts; reports the best and the median wall time
and the processor time of each.

Usage: python benchmarks/bench_xlsx.py [repeats] [psa_samples]
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.examples.rrmm import rrmm_model
from hecon.report import all_figures, workbook_sheets, xlsx_rows
from hecon.report.excel import write_results_xlsx
from hecon.report.numbers import KINDS
from hecon.report.sections import build_sections
from hecon.report.tables import Table


def openpyxl_write_only(tables: Sequence[Table], path: Path, figures: Sequence[object] = ()) -> None:
    """The same cells with openpyxl's write-only mode, one shared style per number column
    (figures left out: they cost little in either writer)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for table in tables:
        t = table.for_excel()
        ws = wb.create_sheet(t.sheet[:31])
        ws.append([t.title])
        ws.append([t.note])
        ws.append([c.header for c in t.columns])
        styles = []
        for c in t.columns:
            cell = WriteOnlyCell(ws, value=0.0)
            cell.number_format = KINDS[c.kind][0]
            styles.append(cell._style)
        for row in t.rows:
            out = []
            for j, v in enumerate(row):
                if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                    cell = WriteOnlyCell(ws, value=v)
                    cell._style = styles[j]
                    out.append(cell)
                else:
                    out.append(None if v is None or isinstance(v, float) else str(v))
            ws.append(out)
    wb.save(path)


def xlsxwriter_cell_by_cell(tables: Sequence[Table], path: Path, figures: Sequence[object] = ()) -> None:
    """hecon's writer with every row through XlsxWriter's own methods (RowStream declines each)."""
    stream = xlsx_rows.RowStream.write
    xlsx_rows.RowStream.write = lambda *args, **kwargs: False  # type: ignore[method-assign]
    try:
        write_results_xlsx(tables, path, figures=figures)
    finally:
        xlsx_rows.RowStream.write = stream  # type: ignore[method-assign]


def timed(
    write: Callable[..., None], tables: Sequence[Table], path: Path, figures: Sequence[object]
) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    write(tables, path, figures=figures)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(repeats: int = 5, psa_samples: int = 0) -> None:
    run = run_analysis(rrmm_model(), "all", psa_samples=psa_samples or None, progress=False)
    sections = build_sections(summarise_run(run))
    tables, figures = workbook_sheets(sections), all_figures(sections)
    cells = sum(len(t.for_excel().rows) * len(t.for_excel().columns) for t in tables)
    writers = {
        "xlsxwriter + RowStream (hecon)": write_results_xlsx,
        "xlsxwriter cell by cell": xlsxwriter_cell_by_cell,
        "openpyxl write-only": openpyxl_write_only,
    }
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in writers}
    with tempfile.TemporaryDirectory() as folder:
        for k in range(repeats):
            for name, write in writers.items():  # alternate, run for run
                found[name].append(timed(write, tables, Path(folder) / f"{k}.xlsx", figures))
    print(f"sheets={len(tables)} cells={cells} figures={len(figures)} repeats={repeats}")
    for name, times in found.items():
        walls, cpus = sorted(t[0] for t in times), sorted(t[1] for t in times)
        print(f"{name}: wall best={walls[0]:.2f} median={walls[len(walls) // 2]:.2f} s; cpu best={cpus[0]:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
