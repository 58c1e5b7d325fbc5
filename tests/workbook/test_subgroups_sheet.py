"""The Subgroups sheet: written, read back, validated at its cells, and run by ``hecon run``.

Reference values come from the naive re-implementation tests.models.reference_textbook run on the
model with the subgroup's parameter changed by hand (not through the scenario machinery)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hecon.cli import main
from hecon.examples.textbook import textbook_model
from hecon.model.spec import Scenario
from hecon.workbook import read_workbook, write_workbook
from tests.agreement import problems_of
from tests.models import reference_textbook

HIGH_RISK = Scenario(
    "High risk",
    {"hr_S1": 5.0, "p_HS1": 0.3},
    "Higher risk of falling sick and dying when sick",
    {"hr_S1": "A: assumption", "p_HS1": "P: a made-up table 2"},
)
OLDER = Scenario("Aged 60", {"settings.start_age": 60.0}, "Cohort starting at age 60", {"settings.start_age": "A"})


def _model():
    return replace(textbook_model(horizon_years=20.0), subgroups=(HIGH_RISK, OLDER))


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "model.xlsx"
    write_workbook(_model(), path)
    return path


def _rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path, read_only=True)["Subgroups"]
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if any(v is not None for v in r)]


def test_subgroups_are_written_one_override_per_row_and_read_back(workbook):
    header = next(openpyxl.load_workbook(workbook, read_only=True)["Subgroups"].iter_rows(max_row=1, values_only=True))
    assert list(header[:5]) == ["subgroup", "target", "value", "source", "description"]
    assert _rows(workbook) == [
        ("High risk", "hr_S1", 5, "A: assumption", "Higher risk of falling sick and dying when sick"),
        ("High risk", "p_HS1", 0.3, "P: a made-up table 2", None),
        ("Aged 60", "settings.start_age", 60, "A", "Cohort starting at age 60"),
    ]
    spec = read_workbook(workbook, check=True)
    assert spec.subgroups == (HIGH_RISK, OLDER)


def test_a_workbook_without_subgroups_has_no_subgroups_sheet(tmp_path):
    path = tmp_path / "plain.xlsx"
    write_workbook(textbook_model(horizon_years=20.0), path)
    assert "Subgroups" not in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert read_workbook(path).subgroups == ()


def _edit(path: Path, cells: dict[str, object]) -> Path:
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        sheet, cell = address.split("!")
        wb[sheet][cell] = value
    wb.save(path)
    return path


def test_bad_subgroup_rows_give_located_errors_all_at_once(workbook):
    _edit(
        workbook,
        {
            "Subgroups!C5": 1.7,  # High risk: a probability above 1
            "Subgroups!B6": "hr_S9",  # Aged 60: an unknown parameter
            "Subgroups!A7": "Young",  # a third subgroup: an unknown setting, and no source
            "Subgroups!B7": "settings.start_ages",
            "Subgroups!C7": 40,
        },
    )
    found = problems_of(workbook)
    assert len(found) == 4, found
    # a problem the override causes elsewhere: at the cell of the value (High risk's second row), naming the cell it breaks
    assert found[0].startswith("Subgroups!C5: with subgroup 'High risk', Transitions!D4: probability 1.7")
    assert found[1].startswith("Subgroups!B6: hr_S9: not a parameter or setting")
    assert found[2].startswith("Subgroups!B7: settings.start_ages: unknown setting")
    assert found[3].startswith("Subgroups!D7: the source cell is empty")


def test_duplicate_subgroup_target_is_located(workbook):
    _edit(workbook, {"Subgroups!B5": "hr_S1"})
    found = problems_of(workbook)
    assert len(found) == 1 and found[0].startswith("Subgroups!"), found
    assert "hr_S1" in found[0]


def test_hecon_run_reports_subgroups_equal_to_independent_runs(workbook, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["run", str(workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sub = summary["subgroups"]["High risk"]
    assert sub["sources"] == {"hr_S1": "A: assumption", "p_HS1": "P: a made-up table 2"}
    # the subgroup is the model with the parameters changed by hand, run by the naive reference
    changed = textbook_model(horizon_years=20.0).with_parameters({"hr_S1": 5.0, "p_HS1": 0.3})
    ref = {s: reference_textbook(changed, s) for s in ("SoC", "B")}
    assert sub["strategies"]["B"]["costs"] == pytest.approx(ref["B"]["total_costs"], rel=1e-9)
    assert sub["strategies"]["B"]["qalys"] == pytest.approx(ref["B"]["qalys"], rel=1e-9)
    icer = (ref["B"]["total_costs"] - ref["SoC"]["total_costs"]) / (ref["B"]["qalys"] - ref["SoC"]["qalys"])
    row = next(r for r in sub["versus_comparator"] if r["strategy"] == "B")
    assert row["icer"] == pytest.approx(icer, rel=1e-9)
    older = replace(textbook_model(horizon_years=20.0), settings=replace(changed.settings, start_age=60.0))
    assert summary["subgroups"]["Aged 60"]["strategies"]["A"]["lys"] == pytest.approx(
        reference_textbook(older, "A")["lys"], rel=1e-9
    )
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Subgroup analysis" in html and "a made-up table 2" in html  # the source, its tag P in words (published)
    assert "P: a made-up table 2" not in html
