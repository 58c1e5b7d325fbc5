"""Figures for report.html, drawn with matplotlib's Agg canvas (no display, no pyplot
global state) and returned as PNG bytes."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure


@dataclass(frozen=True)
class Figure:
    """A figure for the report: ``png`` bytes, a title and a caption (plain text; the
    HTML writer escapes both)."""

    title: str
    png: bytes
    caption: str = ""

    @property
    def base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def _plain(text: str) -> str:
    """Text drawn literally by matplotlib (no mathtext from ``$``)."""
    return str(text).replace("$", r"\$")


def _png(fig: MplFigure) -> bytes:
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def trace_figures(results: xr.Dataset, strategies: Sequence[str] | None = None) -> list[bytes]:
    """Markov trace of each strategy: share of the cohort in each state against time [years].

    One PNG per strategy, all on the same axes (one figure is redrawn with each strategy's
    lines, which is also twice as fast as drawing separate figures).
    """
    strategies = list(results["strategy"].values) if strategies is None else list(strategies)
    years = np.asarray(results["years"].values, dtype=float)
    states = list(results["state"].values)
    fig = MplFigure(figsize=(7.0, 3.6))
    fig.subplots_adjust(left=0.09, right=0.78, bottom=0.14, top=0.9)
    ax = fig.add_subplot()
    lines = [ax.plot(years, np.zeros_like(years), label=_plain(state), linewidth=1.6)[0] for state in states]
    ax.set_xlabel("Years since start")
    ax.set_ylabel("Share of cohort")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(float(years[0]), float(years[-1]) if len(years) > 1 else 1.0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=9)
    out = []
    for strategy in strategies:
        trace = results["trace"].sel(strategy=strategy)
        for line, state in zip(lines, states):
            line.set_ydata(np.asarray(trace.sel(state=state).values, dtype=float))
        ax.set_title(_plain(f"Markov trace: {strategy}"), fontsize=11)
        out.append(_png(fig))
    return out


def trace_figure(results: xr.Dataset, strategy: str) -> bytes:
    """Markov trace of one strategy (see :func:`trace_figures`)."""
    return trace_figures(results, [strategy])[0]
