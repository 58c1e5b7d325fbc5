"""``hecon fit-survival MODEL.xlsx --points --strategy S --endpoint E``: fits the published survival
points of a model workbook (reconstructed into patients), or lists their problems at their
cells and writes nothing.

The workbook's points come from a known exponential, S(t) = exp(-0.1 t) [months], printed to
three decimals every 3 months to 24 months, with 200 patients and numbers at risk every 6
months as if follow-up ended uniformly between 0 and 48 months (at risk 200 S(t) (1 - t/48)).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hecon.cli import main
from hecon.model.spec import Strategy, SurvivalPoint
from hecon.workbook import write_workbook
from tests.models import two_state_model

RATE = 0.1  # per month
S = SurvivalPoint


def exponential_points(population: str = "ITT") -> list[SurvivalPoint]:
    times = [3.0 * k for k in range(1, 9)]
    points = [S("A", "PFS", "survival", t, round(math.exp(-RATE * t), 3), population=population) for t in times]
    return points + [
        S("A", "PFS", "at_risk", t, round(200 * math.exp(-RATE * t) * (1 - t / 48)), population=population)
        for t in (0.0, 6.0, 12.0, 18.0, 24.0)
    ]


@pytest.fixture
def workbook(tmp_path) -> Path:
    spec = dataclasses.replace(
        two_state_model(), strategies=(Strategy("A"), Strategy("B")), survival_points=tuple(exponential_points())
    )
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    return path


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_points_are_fitted(tmp_path, workbook):
    before = workbook.read_bytes()
    out = tmp_path / "fit"
    result = invoke(
        "fit-survival", workbook, "--points", "--strategy", "A", "--endpoint", "pfs", "--out", out,
        "--distributions", "exp,weibull", "--cure", "none",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "note: --time-unit not given; fitting in months, the unit of the first point" in result.stderr
    assert "arm A PFS: 200 patients" in result.stdout and "times in months" in result.stdout
    with open(out / "fits.csv", newline="") as handle:
        rows = {(r["distribution"], r["parameter"]): float(r["estimate"]) for r in csv.DictReader(handle)}
    assert rows[("exp", "rate")] == pytest.approx(RATE, rel=0.03)
    assert rows[("weibull", "shape")] == pytest.approx(1.0, rel=0.05)
    names = [c.value for c in openpyxl.load_workbook(out / "workbook_rows.xlsx")["Survival"]["A"]][1:]
    assert names == ["model_A_PFS_exp", "model_A_PFS_weibull"]
    assert workbook.read_bytes() == before  # only read


def test_a_point_that_cannot_be_fitted_is_reported_at_its_cell(tmp_path, workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["SurvivalPoints"]["F6"] = 0.9  # survival at 9 months above 0.741 at 6 months (row 5)
    wb.save(workbook)
    out = tmp_path / "fit"
    result = invoke("fit-survival", workbook, "--points", "--strategy", "A", "--endpoint", "PFS", "--out", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        f"error: {workbook} has 1 problem; nothing was run or written:",
        "SurvivalPoints!F6: survival 0.9 at 9 months is above 0.549 at 6 months (SurvivalPoints!F5): the points "
        "rise over time; expected survival points and medians that never rise over time",
    ]
    assert not out.exists()


def test_several_populations_need_one_chosen(tmp_path):
    spec = dataclasses.replace(
        two_state_model(),
        strategies=(Strategy("A"),),
        survival_points=tuple(exponential_points("ITT") + exponential_points("infused")),
    )
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    common = ("fit-survival", path, "--points", "--strategy", "A", "--endpoint", "PFS", "--distributions", "exp")
    result = invoke(*common, "--out", tmp_path / "x", "--cure", "none")
    assert result.exit_code == 1
    assert "survival points of strategy 'A', PFS: they describe 2 populations: 'ITT', 'infused'" in result.stderr
    result = invoke(*common, "--population", "infused", "--out", tmp_path / "y", "--cure", "none")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("--strategy", "A"), "--strategy applies with --points only"),
        (("--points", "--strategy", "A"), "--points needs --endpoint"),
        (("--points", "--endpoint", "OS", "--sheet", "x"), "--points needs --strategy"),
        (("--points", "--strategy", "A", "--endpoint", "OS", "--sheet", "x"), "--sheet applies to patient data"),
    ],
)
def test_points_options_go_together(workbook, args, message):
    result = invoke("fit-survival", workbook, *args)
    assert result.exit_code == 2 and message in result.stderr
