"""The Draws sheet (hecon.workbook.draws): tables of joint draws of empirical PSA distributions,
written and read back exactly, every problem located at its cell, shown sensibly in the report's
parameter table and in the Excel export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from hecon.model.distributions import MIN_EMPIRICAL_DRAWS
from hecon.model.problems import ModelError
from hecon.model.spec import Distribution, ModelSpec, Parameter
from hecon.workbook import read_workbook, validate_workbook, write_workbook
from tests.agreement import problems_of
from tests.models import two_state_model

ROWS = 60


def empirical_model() -> ModelSpec:
    """The two-state model with p and u drawn jointly from a table of 60 rows (17-digit numbers),
    c from a gamma: Draws sheet columns A = p, B = u, data rows 4..63."""
    rng = np.random.default_rng(11)
    p = tuple(float(x) for x in rng.uniform(0.05, 0.15, ROWS))
    u = tuple(float(x) for x in 0.9 - 0.5 * np.array(p) + rng.normal(0, 0.01, ROWS))
    params = (
        Parameter("p", 0.1, "per year", distribution=Distribution("empirical", group="boot", draws=p)),
        Parameter("u", 0.85, "QALY weight", distribution=Distribution("empirical", group="boot", draws=u)),
        Parameter("c", 1000.0, distribution=Distribution("gamma", {"mean": 1000, "se": 100})),
    )
    return replace(two_state_model(), parameters=params)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "model.xlsx"
    write_workbook(empirical_model(), path)
    return path


def edited(path: Path, edit) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def problems(path: Path) -> list[str]:
    return problems_of(path)


def test_round_trip_is_exact(workbook: Path) -> None:
    spec = empirical_model()
    assert read_workbook(workbook) == spec
    assert validate_workbook(workbook) == []
    ws = openpyxl.load_workbook(workbook)["Draws"]
    assert [c.value for c in ws[1]] == ["p", "u"]
    assert [c.value for c in ws[2]] == ["per year", "QALY weight"]
    assert ws.max_row == 3 + ROWS
    assert ws["B63"].value == spec.parameters[1].distribution.draws[-1]  # type: ignore[union-attr]


def test_no_draws_no_sheet(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    write_workbook(two_state_model(), path)
    assert "Draws" not in openpyxl.load_workbook(path).sheetnames


def test_every_problem_at_its_cell(workbook: Path) -> None:
    """Text and a non-finite number in a draw, a blank in a row of the group, a column naming no
    parameter and one of a parameter that is not empirical, all reported together."""

    def edit(wb):
        ws = wb["Draws"]
        ws["A10"] = "abc"
        ws["B12"] = "inf"
        ws["A20"] = None
        ws["C1"], ws["C4"] = "q", 1.0
        ws["D1"], ws["D4"] = "c", 1.0

    found = problems(edited(workbook, edit))
    assert found == [
        "Draws!C1: the column 'q' is not a parameter; expected a column per parameter whose "
        "distribution is empirical, headed by its name (Parameters sheet)",
        "Draws!D1: the column 'c' holds draws, but the parameter's distribution is gamma; expected distribution "
        "empirical for a parameter with draws",
        "Draws!A10: 'abc' is not a number; expected a number",
        "Draws!B12: 'inf' is not a finite number; expected a number",
        "Draws!A20: p: blank, but 'u' of empirical group 'boot' has a draw in row 20; expected a draw in every row "
        "of the group's table (row r of the group's columns is one joint draw)",
    ]


def test_missing_column_too_few_rows_and_a_column_twice(workbook: Path) -> None:
    def edit(wb):
        ws = wb["Draws"]
        ws["B1"] = "p"  # u's column now repeats p's header
        for row in range(4 + MIN_EMPIRICAL_DRAWS - 1, 4 + ROWS):
            ws.cell(row, 1).value = None

    found = problems(edited(workbook, edit))
    assert "Draws!B1: the column 'p' appears twice (also A1); expected each column once" in found
    assert (
        "Parameters!F5: u: empirical, but the Draws sheet has no column 'u'; expected a column headed 'u' on the "
        "Draws sheet, one joint draw per row"
    ) in found
    assert (
        f"Draws!A1: p: empirical has {MIN_EMPIRICAL_DRAWS - 1} draws; expected at least {MIN_EMPIRICAL_DRAWS} rows "
        "of joint draws (a column headed by the parameter's name on the Draws sheet)"
    ) in found
    assert len(found) == 3


def test_a_whole_blank_row_is_skipped(workbook: Path) -> None:
    def edit(wb):
        wb["Draws"].insert_rows(30)

    back = read_workbook(edited(workbook, edit), check=True)
    for got, want in zip(back.parameters[:2], empirical_model().parameters[:2]):  # openpyxl saves 16 digits
        assert got.distribution.draws == pytest.approx(want.distribution.draws, rel=1e-15)  # type: ignore[union-attr]


def test_blank_template_reads_without_problems(tmp_path: Path) -> None:
    from hecon.workbook.writer import write_template

    path = tmp_path / "blank.xlsx"
    write_template(path)
    ws = openpyxl.load_workbook(path)["Draws"]
    assert ws["A1"].value == "pfs_cure_theta" and ws["A4"].value is None
    # the template's other sheets carry marked example rows, which reading refuses until they are
    # replaced; the Draws sheet's example headers without values are not columns of draws
    with pytest.raises(ModelError) as caught:
        read_workbook(path)
    assert "example" in str(caught.value) and "Draws!" not in str(caught.value)
    assert problems_of(path)  # refused alike by 'hecon validate' and 'hecon run'


def test_report_parameter_table_summarises_the_table() -> None:
    from hecon.report.tables import inputs_table

    spec = empirical_model()
    row = next(r for r in inputs_table(spec).rows if r[0] == "p")
    p = np.array(spec.parameters[0].distribution.draws)  # type: ignore[union-attr]
    lo, hi = np.percentile(p, [2.5, 97.5])
    assert row[5] == (
        f"empirical, 60 joint draws, mean {np.mean(p):.4g} (2.5%: {lo:.4g}, 97.5%: {hi:.4g}) [group boot]"
    )


def test_excel_export_names_the_table(tmp_path: Path) -> None:
    from hecon.workbook.export import export_excel

    path = tmp_path / "export.xlsx"
    export_excel(empirical_model(), path)
    ws = openpyxl.load_workbook(path)["Inputs"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("empirical(60 joint draws, mean=") for t in texts)


def test_a_parameters_sheet_refused_as_a_whole_gives_no_follow_on_draws_problems(workbook: Path, monkeypatch) -> None:
    """A value beyond the row bound refuses the Parameters sheet: that one problem, not also every
    Draws column reported as naming no parameter (none could be read to judge them by)."""
    monkeypatch.setenv("HECON_MAX_ROWS", "100")

    def edit(wb):
        wb["Parameters"]["B150"] = 1.0

    found = problems(edited(workbook, edit))
    assert len(found) == 1 and found[0].startswith("Parameters"), found
    assert not any("is not a parameter" in f for f in found)
