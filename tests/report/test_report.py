"""hecon.report: the report folder (summary.json, results.xlsx, report.html), written atomically."""

from __future__ import annotations

import base64
import math
import re
from dataclasses import replace

import numpy as np
import openpyxl
import pytest

import hecon.report as report
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.analysis.serialise import json_safe
from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import DAYS_PER_YEAR, ModelSpec, Parameter, Settings, State, Strategy, Transition
from hecon.report.html import format_value
from tests.models import CHEAP_A, textbook_model, two_state_model

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def burden_model(hospital_days_count: bool = False) -> ModelSpec:
    """On treatment -> off treatment (treatment-free) -> progressed -> dead, with a
    hospitalised state, administrations and (optionally) a hospital-days count."""
    hosp_counts = {"hospital_days": "7 * 1"} if hospital_days_count else {}
    states = (
        State(
            "OnTx",
            utility="0.8",
            costs={"drug": "c_drug", "admin": "c_admin"},
            counts={"administrations": "4"},
            flags=frozenset({"on_treatment", "progression_free"}),
        ),
        State(
            "Hosp",
            utility="0.5",
            costs={"hospital": "c_hosp"},
            counts=hosp_counts,
            flags=frozenset({"hospitalised", "on_treatment", "progression_free"}),
        ),
        State("Off", utility="0.85", flags=frozenset({"treatment_free", "progression_free"})),
        State("Prog", utility="0.6", costs={"other": 300.0}, flags=frozenset({"progressed"})),
        State("Dead", flags=frozenset({"dead"})),
    )
    T = Transition
    transitions = (
        T("OnTx", "Hosp", "p_hosp"),
        T("OnTx", "Off", "p_stop"),
        T("OnTx", "Prog", "p_prog"),
        T("OnTx", "OnTx", "#"),
        T("Hosp", "OnTx", 0.7),
        T("Hosp", "Dead", 0.05),
        T("Hosp", "Hosp", "#"),
        T("Off", "Prog", "p_prog"),
        T("Off", "Off", "#"),
        T("Prog", "Dead", 0.1),
        T("Prog", "Prog", "#"),
    )
    parameters = (
        Parameter("p_hosp", 0.02, "per cycle", "hospitalisation"),
        Parameter("p_stop", 0.05),
        Parameter("p_prog", 0.03),
        Parameter("c_drug", 5000.0, "EUR", FORMULA, "=1+1"),
        Parameter("c_admin", 200.0),
        Parameter("c_hosp", 4000.0),
    )
    strategies = (Strategy("Weekly"), Strategy("One-off", {"p_stop": 0.5, "c_drug": 2000.0}))
    settings = Settings(
        cycle_length_days=28.0,
        horizon_years=5.0,
        discount_rate_costs=0.04,
        discount_rate_effects=0.015,
        within_cycle="half-cycle",
        currency="EUR",
    )
    return ModelSpec(
        settings, states, transitions, strategies, parameters, initial={"OnTx": 1.0}, title="Burden <test> model"
    )


@pytest.fixture(scope="module")
def textbook_result(textbook_20y):
    spec = replace(textbook_20y, scenarios=(CHEAP_A,))
    return run_analysis(spec, "all")


@pytest.fixture(scope="module")
def textbook_report(textbook_result, tmp_path_factory):
    return report.write_report(summarise_run(textbook_result), tmp_path_factory.mktemp("r") / "textbook")


@pytest.fixture(scope="module")
def burden_report(tmp_path_factory):
    spec = burden_model()
    spec = replace(spec, strategies=(Strategy(SCRIPT), spec.strategies[1]))
    return report.write_report(summarise_run(run_analysis(spec)), tmp_path_factory.mktemp("b") / "burden")


@pytest.fixture(scope="module")
def small_result():
    """A one-strategy model: quick to write, for the tests of atomic writing."""
    return summarise_run(run_analysis(two_state_model()))


# ---------------------------------------------------------------------------- summary.json


def test_report_folder_has_the_three_files(textbook_report):
    names = {p.name for p in textbook_report.iterdir()}
    assert {"summary.json", "results.xlsx", "report.html"} <= names
    assert names <= {"summary.json", "results.xlsx", "report.html", report.MARKER}


def test_summary_numbers_equal_the_python_api(textbook_result, textbook_report, read_summary):
    summary = read_summary(textbook_report)
    assert list(summary["scenarios"]) == ["base case", "cheap A"]
    for sr in textbook_result.scenarios:
        ds = run_model(sr.spec)
        for strategy in sr.strategies:
            got = summary["scenarios"][sr.name]["strategies"][strategy]
            one = ds.sel(strategy=strategy).isel(sample=0)
            for key, var in [("costs", "total_costs"), ("qalys", "qalys"), ("lys", "lys")]:
                assert got[key] == float(one[var])
                assert got[key + "_undiscounted"] == float(one[var + "_undiscounted"])
            for category in ds["category"].values:
                assert got["cost_breakdown"]["discounted"][category] == float(one["costs"].sel(category=category))
                assert got["cost_breakdown"]["undiscounted"][category] == float(
                    one["costs_undiscounted"].sel(category=category)
                )
            assert got["tfi"]["years_on_treatment"] == float(one["time_in"].sel(flag="on_treatment"))
            assert got["tfi"]["counts_undiscounted"]["progressions"] == float(
                one["counts_undiscounted"].sel(count="progressions")
            )
    assert summary["hecon_version"] == textbook_result.hecon_version
    assert summary["seed"] == textbook_result.seed
    assert summary["comparator"] == "SoC"
    assert set(summary["input"]) == {"path", "sha256"}


