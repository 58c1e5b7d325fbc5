"""The decision analyses wired through hecon.analysis.run, the report folder and the command line:
summary.json gains scenario_analysis, net_benefit, burden, thresholds, dsa and psa sections,
results.xlsx their sheets, the report folder psa.nc."""

from __future__ import annotations

import dataclasses

import numpy as np
import openpyxl
import pytest

from hecon.analysis.psa import load_psa
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.problems import ModelError
from hecon.model.spec import Settings, ThresholdQuery, UtilityNorm
from hecon.report import write_report
from hecon.workbook import write_workbook
from tests.models import CHEAP_A, textbook_model

NORMS = (UtilityNorm(60, 69, "all", 0.85, "illustrative"), UtilityNorm(70, None, "all", 0.78, "illustrative"))


def decision_model():
    spec = textbook_model(horizon_years=40.0)
    return dataclasses.replace(
        spec,
        utility_norms=NORMS,
        thresholds=(ThresholdQuery("c_trt", "B"), ThresholdQuery("c_trt", "A", wtp=50_000.0)),
        scenarios=(CHEAP_A,),
        settings=dataclasses.replace(spec.settings, population_size=500.0, population_years=5.0),
    )


@pytest.fixture(scope="module")
def result():
    return run_analysis(decision_model(), "all", seed=5, dsa=True, psa_samples=120, progress=False)


@pytest.fixture(scope="module")
def folder(result, tmp_path_factory):
    return write_report(summarise_run(result), tmp_path_factory.mktemp("rep") / "report")


@pytest.fixture(scope="module")
def summary(folder, read_summary):
    return read_summary(folder)


def test_runner_keeps_every_analysis(result):
    assert result.burden is not None and result.burden.comparator == "SoC"
    assert [t.parameter for t in result.thresholds] == ["c_trt", "c_trt"]
    assert result.thresholds[0].wtp == result.burden.reference_value  # no wtp given: the reference value
    assert result.dsa is not None and result.dsa.tornado_wtp == result.burden.reference_value
    assert result.psa is not None and result.psa.sizes["sample"] == 120 and result.psa.attrs["seed"] == 5
    assert result.headline_wtp[0] == result.burden.reference_value


def test_summary_gains_the_decision_sections(summary, result):
    for key in ("scenario_analysis", "net_benefit", "burden", "thresholds", "dsa", "psa"):
        assert key in summary, key
    rows = summary["scenario_analysis"]["rows"]
    assert [(r["scenario"], r["strategy"]) for r in rows][:5] == [
        ("base case", "SoC"),
        ("base case", "A"),
        ("base case", "B"),
        ("base case", "AB"),
        ("cheap A", "SoC"),
    ]
    cheap_a = next(r for r in rows if r["scenario"] == "cheap A" and r["strategy"] == "A")
    base_a = next(r for r in rows if r["scenario"] == "base case" and r["strategy"] == "A")
    assert cheap_a["icer_base_case"] == base_a["icer"] and cheap_a["icer"] < base_a["icer"]
    assert cheap_a["change_in_costs"] < 0 and cheap_a["change_in_qalys"] == pytest.approx(0.0, abs=1e-12)

    nb = summary["net_benefit"]
    assert nb["wtp"] == [20000.0, 50000.0, 80000.0]
    base = summary["scenarios"]["base case"]["strategies"]
    for s, v in nb["scenarios"]["base case"]["strategies"].items():
        assert v["nmb"][1] == pytest.approx(50000.0 * base[s]["qalys"] - base[s]["costs"])
        assert v["nhb"][1] == pytest.approx(base[s]["qalys"] - base[s]["costs"] / 50000.0)

    burden = summary["burden"]
    assert burden["proportional_shortfall"] == pytest.approx(result.burden.proportional_shortfall)
    assert burden["reference_value"] in (20000.0, 50000.0, 80000.0)
    assert {j["strategy"] for j in burden["judgements"]["base case"]} == {"A", "B", "AB"}

    t = summary["thresholds"]
    assert t[0]["found"] and t[0]["icer_at_value"] == pytest.approx(t[0]["wtp"], rel=1e-8)

    dsa = summary["dsa"]
    assert dsa["n_variations"] == 1 + 2 * len(dsa["parameters"])
    assert set(dsa["tornado"]) == {"A", "B", "AB"}

    psa = summary["psa"]
    assert psa["n_samples"] == 120 and psa["seed"] == 5 and psa["samples_file"] == "psa.nc"
    assert psa["population"]["patients_per_year"] == 500.0
    assert all(a["evpi_population"] is not None for a in psa["at_wtp"])
    assert psa["convergence"]["wtp"] == result.burden.reference_value


def test_frontier_rows_carry_incremental_life_years(summary):
    base = summary["scenarios"]["base case"]
    lys = {s: v["lys"] for s, v in base["strategies"].items()}
    for row in base["incremental"]:
        if row["comparator"] is None:
            assert row["incremental_lys"] is None
        else:
            assert row["incremental_lys"] == pytest.approx(lys[row["strategy"]] - lys[row["comparator"]])


