"""The hecon command line, end to end with click's CliRunner (and one real subprocess)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest

from hecon.engine.run import run_model
from hecon.workbook import read_workbook
from tests.agreement import problems_of


@pytest.fixture(scope="module")
def example_workbook(tmp_path_factory, invoke):
    """The textbook example written by 'hecon template', plus two scenarios."""
    path = tmp_path_factory.mktemp("wb") / "textbook.xlsx"
    result = invoke("template", path, "--example", "textbook")
    assert result.exit_code == 0, result.output
    assert path.is_file()
    wb = openpyxl.load_workbook(path)
    ws = wb["Scenarios"]
    for row in (
        ["cheap A", "c_trt[A]", 6000, "A at half price"],
        ["no discounting", "settings.discount_rate_costs", 0, "Costs not discounted"],
    ):
        ws.append(row)
    with_scenarios = path.with_name("scenarios.xlsx")
    wb.save(with_scenarios)
    return path, with_scenarios


def assert_clean_failure(result, code: int = 1) -> None:
    """A user mistake: non-zero exit, a message, no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- help


def test_python_m_hecon_help():
    done = subprocess.run([sys.executable, "-m", "hecon", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for command in ("template", "validate", "run"):
        assert command in done.stdout


@pytest.mark.parametrize("command", [[], ["template"], ["validate"], ["run"]])
def test_help_explains_every_option_with_an_example(command, invoke):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    if command == ["run"]:
        for option in ("--out", "--scenario", "--all-scenarios", "--seed", "--comparator"):
            assert option in result.output
        assert result.output.count("Example") >= 6  # command examples and one per option
    if command == ["template"]:
        assert "--example textbook" in result.output


# ---------------------------------------------------------------------------- end to end


def test_template_validate_run(example_workbook, cwd, invoke, read_summary):
    source, _ = example_workbook
    path = cwd / "my model.xlsx"
    assert invoke("template", path, "--example", "textbook").exit_code == 0
    assert path.read_bytes()[:2] == b"PK"

    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"OK: {path} is valid"

    before = path.read_bytes()
    result = invoke("run", path)
    assert result.exit_code == 0, result.output
    folder = cwd / "reports" / "my model"
    assert result.stdout.strip() == str(folder.relative_to(cwd))
    assert {"summary.json", "results.xlsx", "report.html"} <= {p.name for p in folder.iterdir()}
    assert path.read_bytes() == before  # the input workbook is never modified

    summary = read_summary(folder)
    ds = run_model(read_workbook(path))
    strategies = summary["scenarios"]["base case"]["strategies"]
    assert list(strategies) == list(ds["strategy"].values)
    for name, got in strategies.items():
        one = ds.sel(strategy=name).isel(sample=0)
        assert got["costs"] == float(one["total_costs"])
        assert got["qalys"] == float(one["qalys"])
        assert got["lys"] == float(one["lys"])
        assert got["costs_undiscounted"] == float(one["total_costs_undiscounted"])
        assert got["qalys_undiscounted"] == float(one["qalys_undiscounted"])
        assert got["lys_undiscounted"] == float(one["lys_undiscounted"])
    import hashlib

    assert summary["input"]["sha256"] == hashlib.sha256(before).hexdigest()
    assert summary["seed"] == read_workbook(path).settings.seed
    assert summary["scenarios"]["base case"]["incremental"]


def test_run_scenarios_seed_comparator_and_out(example_workbook, cwd, invoke, read_summary):
    _, path = example_workbook
    result = invoke(
        "run", path, "--out", "out/here", "--scenario", "no discounting", "--seed", "42", "--comparator", "B"
    )
    assert result.exit_code == 0, result.output
    summary = read_summary(cwd / "out" / "here")
    assert list(summary["scenarios"]) == ["base case", "no discounting"]
    assert summary["seed"] == 42 and summary["comparator"] == "B"
    nodisc = summary["scenarios"]["no discounting"]["strategies"]["A"]
    assert nodisc["costs"] == pytest.approx(nodisc["costs_undiscounted"])

    result = invoke("run", path, "--out", "out/here", "--all-scenarios")  # replaces the earlier report
    assert result.exit_code == 0, result.output
    assert list(read_summary(cwd / "out" / "here")["scenarios"]) == ["base case", "cheap A", "no discounting"]
    assert sorted(p.name for p in (cwd / "out").iterdir()) == ["here"]


def test_unknown_scenario_or_comparator(example_workbook, cwd, invoke):
    _, path = example_workbook
    result = invoke("run", path, "--scenario", "nope", "--comparator", "Placebo")
    assert_clean_failure(result)
    assert "scenario 'nope': no scenario of that name; expected one of cheap A, no discounting" in result.stderr
    assert "comparator 'Placebo': no strategy of that name" in result.stderr
    assert not (cwd / "reports").exists()


def test_scenario_and_all_scenarios_together_is_a_usage_error(example_workbook, cwd, invoke):
    _, path = example_workbook
    result = invoke("run", path, "--scenario", "cheap A", "--all-scenarios")
    assert_clean_failure(result, 2)
    assert "either --scenario NAME or --all-scenarios" in result.stderr


# ---------------------------------------------------------------------------- bad input


@pytest.fixture
def bad_workbook(example_workbook, cwd):
    wb = openpyxl.load_workbook(example_workbook[0])
    wb["Parameters"]["B4"] = "abc("
    wb["Transitions"]["D5"] = 1.5
    path = cwd / "bad.xlsx"
    wb.save(path)
    return path


def test_validate_lists_every_problem(bad_workbook, invoke):
    result = invoke("validate", bad_workbook)
    assert_clean_failure(result)
    lines = result.stdout.splitlines()
    assert any(line.startswith("Parameters!B4: ") for line in lines)
    assert any(line.startswith("Transitions!D5: probability 1.5 is outside [0, 1]; expected") for line in lines)
    assert "2 problems found" in result.stderr
    assert len(problems_of(bad_workbook)) == 2  # and 'hecon run' lists the same


def test_bad_workbook_is_not_run_and_writes_nothing(bad_workbook, cwd, invoke):
    before = bad_workbook.read_bytes()
    result = invoke("run", bad_workbook, "--out", "rep")
    assert_clean_failure(result)
    assert "bad.xlsx has 2 problems; nothing was run or written" in result.stderr
    assert "Parameters!B4: " in result.stderr and "Transitions!D5: " in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in cwd.iterdir()) == ["bad.xlsx"]
    assert bad_workbook.read_bytes() == before


def test_a_problem_found_while_running_is_placed_at_its_cell(example_workbook, cwd, invoke):
    """A workbook whose probability leaves [0, 1] only at cycle 19 (gp_mort() grows with age):
    validate evaluates the model as run does, and both name the cell, strategy and cycle."""
    wb = openpyxl.load_workbook(example_workbook[0])
    wb["Transitions"]["D5"] = "gp_mort() * 60"  # H -> D, shared by every strategy
    path = cwd / "late.xlsx"
    wb.save(path)
    message = (
        "Transitions!D5: strategy 'SoC', transition H -> D, cycle 19: probability 1.02493 ('gp_mort() * 60') "
        "is outside [0, 1]; expected a probability between 0 and 1"
    )
    checked = invoke("validate", path)
    assert_clean_failure(checked)
    assert message in checked.stdout
    result = invoke("run", path, "--out", "rep")
    assert_clean_failure(result)
    assert message in result.stderr
    assert not (cwd / "rep").exists()
    assert problems_of(path) == [message]


def test_missing_file_and_wrong_suffix(cwd, invoke):
    result = invoke("run", "missing.xlsx")
    assert_clean_failure(result, 2)
    assert "'missing.xlsx' does not exist" in result.stderr
    (cwd / "model.csv").write_text("a,b\n1,2\n")
    result = invoke("validate", "model.csv")
    assert_clean_failure(result, 2)
    assert "'model.csv' is not an Excel workbook; expected a file name ending in .xlsx" in result.stderr
    result = invoke("template", "model.xls")
    assert_clean_failure(result, 2)


def test_text_file_named_xlsx(cwd, invoke):
    (cwd / "fake.xlsx").write_text("name,value\np,0.1\n")
    for command in ("validate", "run"):
        result = invoke(command, "fake.xlsx")
        assert_clean_failure(result)
        assert "not an Excel workbook" in result.output
    assert not (cwd / "reports").exists()


def test_template_never_overwrites_without_force(cwd, invoke):
    path = cwd / "t.xlsx"
    path.write_bytes(b"my work")
    result = invoke("template", path)
    assert_clean_failure(result)
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert path.read_bytes() == b"my work"
    assert invoke("template", path, "--force").exit_code == 0
    assert path.read_bytes()[:2] == b"PK"
    result = invoke("template", cwd / "u.xlsx", "--example", "nope")
    assert_clean_failure(result)
    assert "unknown example 'nope'; expected one of" in result.stderr and "textbook" in result.stderr
    result = invoke("template", cwd / "no" / "such" / "folder.xlsx")
    assert_clean_failure(result)
    assert "does not exist" in result.stderr


def test_run_refuses_an_out_folder_that_is_not_a_report(example_workbook, cwd, invoke):
    path = shutil.copy(example_workbook[0], cwd / "model.xlsx")
    (cwd / "notes.txt").write_text("keep me")
    result = invoke("run", path, "--out", ".")
    assert_clean_failure(result)
    assert "contains the input workbook" in result.stderr
    (cwd / "other").mkdir()
    (cwd / "other" / "notes.txt").write_text("keep me")
    result = invoke("run", path, "--out", "other")
    assert_clean_failure(result)
    assert "is not an hecon report folder" in result.stderr
    assert (cwd / "other" / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in cwd.iterdir()) == ["model.xlsx", "notes.txt", "other"]


def test_run_two_way_and_qtwist_horizon(example_workbook, cwd, invoke, read_summary):
    _, path = example_workbook
    result = invoke(
        "run", path, "--out", "tw", "--two-way", "c_trt=0:20000,hr_trt=0.4:1,B,SoC", "--qtwist-horizon", "5"
    )
    assert result.exit_code == 0, result.output
    (tw,) = read_summary(cwd / "tw")["two_way"]
    assert (tw["x"], tw["y"], tw["strategy"], tw["comparator"]) == ("c_trt", "hr_trt", "B", "SoC")
    assert tw["x_values"][0] == 0.0 and tw["x_values"][-1] == 20000.0 and len(tw["y_values"]) == 21
    for bad in ("c_trt,B", "c_trt=a:b,hr_trt,B"):
        result = invoke("run", path, "--out", "tw2", "--two-way", bad)
        assert result.exit_code != 0 and "--two-way" in result.output
        assert "Traceback" not in result.output
    result = invoke("run", path, "--out", "tw3", "--qtwist-horizon", "500")
    assert result.exit_code != 0 and "Q-TWiST horizon" in result.output


# ---------------------------------------------------------------------------- phase timings

RUN_PHASES = ["imports", "read", "validate", "compile", "base case", "scenarios", "disease burden"]
REPORT_PHASES = ["report sections and figures", "results.xlsx", "report.html", "psa.nc"]


def test_verbose_run_prints_and_records_the_time_of_each_phase(example_workbook, cwd, invoke, read_summary):
    _, path = example_workbook
    result = invoke("run", path, "--out", "timed", "--all-scenarios", "--psa", "20", "--seed", "3", "--verbose")
    assert result.exit_code == 0, result.output
    timings = read_summary(cwd / "timed")["timings"]
    phases = list(timings["phases"])
    assert phases[: len(RUN_PHASES)] == RUN_PHASES
    assert {"PSA", "summary"} <= set(phases) and phases[-len(REPORT_PHASES) :] == REPORT_PHASES
    assert all(s >= 0 for s in timings["phases"].values()) and set(timings["cpu"]) == set(phases)
    assert timings["total"] == pytest.approx(sum(timings["phases"].values()), rel=1e-12)
    printed = {line.split()[0] for line in result.stderr.splitlines() if line.startswith("  ")}
    assert {"imports", "read", "validate", "PSA", "results.xlsx", "total"} <= printed


def test_same_workbook_and_seed_give_the_same_summary_apart_from_timings(example_workbook, cwd, invoke, read_summary):
    _, path = example_workbook
    runs = []
    for out in ("first", "second"):
        result = invoke("run", path, "--out", out, "--all-scenarios", "--psa", "20", "--seed", "3")
        assert result.exit_code == 0, result.output
        summary = read_summary(cwd / out)
        summary.pop("created"), summary.pop("timings")
        runs.append(summary)
    assert runs[0] == runs[1]
