"""Figures of the decision analyses (tornado, CE plane, CEAC/CEAF, EVPI, EVPPI, convergence), drawn
in the report style (:mod:`hecon.report.style`). Every function draws numbers of the analysis
result (:mod:`hecon.analysis.dsa_summary`, :mod:`hecon.analysis.psa_summary`), never model
objects, and computes layout only; strategies keep their model colour through
``colour_index`` (strategy -> position in the model)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from hecon.analysis.budget_impact import BudgetImpact
from hecon.analysis.dsa_summary import TornadoRow
from hecon.analysis.evppi import EvppiSummary
from hecon.analysis.psa_summary import PsaCurves, PsaIncrement
from hecon.report.figures import money_label, money_scale
from hecon.report.numbers import fixed, money, significant, tick
from hecon.report.style import (
    BASE_FONT,
    legend_below,
    new_figure,
    plain,
    png,
    strategy_colour,
    strategy_dash,
    style,
)

LOW_COLOUR, HIGH_COLOUR = "#0072B2", "#E69F00"  # Okabe-Ito blue and orange
_WTP_DASHES = ((0, (5, 2)), (0, (2, 2)), (0, (6, 2, 1, 2)), (0, (1, 1)))


def _money_formatter() -> FuncFormatter:
    return FuncFormatter(tick(0))


def _index(colour_index: dict[str, int] | None, names: Sequence[str]) -> dict[str, int]:
    return colour_index if colour_index is not None else {s: i for i, s in enumerate(names)}


def _number(value: float) -> str:
    """A parameter value for a tornado label: 4 significant digits, thousands separators."""
    return significant(value, 4)


def tornado_label(row: TornadoRow) -> str:
    """What a tornado bar is, for a reader: the parameter's description (its name when it has
    none), then the range with its unit: ``Teclistamab price per mg\n35 to 80 EUR per mg``."""
    unit = f" {row.unit}" if row.unit else ""
    return f"{row.description or row.parameter}\n{_number(row.low)} to {_number(row.high)}{unit}"


def tornado_rows(rows: Sequence[TornadoRow], top: int) -> list[TornadoRow]:
    """The ``top`` rows with the largest swing, leaving out parameters that do not change the
    comparison at all (e.g. a cost that every strategy carries alike)."""
    rows = list(rows)
    biggest = max((r.swing for r in rows), default=0.0)
    return [r for r in rows if r.swing > 1e-9 * max(biggest, 1.0)][:top] or rows[:1]


def tornado_png(
    rows: Sequence[TornadoRow],
    strategy: str,
    comparator: str,
    wtp: float,
    base_inmb: float,
    currency: str,
    top: int = 15,
    price_year: int | None = None,
) -> bytes:
    """Horizontal bars of the incremental NMB at the low (blue) and high (orange) value of
    each parameter, largest swing on top, around the base-case INMB (black line); the dashed
    line is INMB = 0, where the ICER equals the willingness to pay (:func:`tornado_figure`)."""
    with style():
        return png(tornado_figure(rows, strategy, comparator, wtp, base_inmb, currency, top, price_year))


def tornado_figure(
    rows: Sequence[TornadoRow],
    strategy: str,
    comparator: str,
    wtp: float,
    base_inmb: float,
    currency: str,
    top: int = 15,
    price_year: int | None = None,
) -> MplFigure:
    """The figure of :func:`tornado_png` (call inside :func:`~hecon.report.style.style`): long
    descriptions wrapped, the left margin as wide as the widest label and the axis label wrapped
    to the figure, so that no text is cut at the canvas edges."""
    rows = tornado_rows(rows, top)
    values = [base_inmb] + [r.inmb_low for r in rows] + [r.inmb_high for r in rows]
    scale, words = money_scale(values)
    labels = [_wrapped_label(plain(tornado_label(r))) for r in rows]
    # every bar gets a slot as tall as the tallest label, so that no label reaches into its neighbour's
    slot = max(label.count("\n") + 1 for label in labels) * TORNADO_LINE_INCHES + TORNADO_GAP_INCHES
    height = max(slot * len(rows), 1.3) + TORNADO_TOP_INCHES + TORNADO_BOTTOM_INCHES
    fig = new_figure(10.0, height)
    fig.subplots_adjust(
        left=0.3, right=0.97, top=1 - TORNADO_TOP_INCHES / height, bottom=TORNADO_BOTTOM_INCHES / height
    )
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows):
        for value, colour in ((r.inmb_low, LOW_COLOUR), (r.inmb_high, HIGH_COLOUR)):
            ax.barh(yi, (value - base_inmb) / scale, left=base_inmb / scale, color=colour, height=0.62)
    ax.axvline(base_inmb / scale, color="#222222", linewidth=1.2)
    ax.axvline(0.0, color="#888888", linewidth=1.0, linestyle="--")
    ax.set_yticks(y, labels, fontsize=BASE_FONT, linespacing=1.15)
    ax.set_ylim(-0.5, len(rows) - 0.5)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(_money_formatter())
    handles = [
        Patch(color=LOW_COLOUR, label="low value"),
        Patch(color=HIGH_COLOUR, label="high value"),
        Line2D([], [], color="#222222", label="base case"),
        Line2D([], [], color="#888888", linestyle="--", label="INMB = 0 (ICER = WTP)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, bbox_to_anchor=(0.5, 0.0))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    left = _left_margin_for_tick_labels(fig, ax)
    xlabel = plain(
        f"Incremental net monetary benefit vs {comparator} ({money_label(currency, price_year, words)}) "
        f"at {money(wtp, currency)} per QALY"
    )
    ax.set_xlabel(xlabel)
    room = (0.97 - left) * fig.bbox.width  # the axes' width [px]: the label is centred under it
    width = ax.xaxis.label.get_window_extent(renderer).width
    if width > room:
        ax.set_xlabel(textwrap.fill(xlabel, max(int(len(xlabel) * room / width), 20)))
    return fig


TORNADO_LABEL_CHARS = 44
"""Width [characters] at which a tornado bar's description wraps."""
TORNADO_LABEL_LINES = 2
"""Lines of a tornado bar's description (and of its range) at most; a longer one is shortened at a
word (" …"; the one-way table has it whole)."""
TORNADO_LINE_INCHES = 10.0 * 1.15 * 1.2 / 72
"""Height of a line of a tornado label [inches]: 10-point text, line spacing 1.15, and the font's
line height (about 1.2 times its size in DejaVu Sans)."""
TORNADO_GAP_INCHES = 0.12
"""Space between the labels of neighbouring bars [inches]."""
TORNADO_TOP_INCHES, TORNADO_BOTTOM_INCHES = 0.15, 1.45
"""Margins above the bars and below them (tick labels, axis label in up to two lines, legend) [inches]."""


