"""`hecon run` shows progress for every phase of a run, from reading the workbook to writing
results.xlsx: bars on a terminal (here: stderr pretended to be one), plain lines with each phase's
time when stderr is not one (``make run | tee run.log``); a library call off a terminal is quiet."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from hecon.analysis import progress
from hecon.analysis.structure import other_structure
from hecon.workbook import read_workbook, write_workbook
from hecon.workbook.reader import read
from hecon.workbook.validate import validate_result, validation_steps
from tests.models import full_model

PHASES = (
    "Reading the workbook",
    "Checking the workbook",
    "Base case and scenarios",
    "Disease burden",
    "Threshold analyses",
    "DSA",
    "PSA",
    "Treatment-free time and burden rates",
    "Summarising the results",
    "Drawing the figures and tables",
    "Writing results.xlsx",
    "Writing report.html",
    "Writing psa.nc",
)


@pytest.fixture
def workbook(cwd):
    spec = full_model()
    names = {s.name for s in spec.strategies}
    spec = replace(spec, survival_points=tuple(p for p in spec.survival_points if p.strategy in names))
    path = cwd / "full.xlsx"
    write_workbook(spec, path)
    return path


def test_every_phase_shows_progress_on_a_terminal(workbook, invoke, monkeypatch):
    monkeypatch.setattr(progress, "_is_terminal", lambda: True)
    result = invoke("run", workbook, "--out", "rep", "--dsa", "--psa", "20", "--all-scenarios")
    assert result.exit_code == 0, result.output
    missing = [p for p in PHASES if p not in result.stderr]
    assert not missing, result.stderr


def test_plain_lines_for_every_phase_when_stderr_is_not_a_terminal(workbook, invoke):
    """500 samples: the EVPPI (inside "Summarising the results") has its own progress."""
    result = invoke("run", workbook, "--out", "rep", "--dsa", "--psa", "500", "--all-scenarios")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr  # no terminal control codes in a log
    ours = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    lines = [line.removeprefix("progress: ") for line in ours]
    assert len(lines) > 2 * len(PHASES)
    for p in (*PHASES, "EVPPI"):
        starts = [
            i for i, line in enumerate(lines) if line.startswith(p) and re.search(r": started( \(\d+ steps?\))?$", line)
        ]
        ends = [i for i, line in enumerate(lines) if line.startswith(p) and re.search(r": done in \d+\.\d s$", line)]
        assert len(starts) == 1 and len(ends) == 1 and starts[0] < ends[0], (p, result.stderr)
    summary = [i for i, line in enumerate(lines) if line.startswith("Summarising the results")]
    evppi = [i for i, line in enumerate(lines) if line.startswith("EVPPI")]
    assert summary[0] < evppi[0] and evppi[-1] < summary[-1]  # the EVPPI inside the summary
    assert any(re.fullmatch(r"PSA \(500 samples\): \d+ of \d+ steps, \d+\.\d s", line) for line in lines)
    # checking the workbook (it simulates every model) counts its steps like the PSA
    steps = validation_steps(read_workbook(workbook))
    check = [line for line in lines if line.startswith("Checking the workbook: ")]
    assert check[0] == f"Checking the workbook: started ({steps} steps)"
    assert [re.fullmatch(rf"Checking the workbook: (\d+) of {steps} steps, \d+\.\d s", line)[1] for line in check[1:-1]]
    assert re.fullmatch(r"Checking the workbook: done in \d+\.\d s", check[-1])


def test_checking_the_workbook_advances_a_step_per_model_compiled_and_simulated_and_per_analysis(workbook):
    result = read(workbook)
    spec = result.spec
    models = 1 + len(spec.scenarios) + len(spec.subgroups) + (other_structure(spec) is not None)
    assert len(spec.scenarios) >= 2 and spec.thresholds  # the full model: steps of every kind
    calls = []
    assert validate_result(result, None, calls.append) == []
    assert calls == [1] * (2 * models + 1 + len(spec.thresholds))
    assert validation_steps(spec) == len(calls)


def test_a_library_call_off_a_terminal_is_quiet_and_false_silences(capsys, monkeypatch):
    with progress.phase("Quiet"), progress.progress_bar("Quiet bar", 3) as advance:
        advance(3)
    with progress.plain_lines(), progress.phase("Silenced", False):
        pass
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(progress, "_is_terminal", lambda: True)
    with progress.phase("Silenced", False), progress.progress_bar("Silenced", 2, False) as advance:
        advance(2)
    assert capsys.readouterr().err == ""


def test_plain_bar_reports_each_quarter_once(capsys):
    with progress.plain_lines(), progress.progress_bar("Work", 8) as advance:
        for _ in range(8):
            advance(1)
    lines = [line.removeprefix("progress: ") for line in capsys.readouterr().err.splitlines()]
    assert lines[0] == "Work: started (8 steps)"
    assert [line.split(",")[0] for line in lines[1:-1]] == [
        "Work: 2 of 8 steps",
        "Work: 4 of 8 steps",
        "Work: 6 of 8 steps",
    ]
    assert re.fullmatch(r"Work: done in \d+\.\d s", lines[-1])
    with progress.plain_lines(), progress.progress_bar("One", 1) as advance:
        advance(1)
    assert capsys.readouterr().err.splitlines()[0] == "progress: One: started (1 step)"


def test_the_two_psas_of_a_model_with_both_structures_have_distinct_names(capsys):
    """The base case's PSA and the other structure's (the structural cross-check) each have their own
    progress line and their own phase in summary.json's timings, naming the structure; neither is
    plain "PSA" (which a reader could take for either)."""
    from hecon.analysis.run import run_analysis
    from tests.models import both_structures_with_uncertainty

    with progress.plain_lines():
        result = run_analysis(both_structures_with_uncertainty(), psa_samples=20, seed=3)
    lines = [x.removeprefix("progress: ") for x in capsys.readouterr().err.splitlines()]
    started = [m[1] for x in lines if (m := re.fullmatch(r"(.*PSA.*): started \(\d+ steps?\)", x))]
    base = "PSA of the base case: state transition (Markov) version"
    other = "PSA of the structural cross-check: partitioned survival version"
    assert started == [f"{other} (20 samples)", f"{base} (20 samples)"], lines
    phases = set(result.timings.phases)
    assert {base, other} <= phases and "PSA" not in phases


def test_plain_bar_reports_a_step_that_ends_a_second_or_more_after_the_last_line(capsys, monkeypatch):
    """Validation's steps differ in length (a model compiled, the DSA's values run): with ``every``,
    a step that ends a second or more after the last line gets a line of its own, between quarters."""
    clock = iter([0.0, 0.2, 0.4, 1.6, 1.8, 5.0, 5.1])  # the start, each step's end, the end
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    with progress.plain_lines(), progress.progress_bar("Check", 40, every=1.0) as advance:
        for _ in range(5):
            advance(1)  # steps ending at 0.2, 0.4, 1.6 (late), 1.8 and 5.0 (late)
    lines = [line.removeprefix("progress: ") for line in capsys.readouterr().err.splitlines()]
    assert lines == [
        "Check: started (40 steps)",
        "Check: 3 of 40 steps, 1.6 s",
        "Check: 5 of 40 steps, 5.0 s",
        "Check: done in 5.1 s",
    ]


def test_checking_the_workbook_reports_its_slow_steps(workbook, monkeypatch):
    """'Checking the workbook' shows a line for every step of a second or more (here every step:
    a clock that moves 2 s at each reading), not only at each quarter of its steps."""
    from hecon.workbook.validate import read_checked

    ticks = itertools.count(0.0, 2.0)
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(ticks))
    lines: list[str] = []
    monkeypatch.setattr(progress, "_line", lines.append)
    with progress.plain_lines():
        spec, _ = read_checked(workbook, progress=None)
    steps = validation_steps(spec)
    checking = [line for line in lines if line.startswith("Checking the workbook: ") and " of " in line]
    assert len(checking) == steps - 1  # every step but the last, which the end line reports


def test_validate_shows_the_progress_of_reading_and_checking_apart_from_its_problems(workbook, invoke):
    """'hecon validate' shows the phases of 'hecon run' that it shares, as plain lines on stderr:
    reading, then checking in the steps of validation_steps; stdout has only its verdict."""
    steps = validation_steps(read(workbook).spec)
    result = invoke("validate", workbook)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK: {workbook} is valid\n"
    ours = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert ours[:3] == [
        "progress: Reading the workbook: started",
        ours[1],
        f"progress: Checking the workbook: started ({steps} steps)",
    ]
    assert re.fullmatch(r"progress: Reading the workbook: done in \d+\.\d s", ours[1]), ours
    assert re.fullmatch(r"progress: Checking the workbook: done in \d+\.\d s", ours[-1]), ours
