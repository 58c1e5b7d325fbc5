"""The committee report as a reader gets it: every section of report.html, results.xlsx with
the same numbers as summary.json, figures, published survival points, the state diagram and the
workbook convention the report reads (labelled assumptions).

The model (tests.models.full_model) is small but has every feature the report shows:
treatment-burden flags (hospitalised, on treatment, treatment-free, progression-free), published
survival points, PSA distributions, DSA ranges, utility norms (disease burden), thresholds,
scenarios and labelled assumptions. tests/report/test_browser.py renders the same report in headless
Chromium.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re

import numpy as np
import openpyxl
import pytest
from PIL import Image

from hecon.analysis.landmarks import landmarks
from hecon.analysis.model_survival import crossing, survival_curves
from hecon.analysis.summary import frontier_text
from hecon.analysis.timeline import category_shares, state_categories
from hecon.report.diagram import ELIDE_DEAD_FROM, edges, layout, state_diagram_png
from hecon.report.figures import timeline_window
from hecon.report.html import format_value
from hecon.report.numbers import versus_text
from hecon.report.sections import labelled_assumptions, perspective
from tests.models import FULL_MODEL_STRATEGIES as STRATEGIES
from tests.models import full_model

SECTION_TITLES = [  # the main part, then the appendices (the detail of main sections first)
    "Key results",
    "Results overview",
    "Decision problem",
    "Model structure",
    "Base-case results",
    "Incremental analysis",
    "Net benefit",
    "Treatment burden",
    "Disease burden and reference value",
    "One-way sensitivity analysis",
    "Probabilistic sensitivity analysis",
    "Appendix: base-case results (detail)",
    "Appendix: treatment burden (detail)",
    "Appendix: one-way sensitivity analysis (detail)",
    "Appendix: probabilistic sensitivity analysis (detail)",
    "Inputs",
    "Treatment burden and treatment-free time",
    "Scenario analysis",
    "Deterministic results by structural alternative",
    "Threshold analysis",
    "Value of information",
    "Assumptions and limitations",
    "Appendix: model definition",
    "Run information",
]


@pytest.fixture(scope="module")
def folder(full_report):
    return full_report[0]


@pytest.fixture(scope="module")
def summary(folder, read_summary):
    return read_summary(folder)


@pytest.fixture(scope="module")
def html(folder):
    return (folder / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workbook(folder):
    return openpyxl.load_workbook(folder / "results.xlsx")


# ------------------------------------------------------------------------------------ report.html


def test_sections_follow_the_checklist_order(html):
    titles = re.findall(r'<h2><span class="num-prefix">\d+\.</span>([^<]+)</h2>', html)
    assert titles == SECTION_TITLES
    toc = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html)
    assert [t for _, t in toc] == SECTION_TITLES
    kinds = [  # each section is in the main part or an appendix (print layout), appendices last
        re.search(rf'<section id="{anchor}" class="(main|appendix)">', html).group(1) for anchor, _ in toc
    ]
    assert kinds == ["main"] * 11 + ["appendix"] * 13


def test_decision_problem_from_settings_and_labelled_assumptions(html):
    assert "Adults aged 60 with an illustrative disease." in html  # 'Population:' assumption
    assert "Health-care payer (from the Assumptions sheet)" in html
    assert "15 years (180 cycles), to age 75" in html
    assert "costs 3%, effects 1.5% per year" in html
    assert "EUR, 2024 prices" in html
    # the others under assumptions and limitations, hecon's own checks too
    assert "Stopping treatment is only possible in the one-off strategy." in html
    assert "the numbers are illustrative." in html
    assert "fewer than the 1,000 that Zorginstituut Nederland asks for" in html


def test_key_results_table_equals_summary(html, summary):
    base = summary["scenarios"]["base case"]
    table = html[html.index('<table id="key-results"') :]
    table = table[: table.index("</table>")]
    versus = {r["strategy"]: r for r in base["versus_comparator"]}
    status = {r["strategy"]: r["status"] for r in base["incremental"]}
    for s, v in base["strategies"].items():
        row = re.search(rf'<tr data-row="{re.escape(s)}">(.*?)</tr>', table).group(1)
        cells = dict(re.findall(r'data-field="([a-z_]+)">([^<]*)</td>', row))
        assert cells["costs"] == format_value(v["costs"], "money") == f"{v['costs']:,.0f}"
        assert cells["qalys"] == f"{v['qalys']:,.3f}" and cells["lys"] == f"{v['lys']:,.3f}"
        if s in versus:
            assert cells["incremental_cost"] == f"{versus[s]['incremental_cost']:,.0f}"
            assert cells["versus"] == versus_text(versus[s]["description"], status[s])
        else:
            assert cells["versus"] == "Comparator"
    frontier = {
        r["strategy"]: frontier_text(
            r["status"], r["comparator"], r["incremental_cost"], r["incremental_effect"], "EUR"
        )
        for r in base["incremental"]
    }
    for text in frontier.values():
        assert text in table


def test_survival_points_are_drawn_and_compared(folder, summary, html, full_report):
    result = full_report[1]
    marks = {lm.point: lm for lm in landmarks(result.spec)}
    assert sorted(marks) == [1, 2, 5, 6, 7]  # points 3 and 4 are numbers at risk
    assert marks[1].strategy == "Standard care" and marks[1].years == pytest.approx(1.0)
    assert marks[2].median and marks[2].years == pytest.approx(2.5) and marks[2].lower == 24.0
    assert marks[7].problem == "unknown strategy 'No such strategy'"
    rows = {r["point"]: r for r in summary["base_case"]["survival"]["landmarks"]}
    assert rows[1]["comparison"] == "like for like" and rows[1]["population"] == "ITT, from randomisation"
    assert rows[5]["comparison"] == "not like for like: source is treated patients, from the first dose"
    assert rows[6]["comparison"] == "not stated whether like for like"
    assert (rows[1]["lower"], rows[1]["upper"]) == (0.45, 0.65)
    assert rows[2]["upper"] is None and rows[7]["model"] is None
    ds = result.base.results
    curves = survival_curves(ds["trace"], result.spec, STRATEGIES)
    assert rows[1]["model"] == pytest.approx(np.interp(1.0, ds["years"].values, curves["Standard care"].pfs))
    assert rows[5]["model"] == pytest.approx(np.interp(2.0, ds["years"].values, curves["One-off therapy"].os))
    table = html[html.index("Published survival points and the model") :]
    note = table[table.index("</table>") :]
    table = table[: table.index("</table>")]
    assert "not like for like: source is treated patients, from the first dose" in table
    assert note.startswith(
        '</table>\n</div>\n<p class="note">Model value: the strategy&#39;s whole cohort from model start'
    )
    assert (
        "7 published survival points (SurvivalPoints sheet): 5 landmarks and medians, drawn on the survival figure "
        "and compared with the model in the base case; 2 numbers at risk, for fitting (not drawn)."
    ) in html


def test_survival_medians_from_the_trace(summary, full_report):
    result = full_report[1]
    ds = result.base.results
    years = ds["years"].values
    curves = survival_curves(ds["trace"], result.spec, STRATEGIES)
    for s in STRATEGIES:
        alive = ds["trace"].sel(strategy=s).sel(state=["Admission", "OnTx", "Remission", "Progressed"]).sum("state")
        np.testing.assert_allclose(curves[s].os, alive.values)
        got = summary["base_case"]["survival"]["strategies"][s]["median_os_years"]
        assert got == pytest.approx(crossing(years, curves[s].os))
        k = int(np.argmax(curves[s].os <= 0.5))
        assert years[k - 1] <= got <= years[k]


def test_html_has_no_negative_icer_and_no_unformatted_numbers(html):
    body = re.sub(r'src="data:[^"]+"', "", html)
    assert not re.search(r"-[\d,.]+ (per QALY|saved per|/QALY)", body)
    assert "per QALY gained" in body
    # every large number has thousands separators; identifiers (the seed setting of full_model) are plain digits
    assert not re.search(r">(?!20241126<)\d{5,}(\.\d+)?<", body)
    assert ">2,024<" not in body and ">2024<" in body  # the price year


# ------------------------------------------------------------------------------------ results.xlsx


def test_xlsx_key_results_equal_summary(workbook, summary):
    ws = workbook["KeyResults"]
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert header[:4] == ["Strategy", "Costs (EUR, 2024 prices)", "QALYs", "Life-years"]
    base = summary["scenarios"]["base case"]
    versus = {r["strategy"]: r for r in base["versus_comparator"]}
    status = {r["strategy"]: r["status"] for r in base["incremental"]}
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert list(rows) == list(base["strategies"])
    icer_col = next(i for i, h in enumerate(header) if h.startswith("ICER vs"))
    for s, v in base["strategies"].items():
        # Excel keeps 15 significant digits
        assert rows[s][1:4] == pytest.approx((v["costs"], v["qalys"], v["lys"]), rel=1e-14)
        if s in versus:
            assert rows[s][4:6] == pytest.approx(
                (versus[s]["incremental_cost"], versus[s]["incremental_effect"]), rel=1e-14
            )
            assert rows[s][icer_col] == pytest.approx(versus[s]["icer"], rel=1e-14)
            assert rows[s][icer_col + 1] == versus_text(versus[s]["description"], status[s])
    assert ws.cell(4, 2).number_format == "#,##0" and ws.cell(4, 3).number_format == "#,##0.000"


def test_xlsx_parameter_values_show_the_digits_of_the_report(workbook, summary):
    """Inputs and Thresholds sheets: a parameter value (full precision stored) shows the decimals
    of its six significant digits with thousands separators, never Excel's General format."""
    inputs = {r[0].value: r[1] for r in workbook["Inputs"].iter_rows(min_row=4)}
    expected = {  # tests.models.full_model: 0.05, 3000, 20000, 0.8 (six significant digits, zeros dropped)
        "p_prog": "#,##0.00",
        "c_drug": "#,##0",
        "c_admission": "#,##0",
        "u_pf": "#,##0.0",
    }
    for name, number_format in expected.items():
        assert inputs[name].number_format == number_format, name
    ws = workbook["Thresholds"]
    header = [c.value for c in ws[3]]
    (t,) = summary["thresholds"]
    row = list(ws[4])
    base, value = row[header.index("Base value")], row[header.index("Threshold value")]
    assert base.value == t["base"] and value.value == pytest.approx(t["value"], rel=1e-15)
    # six significant digits of the threshold: as many decimals as 6 - 1 - floor(log10 |value|)
    decimals = max(0, 5 - math.floor(math.log10(abs(t["value"]))))
    shown = f"{t['value']:.{decimals}f}".rstrip("0").rstrip(".")
    places = len(shown.split(".")[1]) if "." in shown else 0
    assert value.number_format == "#,##0" + ("." + "0" * places if places else "")
    assert "General" not in (base.number_format, value.number_format)