def _wrapped_label(label: str) -> str:
    """Each line of a tornado label wrapped at :data:`TORNADO_LABEL_CHARS` into at most
    :data:`TORNADO_LABEL_LINES` lines."""
    return "\n".join(
        textwrap.fill(line, TORNADO_LABEL_CHARS, max_lines=TORNADO_LABEL_LINES, placeholder=" …")
        for line in label.split("\n")
    )


#: How the net-benefit figure's legend marks a reference strategy (outside the decision).
REFERENCE_MARK = "(reference, not an option)"


def nmb_png(
    wtp: Sequence[float],
    nmb: Mapping[str, Sequence[float]],
    currency: str,
    reference: float | None = None,
    colour_index: dict[str, int] | None = None,
    price_year: int | None = None,
    references: Sequence[str] = (),
) -> bytes:
    """The figure of :func:`nmb_figure` as PNG bytes."""
    with style():
        return png(nmb_figure(wtp, nmb, currency, reference, colour_index, price_year, references))


def nmb_figure(
    wtp: Sequence[float],
    nmb: Mapping[str, Sequence[float]],
    currency: str,
    reference: float | None = None,
    colour_index: dict[str, int] | None = None,
    price_year: int | None = None,
    references: Sequence[str] = (),
) -> MplFigure:
    """Net monetary benefit of every strategy against the willingness to pay, drawn through the
    values on the grid ``wtp`` (:class:`hecon.analysis.decision.NetBenefitCurve`), with the
    headline WTP ``reference`` as a vertical line; where two lines cross the optimal strategy
    changes. The ``references`` (strategies outside the decision) are thin lines, their legend
    entries marked :data:`REFERENCE_MARK`. The left margin is as wide as the tick labels and the axis label, which wraps to
    the axes' height, so that no text is cut at the canvas edges (call inside
    :func:`~hecon.report.style.style`)."""
    x = np.asarray(wtp, dtype=float)
    colour_index = _index(colour_index, list(nmb))
    scale, words = money_scale([v for values in nmb.values() for v in values])
    fig = new_figure(7.0, 4.0)
    fig.subplots_adjust(left=0.13, right=0.96, top=0.96, bottom=0.27)
    ax = fig.add_subplot()
    for s, values in nmb.items():
        i = colour_index.get(s, 0)
        y = np.asarray(values, dtype=float) / scale
        outside = s in references
        label = plain(f"{s} {REFERENCE_MARK}" if outside else s)
        ax.plot(
            x, y, color=strategy_colour(i), linestyle=strategy_dash(i), linewidth=1.0 if outside else 2, label=label
        )
    if reference is not None:
        ax.axvline(reference, color="#555555", linewidth=1.0)
    ax.set_xlim(float(x.min()), float(x.max()))
    ax.xaxis.set_major_formatter(_money_formatter())
    ax.yaxis.set_major_formatter(_money_formatter())
    ax.set_xlabel(plain(f"Willingness to pay ({currency} per QALY gained)"))
    handles, labels = ax.get_legend_handles_labels()
    legend_below(fig, handles, labels)
    fit_ylabel(fig, ax, plain(f"Net monetary benefit ({money_label(currency, price_year, words)})"))
    return fig


