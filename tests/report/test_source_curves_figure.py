"""The modelled-versus-source survival figure of the shipped example (issue 18): every published
survival curve has a panel, and the line drawn in each panel is the model's survival of the
patients the source describes, recomputed here from the base-case trace without the code under
test (sum of the named states' shares, divided by that sum at the first cycle they are occupied;
the whole cohort's alive or progression-free share when the points name no states)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from hecon.analysis.source_curves import ONE_POINT, SEVERAL_POINTS
from hecon.report import REPORT_HTML
from hecon.report.source_curve_figures import curve_title, draw_source_curves
from hecon.report.style import new_figure, style

MONTHS_PER_YEAR = 12.0
DAYS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


@pytest.fixture(scope="module")
def results(rrmm_report):
    return rrmm_report[1]


WORDS = {"PFS": "progression-free survival", "OS": "overall survival", "TTD": "time to treatment discontinuation"}


def _groups(spec):
    """(strategy, endpoint, population) of every published landmark or median (PFS, OS, TTD) of a modelled strategy."""
    names = {s.name for s in spec.strategies}
    return list(
        dict.fromkeys(
            (p.strategy, p.endpoint, p.population)
            for p in spec.survival_points
            if p.kind in ("survival", "median") and p.strategy in names
        )
    )


def _model_survival(results, strategy, endpoint, states, t_years):
    """The model's survival of the source's patients at ``t_years`` since their start, from the trace."""
    spec = results.spec
    trace = results.base_case.trace.sel(strategy=strategy)
    years = trace["years"].values
    if endpoint == "TTD":  # still on the first treatment: on treatment and progression-free
        on = [s.name for s in spec.states if {"on_treatment", "progression_free"} <= s.flags]
        return float(np.interp(t_years, years, trace.sel(state=on).sum("state").values))
    if states:
        members = list(states)
        counted = [s for s in members if "progression_free" in spec.state(s).flags] if endpoint == "PFS" else members
        alive = trace.sel(state=members).sum("state").values
        k = int(np.flatnonzero(alive > 0)[0])
        share = trace.sel(state=counted).sum("state").values[k:] / alive[k]
        return float(np.interp(t_years, years[k:] - years[k], share))
    if endpoint == "PFS":
        counted = [s.name for s in spec.states if "progression_free" in s.flags]
    else:
        counted = [s.name for s in spec.states if not s.is_dead]
    return float(np.interp(t_years, years, trace.sel(state=counted).sum("state").values))


def test_every_published_curve_has_a_panel(results):
    groups = _groups(results.spec)
    # PFS and OS of RWPC, one-time CAR-T and the weekly bispecific; the bispecific's TTD
    assert len(groups) == 7 and ("Weekly bispecific", "TTD") in [g[:2] for g in groups]
    drawn = [(c.strategy, c.endpoint, c.population) for c in results.base_case.sources]
    assert drawn == groups
    with style():
        fig = new_figure(10.0, 12.0)
        axes = draw_source_curves(fig, results.base_case.sources)
    titles = [ax.get_title(loc="left") for ax in axes if ax.get_visible()]
    for strategy, endpoint, _ in groups:
        assert sum(t.startswith(f"{strategy}: {WORDS[endpoint]}\n") for t in titles) == 1, (strategy, endpoint)


def test_the_bispecifics_modelled_ttd_has_the_published_median(results):
    """The discontinuation rate (p_disc_bsab) was derived from MajesTEC-1's median duration of
    treatment, 8.5 months: the drawn curve falls to 50% there (to a week: the step-up week and the
    switch to dosing every two weeks are modelled on top)."""
    (curve,) = [c for c in results.base_case.sources if c.endpoint == "TTD"]
    (median,) = [lm for lm in curve.marks if lm.median]
    assert median.time == 8.5 and median.time_unit == "months"
    k = int(np.flatnonzero(curve.model <= 0.5)[0])
    months = np.interp(0.5, curve.model[k : k - 2 : -1], curve.years[k : k - 2 : -1]) * MONTHS_PER_YEAR
    assert months == pytest.approx(8.5, abs=7 / DAYS["months"])


def test_plotted_model_curve_is_the_models_survival_of_the_sources_patients(results):
    curves = results.base_case.sources
    with style():
        fig = new_figure(10.0, 12.0)
        axes = draw_source_curves(fig, curves)
    checked = 0
    for ax, curve in zip(axes, curves):
        x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()  # the model's line, months
        assert ax.get_title(loc="left").startswith(curve_title(curve))
        assert "months" in ax.get_xlabel()
        for point in curve.marks:
            t_years = point.time * DAYS[point.time_unit] / 365.25
            if point.median:  # the model's curve passes 50% where the table says its median is
                continue
            expected = _model_survival(results, curve.strategy, curve.endpoint, curve.states, t_years)
            assert float(np.interp(t_years * MONTHS_PER_YEAR, x, y)) == pytest.approx(expected, abs=1e-12)
            checked += 1
        # and over the whole panel, not only at the published times
        for t in np.linspace(0.0, float(x[-1]) / MONTHS_PER_YEAR, 7):
            expected = _model_survival(results, curve.strategy, curve.endpoint, curve.states, t)
            assert float(np.interp(t * MONTHS_PER_YEAR, x, y)) == pytest.approx(expected, abs=1e-12)
    assert checked == 5  # CAR-T PFS at 12, 24, 60 months; OS at 12, 36 months


def test_like_for_like_values_in_the_landmarks_table_match_the_figure(results):
    """The Landmarks table's model values (summary.json) are the plotted curve's at the published times."""
    by_point = {c.point: c for c in results.base_case.survival.landmarks}
    for curve in results.base_case.sources:
        for point in curve.marks:
            if not point.median:
                assert by_point[point.point].model == pytest.approx(curve.model_at(point.years), abs=1e-12)


def test_reconstructed_km_passes_through_the_published_points(results):
    """Guyot's reconstruction reproduces the published landmarks it was built from (to 0.02)."""
    for curve in results.base_case.sources:
        assert curve.km_years.size, curve_title(curve)  # every curve of the example gives its number of patients
        assert curve.km[0] == 1.0
        for point in curve.marks:
            at = np.searchsorted(curve.km_years, point.years - 1e-9, side="right") - 1
            assert curve.km[at] == pytest.approx(point.survival, abs=0.02), (curve_title(curve), point.label)


