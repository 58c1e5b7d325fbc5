"""Figures of the model and its base case: survival (PFS and OS) with source landmarks, Markov
trace, treatment timeline, cost breakdown and the deterministic cost-effectiveness frontier.

Every function draws numbers of the analysis result (:mod:`hecon.analysis.results`: curves,
shares, totals) and returns PNG bytes in the report style (:mod:`hecon.report.style`); what is
computed here is layout only (time windows, axis units and ticks, scales). Nothing here reads
a file or knows a particular disease.
"""

from __future__ import annotations

import base64
import math
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter

from hecon.analysis.landmarks import LIKE_FOR_LIKE, Landmark
from hecon.analysis.model_survival import SurvivalCurve, os_below, time_unit
from hecon.analysis.summary import FrontierRow, StrategyResult
from hecon.model.spec import DAYS_PER_YEAR, ModelSpec, State
from hecon.report.numbers import fixed, percent, quantity, tick
from hecon.report.style import (
    BASE_FONT,
    CATEGORIES,
    OTHER_GREY,
    STATE_COLOURS,
    TOL_MUTED,
    fit_title,
    legend_below,
    new_figure,
    plain,
    png,
    strategy_colour,
    strategy_dash,
    style,
)

#: Months per year, for time axes in months.
MONTHS = 12.0
TIMELINE_YEARS = 2.0
"""Window of the treatment timeline [years] (at least 8 cycles)."""