def test_summary_incremental_analysis(textbook_report, read_summary):
    base = read_summary(textbook_report)["scenarios"]["base case"]
    rows = {r["strategy"]: r for r in base["incremental"]}
    assert rows["SoC"]["status"] == "reference" and rows["SoC"]["icer"] is None
    for r in rows.values():
        if r["comparator"] is not None:
            c = base["strategies"][r["strategy"]]
            ref = base["strategies"][r["comparator"]]
            assert r["incremental_cost"] == pytest.approx(c["costs"] - ref["costs"])
            assert r["icer"] == pytest.approx(r["incremental_cost"] / r["incremental_effect"])
    versus = {r["strategy"]: r for r in base["versus_comparator"]}
    assert set(versus) == {"A", "B", "AB"}
    a = versus["A"]
    assert a["comparator"] == "SoC"
    assert a["incremental_cost"] == pytest.approx(base["strategies"]["A"]["costs"] - base["strategies"]["SoC"]["costs"])
    assert a["description"] == f"EUR {a['icer']:,.0f} per QALY gained"


def test_treatment_burden_metrics_from_flags(burden_report, read_summary):
    summary = read_summary(burden_report)
    tfi = summary["scenarios"]["base case"]["strategies"]["One-off"]["tfi"]
    for key in (
        "years_on_treatment",
        "treatment_free_years",
        "progression_free_years",
        "hospital_days",
        "administrations",
    ):
        assert key in tfi and key + "_undiscounted" in tfi
    assert tfi["years_on_treatment"] == tfi["time_in"]["on_treatment"]
    assert tfi["treatment_free_years"] == tfi["time_in"]["treatment_free"]
    assert tfi["progression_free_years"] == tfi["time_in"]["progression_free"]
    assert tfi["hospital_days"] == pytest.approx(tfi["time_in"]["hospitalised"] * DAYS_PER_YEAR)
    assert tfi["administrations_undiscounted"] == tfi["counts_undiscounted"]["administrations"]
    assert tfi["time_in"]["progressed"] > 0  # every other flag, generically
    assert tfi["years_on_treatment"] < tfi["years_on_treatment_undiscounted"]


def test_hospital_days_count_takes_precedence_and_absent_metrics_are_left_out(tmp_path):
    result = run_analysis(burden_model(hospital_days_count=True))
    tfi = summarise_run(result).to_json()["scenarios"]["base case"]["strategies"]["Weekly"]["tfi"]
    assert tfi["hospital_days"] == tfi["counts"]["hospital_days"]
    textbook = summarise_run(run_analysis(textbook_model(horizon_years=4.0))).to_json()
    tfi = textbook["scenarios"]["base case"]["strategies"]["SoC"]["tfi"]
    assert "hospital_days" not in tfi and "treatment_free_years" not in tfi and "administrations" not in tfi


def test_json_has_no_nan_or_infinity():
    assert json_safe({"a": math.nan, "b": [math.inf, -math.inf, np.float64(1.5)], "c": np.int64(3)}) == {
        "a": None,
        "b": [None, None, 1.5],
        "c": 3,
    }


# ---------------------------------------------------------------------------- results.xlsx


def test_results_xlsx_sheets_and_formats(textbook_report, read_summary):
    wb = openpyxl.load_workbook(textbook_report / "results.xlsx")
    for sheet in ("Summary", "Incremental", "CostBreakdown", "TreatmentBurden", "Trace", "Inputs", "RunInfo"):
        assert sheet in wb.sheetnames
    ws = wb["Summary"]
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert header[:5] == ["Scenario", "Strategy", "Costs (EUR)", "QALYs", "Life-years"]
    assert ws["C4"].number_format == "#,##0" and ws["D4"].number_format == "#,##0.000"
    strategies = [c.value for c in ws["B"][3:]]
    assert ws.column_dimensions["B"].width >= max(len(x) for x in strategies) + 2  # as wide as its content
    summary = read_summary(textbook_report)
    assert ws["C4"].value == pytest.approx(summary["scenarios"]["base case"]["strategies"]["SoC"]["costs"])
    trace = wb["Trace"]
    assert [c.value for c in trace[3]] == ["Strategy", "Cycle", "Years", "H", "S1", "S2", "D"]
    assert trace.max_row == 3 + 4 * 21  # base case: 4 strategies x 21 trace points
    assert [c.value for c in trace[4]] == ["SoC", 0, 0, 1, 0, 0, 0]
    rows = list(trace.iter_rows(min_row=4, values_only=True))
    assert all(abs(sum(r[3:]) - 1) < 1e-12 for r in rows)
    info = {r[0]: r[1] for r in wb["RunInfo"].iter_rows(min_row=4, values_only=True)}
    assert info["Seed"] == summary["seed"] and info["hecon version"] == summary["hecon_version"]