def fit_ylabel(fig: MplFigure, ax: Axes, label: str) -> None:
    """Set ``ax``'s y label, wrapped to the axes' height, and widen the left margin until the
    tick labels and the label lie inside the canvas (with a 0.08-inch gap)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax.set_ylabel(label)
    room = ax.get_window_extent(renderer).height
    height = ax.yaxis.label.get_window_extent(renderer).height  # rotated: its length is its height
    if height > room:
        ax.set_ylabel(textwrap.fill(label, max(int(len(label) * room / height), 16)))
    drawn = ax.get_tightbbox(renderer)
    overflow = fig.bbox.x0 + 0.08 * fig.dpi - drawn.x0 if drawn is not None else 0.0
    if overflow > 0:
        left = fig.subplotpars.left + overflow / fig.bbox.width
        fig.subplots_adjust(left=min(left, 0.45))


def ce_plane_png(
    increments: Sequence[PsaIncrement],
    comparator: str,
    wtps: Sequence[float],
    currency: str,
    max_points: int = 5000,
    colour_index: dict[str, int] | None = None,
    price_year: int | None = None,
) -> bytes:
    """Scatter of incremental QALYs and costs of each strategy versus the comparator, one point per
    PSA sample (at most ``max_points`` per strategy, the first ones), the mean as a large
    outlined marker, and a line through the origin for each willingness to pay."""
    colour_index = _index(colour_index, [inc.strategy for inc in increments])
    all_c = np.concatenate([inc.d_cost[:max_points] for inc in increments]) if increments else np.zeros(1)
    scale, words = money_scale(all_c)
    with style():
        fig = new_figure(7.0, 4.7)
        fig.subplots_adjust(left=0.14, right=0.97, top=0.96, bottom=0.24)
        ax = fig.add_subplot()
        handles = []
        for inc in increments:
            i = colour_index.get(inc.strategy, 0)
            ax.scatter(
                inc.d_qalys[:max_points],
                inc.d_cost[:max_points] / scale,
                s=12,
                alpha=0.45,
                color=strategy_colour(i),
                linewidths=0,
            )
        for inc in increments:
            i = colour_index.get(inc.strategy, 0)
            ax.plot(
                [inc.incremental_qalys.mean],
                [inc.incremental_cost.mean / scale],
                marker="o",
                markersize=10,
                markerfacecolor=strategy_colour(i),
                markeredgecolor="black",
                markeredgewidth=1.5,
                linestyle="none",
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    color=strategy_colour(i),
                    linestyle="none",
                    markersize=7,
                    label=plain(inc.strategy),
                )
            )
        ax.axhline(0, color="#777777", linewidth=0.9)
        ax.axvline(0, color="#777777", linewidth=0.9)
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        xlim = (min(xlim[0], -0.05 * xlim[1]), max(xlim[1], 0.0))
        xs = np.array(xlim)
        for k, w in enumerate(sorted({float(w) for w in wtps})):
            dash = _WTP_DASHES[k % len(_WTP_DASHES)]
            ax.plot(xs, w * xs / scale, color="#444444", linewidth=1.0, linestyle=dash)
            handles.append(Line2D([], [], color="#444444", linestyle=dash, label=f"{money(w, currency)} per QALY"))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                linestyle="none",
                markersize=8,
                label="mean of the samples",
            )
        )
        ax.yaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel(plain(f"Incremental QALYs versus {comparator}"))
        ax.set_ylabel(plain(f"Incremental costs ({money_label(currency, price_year, words)})"))
        legend_below(fig, handles, [h.get_label() for h in handles])
        return png(fig)


def ceac_png(
    curves: PsaCurves,
    currency: str,
    reference: float | None = None,
    colour_index: dict[str, int] | None = None,
    wtps: Sequence[float] = (),
) -> bytes:
    """CEAC of every strategy and the CEAF (thick grey band: probability that the strategy
    with the highest expected NMB is cost-effective); vertical lines at the willingness-to-pay
    values of the settings, the headline one solid."""
    wtp = np.asarray(curves.wtp, dtype=float)
    colour_index = _index(colour_index, list(curves.ceac))
    with style():
        fig = new_figure(7.0, 4.2)
        fig.subplots_adjust(left=0.11, right=0.94, top=0.96, bottom=0.26)
        ax = fig.add_subplot()
        ax.plot(
            wtp,
            curves.ceaf_probability,
            color="#000000",
            linewidth=7,
            alpha=0.18,
            solid_capstyle="butt",
            label="acceptability frontier (CEAF)",
        )
        for s, values in curves.ceac.items():
            i = colour_index.get(s, 0)
            ax.plot(wtp, values, color=strategy_colour(i), linestyle=strategy_dash(i), linewidth=2, label=plain(s))
        for w in sorted({float(x) for x in wtps} | ({float(reference)} if reference is not None else set())):
            ax.axvline(w, color="#555555", linewidth=1.0, linestyle="-" if w == reference else ":")
        ax.set_ylim(-0.01, 1.01)
        ax.set_xlim(float(wtp[0]), float(wtp[-1]))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.xaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel(plain(f"Willingness to pay ({currency} per QALY gained)"))
        ax.set_ylabel("Probability cost-effective")
        handles, labels = ax.get_legend_handles_labels()
        legend_below(fig, handles, labels, max_columns=3)
        return png(fig)


def evpi_png(curves: PsaCurves, currency: str, wtps: Sequence[float] = (), population: bool = False) -> bytes:
    """Per-patient (or population) EVPI against willingness to pay, the settings' values marked."""
    w = np.asarray(curves.wtp, dtype=float)
    use_population = population and bool(curves.evpi_population)
    values = curves.evpi_population if use_population and curves.evpi_population else curves.evpi_per_patient
    v = np.asarray([np.nan if x is None else x for x in values], dtype=float)
    scale, words = money_scale(v[np.isfinite(v)] if np.isfinite(v).any() else [0.0])
    with style():
        fig = new_figure(8.0, 3.9)
        fig.subplots_adjust(left=0.13, right=0.94, top=0.95, bottom=0.15)
        ax = fig.add_subplot()
        ax.plot(w, v / scale, color="#0072B2", linewidth=2)
        for x in wtps:
            y = float(np.interp(x, w, v)) / scale
            ax.plot([x], [y], marker="o", color="#D55E00", markersize=6)
            ax.annotate(fixed(y * scale), (x, y), xytext=(4, 6), textcoords="offset points", fontsize=8.5)
        ax.set_xlim(float(w[0]), float(w[-1]))
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(_money_formatter())
        ax.yaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel(plain(f"Willingness to pay ({currency} per QALY gained)"))
        who = "population" if use_population else "per patient"
        ax.set_ylabel(plain(f"EVPI {who} ({currency}{words})"))
        return png(fig)