@dataclass(frozen=True)
class Figure:
    """A figure for the report: ``png`` bytes, a title, a caption and alternative text for
    screen readers (plain text; the HTML writer escapes them)."""

    title: str
    png: bytes
    caption: str = ""
    alt: str = ""

    @property
    def base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the PNG [pixels], from its IHDR chunk."""
        if self.png[:8] != b"\x89PNG\r\n\x1a\n" or len(self.png) < 24:
            return (0, 0)
        return int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")

    @property
    def smallest_text_pt(self) -> float | None:
        """Size of the figure's smallest text [points, at the figure's own size; recorded when it
        was drawn, :func:`hecon.report.style.png`]; None when not recorded."""
        from hecon.report.style import SMALLEST_TEXT_KEY, png_text

        value = png_text(self.png, SMALLEST_TEXT_KEY)
        return float(value) if value is not None else None

    @property
    def display_width(self) -> int:
        """Width to show the figure at in report.html [CSS pixels]: its size at 96 dpi, so that
        text in the figure appears at its point size."""
        from hecon.report.style import DPI

        return round(self.size[0] * 96 / DPI)


# --------------------------------------------------------------------------------------
# time axes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeAxis:
    """How a time axis is drawn: ``per_year`` units per year, ``unit`` their name."""

    per_year: float
    unit: str
    step: float

    @property
    def label(self) -> str:
        return f"Time since start ({self.unit})"


def time_axis(end_years: float) -> TimeAxis:
    """Months for windows up to 10 years, years beyond (:func:`hecon.analysis.model_survival.time_unit`;
    ticks at round numbers)."""
    unit, per_year = time_unit(end_years)
    if unit == "months":
        months = end_years * per_year
        step = next(s for s in (1, 2, 3, 6, 12, 24) if months / s <= 12)
        return TimeAxis(per_year, unit, step)
    step = next(s for s in (1, 2, 5, 10, 20, 50) if end_years / s <= 12)
    return TimeAxis(per_year, unit, step)


def _nice_end(years: float, horizon: float) -> float:
    """``years`` rounded up to a round number of months or years, at most the horizon."""
    if years >= horizon:
        return horizon
    if years <= 10.0:
        step = 6.0 if years * MONTHS <= 60 else 12.0
        return min(horizon, math.ceil(years * MONTHS / step) * step / MONTHS)
    return min(horizon, math.ceil(years / 5.0) * 5.0)


#: The survival figure ends when every strategy's OS is below this share (or at the horizon).
OS_END = 0.02


def survival_window(curves: Mapping[str, SurvivalCurve], years: np.ndarray, level: float = OS_END) -> float:
    """Time [years] by which every strategy's OS has fallen below ``level`` (the horizon if
    it never does), rounded up to a round number."""
    horizon = float(years[-1]) if len(years) else 1.0
    return _nice_end(os_below(curves, years, level), horizon)


def survival_windows(end: float) -> list[tuple[float, TimeAxis]]:
    """The time windows the survival figure shows: the whole window, and first the first five
    years in months when the whole window is longer than ten years (so that short curves and
    source landmarks stay readable beside a long extrapolation)."""
    if end > 10.0:
        return [(5.0, time_axis(5.0)), (end, time_axis(end))]
    return [(end, time_axis(end))]


def survival_png(
    curves: Mapping[str, SurvivalCurve],
    years: np.ndarray,
    strategies: Sequence[str],
    landmarks: Sequence[Landmark] = (),
    colour_index: dict[str, int] | None = None,
) -> bytes:
    """PFS and OS of every strategy against time, published points and medians with their 95%
    CIs (:func:`draw_landmark`); a row per time window (:func:`survival_windows`)."""
    colour_index = colour_index or {s: i for i, s in enumerate(strategies)}
    windows = survival_windows(survival_window(curves, years))
    whole = (
        "whole horizon"
        if len(years) and windows[-1][0] >= float(years[-1])
        else f"until every OS is below {percent(OS_END, 0)}"
    )
    has_pfs = any(c.pfs is not None for c in curves.values())
    panels = ["PFS", "OS"] if has_pfs else ["OS"]
    titles = {"PFS": "Progression-free survival", "OS": "Overall survival"}
    with style():
        height = 3.2 * len(windows) + 1.0
        fig = new_figure(10.0 if has_pfs else 6.5, height)
        axes = fig.subplots(len(windows), len(panels), sharey=True, squeeze=False)
        fig.subplots_adjust(
            left=0.08 if has_pfs else 0.12,
            right=0.98,
            top=1 - 0.35 / height,
            bottom=(1.15 if len(windows) > 1 else 1.1) / height,
            wspace=0.08,
            hspace=0.55,
        )
        drew_landmark = False
        for row, (end, axis) in zip(axes, windows):
            t = years * axis.per_year
            for ax, endpoint in zip(row, panels):
                for s in strategies:
                    y = curves[s].pfs if endpoint == "PFS" else curves[s].os
                    if y is None:
                        continue
                    i = colour_index[s]
                    ax.plot(t, y, color=strategy_colour(i), linestyle=strategy_dash(i), label=plain(s))
                for lm in landmarks:
                    if lm.endpoint == endpoint and not lm.problem and lm.years <= end and lm.strategy in strategies:
                        draw_landmark(ax, lm, axis.per_year, strategy_colour(colour_index[lm.strategy]))
                        drew_landmark = True
                window = (
                    f"first {quantity(end, 'years')}"
                    if len(windows) > 1 and end < windows[-1][0]
                    else (f"0–{quantity(end, 'years')}: {whole}" if len(windows) > 1 else "")
                )
                fit_title(ax, titles[endpoint] + (f" ({window})" if window else ""), loc="left")
                ax.set_xlim(0, end * axis.per_year)
                ax.set_ylim(0, 1.02)
                ax.xaxis.set_major_locator(MultipleLocator(axis.step))
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
                ax.set_xlabel(axis.label)
            row[0].set_ylabel("Share of the cohort")
        handles, labels = axes[0][0].get_legend_handles_labels()
        if drew_landmark:
            handles += [
                Line2D(
                    [],
                    [],
                    marker="o",
                    markerfacecolor="white",
                    markeredgecolor="#333333",
                    markeredgewidth=2,
                    linestyle="none",
                ),
                Line2D(
                    [],
                    [],
                    marker="D",
                    markerfacecolor="white",
                    markeredgecolor="#333333",
                    markeredgewidth=2,
                    linestyle="none",
                ),
            ]
            labels += ["published point (filled: like for like)", "published median"]
        legend_below(fig, handles, labels)
        return png(fig)


def draw_landmark(ax: Any, lm: Landmark, per_year: float, colour: str, filled: bool | None = None) -> None:
    """One published point in its strategy's colour: a circle with a vertical 95% CI, or a
    diamond at 50% with a horizontal CI for a median; filled when like for like with the curve
    drawn (``filled``; default: the point is like for like with the whole cohort), else open.
    A limit that is not given is not drawn."""
    scale = lm.in_unit(per_year)
    x = lm.time * scale
    if lm.median:
        low = x - lm.lower * scale if lm.lower is not None else 0.0
        high = lm.upper * scale - x if lm.upper is not None else 0.0
        bars = {"xerr": [[low], [high]]}
    else:
        low = lm.survival - lm.lower if lm.lower is not None else 0.0
        high = lm.upper - lm.survival if lm.upper is not None else 0.0
        bars = {"yerr": [[low], [high]]}
    ax.errorbar(
        [x],
        [lm.survival],
        **bars,
        marker="D" if lm.median else "o",
        markersize=7,
        markerfacecolor=colour if (lm.comparison == LIKE_FOR_LIKE if filled is None else filled) else "white",
        markeredgecolor=colour,
        markeredgewidth=2.0,
        ecolor=colour,
        elinewidth=1.2,
        capsize=3,
        linestyle="none",
        zorder=5,
    )


# --------------------------------------------------------------------------------------
# Markov trace
# --------------------------------------------------------------------------------------

_STATE_DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))


def state_styles(spec: ModelSpec, panels: Sequence[Collection[str]] | None = None) -> dict[str, tuple[str, Any]]:
    """(colour, line style) of every state, each pair a state's own. States drawn in the same panel
    (``panels``: the states each panel draws; default: every state in one) have distinct colours of
    :data:`~hecon.report.style.STATE_COLOURS` (a colour no state has yet first, in model order) as long as
    no panel draws more states than there are colours; states that share a colour (in different panels)
    differ by line style. Colours go to the states in most panels first."""
    groups = [set(p) for p in panels] if panels is not None else [{st.name for st in spec.states}]
    n = len(STATE_COLOURS)
    colour: dict[str, int] = {}
    # the states in most panels first (they have the most neighbours), in model order among equals
    for st in sorted(spec.states, key=lambda st: -sum(st.name in g for g in groups)):
        beside = [colour[o] for g in groups if st.name in g for o in g if o in colour]
        uses = list(colour.values())
        # a colour no state of its panels has (one no state has at all first), else the least shared one
        colour[st.name] = min(range(n), key=lambda c: (beside.count(c), uses.count(c) > 0, uses.count(c), c))
    styles = {}
    shared: dict[int, int] = {}
    for st in spec.states:
        c = colour[st.name]
        k = shared[c] = shared.get(c, -1) + 1
        styles[st.name] = (STATE_COLOURS[c], _STATE_DASHES[k % len(_STATE_DASHES)])
    return styles


#: Longest legend label of a state [characters]; a longer description is shortened at a word.
STATE_LABEL_CHARS = 44


def state_label(state: State) -> str:
    """A state as a reader names it: its description up to the first bracket, shortened to
    :data:`STATE_LABEL_CHARS` at a word boundary; its name when it has no description."""
    text = state.description.split(" (")[0].strip()
    return textwrap.shorten(text, STATE_LABEL_CHARS, placeholder=" …") if text else state.name


def trace_png(
    trace: xr.DataArray,
    spec: ModelSpec,
    strategies: Sequence[str],
    end_years: float | None = None,
    threshold: float = 0.005,
) -> bytes:
    """The figure of :func:`trace_figure` as PNG bytes."""
    with style():
        return png(trace_figure(trace, spec, strategies, end_years, threshold))


def trace_figure(
    trace: xr.DataArray,
    spec: ModelSpec,
    strategies: Sequence[str],
    end_years: float | None = None,
    threshold: float = 0.005,
) -> MplFigure:
    """Markov trace (``trace``: dims strategy, cycle, state, coordinate ``years``; the sub-states
    of a tunnel state already summed into their state) over the whole horizon unless
    ``end_years`` is given: one panel per strategy with a line per state that holds at least
    ``threshold`` of the cohort at some time, the states of a panel in distinct colours and each state in
    its own combination of colour and line style (:func:`state_styles`), labelled by :func:`state_label`; call inside
    :func:`~hecon.report.style.style`)."""
    years = np.asarray(trace["years"].values, dtype=float)
    end = end_years if end_years is not None else float(years[-1])
    axis = time_axis(end)
    panels = [[st.name for st in spec.states if _holds(trace, s, st.name, threshold)] for s in strategies]
    styles = state_styles(spec, panels)
    n = len(strategies)
    ncols = 1 if n == 1 else 2
    nrows = math.ceil(n / ncols)
    used: list[str] = [st.name for st in spec.states if any(st.name in p for p in panels)]
    order = [st for st in spec.states if st.name in used]
    labels = [plain(state_label(st)) for st in order]
    width = 10.0 if ncols == 2 else 6.5
    # as many columns as the longest label allows (DejaVu Sans: about 0.55 em per character)
    column_inches = max((len(x) for x in labels), default=0) * 0.55 * LEGEND_FONT / 72 + 0.6
    ncol = max(1, min(len(order), 5, int((width - 0.4) // column_inches)))
    legend_rows = math.ceil(len(order) / ncol)
    legend_height = 0.3 + LEGEND_ROW_INCHES * legend_rows  # one legend for every panel, below them
    height = 1.9 * nrows + 0.6 + legend_height
    fig = new_figure(width, height)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    t = years * axis.per_year
    for k, s in enumerate(strategies):
        ax = axes[k // ncols][k % ncols]
        one = trace.sel(strategy=s)
        for st in spec.states:
            y = np.asarray(one.sel(state=st.name).values, dtype=float)
            if y.max() < threshold:
                continue
            colour, dash = styles[st.name]
            ax.plot(t, y, color=colour, linestyle=dash, linewidth=1.6, label=plain(state_label(st)))
        ax.set_title(plain(s), loc="left")
        ax.set_xlim(0, end * axis.per_year)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_locator(MultipleLocator(axis.step))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(axis.label)
        ax.xaxis.set_tick_params(labelbottom=True)
    for row in axes:
        row[0].set_ylabel("Share of the cohort")
    handles = [Line2D([], [], color=styles[st.name][0], linestyle=styles[st.name][1], linewidth=2) for st in order]
    fig.subplots_adjust(
        left=0.08, right=0.98, top=1 - 0.3 / height, bottom=(legend_height + 0.55) / height, hspace=0.3, wspace=0.08
    )
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=ncol,
        fontsize=LEGEND_FONT,
        handlelength=2.6,
        columnspacing=1.2,
    )
    return fig


LEGEND_FONT = BASE_FONT + 1.0
"""The trace's legend, shared by its panels [points]."""
LEGEND_ROW_INCHES = 0.27
"""Height of a row of the trace's legend [inches]."""


