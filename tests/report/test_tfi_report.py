"""The "Treatment burden and treatment-free time" section of the full test report: the numbers
it shows are those of summary.json, and results.xlsx has its sheets."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tests.models import FULL_MODEL_STRATEGIES as STRATEGIES


@pytest.fixture(scope="module")
def files(full_report):
    folder = full_report[0]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    html = (folder / "report.html").read_text(encoding="utf-8")
    return summary, html, load_workbook(folder / "results.xlsx", read_only=True)


def test_summary_has_qtwist_that_adds_up(files, full_report):
    summary, _, _ = files
    q = summary["qtwist"]
    assert q["horizon_years"] == pytest.approx(15.0)
    assert list(q["strategies"]) == list(STRATEGIES)
    for s in STRATEGIES:
        p = q["strategies"][s]
        assert p["tox"] + p["twist"] + p["rel"] == pytest.approx(p["rmst"], rel=1e-12)
    # the one-off therapy stops treatment: more TWiST than standard care, as its remission state says
    pairs = {(c["strategy"], c["comparator"]): c for c in q["comparisons"]}
    assert set(pairs) == {
        (STRATEGIES[1], STRATEGIES[0]),
        (STRATEGIES[2], STRATEGIES[0]),
        (STRATEGIES[2], STRATEGIES[1]),
    }


def test_section_figure_and_sheets(files):
    summary, html, wb = files
    assert 'id="treatment_free"' in html
    assert "Q-TWiST threshold utility analysis" in html
    ws = wb["Q-TWiST"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    for s in STRATEGIES:
        assert rows[s][1] == pytest.approx(summary["qtwist"]["strategies"][s]["tox"], rel=1e-12)
        assert rows[s][4] == pytest.approx(summary["qtwist"]["strategies"][s]["rmst"], rel=1e-12)
    assert "Q-TWiST comparisons" in wb.sheetnames


def test_treatment_free_survival_in_summary_report_and_sheet(files):
    summary, html, wb = files
    (variant,) = summary["treatment_free"]["variants"]
    assert variant["flag"] == "on_treatment" and summary["treatment_free"]["horizons_months"] == [12, 24, 36, 60]
    for s in STRATEGIES:
        for m in ("12", "60"):
            means = variant["restricted_means"][s][m]
            parts = means["on_treatment"] + means["treatment_free"] + means["after_progression"]
            assert parts == pytest.approx(means["alive"], rel=1e-12)
    assert "Treatment-free survival (free of treatment)" in html
    assert "Time to the first treatment-free cycle" in html
    rows = list(wb["TreatmentFreeSurvival"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(STRATEGIES) * 4
    first = next(r for r in rows if r[1] == STRATEGIES[1] and r[2] == 24)
    assert first[5] == pytest.approx(variant["restricted_means"][STRATEGIES[1]]["24"]["treatment_free"], rel=1e-12)


def test_burden_rates_in_summary_and_sheet(files):
    summary, html, wb = files
    rates = summary["burden_rates"]
    assert set(rates["counts"]) == {"hospital_days", "administrations"}
    rows = list(wb["BurdenRates"].iter_rows(min_row=4, values_only=True))
    for s in STRATEGIES:
        r = rates["counts"]["administrations"][s]
        row = next(x for x in rows if x[1] == "administrations" and x[2] == s)
        assert row[3] == pytest.approx(r["total"], rel=1e-12)
        assert row[4] == pytest.approx(r["per_life_year"], rel=1e-12)
        assert row[6] == pytest.approx(r["within_months"]["12"], rel=1e-12)
    assert "per life-year lived" in html


def test_section_leads_with_the_findings_in_words(files):
    summary, html, _ = files
    v = summary["treatment_free"]["variants"][0]["restricted_means"][STRATEGIES[1]]["60"]
    assert "In short. Over the first 60 months, the average patient lives free of treatment: " in html
    assert f"{STRATEGIES[1]} {v['treatment_free'] * 12:.1f} months" in html
    assert html.index("In short.") < html.index("Q-TWiST threshold utility analysis")
