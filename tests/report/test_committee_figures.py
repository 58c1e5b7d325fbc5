"""Figures a committee expects: the trace over the whole horizon with a colour per state, the
tornado labelled with descriptions and units, net monetary benefit against willingness to pay."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hecon.analysis.dsa_summary import TornadoRow
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.report.charts import tornado_label
from hecon.report.decision import net_benefit_section
from hecon.report.figures import state_styles
from hecon.report.sections import base_case_section
from hecon.report.style import STATE_COLOURS
from tests.models import full_model


@pytest.fixture(scope="module")
def results():
    return summarise_run(run_analysis(full_model(), seed=5, progress=False))


def _row(description: str, unit: str) -> TornadoRow:
    return TornadoRow(
        "tec_price_per_mg", unit, description, 70.0, 35.0, 80.0, "dsa", None, None, "", "", 0, 0, 0, 0, -1.0, 1.0, 2.0
    )


def test_tornado_is_labelled_with_description_range_and_unit():
    assert tornado_label(_row("Teclistamab price per mg", "EUR per mg")) == (
        "Teclistamab price per mg\n35 to 80 EUR per mg"
    )
    assert tornado_label(_row("", "")) == "tec_price_per_mg\n35 to 80"  # no description: the name


def test_trace_spans_the_whole_horizon_with_a_colour_per_state(results):
    spec = results.spec
    section = base_case_section(results)
    trace = next(f for f in section.figures if f.title.lower().startswith(("markov trace", "state occupancy")))
    assert f"over the whole time horizon ({spec.settings.horizon_years:g} years)" in trace.caption
    assert "sub-states of a tunnel state are summed" in trace.caption
    colours = [c for c, _ in state_styles(spec).values()]
    assert len(set(colours)) == min(len(spec.states), len(STATE_COLOURS))
    Image.open(io.BytesIO(trace.png)).verify()


def test_net_monetary_benefit_against_willingness_to_pay(results):
    section = net_benefit_section(results)
    (figure,) = section.figures
    assert figure.title == "Net monetary benefit against willingness to pay"
    assert "where two lines cross, the optimum changes" in figure.caption
    Image.open(io.BytesIO(figure.png)).verify()


def test_tornado_text_lies_inside_the_canvas_for_the_examples_longest_description(rrmm_spec):
    """Descriptions used to be cut at the left edge and the axis label at the right ("per QA"):
    every label, tick label and the legend are drawn within the figure."""
    from hecon.report.charts import tornado_figure
    from hecon.report.style import style

    longest = max((p for p in rrmm_spec.parameters if p.description), key=lambda p: len(p.description))
    assert len(longest.description) > 60  # a description that must wrap
    rows = [
        TornadoRow(
            longest.name,
            "EUR per administration",
            longest.description,
            70.0,
            35.0,
            80.0,
            "dsa",
            None,
            None,
            "",
            "",
            0,
            0,
            0,
            0,
            -1.2e6 * k,
            9.0e5 * k,
            2.1e6 * k,
        )
        for k in (1.0, 0.5, 0.25)
    ]
    with style():
        fig = tornado_figure(
            rows, "Annual CAR-T re-dosing", "Weekly bispecific", 80000.0, 3.0e5, "EUR", price_year=2024
        )
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        lo, hi = ax.get_xlim()
        shown = [label for x, label in zip(ax.get_xticks(), ax.get_xticklabels()) if lo <= x <= hi]
        texts = [*ax.get_yticklabels(), *shown, ax.xaxis.label, *fig.legends[0].get_texts()]
        canvas = fig.bbox
        for t in texts:
            if not t.get_text():
                continue
            box = t.get_window_extent(renderer)
            assert box.x0 >= canvas.x0 - 0.5 and box.x1 <= canvas.x1 + 0.5, (t.get_text(), box, canvas)
            assert box.y0 >= canvas.y0 - 0.5 and box.y1 <= canvas.y1 + 0.5, (t.get_text(), box, canvas)
        assert "QALY" in ax.xaxis.label.get_text().replace("\n", " ")
        assert any(longest.description.split()[0] in t.get_text() for t in ax.get_yticklabels())