def test_strings_starting_with_equals_are_text_not_formulas(burden_report):
    wb = openpyxl.load_workbook(burden_report / "results.xlsx")
    ws = wb["Inputs"]
    header = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "c_drug")
    description = row[header.index("Description")]
    source = row[header.index("Source")]
    assert description.value == FORMULA and description.data_type == "s"
    assert source.value == "=1+1" and source.data_type == "s"
    for sheet in wb:
        for r in sheet.iter_rows():
            for cell in r:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


# ---------------------------------------------------------------------------- report.html


def test_html_escapes_user_strings(burden_report):
    html = (burden_report / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Burden &lt;test&gt; model" in html
    assert "<script" not in html.lower()


def test_html_is_self_contained_with_the_base_case_figures(textbook_report, read_summary):
    html = (textbook_report / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "<script" not in html
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', html)
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i, _ in images)
    titles = re.findall(r"<figcaption><b>Figure \d+\. ([^<]+)\.</b>", html)
    assert titles == [
        "State diagram",
        "Survival",
        "Markov trace",
        "Cost-effectiveness frontier",
        "Net monetary benefit against willingness to pay",
        "Costs by category",  # the appendices: after the main part (the detail of main sections first)
        "Treatment timeline",
        "Treatment-free survival (free of treatment)",
        "Time to the first treatment-free cycle",
    ]
    assert len(images) == len(titles) and all(alt for _, alt in images)
    soc = read_summary(textbook_report)["scenarios"]["base case"]["strategies"]["SoC"]
    assert f"{soc['costs']:,.0f}" in html  # thousands separators
    assert "Costs (EUR)" in html
    assert "@media print" in html and "break-before: page" in html


def test_html_states_icers_in_words_never_as_negative_ratios(textbook_report, read_summary):
    """A strategy off the frontier has no ICER: the report says why in words."""
    html = (textbook_report / "report.html").read_text(encoding="utf-8")
    summary = read_summary(textbook_report)
    frontier = {r["strategy"]: r for r in summary["scenarios"]["base case"]["incremental"]}
    assert frontier["A"]["status"] == "extendedly dominated"
    assert "Extendedly dominated: a combination of other strategies is more efficient" in html
    for r in summary["scenarios"]["base case"]["versus_comparator"]:
        assert r["description"] in html
    assert not re.search(r"EUR -\d", html)


def test_format_value():
    assert format_value(1234567.891, "money") == "1,234,568"
    assert format_value(17.43567, "qaly") == "17.436"
    assert format_value(-0.0001, "qaly") == "0.000"
    assert format_value(None, "money") == "–" and format_value(math.nan, "qaly") == "–"
    assert format_value("a<b", "text") == "a<b"  # escaping is the template's job


# ---------------------------------------------------------------------------- atomic writing


def _siblings(folder):
    return sorted(p.name for p in folder.parent.iterdir())


def test_failure_mid_write_leaves_the_previous_report_intact(small_result, tmp_path, monkeypatch):
    out = tmp_path / "report"
    report.write_report(small_result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(report, "write_results_xlsx", boom)  # after the sections were built
    with pytest.raises(RuntimeError, match="simulated"):
        report.write_report(small_result, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _siblings(out) == ["report"]  # no temporary or old folder left


def test_failure_on_first_write_leaves_nothing(small_result, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "write_report_html", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        report.write_report(small_result, tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


def test_replacing_an_existing_report(small_result, tmp_path, read_summary):
    out = tmp_path / "report"
    report.write_report(small_result, out)
    (out / "summary.json").write_text("{}")
    assert report.write_report(small_result, out) == out
    assert read_summary(out)["scenarios"]
    assert _siblings(out) == ["report"]


def test_refuses_to_replace_a_folder_that_is_not_a_report(small_result, tmp_path):
    (tmp_path / "model.xlsx").write_bytes(b"precious")
    with pytest.raises(ModelError, match="exists and is not an hecon report folder"):
        report.write_report(small_result, tmp_path)
    assert (tmp_path / "model.xlsx").read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["model.xlsx"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(ModelError, match="exists and is not a folder"):
        report.write_report(small_result, tmp_path / "file")


def test_an_empty_folder_is_used(small_result, tmp_path):
    (tmp_path / "empty").mkdir()
    report.write_report(small_result, tmp_path / "empty")
    assert (tmp_path / "empty" / "summary.json").is_file()


def test_refuses_a_folder_that_contains_the_current_folder(small_result, tmp_path, monkeypatch):
    out = tmp_path / "report"
    report.write_report(small_result, out)
    (out / "sub").mkdir()
    monkeypatch.chdir(out / "sub")
    with pytest.raises(ModelError, match="contains the current folder"):
        report.write_report(small_result, out)
    assert (out / "summary.json").is_file()
