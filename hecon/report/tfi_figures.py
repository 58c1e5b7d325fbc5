"""Figures of treatment-free time: the Q-TWiST threshold utility plot, treatment-free survival
(stacked shares) and the time to the first treatment-free cycle.

Numbers come from :mod:`hecon.analysis.qtwist` (fields of the result); this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hecon.analysis.qtwist import QTwistComparison
from hecon.analysis.treatment_free import TfsVariant
from hecon.report.style import BASE_FONT, new_figure, plain, png, strategy_colour, style

_GRID = 201
"""Points per axis of the shading of the threshold plot."""


def qtwist_threshold_png(comparisons: Sequence[QTwistComparison], strategies: Sequence[str]) -> bytes:
    """One panel per pair of strategies: the unit square of utilities (u_TOX on x, u_REL on y),
    shaded by the strategy with the higher Q-TWiST, with the line where the difference is 0
    (Gelber et al., Stat Med 1993;12:1281)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    n = len(comparisons)
    ncols = max(1, min(n, QTWIST_COLUMNS))
    nrows = -(-n // ncols)
    u = np.linspace(0.0, 1.0, _GRID)
    x, y = np.meshgrid(u, u)
    shown = [s for s in strategies if any(s in (c.strategy, c.comparator) for c in comparisons)]
    legend_rows = -(-len(shown) // 3)
    bottom = 0.35 + 0.3 * legend_rows  # the shared legend of the strategies' shades
    height = nrows * QTWIST_ROW_INCHES + bottom + 0.1
    with style():
        fig = new_figure(QTWIST_WIDTH_INCHES, height)
        axes = fig.subplots(nrows, ncols, squeeze=False)
        fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.6 / height, bottom=(bottom + 0.45) / height)
        fig.subplots_adjust(hspace=0.8 / (QTWIST_ROW_INCHES - 0.8), wspace=0.3)
        for k in range(n, nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        for k, c in enumerate(comparisons):
            ax = axes[k // ncols][k % ncols]
            a, b = strategy_colour(strategies.index(c.strategy)), strategy_colour(strategies.index(c.comparator))
            diff = c.d_tox * x + c.d_twist + c.d_rel * y
            ax.imshow(
                (diff > 0).astype(float),
                origin="lower",
                extent=(0, 1, 0, 1),
                cmap=ListedColormap([b, a]),
                vmin=0,
                vmax=1,
                alpha=0.35,
                aspect="auto",
            )
            if c.zero_line is not None:
                (x0, y0), (x1, y1) = c.zero_line
                ax.plot([x0, x1], [y0, y1], color="black", linewidth=1.6)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            if k + ncols >= n:  # the last panel of its column
                ax.set_xlabel("Utility of TOX (u_TOX)")
            if k % ncols == 0:
                ax.set_ylabel("Utility of REL (u_REL)")
            ax.set_title(f"{plain(c.strategy)}\nvs {plain(c.comparator)}", fontsize=BASE_FONT)
            ax.grid(False)
        fig.legend(
            [Patch(facecolor=strategy_colour(strategies.index(s)), alpha=0.35) for s in shown],
            [f"{plain(s)} higher" for s in shown],
            loc="lower center",
            ncol=min(3, len(shown)),
            frameon=False,
        )
        return png(fig)


QTWIST_COLUMNS = 4
"""Panels per row of the Q-TWiST threshold figure."""
QTWIST_WIDTH_INCHES = 10.0
"""Width of the Q-TWiST threshold figure [inches]: printed at the A4 text column (7.3 inches), its
10-point text prints at 7.3 points."""
QTWIST_ROW_INCHES = 2.75
"""Height of a row of panels, with their two-line titles, tick labels and the bottom row's axis label
[inches]: 15 pairs of six strategies print on one page."""


_TFS_COLOURS = {"on_treatment": "#CC6677", "treatment_free": "#44AA99", "after_progression": "#DDCC77"}
_TFS_LABELS = {
    "on_treatment": "On treatment",
    "treatment_free": "Alive and treatment-free",
    "after_progression": "After progression",
}


def tfs_png(variant: TfsVariant, years: np.ndarray, strategies: Sequence[str], end_years: float) -> bytes:
    """One panel per strategy: the living cohort stacked as on treatment, treatment-free and
    after progression over the first ``end_years`` (Regan et al., J Clin Oncol 2019;37:3350)."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    keep = years <= end_years + 1e-9
    t = years[keep] * 12.0
    n = len(strategies)
    with style():
        height = 1.5 * n + 1.2
        fig = new_figure(9.0, height)
        axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
        fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.3 / height, bottom=1.0 / height, hspace=0.5)
        for ax, s in zip(axes, strategies):
            shares = variant.curves[s]
            ax.stackplot(
                t,
                *[shares[c][keep] for c in _TFS_COLOURS],
                colors=list(_TFS_COLOURS.values()),
                linewidth=0,
            )
            ax.set_xlim(0, t[-1])
            ax.set_ylim(0, 1)
            ax.grid(False)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_title(plain(s), loc="left", fontsize=10, pad=3)
        axes[-1].set_xlabel("Months since start")
        fig.legend(
            [Patch(facecolor=c, edgecolor="none") for c in _TFS_COLOURS.values()],
            list(_TFS_LABELS.values()),
            loc="lower center",
            ncol=3,
        )
        return png(fig)


def first_treatment_free_png(
    variants: Sequence[TfsVariant], years: np.ndarray, strategies: Sequence[str], end_years: float
) -> bytes:
    """Share of the cohort that has been treatment-free by each time, per strategy (colour) and
    kind of therapy (line style)."""
    from matplotlib.ticker import PercentFormatter

    keep = years <= end_years + 1e-9
    t = years[keep] * 12.0
    with style():
        fig = new_figure(8.0, 4.2)
        ax = fig.subplots()
        for j, v in enumerate(variants):
            for i, s in enumerate(strategies):
                if s in v.first:
                    ax.plot(
                        t,
                        v.first[s].curve[keep],
                        color=strategy_colour(i),
                        linestyle=("-", "--", ":", "-.")[j % 4],
                        label=f"{plain(s)} ({v.label})",
                    )
        ax.set_xlim(0, t[-1])
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("Months since start")
        ax.set_ylabel("Has been treatment-free")
        ax.legend(fontsize=8, loc="lower right")
        return png(fig)
