"""Figures a committee expects: the trace over the whole horizon with a colour per state, the
tornado labelled with descriptions and units, net monetary benefit against willingness to pay."""

from __future__ import annotations

import dataclasses
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
    return summarise_run(run_analysis(full_model(), seed=5, dsa=True, progress=False))


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


def _capture(monkeypatch, module, name, figure_function):
    """Replace ``module.name`` (a *_png function) by one that keeps the figure it draws."""
    from hecon.report.style import png, style

    drawn = []

    def draw(*args, **kwargs):
        with style():
            fig = figure_function(*args, **kwargs)
            drawn.append(fig)
            return png(fig)

    monkeypatch.setattr(module, name, draw)
    return drawn


def test_trace_figure_plots_every_state_over_the_whole_horizon_with_sub_states_summed(monkeypatch):
    """The hand-worked tunnel model of tests/engine/test_substate_trace.py (HAND, its first three
    annual cycles): Well, the three sub-states of Sick summed into one line, Dead; run over 40
    years (the figure used to stop at 20)."""
    import dataclasses

    import numpy as np

    from hecon.report import sections
    from hecon.report.figures import trace_figure
    from tests.engine.test_substate_trace import HAND, tunnel_model

    spec = tunnel_model()
    spec = dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, horizon_years=40.0))
    results = summarise_run(run_analysis(spec, progress=False))
    drawn = _capture(monkeypatch, sections, "trace_png", trace_figure)
    base_case_section(results)
    (fig,) = drawn
    (ax,) = [a for a in fig.axes if a.get_visible()]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["Well", "Sick", "Dead"]  # one line per state, not per sub-state
    expected = {"Well": HAND[:, 0], "Sick": HAND[:, 1:4].sum(axis=1), "Dead": HAND[:, 4]}
    for name, line in lines.items():
        assert len(line.get_ydata()) == 41  # every cycle
        np.testing.assert_allclose(line.get_ydata()[:4], expected[name], rtol=0, atol=1e-15)
    x = lines["Well"].get_xdata()
    per_year = x[1]  # the first cycle ends after one year
    assert x[0] == 0 and x[-1] == pytest.approx(40 * per_year)  # the whole horizon
    assert ax.get_xlim() == pytest.approx((0.0, 40 * per_year))
    assert len({line.get_color() for line in lines.values()}) == 3  # a colour per state


def test_tornado_figure_is_labelled_with_descriptions_and_units(results, monkeypatch):
    """The rendered tornado's labels (not only the label function): each bar's parameter by its
    description and unit, never its code name."""
    from hecon.report import decision
    from hecon.report.charts import tornado_figure
    from hecon.report.decision import dsa_section

    drawn = _capture(monkeypatch, decision, "tornado_png", tornado_figure)
    dsa_section(results)
    assert len(drawn) == len(results.dsa.tornado) > 0
    spec = results.spec
    for fig in drawn:
        labels = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
        assert labels
        for label in labels:
            p = next(p for p in spec.parameters if label.startswith(" ".join(p.description.split())))
            assert p.description and p.unit and label.endswith(p.unit), label
            assert not label.startswith(p.name + " ")


def test_net_monetary_benefit_against_willingness_to_pay(results):
    section = net_benefit_section(results)
    (figure,) = section.figures
    assert figure.title == "Net monetary benefit against willingness to pay"
    assert "where two lines cross, the optimum changes" in figure.caption
    Image.open(io.BytesIO(figure.png)).verify()


