"""Subgroups (ModelSpec.subgroups, run by hecon.analysis.run and reported by hecon.report.subgroups)
on the textbook model, against the naive re-implementation tests.models.reference_textbook."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.examples.textbook import textbook_model
from hecon.model.problems import ModelError
from hecon.model.spec import Scenario
from tests.models import reference_textbook, with_settings

HIGH_RISK = Scenario("High risk", {"hr_S1": 5.0, "p_HS1": 0.3}, "Higher risk of falling sick and dying when sick")
OLDER = Scenario("Aged 60", {"settings.start_age": 60.0}, "Cohort starting at age 60")


def _model():
    return replace(textbook_model(horizon_years=20.0), subgroups=(HIGH_RISK, OLDER))


def test_subgroup_results_equal_the_reference_model_with_its_overrides(tmp_path):
    spec = _model()
    results = summarise_run(run_analysis(spec))
    assert list(results.subgroups) == ["High risk", "Aged 60"]
    sub = results.subgroups["High risk"]
    ref = {s: reference_textbook(spec.with_parameters({"hr_S1": 5.0, "p_HS1": 0.3}), s) for s in ("SoC", "B")}
    for s in ("SoC", "B"):
        assert sub.strategies[s].costs == pytest.approx(ref[s]["total_costs"], rel=1e-9)
        assert sub.strategies[s].qalys == pytest.approx(ref[s]["qalys"], rel=1e-9)
    icer = (ref["B"]["total_costs"] - ref["SoC"]["total_costs"]) / (ref["B"]["qalys"] - ref["SoC"]["qalys"])
    assert sub.versus("B").icer == pytest.approx(icer, rel=1e-9)
    # the base case is untouched by the subgroups
    base_ref = reference_textbook(spec, "SoC")
    assert results.base.strategies["SoC"].costs == pytest.approx(base_ref["total_costs"], rel=1e-9)
    # start age: the subgroup equals the model run at that age
    older = summarise_run(run_analysis(with_settings(textbook_model(horizon_years=20.0), start_age=60.0)))
    assert results.subgroups["Aged 60"].strategies["A"].lys == pytest.approx(older.base.strategies["A"].lys, rel=1e-12)


def test_subgroups_in_summary_json_and_report(tmp_path):
    from hecon.report import write_report

    folder = write_report(summarise_run(run_analysis(_model())), tmp_path / "report")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["subgroups"]["High risk"]["overrides"] == {"hr_S1": 5.0, "p_HS1": 0.3}
    icer = summary["subgroups"]["High risk"]["versus_comparator"][1]["icer"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Subgroup analysis" in html and "High risk" in html
    from openpyxl import load_workbook

    rows = list(
        load_workbook(folder / "results.xlsx", read_only=True)["Subgroups"].iter_rows(min_row=4, values_only=True)
    )
    row = next(r for r in rows if r[0] == "High risk" and r[1] == "B")
    assert row[7] == pytest.approx(icer, rel=1e-12)


def test_a_bad_subgroup_override_is_located():
    bad = replace(textbook_model(horizon_years=5.0), subgroups=(Scenario("Young", {"nope": 1.0}),))
    with pytest.raises(ModelError, match="subgroup 'Young'"):
        run_analysis(bad)