def _holds(trace: xr.DataArray, strategy: str, state: str, threshold: float) -> bool:
    """Whether ``state`` holds at least ``threshold`` of the cohort at some time under ``strategy``."""
    return float(trace.sel(strategy=strategy, state=state).max()) >= threshold


# --------------------------------------------------------------------------------------
# treatment timeline
# --------------------------------------------------------------------------------------


def timeline_window(spec: ModelSpec) -> tuple[int, TimeAxis]:
    """Number of cycles shown by the treatment timeline (two years, at least 8 cycles, at most
    the horizon) and its time axis (weeks for cycles of a week or shorter, else months)."""
    settings = spec.settings
    cycles = max(8, int(round(TIMELINE_YEARS * DAYS_PER_YEAR / settings.cycle_length_days)))
    cycles = min(cycles, settings.n_cycles)
    years = cycles * settings.cycle_length_years
    if settings.cycle_length_days <= 7.0 and years <= 3.0:
        weeks = years * DAYS_PER_YEAR / 7.0
        step = next(s for s in (1, 2, 4, 13, 26, 52) if weeks / s <= 12)
        return cycles, TimeAxis(DAYS_PER_YEAR / 7.0, "weeks", step)
    return cycles, time_axis(years)


def timeline_png(
    timeline: Mapping[str, Mapping[str, np.ndarray]], years: np.ndarray, spec: ModelSpec, strategies: Sequence[str]
) -> bytes:
    """For each strategy, what the first two years look like: stacked shares of the cohort
    hospitalised, recovering, on treatment, treatment-free, progression-free otherwise,
    progressed and dead (``timeline``: strategy -> category -> share at each trace point of
    ``years``), cycle by cycle (each share held over its cycle)."""
    cycles, axis = timeline_window(spec)
    years = np.asarray(years, dtype=float)[: cycles + 1]
    t = years * axis.per_year
    n = len(strategies)
    used: list[str] = []
    with style():
        height = 1.25 * n + 1.3
        fig = new_figure(10.0, height)
        axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
        fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.3 / height, bottom=1.05 / height, hspace=0.55)
        for ax, s in zip(axes, strategies):
            shares = timeline[s]
            bottom = np.zeros(cycles + 1)
            for c, y in shares.items():
                y = y[: cycles + 1]
                if y.max() <= 0:
                    continue
                ax.fill_between(t, bottom, bottom + y, step="post", color=CATEGORIES[c][1], linewidth=0)
                bottom = bottom + y
                if c not in used:
                    used.append(c)
            ax.set_xlim(0, t[-1])
            ax.set_ylim(0, 1)
            ax.grid(False)
            ax.set_yticks([0, 0.5, 1])
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.tick_params(axis="y", labelsize=BASE_FONT)
            ax.set_title(plain(s), loc="left", fontsize=10, pad=3)
            ax.xaxis.set_major_locator(MultipleLocator(axis.step))
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        axes[-1].set_xlabel(axis.label)
        order = [c for c in CATEGORIES if c in used]
        handles = [Patch(facecolor=CATEGORIES[c][1], edgecolor="none") for c in order]
        fig.legend(
            handles,
            [CATEGORIES[c][0] for c in order],
            loc="lower center",
            ncol=min(len(order), 7),
            fontsize=BASE_FONT,
            handlelength=1.4,
            columnspacing=1.0,
        )
        return png(fig)


