"""Figures of treatment-free time: the Q-TWiST threshold utility plot.

Numbers come from :mod:`hecon.analysis.qtwist` (fields of the result); this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hecon.analysis.qtwist import QTwistComparison
from hecon.report.style import new_figure, plain, png, strategy_colour, style

_GRID = 201
"""Points per axis of the shading of the threshold plot."""


def qtwist_threshold_png(comparisons: Sequence[QTwistComparison], strategies: Sequence[str]) -> bytes:
    """One panel per pair of strategies: the unit square of utilities (u_TOX on x, u_REL on y),
    shaded by the strategy with the higher Q-TWiST, with the line where the difference is 0
    (Gelber et al., Stat Med 1993;12:1281)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    n = len(comparisons)
    u = np.linspace(0.0, 1.0, _GRID)
    x, y = np.meshgrid(u, u)
    with style():
        fig = new_figure(3.4 * n + 0.6, 3.9)
        axes = fig.subplots(1, n, squeeze=False)[0]
        fig.subplots_adjust(left=0.08, right=0.98, top=0.86, bottom=0.3, wspace=0.35)
        for ax, c in zip(axes, comparisons):
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
            ax.set_xlabel("Utility of TOX (u_TOX)")
            ax.set_ylabel("Utility of REL (u_REL)")
            ax.set_title(f"{plain(c.strategy)} vs {plain(c.comparator)}", fontsize=9.5)
            ax.grid(False)
            ax.legend(
                [Patch(facecolor=a, alpha=0.35), Patch(facecolor=b, alpha=0.35)],
                [f"{plain(c.strategy)} higher", f"{plain(c.comparator)} higher"],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.22),
                fontsize=8,
                ncol=1,
                frameon=False,
            )
        return png(fig)