def test_net_benefit_curve_is_a_dense_exact_grid_over_the_decision_relevant_range(results):
    """The figure used to join the NMB at the settings' three values and stop at the last: the
    curve runs from 0 to twice the highest settings value, or 1.5 times the largest frontier ICER
    when that ICER is at most 2.5 times the highest settings value, through every frontier ICER
    inside, where the two neighbours on the frontier have equal net benefit."""
    curve = results.net_benefit.curve
    base = results.scenarios[results.base.name]
    frontier = [r for r in base.incremental if r.on_frontier]
    icers = [r.icer for r in frontier if r.icer is not None]
    assert icers  # the test model has a frontier with an ICER
    highest = max(results.spec.settings.wtp)
    top = max([2 * highest] + [1.5 * v for v in icers if v <= 2.5 * highest])
    assert curve.wtp[0] == 0.0 and curve.wtp[-1] == pytest.approx(top, rel=1e-12)
    assert len(curve.wtp) > 100 and list(curve.wtp) == sorted(set(curve.wtp))
    assert max(b - a for a, b in zip(curve.wtp, curve.wtp[1:])) <= top / 120 * (1 + 1e-12)
    assert dict(curve.beyond) == {r.strategy: r.icer for r in frontier if r.icer is not None and r.icer > top}
    for w in (*[v for v in icers if v <= top], *results.spec.settings.wtp):
        assert w in curve.wtp
    for s, v in base.strategies.items():
        for w, nmb in zip(curve.wtp, curve.nmb[s]):
            assert nmb == pytest.approx(w * v.qalys - v.costs, rel=1e-12, abs=1e-6)
    for before, row in zip(frontier, frontier[1:]):  # at the ICER the optimum changes: equal NMB
        if row.icer > top:
            continue
        i = curve.wtp.index(row.icer)
        assert curve.nmb[before.strategy][i] == pytest.approx(curve.nmb[row.strategy][i], rel=1e-9)


def _texts_inside_canvas(fig, texts) -> None:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    for t in texts:
        if not t.get_text() or not t.get_visible():
            continue
        box = t.get_window_extent(renderer)
        assert box.x0 >= canvas.x0 - 0.5 and box.x1 <= canvas.x1 + 0.5, (t.get_text(), box, canvas)
        assert box.y0 >= canvas.y0 - 0.5 and box.y1 <= canvas.y1 + 0.5, (t.get_text(), box, canvas)


def _shown_ticks(axis, lo_hi):
    lo, hi = lo_hi
    return [label for x, label in zip(axis.get_ticklocs(), axis.get_ticklabels()) if lo <= x <= hi]


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_net_benefit_figure_draws_the_curve_with_every_text_inside_the_canvas(results, scale):
    """The y label ("Net monetary benefit (EUR thousands, 2024 prices)") was cut at the left."""
    from hecon.report.charts import nmb_figure
    from hecon.report.style import style

    curve = results.net_benefit.curve
    nmb = {s: [v * scale for v in values] for s, values in curve.nmb.items()}
    with style():
        fig = nmb_figure(curve.wtp, nmb, "EUR", 20000.0, price_year=2024)
        ax = fig.axes[0]
        lines = [line for line in ax.get_lines() if line.get_label() in nmb]
        assert [line.get_label() for line in lines] == list(nmb)  # one line per strategy
        for line in lines:
            assert list(line.get_xdata()) == list(curve.wtp)
        assert ax.get_xlim() == (0.0, curve.wtp[-1])
        texts = [
            *_shown_ticks(ax.xaxis, ax.get_xlim()),
            *_shown_ticks(ax.yaxis, ax.get_ylim()),
            ax.xaxis.label,
            ax.yaxis.label,
            *fig.legends[0].get_texts(),
        ]
        _texts_inside_canvas(fig, texts)
        assert "Net monetary benefit" in ax.yaxis.label.get_text()
        assert ("thousands" in ax.yaxis.label.get_text()) == (scale > 1)


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


def test_every_state_of_the_example_has_its_own_colour_and_line_style_and_a_readable_label():
    """The RRMM example has 23 states, more than the palette's colours: each (colour, line style)
    pair is still its state's own, and the legend names states by their descriptions."""
    from hecon.examples.rrmm import rrmm_model
    from hecon.model.spec import State
    from hecon.report.figures import STATE_LABEL_CHARS, state_label

    spec = rrmm_model()
    styles = state_styles(spec)
    assert len(spec.states) > len(STATE_COLOURS)
    assert len(set(styles.values())) == len(spec.states)
    bridging = next(s for s in spec.states if s.name == "Bridging")
    assert state_label(bridging) == "Apheresis done; CAR-T manufacturing with …"  # cut at a word
    labels = {s.name: state_label(s) for s in spec.states}
    assert all(len(x) <= STATE_LABEL_CHARS for x in labels.values())
    assert all(s.description.startswith(labels[s.name].removesuffix(" …")) for s in spec.states)
    assert state_label(State("PD", description="Progressed (after CAR-T)")) == "Progressed"
    assert state_label(State("PD")) == "PD"  # no description: the name


