"""The RRMM example (weekly cycles, ~1,900 cycles x 6 strategies, tunnels, survival curves,
schedules, life tables) exported to Excel and recalculated by LibreOffice reproduces hecon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl

from hecon.engine.run import run_model
from hecon.workbook import read_workbook
from hecon.workbook.export import export_excel
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import hecon_table, max_relative_difference, results_table, trace_of

pytestmark = needs_libreoffice

RRMM = Path(__file__).parents[2] / "inputs" / "rrmm_example.xlsx"


def test_rrmm_example_reproduces_hecon(tmp_path: Path) -> None:
    spec = read_workbook(RRMM)
    path = tmp_path / "rrmm_formulas.xlsx"
    assert export_excel(spec, path).notes == []
    assert path.stat().st_size < 80e6  # 6 strategies x 23 states (the sequences, issue 13): about 56 MB
    wb = openpyxl.load_workbook(recalculate(path, tmp_path / "out"), read_only=True, data_only=True)
    assert max_relative_difference(results_table(wb), hecon_table(spec)) <= 1e-9
    ds = run_model(spec)
    for s in spec.strategies:
        trace = trace_of(wb, s.name, [st.name for st in spec.states])
        np.testing.assert_allclose(trace, ds["trace"].sel(strategy=s.name).values, rtol=0, atol=1e-12)