# --------------------------------------------------------------------------------------
# costs and the frontier
# --------------------------------------------------------------------------------------


def money_scale(values: Sequence[float]) -> tuple[float, str]:
    """(divisor, words) for a money axis: thousands when the values reach a million."""
    big = max((abs(float(v)) for v in values), default=0.0)
    return (1000.0, " thousands") if big >= 1e6 else (1.0, "")


def money_label(currency: str, price_year: int | None, scale_words: str = "") -> str:
    year = f", {price_year} prices" if price_year else ""
    return f"{currency}{scale_words}{year}"


def cost_breakdown_png(
    strategies: Mapping[str, StrategyResult],
    currency: str,
    price_year: int | None,
    top: int = 8,
) -> bytes:
    """Horizontal stacked bars of discounted costs by category per strategy (largest
    categories first; beyond ``top`` categories the rest is 'other'), total at the bar end."""
    names = list(strategies)
    breakdown = {s: strategies[s].cost_breakdown.discounted for s in names}
    cats = list(dict.fromkeys(c for s in names for c in breakdown[s]))
    totals = {c: sum(abs(breakdown[s].get(c, 0.0)) for s in names) for c in cats}
    cats = [c for c in sorted(cats, key=lambda c: -totals[c]) if totals[c] > 0]
    shown, rest = cats[:top], cats[top:]
    if len(rest) == 1:
        shown, rest = cats, []
    scale, words = money_scale([strategies[s].costs for s in names])
    with style():
        height = 0.55 * len(names) + 1.9
        fig = new_figure(10.0, height)
        ax = fig.add_subplot()
        legend_rows = math.ceil((len(shown) + bool(rest)) / 5)
        fig.subplots_adjust(left=0.2, right=0.9, top=1 - 0.2 / height, bottom=(0.75 + 0.25 * legend_rows) / height)
        y = np.arange(len(names))[::-1]
        left = np.zeros(len(names))
        ends = [left]  # every bar end, for axis limits that hold them (negative costs too)
        handles = []
        for k, c in enumerate(shown + (["other"] if rest else [])):
            values = (
                np.array(
                    [
                        sum(breakdown[s].get(x, 0.0) for x in rest) if c == "other" else breakdown[s].get(c, 0.0)
                        for s in names
                    ]
                )
                / scale
            )
            colour = OTHER_GREY if c == "other" else TOL_MUTED[k % len(TOL_MUTED)]
            ax.barh(y, values, left=left, color=colour, height=0.62, edgecolor="white", linewidth=0.6)
            label = c.replace("_", " ")
            handles.append(Patch(facecolor=colour, label=plain(label[:1].upper() + label[1:])))
            left = left + values
            ends.append(left)
        low, high = min(float(np.min(ends)), 0.0), max(float(np.max(ends)), 1e-9)
        for yi, s in zip(y, names):
            total = strategies[s].costs
            end = left[list(y).index(yi)]
            ax.text(  # after the bar's end; inside a bar that ends below 0, where the axis has no room
                end + 0.01 * (high - low),
                yi,
                fixed(total / scale),
                va="center",
                ha="left",
                fontsize=BASE_FONT,
                color="black" if end >= 0 else "white",
            )
        ax.set_yticks(y, [plain(s) for s in names])
        ax.set_xlabel(f"Discounted costs ({money_label(currency, price_year, words)})")
        ax.xaxis.set_major_formatter(FuncFormatter(tick(0)))
        ax.grid(axis="y", visible=False)
        ax.set_xlim(low - 0.02 * (high - low) * (low < 0), high + 0.12 * (high - low))
        if max(-low, high) >= 1e7:  # long tick labels: fewer of them, so that they do not overlap
            ax.xaxis.set_major_locator(MaxNLocator(4))
        fig.legend(
            handles=handles,
            loc="lower center",
            ncol=min(5, len(handles)),
            fontsize=BASE_FONT,
            handlelength=1.2,
            columnspacing=1.0,
        )
        return png(fig)


