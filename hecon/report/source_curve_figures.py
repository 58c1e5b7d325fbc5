"""The modelled-versus-source survival figure: one panel per published survival curve.

Each panel (:class:`hecon.analysis.source_curves.SourceCurve`) shows the model's curve of the
patients the source describes, the published points and medians with their 95% CIs, and, where
the points give the number of patients, the Kaplan–Meier curve of the patients reconstructed
from them (a step curve), or, when the source gives a single value, the exponential curve through
it (dashed, never called Kaplan–Meier). Times are in months since the source's time zero. Layout only: every number drawn is
a field of the curve.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import MultipleLocator, PercentFormatter

from hecon.analysis.landmarks import LIKE_FOR_LIKE
from hecon.analysis.source_curves import ONE_POINT, SEVERAL_POINTS, SourceCurve
from hecon.report.figures import MONTHS, draw_landmark, time_axis
from hecon.report.style import BASE_FONT, new_figure, plain, png, strategy_colour, style

__all__ = [
    "ENDPOINT_WORDS",
    "EXPONENTIAL_LABEL",
    "KM_LABEL",
    "curve_title",
    "draw_source_curves",
    "model_label",
    "panel_end_years",
    "panel_title",
    "source_curves_png",
]

ENDPOINT_WORDS = {
    "PFS": "progression-free survival",
    "OS": "overall survival",
    "TTD": "time to treatment discontinuation",
}
#: A panel shows this much beyond the last published time (at most the model's curve).
MARGIN = 1.25
KM_COLOUR = "#555555"
KM_LABEL = "Kaplan–Meier of patients reconstructed from the published points"
EXPONENTIAL_LABEL = "exponential through the single published {what} (not trial data)"
EXPONENTIAL_DASH = (0, (4, 2))
TITLE_WIDTH = 52
"""Characters per title line."""


def curve_title(curve: SourceCurve) -> str:
    """The panel's title in words, e.g. "One-time CAR-T: overall survival"."""
    return f"{curve.strategy}: {ENDPOINT_WORDS[curve.endpoint]}"


def model_label(curve: SourceCurve) -> str:
    """Whose curve the model's line is, in words."""
    if curve.endpoint == "TTD":
        who = "whole cohort" if not curve.states else "these patients"
        return f"model: {who} on the first treatment (progression-free)"
    if not curve.states:
        return "model: whole cohort from model start"
    named = ", ".join(curve.states)
    if len(named) > 60:
        named = f"{len(curve.states)} states"
    return f"model: patients in {named}, from when first there"


def panel_title(curve: SourceCurve) -> str:
    """The panel's title: the curve in words, the source's population and the model's."""
    lines = [curve_title(curve)]
    if curve.population:
        lines.append(textwrap.shorten("source: " + curve.population, TITLE_WIDTH, placeholder="…"))
    lines.append(textwrap.shorten(model_label(curve), TITLE_WIDTH, placeholder="…"))
    return "\n".join(lines)


def panel_end_years(curve: SourceCurve) -> float:
    """The panel's time window [years]: :data:`MARGIN` × the last published time, rounded up to
    a multiple of 6 months, at most the model's curve."""
    end = max(curve.end_years * MARGIN, 0.5)
    end = math.ceil(end * MONTHS / 6.0) * 6.0 / MONTHS
    return min(end, float(curve.years[-1])) if curve.years.size else end


def _panel(ax: Any, curve: SourceCurve, colour: str) -> None:
    end = panel_end_years(curve)
    axis = time_axis(end)
    ax.plot(curve.years * axis.per_year, curve.model, color=colour, linewidth=2.0)
    if curve.km_basis == ONE_POINT:  # the exponential through one value: a dashed line, not a step curve
        ax.plot(curve.km_years * axis.per_year, curve.km, color=KM_COLOUR, linewidth=1.0, linestyle=EXPONENTIAL_DASH)
    elif curve.km_years.size:
        ax.step(
            curve.km_years * axis.per_year,
            curve.km,
            where="post",
            color=KM_COLOUR,
            linewidth=1.0,
        )
    for lm in curve.marks:
        draw_landmark(ax, lm, axis.per_year, colour, filled=curve.comparison.startswith(LIKE_FOR_LIKE))
    ax.set_title(plain(panel_title(curve)), loc="left", fontsize=BASE_FONT)
    ax.set_xlim(0, end * axis.per_year)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_locator(MultipleLocator(axis.step))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Time since the source's start ({axis.unit})")
    ax.set_ylabel("Share of the patients")


def _legend(fig: MplFigure, curves: Sequence[SourceCurve]) -> None:
    """One legend under the panels, in neutral colours (each panel is in its strategy's colour)."""
    grey = "#333333"
    handles = [
        Line2D([], [], color=grey, linewidth=2.0),
        Line2D([], [], marker="o", markerfacecolor=grey, markeredgecolor=grey, linestyle="none"),
        Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor=grey, markeredgewidth=2, linestyle="none"),
    ]
    labels = [
        "model (base case)",
        "published point, bar: 95% CI (filled: like for like)",
        "published median, bar: 95% CI",
    ]
    bases = {c.km_basis for c in curves if c.km_years.size}
    if SEVERAL_POINTS in bases:
        handles.append(Line2D([], [], color=KM_COLOUR, linewidth=1.0, drawstyle="steps-post"))
        labels.append(KM_LABEL)
    if ONE_POINT in bases:
        handles.append(Line2D([], [], color=KM_COLOUR, linewidth=1.0, linestyle=EXPONENTIAL_DASH))
        medians = all(c.marks[0].median for c in curves if c.km_basis == ONE_POINT)
        labels.append(EXPONENTIAL_LABEL.format(what="median" if medians else "value"))
    fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 0.0), fontsize=BASE_FONT)


def draw_source_curves(
    fig: MplFigure, curves: Sequence[SourceCurve], colour_index: Mapping[str, int] | None = None
) -> list[Any]:
    """Draw one panel per curve on ``fig``, two columns; returns the axes in the order of ``curves``."""
    colour_index = colour_index or {s: i for i, s in enumerate(dict.fromkeys(c.strategy for c in curves))}
    cols = 2 if len(curves) > 1 else 1
    rows = math.ceil(len(curves) / cols)
    axes = fig.subplots(rows, cols, squeeze=False)
    for i, curve in enumerate(curves):
        _panel(axes[i // cols][i % cols], curve, strategy_colour(colour_index.get(curve.strategy, 0)))
    for j in range(len(curves), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    _legend(fig, curves)
    return [axes[i // cols][i % cols] for i in range(len(curves))]


def source_curves_png(curves: Sequence[SourceCurve], colour_index: Mapping[str, int] | None = None) -> bytes:
    """The figure as PNG bytes (:func:`draw_source_curves`)."""
    rows = math.ceil(len(curves) / 2)
    with style():
        height = 3.9 * rows + 0.9
        fig = new_figure(10.0 if len(curves) > 1 else 6.0, height)
        draw_source_curves(fig, curves, colour_index)
        fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.75 / height, bottom=1.3 / height, wspace=0.22, hspace=0.85)
        return png(fig)