def test_report_files(folder, result):
    wb = openpyxl.load_workbook(folder / "results.xlsx", read_only=True)
    for sheet in (
        "ScenarioAnalysis",
        "NetBenefit",
        "DiseaseBurden",
        "ReferenceValue",
        "Thresholds",
        "DSA",
        "PSA",
        "PSAatWTP",
        "CEAC",
        "Convergence",
        "PSASamples",
    ):
        assert sheet in wb.sheetnames, sheet
    html = (folder / "report.html").read_text(encoding="utf-8")
    for title in (
        "Scenario analysis",
        "Disease burden and reference value",
        "Threshold analysis",
        "One-way sensitivity analysis",
        "Probabilistic sensitivity analysis",
        "Tornado: B",
        "Cost-effectiveness plane",
        "CEAC and CEAF",
    ):
        assert title in html, title
    back = load_psa(folder / "psa.nc")
    np.testing.assert_array_equal(back["total_costs"].values, result.psa["total_costs"].values)
    np.testing.assert_array_equal(back["parameters"].values, result.psa["parameters"].values)


def test_plain_run_has_no_uncertainty_sections(tmp_path, read_summary):
    result = run_analysis(textbook_model(horizon_years=10.0))
    assert result.burden is None and result.dsa is None and result.psa is None and result.thresholds == ()
    summary = read_summary(write_report(summarise_run(result), tmp_path / "r"))
    assert not {"scenario_analysis", "burden", "thresholds", "dsa", "psa"} & set(summary)
    assert not (tmp_path / "r" / "psa.nc").exists()


def test_comparator_from_the_settings():
    spec = textbook_model(horizon_years=10.0)
    spec = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, comparator="B"))
    assert run_analysis(spec).comparator == "B"
    bad = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, comparator="Z"))
    with pytest.raises(ModelError, match="settings.comparator: unknown strategy 'Z'"):
        run_analysis(bad)


def test_problems_before_anything_runs():
    spec = dataclasses.replace(
        textbook_model(horizon_years=10.0),
        parameters=tuple(dataclasses.replace(p, dsa=False) for p in textbook_model().parameters),
    )
    with pytest.raises(ModelError) as info:
        run_analysis(spec, dsa=True, psa_samples=0)
    assert "DSA: no parameter is flagged" in str(info.value) and "PSA: 0 samples" in str(info.value)


# --------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "decision.xlsx"
    write_workbook(decision_model(), path)
    return path


def test_cli_runs_dsa_psa_thresholds_and_scenarios(workbook, cwd, invoke, read_summary):
    out = cwd / "out"
    r = invoke("run", workbook, "--out", out, "--dsa", "--psa", 60, "--seed", 9, "--all-scenarios", "--chunk-size", 25)
    assert r.exit_code == 0, r.output
    assert "note: --psa 60 is below the 1000 iterations Zorginstituut Nederland asks for" in r.stderr
    summary = read_summary(out)
    assert summary["psa"]["n_samples"] == 60 and summary["psa"]["seed"] == 9
    assert {"scenario_analysis", "burden", "thresholds", "dsa"} <= set(summary)
    assert (out / "psa.nc").is_file()


def test_cli_psa_on_a_local_dask_worker_gives_the_same_samples(workbook, tmp_path, invoke):
    for name, extra in (("serial", []), ("dask", ["--workers", "1"])):
        r = invoke("run", workbook, "--out", tmp_path / name, "--psa", 40, "--seed", 2, *extra)
        assert r.exit_code == 0, r.output
    a, b = load_psa(tmp_path / "serial" / "psa.nc"), load_psa(tmp_path / "dask" / "psa.nc")
    for name in ("total_costs", "qalys", "lys", "parameters"):
        np.testing.assert_array_equal(a[name].values, b[name].values)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--workers", "2"], "--workers applies to the probabilistic analysis; add --psa N"),
        (["--chunk-size", "10"], "--chunk-size applies to the probabilistic analysis; add --psa N"),
        (
            ["--psa", "10", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "use either --workers K or --scheduler ADDRESS, not both",
        ),
        (["--psa", "0"], "0 is not in the range x>=1"),
    ],
)
def test_cli_usage_errors(workbook, tmp_path, args, message, invoke):
    r = invoke("run", workbook, "--out", tmp_path / "x", *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert not (tmp_path / "x").exists()


def test_cli_dsa_without_flagged_parameters(tmp_path, invoke):
    spec = textbook_model(horizon_years=10.0)
    spec = dataclasses.replace(spec, parameters=tuple(dataclasses.replace(p, dsa=False) for p in spec.parameters))
    path = tmp_path / "noflags.xlsx"
    write_workbook(spec, path)
    r = invoke("run", path, "--out", tmp_path / "x", "--dsa")
    assert r.exit_code == 1
    assert "DSA: no parameter is flagged for one-way sensitivity analysis" in r.stderr


def test_settings_defaults_are_those_of_the_spec():
    assert Settings().comparator is None and Settings().population_size is None