def evppi_bars_png(evppi: EvppiSummary, currency: str, top: int = 15, labels: Mapping[str, str] | None = None) -> bytes:
    """The ``top`` largest per-patient EVPPIs at the headline WTP, ranked, with bars of ±1.96
    standard errors; each labelled with ``labels`` (name -> label; default the name)."""
    labels = labels or {}
    rows = [(e.name, a) for e in evppi.estimates for a in e.at_wtp if a.wtp == evppi.headline_wtp][:top]
    values = np.asarray([a.per_patient for _, a in rows] or [0.0])
    scale, words = money_scale(values)
    height = 1.2 + 2 * TORNADO_LINE_INCHES * max(len(rows), 1)  # a slot of two label lines per bar
    with style():
        fig = new_figure(8.0, height)
        fig.subplots_adjust(left=0.3, right=0.95, top=1 - 0.15 / height, bottom=0.8 / height)
        ax = fig.add_subplot()
        y = np.arange(len(rows))[::-1]
        ax.barh(
            y,
            [a.per_patient / scale for _, a in rows],
            xerr=[1.96 * a.se / scale for _, a in rows],
            color="#0072B2",
            ecolor="#555555",
            capsize=3,
        )
        ax.set_yticks(y, [_wrapped_label(plain(labels.get(name, name))) for name, _ in rows])
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel(plain(f"EVPPI per patient ({currency}{words}) at {fixed(evppi.headline_wtp)} per QALY"))
        _left_margin_for_tick_labels(fig, ax)
        return png(fig)


