"""The RRMM example (weekly cycles, ~1,900 cycles x 6 strategies, tunnels, survival curves,
schedules, life tables) exported to Excel and recalculated by LibreOffice reproduces hecon, and the
file is the size the README states (issue 15). The recalculation time is measured by
benchmarks/bench_export_excel.py, not here (timing belongs in benchmarks)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.workbook import read_workbook
from hecon.workbook.export import export_excel
from tests.workbook.libreoffice import needs_libreoffice, recalculate
from tests.workbook.test_export_excel import hecon_table, max_relative_difference, results_table, trace_of

pytestmark = needs_libreoffice

ROOT = Path(__file__).parents[2]
RRMM = ROOT / "inputs" / "rrmm_example.xlsx"


def test_rrmm_example_reproduces_hecon(tmp_path: Path) -> None:
    spec = read_workbook(RRMM)
    path = tmp_path / "rrmm_formulas.xlsx"
    assert export_excel(spec, path).notes == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"the RRMM example \(.*?\) is a ([0-9.]+) MB file", readme, re.S)
    assert stated, "the README states the size of the exported RRMM example"
    assert path.stat().st_size / 1e6 == pytest.approx(float(stated.group(1)), rel=0.05)
    recalculated = recalculate(path, tmp_path / "out")
    wb = openpyxl.load_workbook(recalculated, read_only=True, data_only=True)
    assert max_relative_difference(results_table(wb), hecon_table(spec)) <= 1e-9
    ds = run_model(spec)
    for s in spec.strategies:
        trace = trace_of(wb, s.name, [st.name for st in spec.states])
        np.testing.assert_allclose(trace, ds["trace"].sel(strategy=s.name).values, rtol=0, atol=1e-12)