def test_example_net_benefit_axis_ends_at_twice_the_highest_reference_value_and_names_what_lies_beyond(rrmm_report):
    """The example's frontier has two ICERs: One-time CAR-T versus the weekly bispecific (below EUR
    200,000) and CAR-T then bispecific versus one-time CAR-T (several hundred thousand); the highest
    Dutch reference value is EUR 80,000. By the rule: the axis ends at max(2 x 80,000, 1.5 x each
    frontier ICER up to 2.5 x 80,000 = 200,000), and the caption names the larger ICER as beyond it
    (the axis used to stretch to 1.5 x that ICER, over EUR 1 million). RWPC, the historical reference,
    is marked so in the legend and the caption."""
    from hecon.report.charts import REFERENCE_MARK, nmb_figure
    from hecon.report.decision import net_benefit_section
    from hecon.report.numbers import fixed
    from hecon.report.style import style

    results = rrmm_report[1]
    base = results.scenarios[results.base.name]
    icers = {r.strategy: r.icer for r in base.incremental if r.on_frontier and r.icer is not None}
    assert list(icers) == ["One-time CAR-T", "CAR-T then bispecific"]  # the premises of the hand calculation
    assert icers["One-time CAR-T"] <= 200_000 < icers["CAR-T then bispecific"]
    assert max(results.spec.settings.wtp) == 80_000
    end = max(160_000, 1.5 * icers["One-time CAR-T"])
    curve = results.net_benefit.curve
    assert curve.wtp[-1] == pytest.approx(end, rel=1e-12)
    assert dict(curve.beyond) == {"CAR-T then bispecific": icers["CAR-T then bispecific"]}
    assert curve.breakpoints == (icers["One-time CAR-T"],)
    (figure,) = net_benefit_section(results).figures
    caption = " ".join(figure.caption.split())
    assert f"from 0 to EUR {fixed(end)} per QALY gained" in caption
    assert (
        "Beyond the axis, not drawn: the frontier ICER of CAR-T then bispecific, "
        f"EUR {fixed(icers['CAR-T then bispecific'])} per QALY gained" in caption
    )
    assert f"RWPC, marked {REFERENCE_MARK}" in caption
    with style():
        fig = nmb_figure(curve.wtp, curve.nmb, "EUR", 80_000.0, references=results.spec.references)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[0] == f"RWPC {REFERENCE_MARK}" and all(REFERENCE_MARK not in t for t in legend[1:])


def test_the_examples_trace_has_one_legend_for_its_panels_inside_the_canvas(rrmm_spec, rrmm_base):
    """The 23 states' labels in a legend shared by the six panels, at least a point larger than the
    tick labels, every label within the figure (three columns of long labels used to run off it)."""
    from hecon.report.figures import trace_figure
    from hecon.report.style import BASE_FONT, style

    strategies = list(rrmm_base["strategy"].values)
    with style():
        fig = trace_figure(rrmm_base["trace"], rrmm_spec, strategies)
        assert len(fig.legends) == 1 and all(ax.get_legend() is None for ax in fig.axes)
        labels = fig.legends[0].get_texts()
        assert len(labels) >= 20 and min(t.get_fontsize() for t in labels) >= BASE_FONT + 1
        _texts_inside_canvas(fig, labels)


def test_a_model_of_many_states_shows_its_states_grouped_and_every_state_in_the_appendix(rrmm_spec):
    """The example's 23 states: the main part draws one box per treatment-burden category (the
    numbers of states add up to 23) with an arrow wherever a state of one category can move to a
    state of another (read off the Transitions here); the appendix draws every state."""
    from hecon.analysis.timeline import state_categories
    from hecon.report.diagram import grouped_spec

    grouped, members = grouped_spec(rrmm_spec)
    assert sum(len(m) for m in members.values()) == len(rrmm_spec.states) == 23
    assert [s.name for s in grouped.states] == list(members)
    group_of = {s: g for g, names in members.items() for s in names}
    cats = state_categories(rrmm_spec)
    assert all(len({cats[s] for s in names}) == 1 for names in members.values())
    crossing = {
        (group_of[t.from_state], group_of[t.to_state])
        for t in rrmm_spec.transitions
        if group_of[t.from_state] != group_of[t.to_state]
        and not (isinstance(t.probability, float) and t.probability == 0.0)
    }
    assert {(t.from_state, t.to_state) for t in grouped.transitions} == crossing
    section = structure_section_of(rrmm_spec)
    assert [f.title for f in section.blocks] == ["State diagram, states grouped"]
    assert section.detail is not None and [f.title for f in section.detail.blocks] == ["State diagram"]