def frontier_png(
    rows: Sequence[FrontierRow], currency: str, price_year: int | None, colour_index: dict[str, int]
) -> bytes:
    """Deterministic cost-effectiveness plane: each strategy's discounted costs and QALYs,
    the efficiency frontier through the non-dominated ones (filled markers; dominated and
    extendedly dominated strategies hollow)."""
    scale, words = money_scale([r.cost for r in rows])
    with style():
        fig = new_figure(7.0, 4.3)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.14, right=0.97, top=0.95, bottom=0.13)
        on = sorted((r for r in rows if r.on_frontier), key=lambda r: r.effect)
        ax.plot(
            [r.effect for r in on],
            [r.cost / scale for r in on],
            color="#555555",
            linewidth=1.2,
            zorder=1,
            label="efficiency frontier",
        )
        for r in rows:
            i = colour_index.get(r.strategy, 0)
            filled = r.on_frontier
            ax.plot(
                [r.effect],
                [r.cost / scale],
                marker="o",
                markersize=9,
                linestyle="none",
                zorder=3,
                markerfacecolor=strategy_colour(i) if filled else "white",
                markeredgecolor=strategy_colour(i),
                markeredgewidth=2,
            )
            ax.annotate(
                plain(r.strategy + ("" if filled else f" ({r.status})")),
                (r.effect, r.cost / scale),
                xytext=(8, -3),
                textcoords="offset points",
                fontsize=9,
            )
        ax.set_xlabel("Discounted QALYs")
        ax.set_ylabel(f"Discounted costs ({money_label(currency, price_year, words)})")
        ax.yaxis.set_major_formatter(FuncFormatter(tick(0)))
        xs = [r.effect for r in rows]
        pad = 0.08 * (max(xs) - min(xs) or 1.0)
        ax.set_xlim(min(xs) - pad, max(xs) + 3.5 * pad)
        ax.legend(loc="upper left")
        _labels_inside(ax)
        return png(fig)


def _labels_inside(ax: Any) -> None:
    """Move a point's label that runs past the axes' right edge to the left of its point."""
    renderer = ax.figure.canvas.get_renderer()
    right = ax.get_window_extent(renderer).x1
    for label in ax.texts:
        if label.get_window_extent(renderer).x1 > right:
            label.set_horizontalalignment("right")
            label.set_position((-8, -3))