def test_report_shows_the_figure_with_every_curve_named(results, rrmm_report):
    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    assert "Modelled and published survival, per curve" in page
    alts = re.findall(r'alt="([^"]*line charts of survival against months[^"]*)"', page)
    curves = results.base_case.sources
    assert len(alts) == -(-len(curves) // 6)  # a figure of six panels at most, to print on one page
    for curve in curves:
        assert sum(html.unescape(curve_title(curve)) in html.unescape(a) for a in alts) == 1


def test_a_single_published_median_is_drawn_as_an_exponential_never_as_kaplan_meier(results):
    """RWPC and the weekly bispecific publish one median per curve (the bispecific also for time to
    treatment discontinuation): the "reconstruction" is the
    exponential through it, S(t) = 2^(-t / median) (checked here at each drawn time, to the
    resolution of the reconstructed patients, 1/n), drawn dashed and named so in the legend;
    only CAR-T's several published points give a Kaplan–Meier step curve."""
    curves = results.base_case.sources
    one = [c for c in curves if c.km_basis == ONE_POINT]
    several = [c for c in curves if c.km_basis == SEVERAL_POINTS]
    assert sorted((c.strategy, c.endpoint) for c in one) == [
        ("RWPC", "OS"),
        ("RWPC", "PFS"),
        ("Weekly bispecific", "OS"),
        ("Weekly bispecific", "PFS"),
        ("Weekly bispecific", "TTD"),
    ]
    assert sorted((c.strategy, c.endpoint) for c in several) == [("One-time CAR-T", "OS"), ("One-time CAR-T", "PFS")]
    for c in one:
        (median,) = c.marks
        n = next(
            p.value
            for p in results.spec.survival_points
            if p.kind == "at_risk" and (p.strategy, p.endpoint) == (c.strategy, c.endpoint)
        )
        inside = c.km_years <= median.years * 2
        assert np.allclose(c.km[inside], 2.0 ** (-c.km_years[inside] / median.years), atol=2.0 / n)
    with style():
        fig = new_figure(10.0, 12.0)
        axes = draw_source_curves(fig, curves)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "exponential through the single published median (not trial data)" in legend
    assert "Kaplan–Meier of patients reconstructed from the published points" in legend
    for ax, c in zip(axes, curves):
        drawn = ax.lines[1]  # after the model's line
        if c.km_basis == ONE_POINT:
            assert drawn.get_drawstyle() == "default" and drawn.get_linestyle() == "--"
        else:
            assert drawn.get_drawstyle() == "steps-post" and drawn.get_linestyle() == "-"
