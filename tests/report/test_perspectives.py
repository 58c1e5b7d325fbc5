"""Healthcare and societal perspective (hecon.analysis.perspectives) end to end.

Model: Alive -> Dead (p = 0.1 a year), two strategies; costs per year alive: care (healthcare)
100 for Old and 400 for New, productivity (societal) 500 for Old and 300 for New. The healthcare
perspective's costs are computed here from the engine's per-category totals as the societal
totals minus the productivity category, and its ICER from them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.spec import State, Strategy, Transition
from hecon.report import write_report
from hecon.workbook.reader import read
from hecon.workbook.validate import validate_workbook
from hecon.workbook.writer import write_workbook
from tests.agreement import problems_of
from tests.models import two_state_model


@pytest.fixture(scope="module")
def spec():
    base = two_state_model()
    params = base.parameters + tuple(
        replace(base.parameters[2], name=n, value=v) for n, v in (("c_care", 100.0), ("c_prod", 500.0), ("u_new", 0.8))
    )
    return replace(
        base,
        states=(
            State("Alive", utility="u_new", costs={"care": "c_care", "productivity": "c_prod"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("Old"), Strategy("New", {"c_care": 400.0, "c_prod": 300.0, "u_new": 0.9})),
        parameters=params,
        cost_perspectives={"care": "healthcare", "productivity": "societal"},
    )


@pytest.fixture(scope="module")
def folder(spec, tmp_path_factory):
    run = run_analysis(spec, None, progress=False)
    return write_report(summarise_run(run), tmp_path_factory.mktemp("persp") / "report"), run


def test_healthcare_is_societal_minus_the_societal_categories(folder) -> None:
    path, run = folder
    ds = run.base.results
    total = ds["total_costs"].isel(sample=0)
    prod = ds["costs"].isel(sample=0).sel(category="productivity")
    qalys = ds["qalys"].isel(sample=0)
    hc = {s: float(total.sel(strategy=s) - prod.sel(strategy=s)) for s in ("Old", "New")}
    soc = {s: float(total.sel(strategy=s)) for s in ("Old", "New")}
    dq = float(qalys.sel(strategy="New") - qalys.sel(strategy="Old"))
    p = json.loads((path / "summary.json").read_text(encoding="utf-8"))["perspectives"]
    assert p["societal_only"] == ["productivity"]
    for name, costs in (("healthcare", hc), ("societal", soc)):
        got = p["results"][name]
        assert got["strategies"]["New"]["costs"] == pytest.approx(costs["New"], rel=1e-12)
        (v,) = got["versus_comparator"]
        assert v["icer"] == pytest.approx((costs["New"] - costs["Old"]) / dq, rel=1e-10)
    # the two perspectives differ: New costs more for care, less in productivity
    assert p["results"]["healthcare"]["versus_comparator"][0]["icer"] > 0
    assert (
        p["results"]["societal"]["versus_comparator"][0]["icer"]
        < p["results"]["healthcare"]["versus_comparator"][0]["icer"]
    )


def test_results_xlsx_and_report_show_both_icers(folder) -> None:
    path, _ = folder
    wb = openpyxl.load_workbook(path / "results.xlsx", read_only=True)
    rows = list(wb["Perspectives"].iter_rows(min_row=4, values_only=True))
    assert {(r[0], r[1]) for r in rows} == {(a, b) for a in ("healthcare", "societal") for b in ("Old", "New")}
    p = json.loads((path / "summary.json").read_text(encoding="utf-8"))["perspectives"]["results"]
    icers = {r[0]: r[7] for r in rows if r[1] == "New"}
    assert icers["healthcare"] == pytest.approx(p["healthcare"]["versus_comparator"][0]["icer"])
    assert icers["societal"] == pytest.approx(p["societal"]["versus_comparator"][0]["icer"])
    html = (path / "report.html").read_text(encoding="utf-8")
    assert "Healthcare and societal perspective" in html


def test_sheet_round_trip_and_a_bad_tag_at_its_cell(spec, tmp_path: Path) -> None:
    good = tmp_path / "m.xlsx"
    write_workbook(spec, good)
    assert read(good).spec.cost_perspectives == spec.cost_perspectives
    bad = tmp_path / "bad.xlsx"
    write_workbook(replace(spec, cost_perspectives={"care": "healthcare", "travel": "societal"}), bad)
    problems = problems_of(bad)
    assert any(t.startswith("CostCategories!A5") and "'travel' is not a cost category" in t for t in problems), problems


def test_evppi_groups_sheet_round_trip_and_a_bad_member_at_its_cell(spec, tmp_path: Path) -> None:
    grouped = replace(spec, evppi_groups={"costs": ("c_care", "c_prod")})
    good = tmp_path / "g.xlsx"
    write_workbook(grouped, good)
    assert read(good).spec.evppi_groups == {"costs": ("c_care", "c_prod")}
    bad = tmp_path / "gbad.xlsx"
    write_workbook(replace(spec, evppi_groups={"costs": ("c_care", "p")}), bad)
    problems = problems_of(bad)
    assert any(t.startswith("EvppiGroups!B5") and "'p' is not a parameter drawn" in t for t in problems), problems


def test_an_untagged_cost_category_is_an_error_once_the_sheet_has_rows(spec, tmp_path: Path) -> None:
    partly = tmp_path / "partly.xlsx"
    write_workbook(replace(spec, cost_perspectives={"productivity": "societal"}), partly)
    problems = problems_of(partly)
    assert problems == [
        "CostCategories!A4: cost category 'care' of the model has no perspective; expected a CostCategories row "
        "'care' tagged healthcare or societal"
    ]
    untagged = tmp_path / "none.xlsx"  # no rows at all: no perspectives, nothing to tag
    write_workbook(replace(spec, cost_perspectives={}), untagged)
    assert validate_workbook(untagged) == []