def _left_margin_for_tick_labels(fig: MplFigure, ax: Axes) -> float:
    """Set the axes' left edge so that its widest y tick label and a 0.15-inch gap fit on the canvas
    (at most 60 % of the width); returns that edge [share of the figure's width]."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    widest = max((t.get_window_extent(renderer).width for t in ax.get_yticklabels()), default=0.0)
    left = min((widest + 0.15 * fig.dpi) / fig.bbox.width, 0.6)
    fig.subplots_adjust(left=left)
    return left


def evppi_curves_png(
    wtp: Sequence[float], evpi: Sequence[float], evppi: EvppiSummary, currency: str, top: int = 6
) -> bytes:
    """Per-patient EVPI and the EVPPI of the ``top`` highest-ranked parameters and groups against
    willingness to pay."""
    w = np.asarray(wtp, dtype=float)
    total = np.asarray(evpi, dtype=float)
    scale, words = money_scale(total if total.size else np.zeros(1))
    with style():
        fig = new_figure(8.0, 4.2)
        fig.subplots_adjust(left=0.13, right=0.7, top=0.95, bottom=0.15)
        ax = fig.add_subplot()
        ax.plot(w, total / scale, color="#000000", linewidth=2.5, label="EVPI (all parameters)")
        for i, e in enumerate(evppi.estimates[:top]):
            ax.plot(
                w,
                np.asarray(e.curve_per_patient) / scale,
                color=strategy_colour(i + 1),
                linestyle=strategy_dash(i),
                linewidth=1.8,
                label=plain(e.name),
            )
        ax.set_xlim(float(w[0]), float(w[-1]))
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(_money_formatter())
        ax.yaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel(plain(f"Willingness to pay ({currency} per QALY gained)"))
        ax.set_ylabel(plain(f"Per patient ({currency}{words})"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5)
        return png(fig)


def budget_impact_png(bi: BudgetImpact, currency: str) -> bytes:
    """Incremental budget impact per budget year, drug and other costs stacked, the total marked."""
    years = np.asarray(bi.years)
    drug, other = np.asarray(bi.incremental_drug), np.asarray(bi.incremental_other)
    total = np.asarray(bi.incremental_total)
    scale, words = money_scale(np.concatenate([drug, other, total]))
    with style():
        fig = new_figure(8.0, 3.9)
        fig.subplots_adjust(left=0.14, right=0.96, top=0.95, bottom=0.2)
        ax = fig.add_subplot()
        ax.bar(years, drug / scale, color="#0072B2", label="drug costs")
        ax.bar(
            years,
            other / scale,
            bottom=np.where(other >= 0, np.maximum(drug, 0), np.minimum(drug, 0)) / scale,
            color="#E69F00",
            label="other costs",
        )
        ax.plot(years, total / scale, "o", color="#000000", label="total")
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xticks(years, [f"year {y}" for y in years])
        ax.yaxis.set_major_formatter(_money_formatter())
        ax.set_ylabel(plain(f"Budget impact ({currency}{words})"))
        handles, labels = ax.get_legend_handles_labels()
        legend_below(fig, handles, labels, max_columns=3)
        return png(fig)


def convergence_png(
    running: dict[str, np.ndarray],
    running_se: dict[str, np.ndarray],
    wtp: float,
    currency: str,
    colour_index: dict[str, int] | None = None,
) -> bytes:
    """Running mean of the incremental NMB of each strategy against the number of samples,
    with a band of ±1.96 Monte Carlo standard errors."""
    colour_index = _index(colour_index, list(running))
    values = np.concatenate(list(running.values())) if running else np.zeros(1)
    scale, words = money_scale(values)
    with style():
        fig = new_figure(8.0, 4.2)
        fig.subplots_adjust(left=0.13, right=0.97, top=0.95, bottom=0.27)
        ax = fig.add_subplot()
        for s, mean in running.items():
            i = colour_index.get(s, 0)
            n = np.arange(1, len(mean) + 1)
            se = running_se.get(s)
            if se is not None:
                ax.fill_between(
                    n,
                    (mean - 1.96 * se) / scale,
                    (mean + 1.96 * se) / scale,
                    color=strategy_colour(i),
                    alpha=0.15,
                    linewidth=0,
                )
            ax.plot(
                n, mean / scale, color=strategy_colour(i), linestyle=strategy_dash(i), linewidth=1.6, label=plain(s)
            )
        ax.axhline(0, color="#888888", linewidth=0.9, linestyle="--")
        ax.yaxis.set_major_formatter(_money_formatter())
        ax.xaxis.set_major_formatter(_money_formatter())
        ax.set_xlabel("Number of PSA samples")
        ax.set_ylabel(plain(f"Running mean INMB ({currency}{words})"))
        ax.set_xlim(1, max(len(v) for v in running.values()) if running else 1)
        handles, labels = ax.get_legend_handles_labels()
        handles.append(Patch(color="#888888", alpha=0.3, label="±1.96 Monte Carlo SE"))
        labels.append("±1.96 Monte Carlo SE")
        legend_below(
            fig,
            handles,
            labels,
            title=plain(f"Incremental NMB at {money(wtp, currency)}/QALY"),
            title_fontsize=9,
        )
        return png(fig)