def test_xlsx_has_a_sheet_for_every_table_and_the_figures(workbook, html, summary):
    sheets = re.findall(r'<table[^>]* data-sheet="([^"]+)"', html)
    assert len(sheets) == html.count("<table") > 20
    assert set(sheets) <= set(workbook.sheetnames)
    for sheet in (
        "KeyResults",
        "Trace",
        "PSA",
        "PSAIncremental",
        "Inputs",
        "RunInfo",
        "Figures",
        "DSA",
        "ScenarioAnalysis",
        "Landmarks",
        "ModelSurvival",
        "States",
        "Transitions",
        "BurdenBaseCase",
    ):
        assert sheet in workbook.sheetnames, sheet
    for name in workbook.sheetnames:
        if name != "Figures":
            ws = workbook[name]
            assert ws.freeze_panes == "A4", name
            assert all(c.font.bold for c in ws[3] if c.value is not None), name
    images = workbook["Figures"]._images
    assert len(images) == html.count("<img ")
    for img in images:
        assert Image.open(io.BytesIO(img._data())).size[0] > 100
    # PSA summary numbers equal summary.json
    psa = workbook["PSA"]
    header = [c.value for c in psa[3]]
    row = next(r for r in psa.iter_rows(min_row=4, values_only=True) if r[0] == "Standard care")
    entry = summary["psa"]["strategies"]["Standard care"]
    assert row[header.index("Costs (EUR, 2024 prices) mean")] == pytest.approx(entry["costs"]["mean"], rel=1e-14)
    assert row[header.index("QALYs 97.5%")] == pytest.approx(entry["qalys"]["high"], rel=1e-14)
    trace = workbook["Trace"]
    assert trace.max_row == 3 + 3 * 181
    assert all(abs(sum(r[3:]) - 1) < 1e-12 for r in trace.iter_rows(min_row=4, values_only=True))


