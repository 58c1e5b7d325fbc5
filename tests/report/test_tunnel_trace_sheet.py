"""results.xlsx, sheet TunnelTrace: the occupancy of each tunnel sub-state per cycle, checked
against the hand-worked 3-cycle model of tests/engine/test_substate_trace.py."""

from __future__ import annotations

import openpyxl
import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.report import write_report
from tests.engine.test_substate_trace import HAND, tunnel_model


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    result = run_analysis(tunnel_model(), progress=False)
    folder = write_report(summarise_run(result), tmp_path_factory.mktemp("tunnel") / "report")
    return openpyxl.load_workbook(folder / "results.xlsx")


def test_tunnel_sub_states_per_cycle_equal_the_hand_worked_model(workbook):
    ws = workbook["TunnelTrace"]
    assert [c.value for c in ws[3]] == ["Strategy", "Cycle", "Years", "State", "State time (cycles)", "Share"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 4 * 3  # 4 trace points x Sick[0..2]; Well and Dead have no tunnel
    for strategy, cycle, _, state, state_time, share in rows:
        assert (strategy, state) == ("only", "Sick")
        assert share == pytest.approx(HAND[cycle, 1 + state_time], abs=1e-15)


def test_sub_states_sum_to_the_trace_sheet(workbook):
    trace = {r[1]: r for r in workbook["Trace"].iter_rows(min_row=4, values_only=True)}
    header = [c.value for c in workbook["Trace"][3]]
    sums: dict[int, float] = {}
    for _, cycle, _, _, _, share in workbook["TunnelTrace"].iter_rows(min_row=4, values_only=True):
        sums[cycle] = sums.get(cycle, 0.0) + share
    for cycle, total in sums.items():
        assert total == pytest.approx(trace[cycle][header.index("Sick")], abs=1e-15)
