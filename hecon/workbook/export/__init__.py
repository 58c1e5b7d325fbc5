"""Export a hecon model as a reviewer-auditable Excel workbook that recomputes it with live formulas.

:func:`export_excel` writes the workbook (layout: :mod:`hecon.workbook.export.sheets`); expressions
are translated by :mod:`hecon.workbook.export.formulas`, names chosen by
:mod:`hecon.workbook.export.names`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hecon.engine.compiler import compile_model
from hecon.engine.run import run_model
from hecon.model.spec import ModelSpec
from hecon.workbook.export.sheets import HeconTotals, build_workbook

__all__ = ["Exported", "export_excel"]


@dataclass(frozen=True)
class Exported:
    """What :func:`export_excel` wrote: hecon's own totals per strategy (also on the Checks sheet)
    and notes on what the workbook cannot compute (also on its About sheet)."""

    totals: list[HeconTotals]
    notes: list[str]


def export_excel(spec: ModelSpec, path: str | Path) -> Exported:
    """Write ``spec`` (its deterministic base case) to ``path`` as a workbook with live formulas,
    atomically.

    Raises ModelError naming the element (and so the input cell) that the export cannot express.
    """
    model = compile_model(spec)
    ds = run_model(model)
    totals = [
        HeconTotals(
            float(ds["total_costs"].sel(strategy=s.name).values[0]),
            float(ds["qalys"].sel(strategy=s.name).values[0]),
            float(ds["lys"].sel(strategy=s.name).values[0]),
        )
        for s in spec.strategies
    ]
    wb, notes = build_workbook(model, totals)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the mode open() would
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return Exported(totals, notes)


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