def structure_section_of(spec):
    """The report's model-structure section of ``spec`` (it reads only the model)."""
    from types import SimpleNamespace

    from hecon.report.sections import structure_section

    return structure_section(SimpleNamespace(spec=spec))


def _tornado_rows(parameters) -> list[TornadoRow]:
    return [
        TornadoRow(
            p.name,
            str(p.unit),
            p.description,
            1.0,
            0.5,
            2.0,
            "dsa",
            None,
            None,
            "",
            "",
            0,
            0,
            0,
            0,
            -1e5 / k,
            2e5 / k,
            3e5 / k,
        )
        for k, p in enumerate(parameters, start=1)
    ]


def test_tornado_labels_never_overlap_and_lie_inside_the_figure(rrmm_spec):
    """The example's longest descriptions (the reviewer saw neighbouring labels run into each other): each
    label's box, as drawn, is clear of its neighbours' and inside the canvas; the figure grows with the
    number of bars (the same height per bar whatever their number)."""
    from hecon.report.charts import tornado_figure
    from hecon.report.style import style

    longest = sorted((p for p in rrmm_spec.parameters if p.description), key=lambda p: -len(p.description))[:15]
    assert len(longest[0].description) > 200  # a description of several lines
    per_bar = []
    for n in (3, 15):
        with style():
            fig = tornado_figure(_tornado_rows(longest[:n]), "A", "B", 80000.0, 5e4, "EUR", top=n)
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            ax = fig.axes[0]
            boxes = sorted((t.get_window_extent(renderer) for t in ax.get_yticklabels()), key=lambda b: b.y0)
            assert len(boxes) == n
            for below, above in zip(boxes, boxes[1:]):
                assert below.y1 <= above.y0, (n, below, above)
            canvas = fig.bbox
            for b in boxes:
                assert canvas.x0 <= b.x0 and b.x1 <= canvas.x1 and canvas.y0 <= b.y0 and b.y1 <= canvas.y1, (n, b)
            per_bar.append(ax.get_window_extent(renderer).height / fig.dpi / n)
    assert per_bar[0] == pytest.approx(per_bar[1], rel=1e-9)


def test_the_examples_trace_draws_the_states_of_each_panel_in_distinct_colours(rrmm_report):
    """The reviewer saw 22 states drawn in 11 colours and 2 dash styles: within one panel (one strategy)
    no two lines share a colour, and the shared legend names each state by a (colour, line style) pair
    of its own."""
    from hecon.report.figures import trace_figure
    from hecon.report.style import style

    _, results = rrmm_report
    with style():
        fig = trace_figure(results.base_case.trace, results.spec, results.strategies)
        fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(results.strategies)
    drawn = set()
    for ax in panels:
        lines = ax.get_lines()
        colours = [line.get_color() for line in lines]
        assert len(set(colours)) == len(colours), (ax.get_title(), colours)
        drawn |= {line.get_label() for line in lines}
    assert len(drawn) > len(STATE_COLOURS)  # more states than colours: some colours serve two panels
    legend = fig.legends[0]
    pairs = [(h.get_color(), h.get_linestyle()) for h in legend.legend_handles]
    assert len(pairs) == len(set(pairs)) == len(drawn)
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(drawn)


def test_states_in_one_panel_get_distinct_colours_and_beyond_the_palette_distinct_pairs():
    from hecon.model.spec import State
    from tests.models import two_state_model

    names = [f"S{k}" for k in range(len(STATE_COLOURS) + 4)]
    spec = dataclasses.replace(two_state_model(), states=tuple(State(n) for n in names))
    half = len(names) // 2
    styles = state_styles(spec, [names[:half], names[half:]])
    for panel in (names[:half], names[half:]):
        assert len({styles[n][0] for n in panel}) == len(panel)
    assert len(set(styles.values())) == len(names)
    crowded = state_styles(spec, [names])  # one panel with more states than colours: pairs stay distinct
    assert len({c for c, _ in crowded.values()}) == len(STATE_COLOURS)
    assert len(set(crowded.values())) == len(names)
