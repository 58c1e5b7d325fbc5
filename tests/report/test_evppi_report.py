"""The EVPPI in summary.json, results.xlsx and report.html (tests.models.full_model, 500 samples)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.report import write_report
from tests.models import full_model


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = replace(full_model(), evppi_groups={"costs": ("c_drug", "c_admission", "c_monitor")})
    result = run_analysis(spec, None, seed=11, psa_samples=500, progress=False)
    return write_report(summarise_run(result), tmp_path_factory.mktemp("evppi") / "report")


def test_summary_has_every_parameter_ranked_and_within_zero_and_evpi(report: Path) -> None:
    psa = json.loads((report / "summary.json").read_text(encoding="utf-8"))["psa"]
    ev = psa["evppi"]
    names = [e["name"] for e in ev["estimates"]]
    assert "remission_model" in names and "p_prog" in names  # discrete (structural) and continuous
    kinds = {e["name"]: (e["kind"], e["term"]) for e in ev["estimates"]}
    assert kinds["remission_model"] == ("discrete parameter", "f")
    assert kinds["costs"] == ("group", "te")  # a named group (EvppiGroups sheet)
    evpi_at = {a["wtp"]: a["evpi_per_patient"] for a in psa["at_wtp"]}
    evpi_curve = np.asarray(psa["curves"]["evpi_per_patient"])
    head = [next(a["per_patient"] for a in e["at_wtp"] if a["wtp"] == ev["headline_wtp"]) for e in ev["estimates"]]
    assert head == sorted(head, reverse=True)
    for e in ev["estimates"]:
        assert np.all(np.asarray(e["curve_per_patient"]) >= 0)
        assert np.all(np.asarray(e["curve_per_patient"]) <= evpi_curve + 1e-9)
        for a in e["at_wtp"]:
            assert 0 <= a["per_patient"] <= evpi_at[a["wtp"]] + 1e-9
            assert a["population"] == pytest.approx(a["per_patient"] * psa["population"]["discounted_patients"])
        assert all(0 <= f["r_squared"] <= 1 for f in e["fits"])


def test_results_xlsx_and_report_show_it(report: Path) -> None:
    wb = openpyxl.load_workbook(report / "results.xlsx", read_only=True)
    assert {"EVPPIRanked", "EVPPI"} <= set(wb.sheetnames)
    rows = list(wb["EVPPIRanked"].iter_rows(min_row=4, values_only=True))
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))["psa"]["evppi"]
    assert [r[1] for r in rows] == [e["name"] for e in summary["estimates"]]
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "Partial value of information (EVPPI)" in html
    assert "EVPPI ranked" in html and "EVPPI curves" in html


def test_fit_quality_is_that_of_the_decisive_strategy(report: Path) -> None:
    """The ranked table's R² is the fit of the strategy whose choice against the comparator alone
    has the largest EVPPI (from summary.json), not the lowest R² over strategies."""
    wb = openpyxl.load_workbook(report / "results.xlsx", read_only=True)
    header, *rows = [r for r in wb["EVPPIRanked"].iter_rows(min_row=3, values_only=True) if r[0] is not None]
    r2_col, strategy_col = header.index("Fit R² (decisive strategy)"), header.index("Decisive strategy")
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))["psa"]["evppi"]
    assert len(rows) == len(summary["estimates"]) > 0
    for row, e in zip(rows, summary["estimates"]):
        decisive = max(e["fits"], key=lambda f: f["pairwise_evppi"])
        assert row[strategy_col] == decisive["strategy"]
        assert row[r2_col] == pytest.approx(decisive["r_squared"], abs=1e-12)
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "is not explained by any single one reported" in html