def test_summary_json_keeps_its_contract(summary):
    for key in ("scenario_analysis", "net_benefit", "burden", "thresholds", "dsa", "psa", "base_case"):
        assert key in summary
    assert list(summary["scenarios"]) == ["base case", "Cheaper product", "No discounting"]


# ------------------------------------------------------------------------------------ conventions


def test_labelled_assumptions():
    topics, limitations, others = labelled_assumptions(
        (
            "Population: adults.",
            "perspective : societal",
            "Limitation: short follow-up.",
            "Plain assumption.",
            "Utilities: from a trial.",
        )
    )
    assert topics == {"Population": ["adults."], "Perspective": ["societal"]}
    assert limitations == ["short follow-up."]
    assert others == ["Plain assumption.", "Utilities: from a trial."]


def test_perspective_from_the_description():
    spec = dataclasses.replace(full_model(), assumptions=(), description="A model, societal perspective.")

    class R:
        pass

    r = R()
    r.spec = spec
    assert perspective(r) == ("Societal", "model description")
    r.spec = dataclasses.replace(spec, description="")
    assert perspective(r) == ("", "")


# ------------------------------------------------------------------------------------ figures


def test_state_categories_follow_the_flag_priority():
    cats = state_categories(full_model())
    assert cats == {
        "Admission": "hospitalised",
        "OnTx": "on_treatment",
        "Remission": "treatment_free",
        "Progressed": "progressed",
        "Dead": "dead",
    }


