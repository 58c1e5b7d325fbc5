"""The report formats the analysis result and computes nothing: report.html and results.xlsx show
the numbers of :class:`hecon.analysis.results.Results`, and summary.json is that result serialised.

Uses the full test report (tests/conftest.py, full_report: every section).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import replace

import openpyxl
import pytest

from hecon.analysis.psa_structural import AlternativeResult
from hecon.analysis.results import summarise_run
from hecon.analysis.timeline import CATEGORIES
from hecon.analysis.wording import parameter_title
from hecon.report.decision import psa_section
from hecon.report.html import format_value
from hecon.report.numbers import OUTSIDE_DECISION, versus_text
from hecon.report.style import CATEGORIES as CATEGORY_STYLES


@pytest.fixture(scope="module")
def full(full_report):
    folder, run = full_report
    return folder, summarise_run(run)


@pytest.fixture(scope="module")
def results(full):
    return full[1]


@pytest.fixture(scope="module")
def html(full):
    return (full[0] / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workbook(full):
    return openpyxl.load_workbook(full[0] / "results.xlsx", read_only=True)


def _table(html: str, sheet: str) -> list[list[str]]:
    """The body cells of the first report.html table of ``sheet``, as shown (HTML-unescaped)."""
    start = html.index(f'data-sheet="{sheet}"')
    body = html[start : html.index("</table>", start)]
    body = body[body.index("<tbody>") :]
    return [
        [html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)
    ]


def _sheet(workbook, name: str) -> list[tuple]:
    return list(workbook[name].iter_rows(min_row=4, values_only=True))


def _same(cells: tuple, values: tuple) -> bool:
    """Excel cells equal ``values``: numbers to the 15 significant digits Excel keeps."""
    if len(cells) != len(values):
        return False
    return all(
        c == pytest.approx(v, rel=1e-14) if isinstance(v, float) and isinstance(c, float) else c == v
        for c, v in zip(cells, values)
    )


def test_summary_json_equals_the_serialised_result(full, results, read_summary):
    written = read_summary(full[0])
    written.pop("created"), written.pop("hecon_version")
    again = json.loads(json.dumps(results.to_json()))
    again.pop("created"), again.pop("hecon_version")
    # writing the report adds its own phases to the timings of the run
    timings, before = written.pop("timings"), again.pop("timings")
    assert written == again
    assert list(timings["phases"])[: len(before["phases"])] == list(before["phases"])
    assert {"report sections and figures", "results.xlsx", "report.html"} <= set(timings["phases"])


def test_key_results_table_shows_the_result(html, results):
    table = html[html.index('<table id="key-results"') :]
    table = table[: table.index("</table>")]
    base = results.base
    for s, v in base.strategies.items():
        row = re.search(rf'<tr data-row="{re.escape(s)}">(.*?)</tr>', table).group(1)
        cells = {k: html_lib.unescape(x) for k, x in re.findall(r'data-field="([a-z_]+)">([^<]*)</td>', row)}
        assert cells["costs"] == format_value(v.costs, "money")
        assert cells["qalys"] == format_value(v.qalys, "qaly") and cells["lys"] == format_value(v.lys, "years")
        r = base.versus(s)
        status = next(f.status for f in base.incremental if f.strategy == s)
        assert cells["versus"] == (versus_text(r.description, status) if r else "Comparator")
        assert cells["incremental_cost"] == format_value(r.incremental_cost if r else None, "money")
        assert cells["frontier"] == next(f.description for f in base.incremental if f.strategy == s)


def test_key_results_state_the_result_object_s_optimum(html, results):
    head = results.headline
    assert head.optimal is not None and head.is_reference_value
    assert f"{head.optimal} has the highest net monetary benefit." in html
    at = results.psa.at(head.wtp)
    probs = ", ".join(f"{name} {100 * p:.0f}%" for name, p in at.ceac.items())
    assert probs in html


def test_incremental_tables_show_the_result(html, workbook, results):
    base = results.base
    shown = _table(html, "Incremental")
    assert [r[0] for r in shown] == [f.strategy for f in base.incremental]
    for cells, f in zip(shown, base.incremental):
        assert cells[1:4] == [format_value(f.cost, "money"), format_value(f.effect, "qaly"), f.status]
        assert cells[5] == format_value(f.incremental_cost, "money") and cells[-1] == f.description
    sheet = [r for r in _sheet(workbook, "Incremental") if r[0] == "base case"]
    for row, f in zip(sheet, base.incremental, strict=True):
        assert _same(row[1:6], (f.strategy, f.cost, f.effect, f.status, f.comparator))
        assert _same(row[6:10], (f.incremental_cost, f.incremental_effect, f.icer, f.incremental_lys))
    versus = [r for r in _sheet(workbook, "VersusComparator") if r[0] == "No discounting"]
    scenario = results.scenarios["No discounting"]
    status = {f.strategy: f.status for f in scenario.incremental}
    for row, c in zip(versus, scenario.versus_comparator, strict=True):
        expected = (c.strategy, c.comparator, c.incremental_cost, c.incremental_effect, c.incremental_lys, c.icer)
        assert _same(row[1:], expected + (versus_text(c.description, status[c.strategy]),))


def test_scenario_and_net_benefit_sheets_show_the_result(workbook, results):
    rows = _sheet(workbook, "ScenarioAnalysis")
    assert len(rows) == len(results.scenario_analysis.rows)
    status = {name: {f.strategy: f.status for f in sc.incremental} for name, sc in results.scenarios.items()}
    for row, r in zip(rows, results.scenario_analysis.rows):
        assert _same(
            row,
            (
                r.scenario,
                r.strategy,
                r.costs,
                r.qalys,
                r.incremental_cost,
                r.incremental_qalys,
                r.icer,
                r.icer_base_case,
                # with the strategy's place on the scenario's frontier; an empty text cell reads back as None
                versus_text(r.description, status[r.scenario].get(r.strategy, OUTSIDE_DECISION)) or None,
                r.change_in_costs,
                r.change_in_qalys,
            ),
        )
    wide = _sheet(workbook, "ScenarioSummary")
    assert [r[-1] for r in wide] == [sc.optimal_at_headline for sc in results.scenarios.values()]
    nb = results.net_benefit.scenarios["base case"]
    base_rows = _sheet(workbook, "NetBenefitBaseCase")
    for i, row in enumerate(base_rows):
        assert _same(row, (results.net_benefit.wtp[i], *(v.nmb[i] for v in nb.strategies.values()), nb.optimal[i]))


def test_survival_tables_show_the_result(workbook, results):
    surv = results.base_case.survival
    model = {r[0]: r for r in _sheet(workbook, "ModelSurvival")}
    for s, v in surv.strategies.items():
        assert model[s][1] == pytest.approx(v.median_pfs_years * surv.per_year, rel=1e-14)
        assert model[s][3::2] == pytest.approx(v.pfs_at, rel=1e-14)
    marks = _sheet(workbook, "Landmarks")
    assert len(marks) == len(surv.landmarks)
    for row, x in zip(marks, surv.landmarks):
        assert _same(
            (row[0], row[1], row[2], row[3], row[4], row[5], row[7], row[8], row[9], row[11]),
            (
                x.strategy,
                x.what,
                x.source,
                x.lower,
                x.upper,
                x.model,
                x.comparison,
                x.fit,
                x.verdict,
                x.problem or None,
            ),
        )


def test_categories_have_a_label_and_colour_each():
    assert tuple(CATEGORY_STYLES) == CATEGORIES


def test_structural_alternatives_show_the_result(html, workbook, results):
    """The discrete parameter of the test model: one table in report.html, the sheet
    PSAStructural in results.xlsx, both the numbers of results.psa.structural."""
    (st,) = results.psa.structural
    strategies = list(results.strategies)
    groups = [*st.alternatives, st.averaged]
    assert [a.label for a in st.alternatives] == ["durable", "waning"]
    assert "Structural alternatives" in html
    shown = _table(html, "PSAStructural")
    sheet = _sheet(workbook, "PSAStructural")
    assert len(shown) == len(sheet) == len(groups) * len(strategies)
    for k, a in enumerate(groups):
        name = a.label if a.position is not None else "All samples (averaged)"
        versus = {v.strategy: v for v in a.versus_comparator}
        for j, s in enumerate(strategies):
            cells, row = shown[k * len(strategies) + j], sheet[k * len(strategies) + j]
            m, v = a.strategies[s], versus.get(s)
            assert cells[:4] == [name, format_value(a.weight, "percent"), format_value(a.share, "percent"), s]
            assert cells[4:7] == [
                format_value(m.costs, "money"),
                format_value(m.qalys, "qaly"),
                format_value(m.lys, "years"),
            ]
            assert cells[7] == format_value(v.incremental_cost if v else None, "money")
            result = versus_text(v.description, a.frontier_status.get(s, OUTSIDE_DECISION)) if v else "Comparator"
            assert cells[-2] == result
            assert cells[-1] == format_value(a.probability_cost_effective[s], "percent")
            increments = (v.incremental_cost, v.incremental_qalys, v.incremental_lys, v.icer) if v else (None,) * 4
            title = parameter_title(results.spec.parameter(st.parameter))  # the description, not the name
            assert title == "Progression in remission"
            expected = (title, name, a.position, a.weight, a.share, s, m.costs, m.qalys, m.lys)
            assert _same(row, expected + increments + (result, a.probability_cost_effective[s]))


def test_an_alternative_no_sample_drew_is_shown_without_numbers(results):
    (st,) = results.psa.structural
    never = AlternativeResult("never", 3, 0.0, 0, 0.0, {}, (), {}, {})
    psa = replace(results.psa, structural=(replace(st, alternatives=(*st.alternatives, never)),))
    (sub,) = psa_section(replace(results, psa=psa)).detail.subsections  # shown in the appendix
    rows = [r for r in sub.sheets[0].rows if r[1] == "never"]
    assert [r[5] for r in rows] == list(results.strategies)
    for r in rows:
        assert r[2:5] == [3, 0.0, 0.0] and r[6:13] == [None] * 7
        assert r[13:] == ["No sample drew this alternative", None]
    assert not any("never" in b for b in sub.bullets)
