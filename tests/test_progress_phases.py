"""`hecon run` shows progress for every phase of a run on a terminal (here: stderr pretended to
be one), from reading the workbook to writing results.xlsx; nothing when stderr is not one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hecon.analysis import progress
from hecon.workbook import write_workbook
from tests.models import full_model

PHASES = (
    "Reading and checking the workbook",
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


def test_no_progress_when_stderr_is_not_a_terminal(workbook, invoke):
    result = invoke("run", workbook, "--out", "rep")
    assert result.exit_code == 0, result.output
    assert "Writing results.xlsx" not in result.stderr and "Base case and scenarios" not in result.stderr