def test_timeline_shares_sum_to_one(full_report):
    result = full_report[1]
    cycles, axis = timeline_window(result.spec)
    assert cycles == 24 and axis.unit == "months"
    for s in STRATEGIES:
        shares = category_shares(result.base.results["trace"], result.spec, s)
        np.testing.assert_allclose(sum(shares.values()), 1.0, atol=1e-12)
    one_off = category_shares(result.base.results["trace"], result.spec, "One-off therapy")
    assert one_off["hospitalised"][0] == pytest.approx(1.0) and one_off["treatment_free"][3] > 0.5


def test_state_diagram_of_the_rrmm_model(rrmm_spec):
    spec = rrmm_spec
    lay = layout(spec)
    names = [s.name for s in spec.states]
    assert set(lay.x) == set(names) and set(names) <= set(lay.layer)
    pairs = edges(spec)
    assert len(pairs) == len(set(pairs))  # strategy rows collapse
    assert lay.dead == "Dead" and len(lay.elided) >= ELIDE_DEAD_FROM  # arrows into Dead are left out
    for a, b in lay.short + lay.long:
        assert lay.layer[b] > lay.layer[a]
    for a, b in lay.back:
        assert (a, b) in pairs
    by_layer: dict[int, list[float]] = {}
    for n in names:
        by_layer.setdefault(lay.layer[n], []).append(lay.x[n])
    for xs in by_layer.values():  # boxes of one row never overlap
        xs.sort()
        assert all(b - a >= 1.0 for a, b in zip(xs, xs[1:]))
    png, note = state_diagram_png(spec)
    assert png.startswith(b"\x89PNG") and "can also move to Dead" in note
    width, height = Image.open(io.BytesIO(png)).size
    assert 700 <= width <= 1600 and height < 2000
