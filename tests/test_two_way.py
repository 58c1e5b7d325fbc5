"""Two-way threshold analysis (hecon.analysis.two_way) on a linear textbook case.

Two strategies on the two-state model (tests.models.two_state_model): Old has utility 0.8 and
costs 1,000 a year; New has utility u_new and costs c_new a year. Both live the same life-years
L, discounted at 1.5% for QALYs (L_e) and 3% for costs (L_c): dQALY = (u_new - 0.8) L_e and
dCost = (c_new - 1000) L_c, so New is cost-effective at lambda exactly when
c_new < 1000 + lambda (u_new - 0.8) L_e / L_c: a straight line. With survival 0.9 a year, no
within-cycle correction and 10 yearly cycles, L_r = sum_{k=0}^{9} (0.9 / (1 + r))^k.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hecon.analysis.two_way import TwoWayQuery, two_way_threshold
from hecon.model.problems import ModelError
from hecon.model.spec import Parameter, Strategy
from tests.models import two_state_model


def linear_model():
    spec = two_state_model(discount_rate_costs=0.03, discount_rate_effects=0.015)
    return replace(
        spec,
        strategies=(Strategy("Old"), Strategy("New", {"u": "u_new", "c": "c_new"})),
        parameters=spec.parameters + (Parameter("u_new", 0.9), Parameter("c_new", 5000.0)),
    )


def test_boundary_is_the_closed_form_line():
    query = TwoWayQuery("u_new", "c_new", "New", "Old", (0.8, 1.0), (0.0, 30000.0), points=11)
    result = two_way_threshold(linear_model(), query, [20_000.0, 50_000.0, 80_000.0])
    assert result.x_values == pytest.approx(np.linspace(0.8, 1.0, 11))
    ratio = sum((0.9 / 1.015) ** k for k in range(10)) / sum((0.9 / 1.03) ** k for k in range(10))
    assert ratio == pytest.approx(1.0523, abs=1e-4)
    for lam in (50_000.0, 80_000.0):
        line = [1000 + lam * (u - 0.8) * ratio for u in result.x_values]
        got = result.boundary[lam]
        for u, y, want in zip(result.x_values, got, line):
            if want <= 30000.0:
                assert y == pytest.approx(want, rel=1e-9, abs=1e-6), (lam, u)
            else:
                assert y is None  # cost-effective over the whole price range
    # at the base values (u_new 0.9, c_new 5,000): 5,000 < 1,000 + 80,000 x 0.1 x 1.0523 -> cost-effective;
    # at 20,000: 5,000 > 1,000 + 20,000 x 0.1 x 1.0523 -> not
    assert result.cost_effective_at_base[80_000.0] is True
    assert result.cost_effective_at_base[20_000.0] is False
    # the share of the grid below the line, counted by hand on the grid
    xs, ys = np.meshgrid(result.x_values, result.y_values)
    below = ys < 1000 + 80_000.0 * (xs - 0.8) * ratio
    assert result.share_cost_effective[80_000.0] == pytest.approx(np.mean(below))


def test_bad_queries_are_all_reported():
    with pytest.raises(ModelError) as e:
        two_way_threshold(linear_model(), TwoWayQuery("nope", "nope", "New", "New", points=1), [1.0])
    text = str(e.value)
    for part in ("no parameter 'nope'", "both 'New'", "same parameter", "1 points"):
        assert part in text


def test_run_summary_and_report_section(tmp_path):
    import json

    from hecon.analysis.results import summarise_run
    from hecon.analysis.run import run_analysis
    from hecon.report import write_report

    query = TwoWayQuery("u_new", "c_new", "New", None, (0.8, 1.0), (0.0, 30000.0), points=5)
    results = summarise_run(run_analysis(linear_model(), two_way=[query]))
    (r,) = results.two_way
    assert r.comparator == "Old" and r.wtp == (20_000.0, 50_000.0, 80_000.0)  # the settings' wtp
    folder = write_report(results, tmp_path / "report")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["two_way"][0]["boundary"]["50000.0"] == [None if v is None else v for v in r.boundary[50_000.0]]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Two-way threshold: u_new and c_new" in html
    from openpyxl import load_workbook

    rows = list(load_workbook(folder / "results.xlsx", read_only=True)["TwoWay"].iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in rows] == pytest.approx(list(r.x_values))
    assert rows[2][2] == pytest.approx(r.boundary[50_000.0][2])
    with pytest.raises(ModelError, match="no parameter 'x'"):
        run_analysis(linear_model(), two_way=[TwoWayQuery("x", "c_new", "New")])


def test_boundary_sentence_and_axis_labels_by_hand():
    from hecon.report.two_way import boundary_text, parameter_label

    query = TwoWayQuery("u_new", "c_new", "New", "Old", (0.8, 1.0), (0.0, 30000.0), points=11)
    result = two_way_threshold(linear_model(), query, [50_000.0])
    ratio = sum((0.9 / 1.015) ** k for k in range(10)) / sum((0.9 / 1.03) ** k for k in range(10))
    # New is cost-effective below the line c_new = 1000 + 50,000 (u_new - 0.8) ratio: 1,000 at 0.8, 11,523 at 1.0
    high = 1000 + 50_000 * 0.2 * ratio
    assert round(high) == 11_523
    assert boundary_text(result, 50_000.0, "EUR") == (
        "At EUR 50,000 per QALY, New is cost-effective against Old where c_new is at most 1,000 at "
        f"u_new = 0.8, and c_new is at most {high:,.0f} at u_new = 1."
    )
    spec = replace(
        linear_model(),
        parameters=tuple(
            replace(p, description="Utility of New") if p.name == "u_new" else p for p in linear_model().parameters
        ),
    )
    assert parameter_label(spec, "u_new") == "Utility of New (u_new)"
    assert parameter_label(spec, "c_new") == "c_new"  # no description: the name


def test_a_grid_without_a_boundary_says_where_it_was_searched_and_shades_the_net_benefit():
    """Re-dosing in the RRMM example is cost-effective nowhere on its grid: the sentence names the
    ranges searched and the figure shows the net benefit instead of an empty plot."""
    from hecon.report.two_way import _caption, boundary_text, two_way_png

    query = TwoWayQuery("u_new", "c_new", "New", "Old", (0.8, 1.0), (200_000.0, 300_000.0), points=5)
    result = two_way_threshold(linear_model(), query, [50_000.0, 80_000.0])
    assert result.share_cost_effective[80_000.0] == 0.0
    assert boundary_text(result, 80_000.0, "EUR") == (
        "At EUR 80,000 per QALY, New is not cost-effective against Old over the whole grid searched "
        "(u_new 0.8 to 1, c_new 200,000 to 300,000)."
    )
    assert "no boundary on the grid searched" in _caption(result) and "80,000 per QALY" in _caption(result)
    assert two_way_png(result, "EUR").startswith(b"\x89PNG")
